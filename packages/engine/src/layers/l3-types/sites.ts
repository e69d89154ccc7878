/**
 * Which places of a file L3 asks Pyright about. By default only what L4 (names + value flow) left open: call,
 * instantiation, base and decorator sites — and reads of import-bound names — that L4 marked unresolved without
 * naming them outside the corpus. With `mode: 'all'`, every such site of the file, resolved or not (to compare).
 */
import type { IrEdge } from '../../ir/model';
import type { L4Line } from '../l4-resolve/run';

export type L3Mode = 'unresolved' | 'all';

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
export function selectSites(edges: readonly IrEdge[], l4: ReadonlyMap<string, L4Line>, mode: L3Mode): Site[] {
  const out: Site[] = [];
  for (const e of edges) {
    if (!e.span || !SITE_EDGES.has(e.edge)) continue;
    const l = l4.get(e.id);
    const open = l !== undefined && 'unresolved' in l && l.unresolved === true && l.external === undefined;
    if (!open && !(mode === 'all' && ALL_EDGES.has(e.edge))) continue;
    const [sl, sc, el, ec] = e.span;
    const [line, col] = ec > 0 ? [el, ec - 1] : [sl, sc];
    out.push({ edge: e, line, col, open });
  }
  return out;
}

/** A stable text of what is asked in a file (part of its L3 key): an unchanged site list asks the same questions. */
export function sitesDigestText(sites: readonly Site[]): string {
  return sites.map((s) => `${s.edge.id}:${s.line}:${s.col}:${s.open ? 1 : 0}`).join(',');
}
