/**
 * L4's completions applied to a file's L1 edges — the same rules as the engine's graph export: a completed edge
 * gets `dst`, the canonical `target`, `attrs.via` (and `attrs.file` when the destination is in another file); a CALLS
 * of a class becomes INSTANTIATES; the `__init__` calls L4 derived are added; an unresolved edge naming an outside
 * module gets `attrs.external`; an edge L4 dropped (value flow shows it does not happen) is left out.
 */
import type { IrEdge, L4Line } from '@codegraph/engine';

type Completed = Extract<L4Line, { dst?: string }>;

export function applyL4(edges: readonly IrEdge[], lines: readonly L4Line[]): IrEdge[] {
  const byId = new Map<string, L4Line>();
  const derived = new Map<string, Completed[]>();
  for (const r of lines) {
    if ('of' in r && r.of !== undefined) {
      let list = derived.get(r.of);
      if (!list) derived.set(r.of, (list = []));
      list.push(r);
    } else byId.set(r.id, r);
  }
  const out: IrEdge[] = [];
  for (const e0 of edges) {
    const r = byId.get(e0.id);
    if (r && 'dropped' in r) continue;
    const e: IrEdge = r ? { ...e0, attrs: { ...e0.attrs } } : e0;
    if (r) {
      if ('unresolved' in r) {
        if (r.external !== undefined) e.attrs!.external = r.external;
      } else if (r.dst !== undefined || e.edge === 'IMPORTS') {
        if (r.dst !== undefined) e.dst = r.dst;
        e.target = r.target;
        if (r.was !== undefined) e.edge = r.edge as IrEdge['edge'];
        delete e.attrs!.resolution;
        e.attrs!.via = r.via;
        if (r.file !== undefined) e.attrs!.file = r.file;
      }
    }
    out.push(e);
    for (const d of derived.get(e.id) ?? []) {
      // A derived call outside the corpus (an external decorator applied) has no node: named, with `attrs.external`.
      const ext = d.external !== undefined ? { external: d.external } : {};
      out.push({ edge: d.edge as IrEdge['edge'], id: d.id, src: d.src, ...(d.external === undefined ? { dst: d.dst } : {}), target: d.target, span: e.span, attrs: { via: d.via, ...(d.file ? { file: d.file } : {}), ...ext } });
    }
  }
  return out;
}
