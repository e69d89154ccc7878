/**
 * Which places of a file L3 asks Pyright about: what L4 (names + value flow) left open — call, instantiation, base
 * and decorator sites, and reads of import-bound names, that L4 marked unresolved without naming them outside the
 * corpus. By default (`selective`) only those whose receiver Pyright can type cheaply and usefully (see
 * `receiverKind`); `unresolved` asks every open site; `all` every such site of the file, resolved or not (to compare).
 *
 * Why not every open site: a definition request on `x.m()` makes Pyright infer `x`'s type, and on unannotated code
 * that means inferring the return types of the calls `x` came from, their callees' bodies, and so on. Measured on
 * django (Pyright's CPU time, one run; docs/architecture.md, L3): bare names and import attributes 14.8 s; with
 * `self` receivers 36.5 s, module-level names 43.9 s, locals 53.0 s; every open site (unannotated parameters and
 * expressions too) ~61 s — and on such unannotated code the cheap sites answer little (`unresolved` is the mode
 * that finds call targets there, at 3–5 times the cost).
 */
import type { IrEdge, IrNode } from '../../ir/model';
import type { L4Line } from '../l4-resolve/run';

export type L3Mode = 'selective' | 'unresolved' | 'all';

/**
 * What the callee's receiver (the part before the last name) is, from L1's facts about the enclosing scopes:
 * - `none`: a bare name (`f()`, `Base`), a read, or a dotted name of an import (`mod.f()` where `mod` is imported);
 * - `self`: the first parameter of a method, called directly (`self.m()`, `cls.m()`); `self-attr`: an attribute
 *   chain on it (`self.a.m()`), whose type Pyright infers from every assignment to the attribute;
 * - `param-typed` / `param`: another parameter of an enclosing function, annotated or not;
 * - `local`: a variable assigned in an enclosing function; `global`: any other name (module level, builtins);
 * - `expression`: a call result, subscript, literal or anything not starting with a name (`self.f().m()` too).
 */
export type ReceiverKind = 'none' | 'self' | 'self-attr' | 'param-typed' | 'param' | 'local' | 'global' | 'expression';

/**
 * The receiver kinds `selective` mode asks about anywhere. Inside an annotated function (a parameter or the return
 * annotated: Pyright's own line between code it infers and code it skips with `analyzeUnannotatedFunctions: false`)
 * it asks about every open site: there locals and call results take their types from declarations.
 */
export const SELECTIVE_RECEIVERS: ReadonlySet<ReceiverKind> = new Set<ReceiverKind>(['none', 'self', 'param-typed']);

/** One position asked: the L1 edge it belongs to, and where in the file (0-based line, UTF-16 column). */
export interface Site {
  edge: IrEdge;
  line: number;
  col: number;
  /** True when L4 left it open (only those get an overlay line). */
  open: boolean;
}

const SITE_EDGES = new Set(['CALLS', 'INSTANTIATES', 'INHERITS', 'DECORATES', 'READS']);
/** In `all` mode: the sites where something is called or named as a type (reads are plentiful and local). */
const ALL_EDGES = new Set(['CALLS', 'INSTANTIATES', 'INHERITS', 'DECORATES']);

/**
 * The sites of a file. `l4` is the file's L4 record (its lines by edge id). The position is the last character of
 * the edge's span: a call's span is the callee's last name (`start` in `car.engine.start()`), a base's the whole
 * dotted expression, whose last name is what it refers to.
 */
export function selectSites(nodes: readonly IrNode[], edges: readonly IrEdge[], l4: ReadonlyMap<string, L4Line>, mode: L3Mode): Site[] {
  const out: Site[] = [];
  const scopes = mode === 'selective' ? new Scopes(nodes) : undefined;
  for (const e of edges) {
    if (!e.span || !SITE_EDGES.has(e.edge)) continue;
    const open = isOpen(e, l4);
    if (!open && !(mode === 'all' && ALL_EDGES.has(e.edge))) continue;
    if (scopes && !SELECTIVE_RECEIVERS.has(scopes.receiverKind(e)) && !scopes.inAnnotatedFunction(e)) continue;
    const [sl, sc, el, ec] = e.span;
    const [line, col] = ec > 0 ? [el, ec - 1] : [sl, sc];
    out.push({ edge: e, line, col, open });
  }
  return out;
}

/** Whether L4 left the edge open: unresolved, and not named outside the corpus either. */
function isOpen(e: IrEdge, l4: ReadonlyMap<string, L4Line>): boolean {
  const l = l4.get(e.id);
  return l !== undefined && 'unresolved' in l && l.unresolved === true && l.external === undefined;
}

/** Call sites (CALLS/INSTANTIATES) of a file that L4 left open, asked or not: L3's "before" count. */
export function openCallCount(edges: readonly IrEdge[], l4: ReadonlyMap<string, L4Line>): number {
  let n = 0;
  for (const e of edges) if (e.span && CALL_EDGES.has(e.edge) && isOpen(e, l4)) n++;
  return n;
}

const CALL_EDGES = new Set(['CALLS', 'INSTANTIATES']);

/** A stable text of what is asked in a file (part of its L3 key): an unchanged site list asks the same questions. */
export function sitesDigestText(sites: readonly Site[]): string {
  return sites.map((s) => `${s.edge.id}:${s.line}:${s.col}:${s.open ? 1 : 0}`).join(',');
}

const NAME = /^[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*$/;
const SCOPE_KINDS = new Set(['Function', 'Method', 'Lambda']);

/** The names each function-like scope of a file binds (parameters, assigned variables), for `receiverKind`. */
export class Scopes {
  private readonly byId = new Map<string, IrNode>();
  /** Scope id → name → what binds it there. */
  private readonly names = new Map<string, Map<string, 'self' | 'param-typed' | 'param' | 'local' | 'import'>>();
  /** Functions with a return annotation or an annotated parameter. */
  private readonly annotated = new Set<string>();

  constructor(nodes: readonly IrNode[]) {
    for (const n of nodes) {
      this.byId.set(n.id, n);
      if (n.attrs?.['returns'] !== undefined) this.annotated.add(n.id);
      if (n.node === 'Parameter' && n.attrs?.['annotation'] !== undefined && n.parent !== undefined) this.annotated.add(n.parent);
    }
    for (const n of nodes) {
      if (n.parent === undefined) continue;
      const scope = this.byId.get(n.parent);
      if (!scope) continue;
      let kind: 'self' | 'param-typed' | 'param' | 'local' | 'import';
      if (n.node === 'Parameter') {
        const first = n.attrs?.['index'] === 0 && scope.node === 'Method' && !isStatic(scope);
        kind = first ? 'self' : n.attrs?.['annotation'] !== undefined ? 'param-typed' : 'param';
      } else if (n.node === 'Variable' && SCOPE_KINDS.has(scope.node)) kind = 'local';
      else if (n.node === 'Import') kind = 'import';
      else continue;
      let m = this.names.get(scope.id);
      if (!m) this.names.set(scope.id, (m = new Map()));
      // A parameter stays a parameter even when the body assigns it again (the first binding is what we keep).
      if (!m.has(n.name)) m.set(n.name, kind);
    }
  }

  /** Whether the edge's nearest enclosing function (or method, or lambda) is annotated. */
  inAnnotatedFunction(e: IrEdge): boolean {
    for (let id: string | undefined = e.src; id !== undefined; id = this.byId.get(id)?.parent) {
      const n = this.byId.get(id);
      if (n && SCOPE_KINDS.has(n.node)) return this.annotated.has(id);
    }
    return false;
  }

  /** The kind of an edge's receiver (its `callee` up to the last dot), looked up from the edge's scope outwards. */
  receiverKind(e: IrEdge): ReceiverKind {
    if (e.edge === 'READS' || e.callee === undefined) return 'none';
    const dot = e.callee.indexOf('.');
    if (dot < 0) return 'none';
    const head = e.callee.slice(0, dot);
    // A call or subscript after the first name (`self.get_qs().filter`, `mod.f(x).m`), or text clipped by L1 before
    // the last name: the receiver is a call result, whatever name the chain starts from.
    if (!NAME.test(head) || /[([]|…$/.test(e.callee.slice(dot))) return 'expression';
    for (let id: string | undefined = e.src; id !== undefined; id = this.byId.get(id)?.parent) {
      const k = this.names.get(id)?.get(head);
      if (k === 'import') return 'none';
      if (k === 'self' && e.callee.indexOf('.', dot + 1) >= 0) return 'self-attr';
      if (k) return k;
    }
    return 'global';
  }
}

function isStatic(fn: IrNode): boolean {
  const decorators = fn.attrs?.['decorators'];
  return Array.isArray(decorators) && decorators.some((d) => d === 'staticmethod');
}
