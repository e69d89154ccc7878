/**
 * What L4's early phases derive from the L1 interface facts of a project and its dependencies, kept from one run to
 * the next (`l4/inputs.pack`, one record) so that a run whose inputs did not change decodes none of those facts:
 *
 * - per file, keyed by its L1 key (engine fingerprint, path, module, content hash: its facts are a function of it),
 *   the top-level packages it imports — what the reached-packages walk and the dependency units read
 *   (facts-source.ts, dep-units.ts) — and whether its facts are *regular*: they declare the module the manifest names
 *   and every name they define lies under it, which is what lets the symbol table load a module's facts only when a
 *   name under it is asked for (symbols.ts, LazySymbolTable);
 * - per dependency unit, keyed by the unit's key (which names its summaries' content, summary-store.ts), how many
 *   files its summaries cover and their shape — what a dependent's answers are keyed by, known without reading them.
 *
 * Both are pure functions of their keys, so an entry can never be stale; the record also names its format. The record
 * is rewritten with exactly the entries this run used, sorted: a run over unchanged inputs writes the bytes a cold run
 * writes. A damaged or missing record reads as empty (everything is decoded again); a file whose facts cannot be read
 * gets no entry (it is tried again next run).
 */
import * as path from 'node:path';
import { PackReader, PackWriter } from '../../util/pack';
import type { FileFacts } from '../l1-structure/interface';
import type { ShardRef } from '../l1-structure/stream';

/** Where a file's interface facts are decoded from when the index does not know the file (an L1Reader). */
export interface FactsReader {
  factsOf(ref: Pick<ShardRef, 'key'>): FileFacts | undefined;
}

export const inputsPackPath = (outDir: string) => path.join(outDir, 'l4', 'inputs.pack');

/** Bumped whenever what an entry holds, or how it is derived, changes. */
const FORMAT = 'l4in-1';
const RECORD = `i:${FORMAT}`;

/** A file's entry: the top-level packages it imports (sorted), and 1 when its facts are regular. */
type FileEntry = [tops: string[], regular: 0 | 1];

/** A dependency unit's entry: how many files its summaries cover, and their shape. */
export interface UnitInfo {
  files: number;
  shape: string;
}

interface Stored {
  files: Record<string, FileEntry>;
  units: Record<string, [number, string]>;
}

/** The top-level package of a dotted module name. */
export const topLevel = (module: string) => {
  const dot = module.indexOf('.');
  return dot < 0 ? module : module.slice(0, dot);
};

/** Whether a file's facts declare the manifest's module and define names under it only (see the module comment). */
export function isRegular(facts: FileFacts, module: string): boolean {
  if (!module || facts.module?.fqn !== module) return false;
  const under = `${module}.`;
  for (const [fqn] of facts.defs) if (!fqn.startsWith(under)) return false;
  for (const [fqn] of facts.varTypes) if (!fqn.startsWith(under)) return false;
  for (const [cls] of facts.bases) if (!cls.startsWith(under)) return false;
  return true;
}

export class InputsIndex {
  private readonly prevFiles: Record<string, FileEntry>;
  private readonly prevUnits: Record<string, [number, string]>;
  private readonly files = new Map<string, FileEntry>();
  private readonly units = new Map<string, [number, string]>();
  /** Files whose facts this run decoded (not in the index, or their entry unknown): what a reused run saves. */
  decoded = 0;

  private constructor(
    private readonly outDir: string,
    prev: Stored | undefined,
    /** The record as read: a run that used the same entries leaves the file as it is. */
    private readonly prevText?: string,
  ) {
    this.prevFiles = prev?.files ?? {};
    this.prevUnits = prev?.units ?? {};
  }

  /** The index of a project's previous L4 run (empty when there is none or it cannot be read). */
  static open(outDir: string): InputsIndex {
    const pack = PackReader.open(inputsPackPath(outDir));
    let prev: Stored | undefined;
    let text: string | undefined;
    try {
      text = pack?.size === 1 ? pack.text(RECORD) : undefined;
      if (text !== undefined) {
        const p = JSON.parse(text) as Partial<Stored>;
        if (p && typeof p.files === 'object' && typeof p.units === 'object') prev = p as Stored;
      }
    } catch {
      prev = undefined;
    } finally {
      pack?.close();
    }
    return prev ? new InputsIndex(outDir, prev, text) : new InputsIndex(outDir, undefined);
  }

  /** An index that keeps nothing (callers that do not write L4's outputs). */
  static none(): InputsIndex {
    return new InputsIndex('', undefined);
  }

  private entry(l1: FactsReader, ref: ShardRef): FileEntry | undefined {
    let e = this.files.get(ref.key) ?? this.prevFiles[ref.key];
    if (!e) {
      const facts = l1.factsOf(ref);
      if (!facts) return undefined;
      this.decoded++;
      const tops = new Set<string>();
      for (const [m] of facts.imports) tops.add(topLevel(m));
      for (const b of facts.binds) tops.add(topLevel(b[1]));
      e = [[...tops].sort(), isRegular(facts, ref.module) ? 1 : 0];
    }
    this.files.set(ref.key, e);
    return e;
  }

  /**
   * The top-level packages a file imports (its imports and the modules of its imported names), or undefined when its
   * facts cannot be read. `l1` reads the facts of the file's project.
   */
  importedTops(l1: FactsReader, ref: ShardRef): readonly string[] | undefined {
    return this.entry(l1, ref)?.[0];
  }

  /** Whether the file's facts are regular, as far as this run has seen it (undefined: not seen, or unreadable). */
  regular(ref: Pick<ShardRef, 'key'>): boolean | undefined {
    const e = this.files.get(ref.key);
    return e === undefined ? undefined : e[1] === 1;
  }

  unit(key: string): UnitInfo | undefined {
    const u = this.units.get(key) ?? this.prevUnits[key];
    if (!u) return undefined;
    this.units.set(key, u);
    return { files: u[0], shape: u[1] };
  }

  setUnit(key: string, info: UnitInfo): void {
    this.units.set(key, [info.files, info.shape]);
  }

  /** Rewrites the index with the entries this run used (atomically), unless it holds those bytes already. */
  save(): void {
    if (!this.outDir) return;
    const sorted = <T>(m: Map<string, T>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const stored: Stored = { files: sorted(this.files), units: sorted(this.units) };
    const text = JSON.stringify(stored);
    if (text === this.prevText) return;
    const pack = new PackWriter(inputsPackPath(this.outDir));
    try {
      pack.addRaw(RECORD, text);
      pack.commit({ fsync: false });
    } catch (err) {
      pack.abort();
      throw err;
    }
  }
}
