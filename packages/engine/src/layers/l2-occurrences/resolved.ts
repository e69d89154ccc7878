/**
 * L4's resolved reference sites of a project, for the SCIP export: per file, each call / instantiation / base /
 * decorator site L4 resolved (imports, MRO, value flow) with the FQNs of its targets.
 *
 * Only the export reads this: an L2 document depends on its own file's L1 record alone, so it cannot know what L4
 * resolved; the export, which already needs the whole project, puts L4's targets on the document's occurrences. The
 * graph's edges come from complete.ts (the same function `codegraph export --format jsonl` uses), so the SCIP index
 * and the graph name the same targets. A project without L4 output has no sites: the export then keeps the names
 * L2 resolved on its own.
 */
import { readJsonOrUndefined } from '../../util/atomic';
import { PackReader } from '../../util/pack';
import { L1Reader } from '../l1-structure/stream';
import { graphEdges, parseL4Lines } from '../l4-resolve/complete';
import { L3Overlay, withTypes } from '../l3-types/overlay';
import { l4ManifestPath, resolvedPackPath, type L4Manifest } from '../l4-resolve/run';
import { baseFqn, calleeSite, REF_EDGES } from './document';

/** `line,char,endLine,endChar` of an occurrence range. */
export const rangeKey = (r: readonly number[]): string => `${r[0]},${r[1]},${r[2]},${r[3]}`;

/** What L4 resolved in a file. */
export interface FileSites {
  /** Call / instantiation / base / decorator sites: range key → target FQNs (no `#n` suffixes), in L4's order. */
  calls: Map<string, string[]>;
  /**
   * Imported names: the FQN an import statement names (L1's IMPORTS target, `core.g` for `from core import g`) →
   * the definition L4 found for it (`core.lib.g` through `from .lib import *` in core/__init__.py). The document
   * refers to an import-bound name by the former, at the import, its reads and calls through it.
   */
  imports: Map<string, string>;
}

export class ResolvedSites {
  private readonly l1: L1Reader;
  private readonly l1Keys: Map<string, string>;
  /** L3's type-resolved sites, laid over L4's when the project has them. */
  private readonly l3: L3Overlay | undefined;

  private constructor(
    private readonly manifest: L4Manifest,
    private readonly pack: PackReader,
    outDir: string,
  ) {
    this.l1 = L1Reader.open(outDir);
    this.l3 = L3Overlay.open(outDir);
    this.l1Keys = new Map(this.l1.refs.map((r) => [r.file, r.key]));
  }

  /** A project's L4 output, or undefined when it has none (or it is unreadable). Requires initHash(). */
  static open(outDir: string): ResolvedSites | undefined {
    const m = readJsonOrUndefined<L4Manifest>(l4ManifestPath(outDir));
    if (!m?.files) return undefined;
    const pack = PackReader.open(resolvedPackPath(outDir));
    if (!pack) return undefined;
    try {
      return new ResolvedSites(m, pack, outDir);
    } catch {
      pack.close();
      return undefined;
    }
  }

  /** A file's resolved sites; undefined when L4 has no record of it or its L1 record is missing or damaged. */
  of(file: string): FileSites | undefined {
    const entry = this.manifest.files[file];
    const l1Key = this.l1Keys.get(file);
    if (!entry || l1Key === undefined) return undefined;
    const text = this.pack.text(entry.key);
    if (!text) return undefined;
    const ir = this.l1.record({ file, key: l1Key });
    if (!ir) return undefined;
    const sites: FileSites = { calls: new Map(), imports: new Map() };
    const l1Targets = new Map(ir.edges.filter((e) => e.edge === 'IMPORTS').map((e) => [e.id, e.target]));
    // An edge derived from an L1 edge (another target of the same site) has no callee of its own: it follows its
    // L1 edge in graphEdges' order, so it takes that edge's site.
    const l1Ids = new Set(ir.edges.map((e) => e.id));
    let lastSite: ReturnType<typeof calleeSite>;
    const l4lines = text.split('\n');
    for (const g of graphEdges(ir.edges, parseL4Lines(this.l3 ? withTypes(l4lines, this.l3.linesOf(file)) : l4lines))) {
      const e = g.edge;
      // Implicit calls (`for` → `__iter__`) have no name written at their span: calleeSite finds no site for them.
      const derived = !l1Ids.has(e.id) && e.attrs?.implicit === undefined;
      if (!derived) lastSite = calleeSite(e);
      if (e.edge === 'IMPORTS') {
        const named = l1Targets.get(e.id);
        if (g.byL4 && e.dst !== undefined && named !== undefined && e.target !== undefined && named !== e.target) sites.imports.set(named, baseFqn(e.target));
        continue;
      }
      if (!g.byL4 || !REF_EDGES.has(e.edge) || e.target === undefined) continue;
      const site = derived ? lastSite : calleeSite(e);
      if (!site) continue;
      const target = baseFqn(e.target);
      // The `__init__` call after an instantiation is not a reference to the name written (as in the document).
      if (site.last !== '__init__' && target.endsWith('.__init__')) continue;
      const k = rangeKey(site.range);
      const list = sites.calls.get(k);
      if (!list) sites.calls.set(k, [target]);
      else if (!list.includes(target)) list.push(target);
    }
    return sites;
  }

  close(): void {
    this.pack.close();
    this.l1.close();
    this.l3?.close();
  }
}
