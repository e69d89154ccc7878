/**
 * One file's L2 document: its definition and reference occurrences, computed from its L1 shard alone (no re-parse).
 *
 * A document depends on nothing but the shard, so it is cached under the shard's key. References to names defined
 * in other files stay unresolved here (`F<fqn>`): the index writer resolves them against the project-wide
 * definition table (and the owners' tables), which is cheap and always current. Local symbols are numbered per
 * document.
 */
import type { IrEdge, IrNode, Span } from '../../ir/model';
import { SIMPLE_CHAIN } from '../../lang/python/extract';
import * as d from './symbols';

/** Bump when the document shape or the occurrence rules change: cached documents are then recomputed. */
export const L2_FORMAT = 2;

/** SCIP SymbolRole bits. */
export const ROLE = { Definition: 1, Import: 2, WriteAccess: 4, ReadAccess: 8 } as const;

/** SCIP SymbolInformation.Kind values used here. */
export const KIND = { Class: 7, Field: 15, Function: 17, Method: 26, Module: 29, Parameter: 37, Variable: 61 } as const;

/**
 * Symbol references of a document:
 * - `D<descriptors>` a global symbol defined in this project (the package prefix is added when the index is written);
 * - `L<n>` a document-local symbol (`local <n>`);
 * - `F<fqn>` or `F<fqn>|<module>` a name defined elsewhere, resolved when the index is written; `<module>` is the
 *   module part of the FQN when the import statement tells it.
 */
export type SymRef = string;

/** [startLine, startChar, endLine, endChar, symbolIndex, roles] + optional enclosing [sl, sc, el, ec]. */
export type Occ = number[];

/** [symbolIndex, kind, displayName, enclosingSymbolIndex (-1: none), documentation?] */
export type Info = [number, number, string, number, string?];

export interface L2Doc {
  format: number;
  file: string;
  module: string;
  syms: SymRef[];
  occ: Occ[];
  info: Info[];
  /** FQN → `D` descriptors of the global definitions of this file; `=<fqn>` for module-level import bindings. */
  defs: Record<string, string>;
  /** Module names that import statements of this file name (module boundaries for unresolved FQNs). */
  mods: string[];
}

const IDENT_AT_END = /([A-Za-z_][A-Za-z0-9_]*)$/;
export const REF_EDGES: ReadonlySet<string> = new Set(['CALLS', 'INSTANTIATES', 'INHERITS', 'DECORATES']);

/** FQN without the `#2` redefinition suffixes L1 adds. */
export function baseFqn(fqn: string): string {
  return fqn.includes('#') ? fqn.replace(/#\d+/g, '') : fqn;
}

/**
 * Where a call / instantiation / base / decorator reference occurs: the callee's last name (`a.b.f()` → `f`; the
 * root is a READS edge of its own), or undefined when the span does not tell it (multi-line, computed callee).
 * The index export puts L4's targets at the same ranges, so both must come from here.
 */
export function calleeSite(e: Pick<IrEdge, 'callee' | 'span'>): { range: Span; last: string } | undefined {
  const span = e.span;
  if (!span || !e.callee) return undefined;
  const m = IDENT_AT_END.exec(e.callee);
  if (!m) return undefined;
  const last = m[1]!;
  if (span[0] !== span[2]) return undefined;
  const width = span[3] - span[1];
  if (width === last.length) return { range: span, last };
  if (SIMPLE_CHAIN.test(e.callee) && width === e.callee.length) return { range: [span[0], span[3] - last.length, span[2], span[3]], last };
  return undefined;
}

export function buildDocument(file: string, module: string, nodes: IrNode[], edges: readonly IrEdge[]): L2Doc {
  return new DocBuilder(file, module, nodes).build(edges.filter((e) => e.edge !== 'CONTAINS' && e.edge !== 'IMPORTS'));
}

class DocBuilder {
  private byId = new Map<string, IrNode>();
  private syms: SymRef[] = [];
  private symIndex = new Map<SymRef, number>();
  private occ: Occ[] = [];
  private info: Info[] = [];
  private defs: Record<string, string> = {};
  private mods = new Set<string>();
  private descs = new Map<string, string | null>();
  private nodeSym = new Map<string, number>();
  private locals = 0;
  /** Symbols that already have their SymbolInformation. */
  private infoFor = new Set<number>();

  constructor(
    private readonly file: string,
    private readonly module: string,
    private readonly nodes: IrNode[],
  ) {
    for (const n of nodes) this.byId.set(n.id, n);
  }

  build(edges: IrEdge[]): L2Doc {
    for (const n of this.nodes) this.definition(n);
    for (const e of edges) this.reference(e);
    return {
      format: L2_FORMAT,
      file: this.file,
      module: this.module,
      syms: this.syms,
      occ: this.occ,
      info: this.info,
      defs: this.defs,
      mods: [...this.mods],
    };
  }

  private sym(ref: SymRef): number {
    let i = this.symIndex.get(ref);
    if (i === undefined) {
      i = this.syms.length;
      this.syms.push(ref);
      this.symIndex.set(ref, i);
    }
    return i;
  }

  /** Global descriptors of a definition, or null when it is local to a function (or has no symbol). */
  private desc(n: IrNode): string | null {
    const memo = this.descs.get(n.id);
    if (memo !== undefined) return memo;
    let out: string | null = null;
    const p = n.parent ? this.byId.get(n.parent) : undefined;
    const pd = p && (p.node === 'Module' || p.node === 'Class' || p.node === 'Function' || p.node === 'Method') ? this.desc(p) : null;
    const inNamespace = p && (p.node === 'Module' || p.node === 'Class') && pd !== null;
    switch (n.node) {
      case 'Module':
        out = d.namespace(n.fqn);
        break;
      case 'Class':
        if (inNamespace) out = pd + d.type(n.name);
        break;
      case 'Function':
      case 'Method':
        if (inNamespace) out = pd + d.method(n.name);
        break;
      case 'Variable':
      case 'Import':
        if (inNamespace) out = pd + d.term(n.name);
        break;
      case 'Parameter':
        if (p && (p.node === 'Function' || p.node === 'Method') && pd !== null) out = pd + d.parameter(n.name);
        break;
      default:
        out = null;
    }
    this.descs.set(n.id, out);
    return out;
  }

  /** Symbol index of a definition node (global or local); -1 for nodes without a symbol (File, Lambda). */
  private defSym(n: IrNode): number {
    const memo = this.nodeSym.get(n.id);
    if (memo !== undefined) return memo;
    let i = -1;
    if (n.node !== 'File' && n.node !== 'Lambda') {
      const ds = this.desc(n);
      i = ds !== null ? this.sym('D' + ds) : this.sym('L' + this.locals++);
    }
    this.nodeSym.set(n.id, i);
    return i;
  }

  /** What a name bound by an Import node refers to: `[fqn, module]`, or undefined (star, unresolved relative). */
  private importTarget(n: IrNode): { ref: [string, string]; bound: [string, string] } | undefined {
    const a = n.attrs ?? {};
    if (a.star || a.unresolved_relative !== undefined) return undefined;
    const mod = String(a.module ?? '');
    if (a.name === undefined) {
      // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
      if (!mod) return undefined;
      const top = mod.split('.')[0]!;
      return { ref: [mod, mod], bound: a.alias !== undefined ? [mod, mod] : [top, top] };
    }
    const fqn = mod ? `${mod}.${a.name as string}` : String(a.name);
    return { ref: [fqn, mod], bound: [fqn, mod] };
  }

  private fref(fqn: string, module: string): number {
    if (module) this.mods.add(module);
    return this.sym(module ? `F${fqn}|${module}` : `F${fqn}`);
  }

  private push(span: Span | number[], sym: number, roles: number, enclosing?: Span): void {
    const o: Occ = [span[0]!, span[1]!, span[2]!, span[3]!, sym, roles];
    if (enclosing && !(enclosing[0] === span[0] && enclosing[1] === span[1] && enclosing[2] === span[2] && enclosing[3] === span[3])) o.push(...enclosing);
    this.occ.push(o);
  }

  private definition(n: IrNode): void {
    const a = n.attrs ?? {};
    if (n.node === 'Import') {
      const t = this.importTarget(n);
      if (!t) return;
      const [fqn, mod] = t.ref;
      const aliasSpan = a.alias_span as Span | undefined;
      this.push((a.name_span as Span | undefined) ?? n.span, this.fref(fqn, mod), ROLE.Import);
      // Module-level bindings re-export: `from pkg import Order` resolves through `pkg.Order` to the definition.
      if (n.parent && this.byId.get(n.parent)?.node === 'Module') this.setDef(n.fqn, '=' + t.bound[0]);
      if (aliasSpan) {
        // `as g`: the local alias is a definition of its own.
        const s = this.defSym(n);
        this.push(aliasSpan, s, ROLE.Definition, a.statement as Span | undefined);
        if (!this.infoFor.has(s)) {
          this.infoFor.add(s);
          this.info.push([s, KIND.Variable, n.name, this.enclosing(n)]);
        }
      }
      return;
    }
    const s = this.defSym(n);
    if (s < 0) return;
    const ds = this.desc(n);
    if (ds !== null) this.setDef(baseFqn(n.fqn), ds);
    let kind: number;
    let range: Span = (a.name_span as Span | undefined) ?? n.span;
    let enclosing: Span | undefined;
    switch (n.node) {
      case 'Module':
        range = [0, 0, 0, 0];
        kind = KIND.Module;
        break;
      case 'Class':
        kind = KIND.Class;
        enclosing = n.span;
        break;
      case 'Function':
        kind = KIND.Function;
        enclosing = n.span;
        break;
      case 'Method':
        kind = KIND.Method;
        enclosing = n.span;
        break;
      case 'Parameter':
        kind = KIND.Parameter;
        break;
      default: {
        const p = n.parent ? this.byId.get(n.parent) : undefined;
        kind = p?.node === 'Class' ? KIND.Field : KIND.Variable;
      }
    }
    // Redefinitions (`#2`) of a global share its symbol: one SymbolInformation per symbol, from its first definition
    // (a redefined local gets a symbol, and an info, of its own).
    if (!this.infoFor.has(s)) {
      this.infoFor.add(s);
      const info: Info = [s, kind, n.name, this.enclosing(n)];
      if (typeof a.docstring === 'string' && a.docstring) info.push(a.docstring);
      this.info.push(info);
    }
    this.push(range, s, ROLE.Definition, enclosing);
  }

  private setDef(fqn: string, value: string): void {
    const prev = this.defs[fqn];
    // A real definition wins over an import binding of the same name (try/except ImportError fallbacks).
    if (prev === undefined || (prev.startsWith('=') && !value.startsWith('='))) this.defs[fqn] = value;
  }

  private enclosing(n: IrNode): number {
    const p = n.parent ? this.byId.get(n.parent) : undefined;
    if (!p || p.node === 'File') return -1;
    return this.defSym(p);
  }

  /** The symbol a reference to an in-file node names: an import binding names what it imports. */
  private refSym(n: IrNode): number {
    if (n.node === 'Import') {
      const t = this.importTarget(n);
      return t ? this.fref(t.bound[0], t.bound[1]) : -1;
    }
    return this.defSym(n);
  }

  private reference(e: IrEdge): void {
    const span = e.span;
    if (!span) return;
    if (e.edge === 'READS' || e.edge === 'WRITES') {
      const n = e.dst ? this.byId.get(e.dst) : undefined;
      if (!n) return;
      const s = this.refSym(n);
      if (s < 0) return;
      const roles = e.edge === 'READS' ? ROLE.ReadAccess : ROLE.WriteAccess;
      const width = span[3] - span[1];
      const name = n.node === 'Import' ? n.name.split('.')[0]! : n.name;
      // `self.x` accesses: the occurrence is the attribute name, which ends the span.
      const shift = width > name.length ? width - name.length : 0;
      if (span[0] !== span[2]) return;
      this.push([span[0], span[1] + shift, span[0], span[1] + shift + name.length], s, roles);
      const at = e.attrs?.at as number[] | undefined;
      if (at) for (let i = 0; i + 1 < at.length; i += 2) this.push([at[i]!, at[i + 1]! + shift, at[i]!, at[i + 1]! + shift + name.length], s, roles);
      return;
    }
    if (!REF_EDGES.has(e.edge)) return;
    const site = calleeSite(e);
    if (!site) return;
    const { range, last } = site;
    let s = -1;
    if (e.dst) {
      const n = this.byId.get(e.dst);
      if (n && n.name === last) s = this.refSym(n);
    } else if (e.target) {
      const t = baseFqn(e.target);
      // INSTANTIATES' companion CALLS to `__init__` is not a reference to the name written.
      if (last === '__init__' || !t.endsWith('.__init__')) s = this.fref(t, '');
    }
    if (s >= 0) this.push(range, s, 0);
  }
}
