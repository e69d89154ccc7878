/**
 * The global symbol table L4 resolves against: every module and every addressable definition (module-level
 * names, class members, nested classes) of all the given projects, plus what a module re-exports (its module-level
 * imports, `__all__`, `*` imports) and each class's bases.
 *
 * It is built by streaming shards and keeps only those facts, never whole shards: a 2M LOC repository is a few
 * hundred thousand definitions, held as Maps of strings. Functions' locals, parameters, lambdas and every edge
 * other than INHERITS are skipped without being parsed.
 */
import type { Binding, FileFacts } from '../l1-structure/interface';
import { L1Reader, L1Readers, type ProjectOut, type ShardRef } from '../l1-structure/stream';

export { importBinding, unboundName, type Binding, type ImportAttrs } from '../l1-structure/interface';

export interface FileRec {
  path: string;
  project: string;
  module: string;
}

export interface DefRec {
  id: string;
  kind: string;
  /** Index into SymbolTable.files. */
  file: number;
}

export interface ModRec {
  id: string;
  file: number;
  pkg: boolean;
  all?: string[];
  stars?: string[];
  binds?: Map<string, Binding>;
}

/**
 * What name resolution reads of a symbol table: lookups by name only (the built table's maps, or the lazy table's
 * loaders). `files` is indexed by the `file` of the records it returns (a path and project, nothing ordered).
 */
export interface Symbols {
  readonly files: readonly FileRec[];
  readonly modules: { get(fqn: string): ModRec | undefined; has(fqn: string): boolean };
  readonly namespaces: { has(fqn: string): boolean };
  readonly defs: { get(fqn: string): DefRec | undefined };
  readonly bases: { get(cls: string): string[] | undefined };
  readonly varTypes: { get(fqn: string): string | undefined };
  /** Files whose interface facts could not be read, in the order the table meets them. */
  readonly unreadable: readonly string[];
  isNamespace(fqn: string): boolean;
}

export class SymbolTable implements Symbols {
  readonly files: FileRec[] = [];
  readonly modules = new Map<string, ModRec>();
  /** Prefixes of module names that are not modules themselves: namespace packages (PEP 420). */
  readonly namespaces = new Set<string>();
  readonly defs = new Map<string, DefRec>();
  /** Class FQN → base expressions as FQNs (L1 INHERITS targets; may still need resolving, e.g. re-exports). */
  readonly bases = new Map<string, string[]>();
  /** Module-level and class-level variable FQN → the class it holds an instance of (`router = Router()`). */
  readonly varTypes = new Map<string, string>();
  readonly unreadable: string[] = [];
  private projects = new Set<string>();

  /**
   * Adds every file of a project, from its L1 interface facts (never its IR). The first project added wins on a
   * duplicate module or FQN (two projects both having a `tests` package, say), so callers add the project being
   * resolved first.
   */
  addProject(p: ProjectOut): void {
    if (this.projects.has(p.name)) return;
    this.projects.add(p.name);
    const l1 = L1Reader.open(p.outDir);
    try {
      for (const ref of l1.refs) {
        const facts = l1.factsOf(ref);
        if (!facts) {
          this.unreadable.push(ref.file);
          continue;
        }
        this.addFacts(facts, { path: ref.file, project: p.name, module: ref.module });
      }
    } finally {
      l1.close();
    }
  }

  addFacts(facts: FileFacts, rec: FileRec): void {
    const m = facts.module;
    // A duplicate module (same name in another file or project): its definitions lose too.
    if (!m || this.modules.has(m.fqn)) return;
    const fileIdx = this.files.length;
    this.files.push(rec);
    const mod: ModRec = { id: m.id, file: fileIdx, pkg: m.pkg };
    if (m.all) mod.all = m.all;
    if (m.stars) mod.stars = m.stars;
    this.modules.set(m.fqn, mod);
    addModuleFacts(facts, fileIdx, mod, this);
    addNamespaces(this.namespaces, m.fqn);
  }

  /** A namespace package is a prefix of module names with no module of its own. */
  isNamespace(fqn: string): boolean {
    return this.namespaces.has(fqn) && !this.modules.has(fqn);
  }

  /** Compact, JSON-serialisable view of the definitions of one project (or all when `project` is undefined). */
  toJSON(project?: string): unknown {
    const fileIdx = new Map<number, number>();
    const files: string[] = [];
    const idx = (f: number): number => {
      let i = fileIdx.get(f);
      if (i === undefined) {
        i = files.length;
        files.push(this.files[f]!.path);
        fileIdx.set(f, i);
      }
      return i;
    };
    const keep = (f: number) => project === undefined || this.files[f]!.project === project;
    const modules: Record<string, [number, string]> = {};
    for (const [fqn, m] of this.modules) if (keep(m.file)) modules[fqn] = [idx(m.file), m.id];
    const defs: Record<string, [string, string, number]> = {};
    for (const [fqn, d] of this.defs) if (keep(d.file)) defs[fqn] = [d.id, d.kind, idx(d.file)];
    return { schema: 1, ...(project !== undefined ? { project } : {}), files, modules, defs };
  }
}

/** A file a lazy table may load: its project's reader, its ref, its rank in the built table's order. */
interface LazyFile {
  l1: L1Reader;
  project: string;
  ref: ShardRef;
  rank: number;
}

/** A module's part of the table, as `SymbolTable.addFacts` would add it. */
interface LazyModule {
  rank: number;
  rec: ModRec;
  defs: Map<string, DefRec>;
  varTypes: Map<string, string>;
  bases: Map<string, string[]>;
}

/**
 * The symbol table of a project and its dependencies, loaded a module at a time as names under it are asked for: a
 * run that resolves one file decodes the facts of the modules that file's names reach, not of every file (the
 * built table decodes ~2,600 files' facts on django + stdlib).
 *
 * It answers exactly what the built table (`SymbolTable`, projects added in the same order) answers, given that every
 * file's facts are regular (inputs-index.ts: they declare the manifest's module and define names under it only) —
 * the caller checks that before using it. Then: the files of module M are those whose manifest names M, the first one
 * readable wins it (as the first added wins); a definition, variable type or class's bases named X can only come
 * from the modules that are dotted prefixes of X, so those are loaded and the first in table order wins (bases: all of
 * them, in table order); namespace packages are the prefixes of the readable files' modules. Which files are readable
 * is told up front from the records' checksums (no decompression), as the built table's `unreadable` lists them.
 */
export class LazySymbolTable implements Symbols {
  readonly files: FileRec[] = [];
  readonly unreadable: string[] = [];
  readonly namespaces = new Set<string>();
  /** Per module, the readable files declaring it in table order: the first one wins the module. */
  private candidates = new Map<string, LazyFile>();
  /** The same files by rank. */
  private ranked: LazyFile[] = [];
  private loaded = new Map<string, LazyModule | null>();
  /** Files whose facts were decoded (tests: a reused run decodes only what it resolves). */
  decoded = 0;

  readonly modules = { get: (fqn: string) => this.module(fqn)?.rec, has: (fqn: string) => this.candidates.has(fqn) };
  // Each name's answer is kept: the resolver asks for a definition before every memoised lookup of its own.
  readonly defs = memoized((fqn) => this.first(fqn, (m) => m.defs.get(fqn)));
  readonly varTypes = memoized((fqn) => this.first(fqn, (m) => m.varTypes.get(fqn)));
  readonly bases = memoized((cls) => {
    let out: string[] | undefined;
    for (const m of this.prefixModules(cls)) {
      const b = m.bases.get(cls);
      if (b) (out ??= []).push(...b);
    }
    return out;
  });

  /**
   * The table of `projects` in this order (first wins), their duplicates skipped as `SymbolTable.addProject` does; or
   * undefined when some readable file's facts are not known to be regular (`regular`), where only the built table
   * is exact.
   */
  static open(projects: readonly ProjectOut[], regular: (ref: ShardRef) => boolean | undefined, readers?: L1Readers): LazySymbolTable | undefined {
    const own = !readers;
    const t = new LazySymbolTable(projects, regular, readers ?? new L1Readers(), own);
    if (t.exact) return t;
    t.close();
    return undefined;
  }

  private exact = true;

  private constructor(
    projects: readonly ProjectOut[],
    regular: (ref: ShardRef) => boolean | undefined,
    private readonly readers: L1Readers,
    /** Whether the readers are the table's own (closed with it) or the caller's. */
    private readonly ownReaders: boolean,
  ) {
    const seen = new Set<string>();
    let rank = 0;
    for (const p of projects) {
      if (seen.has(p.name)) continue;
      seen.add(p.name);
      const l1 = readers.of(p);
      for (const ref of l1.refs) {
        if (!l1.hasFacts(ref)) {
          this.unreadable.push(ref.file);
          continue;
        }
        if (regular(ref) !== true) {
          this.exact = false;
          return;
        }
        if (this.candidates.has(ref.module)) continue;
        const f: LazyFile = { l1, project: p.name, ref, rank: rank++ };
        this.candidates.set(ref.module, f);
        this.ranked.push(f);
        addNamespaces(this.namespaces, ref.module);
      }
    }
  }

  isNamespace(fqn: string): boolean {
    return this.namespaces.has(fqn) && !this.candidates.has(fqn);
  }

  /**
   * A module's rank: its place among the table's modules (each declared by the first readable file naming it), in
   * table order — what a file's reads are recorded as (reads.ts). Undefined when no readable file declares it.
   */
  rankOf(module: string): number | undefined {
    return this.candidates.get(module)?.rank;
  }

  /** The interface hash (L1 manifest) of the file that declares the module of rank `rank`. */
  ifaceOf(rank: number): string | undefined {
    return this.ranked[rank]?.ref.iface;
  }

  close(): void {
    if (this.ownReaders) this.readers.close();
  }

  private module(fqn: string): LazyModule | undefined {
    const had = this.loaded.get(fqn);
    if (had !== undefined) return had ?? undefined;
    const f = this.candidates.get(fqn);
    const facts = f?.l1.factsOf(f.ref);
    if (f) this.decoded++;
    // Unreadable after its checksum was verified: cannot happen short of the file changing under the run.
    if (!f || !facts?.module) {
      this.loaded.set(fqn, null);
      return undefined;
    }
    const fileIdx = this.files.length;
    this.files.push({ path: f.ref.file, project: f.project, module: f.ref.module });
    const m = facts.module;
    const rec: ModRec = { id: m.id, file: fileIdx, pkg: m.pkg };
    if (m.all) rec.all = m.all;
    if (m.stars) rec.stars = m.stars;
    const mod: LazyModule = { rank: f.rank, rec, defs: new Map(), varTypes: new Map(), bases: new Map() };
    addModuleFacts(facts, fileIdx, rec, mod);
    this.loaded.set(fqn, mod);
    return mod;
  }

  /** The modules that are dotted prefixes of `fqn` (those whose names may be `fqn`), in table order. */
  private prefixModules(fqn: string): LazyModule[] {
    const out: LazyModule[] = [];
    for (let i = fqn.indexOf('.'); i > 0; i = fqn.indexOf('.', i + 1)) {
      const m = this.module(fqn.slice(0, i));
      if (m) out.push(m);
    }
    return out.sort((a, b) => a.rank - b.rank);
  }

  private first<T>(fqn: string, get: (m: LazyModule) => T | undefined): T | undefined {
    for (const m of this.prefixModules(fqn)) {
      const v = get(m);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

/** A lookup whose answers are computed once per name. */
/** Every dotted prefix of a module's FQN (`a`, `a.b` for `a.b.c`) is a package namespace. */
function addNamespaces(namespaces: Set<string>, fqn: string): void {
  let i = fqn.lastIndexOf('.');
  while (i > 0) {
    const prefix = fqn.slice(0, i);
    if (namespaces.has(prefix)) return;
    namespaces.add(prefix);
    i = prefix.lastIndexOf('.');
  }
}

/**
 * A module's facts into its record (bindings) and the name tables (`into`: the whole table's, or one lazily loaded
 * module's). The first binding, definition and variable type of a name wins: `try: import json / except: import
 * simplejson as json` names the first.
 */
function addModuleFacts(
  facts: FileFacts,
  fileIdx: number,
  rec: ModRec,
  into: { defs: Map<string, DefRec>; varTypes: Map<string, string>; bases: Map<string, string[]> },
): void {
  for (const [name, module, imported] of facts.binds) {
    rec.binds ??= new Map();
    if (!rec.binds.has(name)) rec.binds.set(name, imported !== undefined ? { m: module, n: imported } : { m: module });
  }
  for (const [fqn, id, kind] of facts.defs) if (!into.defs.has(fqn)) into.defs.set(fqn, { id, kind, file: fileIdx });
  for (const [fqn, t] of facts.varTypes) if (!into.varTypes.has(fqn)) into.varTypes.set(fqn, t);
  for (const [cls, base] of facts.bases) {
    let list = into.bases.get(cls);
    if (!list) into.bases.set(cls, (list = []));
    list.push(base);
  }
}

function memoized<T>(compute: (name: string) => T | undefined): { get(name: string): T | undefined } {
  const memo = new Map<string, T | null>();
  return {
    get(name: string): T | undefined {
      const had = memo.get(name);
      if (had !== undefined) return had ?? undefined;
      const v = compute(name);
      memo.set(name, v ?? null);
      return v;
    },
  };
}
