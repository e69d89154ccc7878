/**
 * A file's interface: what other files can see of it — its module, the names it binds at module level by import,
 * its addressable definitions (module-level names, class members, nested classes), the class a module- or
 * class-level variable holds an instance of, and its classes' bases. It is all cross-file resolution (L4) reads of
 * another file, so L1 stores it apart from the IR (`l1/facts.pack`) and records its hash in the manifest:
 *
 * - L4 builds its symbol table from the facts alone, never decompressing other files' IR;
 * - an edit that leaves every interface hash unchanged (a body-only edit: spans are not part of the interface)
 *   cannot change how any other file resolves, so L4 re-resolves the edited file only.
 */
import type { IrEdge, IrNode } from '../../ir/model';
import { hashString } from '../../util/hash';
import { isNodeLine, lineKind } from './lines';

/** What a name bound by an import refers to: a module (`import a.b as m` → {m:'a.b'}) or a name in one. */
export interface Binding {
  /** Module path as written (absolute; L1 made relative imports absolute). */
  m: string;
  /** The imported name for `from m import n`; absent for `import m`. */
  n?: string;
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

export interface FileFacts {
  /** The file's Module node; absent when the file has none (nothing of it is addressable then). */
  module?: { fqn: string; id: string; pkg: boolean; all?: string[]; stars?: string[] };
  /** Module-level import bindings in file order: [name, module, imported name?]. */
  binds: Array<[string, string] | [string, string, string]>;
  /** Addressable definitions in file order: [fqn, id, kind]. */
  defs: Array<[string, string, string]>;
  /** Module- and class-level variables holding an instance: [variable fqn, class fqn]. */
  varTypes: Array<[string, string]>;
  /** Class bases as L1 wrote them: [class fqn, base fqn or `module.name` for an unbound base]. */
  bases: Array<[string, string]>;
  /**
   * Not part of the interface (not hashed): every absolute import of the file, wherever it is, as [module, flags]
   * (1 = guarded by `try/except ImportError`, 2 = under `if TYPE_CHECKING:`), and whether the file is a test —
   * what package analysis (L9) reads, so it never needs the IR.
   */
  imports: Array<[string, number]>;
  test: boolean;
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

/** The facts of one file's IR records (nodes then edges, in file order). */
export function factsOfRecords(nodes: readonly IrNode[], edges: readonly IrEdge[]): FileFacts {
  const facts: FileFacts = { binds: [], defs: [], varTypes: [], bases: [], imports: [], test: false };
  let modId = '';
  let modFqn = '';
  // Ids of the containers whose children are addressable by FQN: the module and the classes under it.
  const containers = new Map<string, string>();
  for (const n of nodes) {
    const kind = n.node;
    if (kind === 'File') facts.test = n.attrs?.is_test === true;
    if (kind === 'Import') {
      const a = n.attrs as { module?: unknown; level?: unknown; optional?: unknown; type_checking?: unknown } | undefined;
      if (a?.level === 0 && typeof a.module === 'string') facts.imports.push([a.module, (a.optional === true ? 1 : 0) | (a.type_checking === true ? 2 : 0)]);
    }
    if (kind === 'Parameter' || kind === 'Lambda' || kind === 'File') continue;
    if (kind === 'Module') {
      if (facts.module) continue; // one module per file; a second Module node is ignored
      const attrs = n.attrs ?? {};
      facts.module = { fqn: n.fqn, id: n.id, pkg: attrs.is_package === true };
      if (Array.isArray(attrs.all)) facts.module.all = attrs.all as string[];
      if (Array.isArray(attrs.star_imports)) facts.module.stars = attrs.star_imports as string[];
      modId = n.id;
      modFqn = n.fqn;
      containers.set(n.id, n.fqn);
      continue;
    }
    // Locals of functions (most Variables) are not addressable.
    if (n.parent === undefined || !containers.has(n.parent)) continue;
    if (kind === 'Import') {
      if (n.parent !== modId) continue;
      const ib = importBinding(n);
      if (ib) facts.binds.push(ib.b.n !== undefined ? [ib.name, ib.b.m, ib.b.n] : [ib.name, ib.b.m]);
    } else if (DEF_KINDS.has(kind)) {
      facts.defs.push([n.fqn, n.id, kind]);
      if (kind === 'Class') containers.set(n.id, n.fqn);
      else if (kind === 'Variable') {
        // L1 writes an in-file class's FQN as the type (`type`), an imported one as `instance_of`.
        const t = n.attrs?.instance_of ?? n.attrs?.type;
        if (typeof t === 'string' && t.includes('.')) facts.varTypes.push([n.fqn, t]);
      }
    }
  }
  for (const e of edges) {
    if (e.edge !== 'INHERITS') continue;
    const cls = e.src === modId ? undefined : containers.get(e.src);
    const base = e.target ?? unboundName(modFqn, e.callee);
    if (cls && base !== undefined) facts.bases.push([cls, base]);
  }
  return facts;
}

/** The facts of one file's IR lines (as a reader gets them). */
export function factsOf(lines: readonly string[]): FileFacts {
  const nodes: IrNode[] = [];
  const edges: IrEdge[] = [];
  for (const line of lines) {
    if (isNodeLine(line)) nodes.push(JSON.parse(line) as IrNode);
    else if (lineKind(line) === 'INHERITS') edges.push(JSON.parse(line) as IrEdge);
  }
  return factsOfRecords(nodes, edges);
}

/** The hash of a file's interface, as the L1 manifest records it (`iface`): the facts other files can see. */
export function factsHash(f: FileFacts): string {
  return hashString(JSON.stringify([f.module ?? null, f.binds, f.defs, f.varTypes, f.bases]));
}
