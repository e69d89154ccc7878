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
import { L1Reader, type ProjectOut } from '../l1-structure/stream';

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


export class SymbolTable {
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
    for (const [name, module, imported] of facts.binds) {
      mod.binds ??= new Map();
      // First binding wins: `try: import json / except: import simplejson as json` names the first.
      if (!mod.binds.has(name)) mod.binds.set(name, imported !== undefined ? { m: module, n: imported } : { m: module });
    }
    for (const [fqn, id, kind] of facts.defs) if (!this.defs.has(fqn)) this.defs.set(fqn, { id, kind, file: fileIdx });
    for (const [fqn, t] of facts.varTypes) if (!this.varTypes.has(fqn)) this.varTypes.set(fqn, t);
    for (const [cls, base] of facts.bases) {
      let list = this.bases.get(cls);
      if (!list) this.bases.set(cls, (list = []));
      list.push(base);
    }
    this.addNamespaces(m.fqn);
  }

  private addNamespaces(fqn: string): void {
    let i = fqn.lastIndexOf('.');
    while (i > 0) {
      const prefix = fqn.slice(0, i);
      if (this.namespaces.has(prefix)) return;
      this.namespaces.add(prefix);
      i = prefix.lastIndexOf('.');
    }
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
