/**
 * L3's answers as seen by the layers that read L4's completions (repo graph export, SCIP export, L7): a file's L4
 * lines with each line L4 left open replaced by L3's line for the same edge (`via: "type"`), and the targets L3
 * found beyond the first added as derived lines. Where a project has no L3 output (turned off), nothing changes.
 */
import { readJsonOrUndefined } from '../../util/atomic';
import { PackReader } from '../../util/pack';
import type { L4Line } from '../l4-resolve/run';
import { l3ManifestPath, typesPackPath } from './paths';
import type { L3FileRecord, L3Manifest } from './run';

export class L3Overlay {
  private constructor(
    private readonly manifest: L3Manifest,
    private readonly pack: PackReader,
  ) {}

  /** A project's L3 output, or undefined when it has none (L3 off) or it cannot be read. Requires initHash(). */
  static open(outDir: string): L3Overlay | undefined {
    const m = readJsonOrUndefined<L3Manifest>(l3ManifestPath(outDir));
    if (m?.schema !== 1 || !m.files) return undefined;
    const pack = PackReader.open(typesPackPath(outDir));
    return pack ? new L3Overlay(m, pack) : undefined;
  }

  /** The file's L3 key (part of a consumer's per-file key), or undefined without an L3 record. */
  keyOf(file: string): string | undefined {
    return this.manifest.files[file]?.key;
  }

  /** The file's overlay lines (raw JSON, as L4's), or [] when L3 has none for it. */
  linesOf(file: string): string[] {
    const key = this.keyOf(file);
    const text = key === undefined ? undefined : this.pack.text(key);
    if (!text) return [];
    try {
      return (JSON.parse(text) as L3FileRecord).lines.map((l) => JSON.stringify(l));
    } catch {
      return [];
    }
  }

  close(): void {
    this.pack.close();
  }
}

/**
 * A file's L4 lines (raw JSON) with L3's overlay applied. L3 only writes lines for edges L4 left open, so a line of
 * L3 replaces L4's line of the same id; derived lines (`of`) are appended.
 */
export function withTypes(l4: readonly string[], l3: readonly string[]): string[] {
  if (!l3.length) return [...l4];
  const byId = new Map<string, string>();
  const extra: string[] = [];
  for (const t of l3) {
    const l = JSON.parse(t) as L4Line;
    if ('of' in l && l.of !== undefined) extra.push(t);
    else byId.set(l.id, t);
  }
  const out: string[] = [];
  for (const t of l4) {
    if (!t) continue;
    const id = /"id":"([^"]*)"/.exec(t)?.[1];
    const rep = id === undefined ? undefined : byId.get(id);
    out.push(rep !== undefined && t.includes('"unresolved":true') ? rep : t);
  }
  return out.concat(extra);
}
