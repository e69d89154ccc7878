/**
 * The global symbol table L4 resolves against: every module and every addressable definition (module-level
 * names, class members, nested classes) of all the given projects, plus what a module re-exports (its module-level
 * imports, `__all__`, `*` imports) and each class's bases.
 *
 * It is built by streaming shards and keeps only those facts, never whole shards: a 2M LOC repository is a few
 * hundred thousand definitions, held as Maps of strings. Functions' locals, parameters, lambdas and every edge
 * other than INHERITS are skipped without being parsed.
 */
import type { IrEdge, IrNode } from '../../ir/model';
import { isNodeLine, lineKind, projectShards, rawField, shardLines, type ProjectOut } from '../l1-structure/stream';

/** What a name bound by an import refers to: a module (`import a.b as m` → {m:'a.b'}) or a name in one. */
export interface Binding {
  /** Module path as written (absolute; L1 made relative imports absolute). */
  m: string;
  /** The imported name for `from m import n`; absent for `import m`. */
  n?: string;
}

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

/** Import node attrs as L1 writes them (extract.ts addImport). */
export interface ImportAttrs {
  module?: string;
  name?: string;
  alias?: string;
  level?: number;
  star?: boolean;
  unresolved_relative?: string;
}

/**
 * The name an Import node binds and what it binds it to, or undefined for `*` and relative imports
 * that could not be made absolute. `import a.b` binds `a` to module `a` (a.b is reached through it).
 */
export function importBinding(node: IrNode): { name: string; b: Binding } | undefined {
  const a = (node.attrs ?? {}) as ImportAttrs;
  if (a.star || a.unresolved_relative !== undefined || a.module === undefined) return undefined;
  if (a.name !== undefined) return { name: a.alias ?? a.name, b: a.module ? { m: a.module, n: a.name } : { m: a.name } };
  if (a.alias !== undefined) return { name: a.alias, b: { m: a.module } };
  const top = a.module.split('.')[0]!;
  return { name: top, b: { m: top } };
}


const DEF_KINDS = new Set(['Class', 'Function', 'Method', 'Variable']);
/** A dotted name as L1 writes callees that are plain names (`a`, `a.b.c`). */
const SIMPLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)*$/u;

/**
 * Where a name L1 found bound nowhere in its file can still come from: the module's `*` imports, i.e. the name as
 * an attribute of the module itself (`mod.name`, which the resolver looks up through the stars). Undefined for
 * callees that are not plain dotted names.
 */
export function unboundName(module: string, callee: string | undefined): string | undefined {
  return callee !== undefined && SIMPLE_NAME.test(callee) ? `${module}.${callee}` : undefined;
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
   * Adds every shard of a project. The first project added wins on a duplicate module or FQN (two projects both
   * having a `tests` package, say), so callers add the project being resolved first.
   */
  addProject(p: ProjectOut): void {
    if (this.projects.has(p.name)) return;
    this.projects.add(p.name);
    for (const s of projectShards(p.outDir)) {
      const lines = shardLines(s.shard);
      if (!lines) {
        this.unreadable.push(s.file);
        continue;
      }
      this.addShard(lines, { path: s.file, project: p.name, module: s.module });
    }
  }

  addShard(lines: readonly string[], rec: FileRec): void {
    const fileIdx = this.files.length;
    this.files.push(rec);
    let mod: ModRec | undefined;
    let modId = '';
    let modFqn = '';
    // Ids of the containers whose children are addressable by FQN: the module and the classes under it.
    const containers = new Map<string, string>();
    for (const line of lines) {
      if (isNodeLine(line)) {
        const kind = lineKind(line);
        if (kind === 'Parameter' || kind === 'Lambda' || kind === 'File') continue;
        if (kind !== 'Module') {
          // Locals of functions (most Variables) are not addressable: skip them before paying for JSON.parse.
          const parent = rawField(line, 'parent');
          if (parent === undefined || !containers.has(parent) || (kind === 'Import' && parent !== modId)) continue;
        }
        const n = JSON.parse(line) as IrNode;
        if (kind === 'Module') {
          if (mod || this.modules.has(n.fqn)) {
            // A duplicate module (same name in another file or project): its definitions lose too.
            if (!mod) return;
            continue;
          }
          const attrs = n.attrs ?? {};
          mod = { id: n.id, file: fileIdx, pkg: attrs.is_package === true };
          if (Array.isArray(attrs.all)) mod.all = attrs.all as string[];
          if (Array.isArray(attrs.star_imports)) mod.stars = attrs.star_imports as string[];
          modId = n.id;
          modFqn = n.fqn;
          this.modules.set(n.fqn, mod);
          containers.set(n.id, n.fqn);
        } else if (kind === 'Import') {
          if (!mod || n.parent !== modId) continue;
          const ib = importBinding(n);
          if (!ib) continue;
          mod.binds ??= new Map();
          // First binding wins: `try: import json / except: import simplejson as json` names the first.
          if (!mod.binds.has(ib.name)) mod.binds.set(ib.name, ib.b);
        } else if (DEF_KINDS.has(kind) && n.parent !== undefined && containers.has(n.parent)) {
          if (!this.defs.has(n.fqn)) this.defs.set(n.fqn, { id: n.id, kind, file: fileIdx });
          if (kind === 'Class') containers.set(n.id, n.fqn);
          else if (kind === 'Variable') {
            // L1 writes an in-file class's FQN as the type (`type`), an imported one as `instance_of`.
            const t = n.attrs?.instance_of ?? n.attrs?.type;
            if (typeof t === 'string' && t.includes('.') && !this.varTypes.has(n.fqn)) this.varTypes.set(n.fqn, t);
          }
        }
      } else if (lineKind(line) === 'INHERITS') {
        const e = JSON.parse(line) as IrEdge;
        const cls = e.src === modId ? undefined : containers.get(e.src);
        const base = e.target ?? unboundName(modFqn, e.callee);
        if (!cls || base === undefined) continue;
        let list = this.bases.get(cls);
        if (!list) this.bases.set(cls, (list = []));
        list.push(base);
      }
    }
    if (mod) this.addNamespaces(modFqn);
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
