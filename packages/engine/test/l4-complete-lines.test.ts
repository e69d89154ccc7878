/**
 * The two L4 line kinds value flow's class calls and decorator applications added, as the graph export applies them:
 * a dropped L1 edge (the `__init__` L1 paired with a class call whose name holds something else) is not in the graph
 * and not counted; a derived call to a name outside the corpus (an external decorator applied) is named, with
 * `attrs.external`, and counted unresolved like an L1 edge to such a name.
 */
import type { IrEdge, L4Line } from '@codegraph/engine';
import { graphCounts, graphEdges, indexL4Lines } from '@codegraph/engine';

const span: [number, number, number, number] = [4, 0, 4, 6];
const edges: IrEdge[] = [
  { edge: 'INSTANTIATES', id: 'e1', src: 'main', dst: 'cls', target: 'm.Config', callee: 'Config', span },
  { edge: 'CALLS', id: 'e2', src: 'main', dst: 'init', target: 'm.Config.__init__', callee: 'Config', span },
  { edge: 'DECORATES', id: 'e3', src: 'm.Box.w#2', callee: 'w.setter', span: [8, 5, 8, 13] },
];
const lines: L4Line[] = [
  { edge: 'CALLS', id: 'e1', src: 'main', dst: 'get', target: 'm.singleton.get', via: 'flow', kind: 'Function', was: 'INSTANTIATES' },
  { edge: 'CALLS', id: 'e2', dropped: true },
  { edge: 'DECORATES', id: 'e3', unresolved: true },
  { edge: 'CALLS', id: 'e4', src: 'm.Box', target: 'builtins.property.setter', via: 'flow-decorator', external: 'builtins', of: 'e3' },
];

describe('L4 lines: dropped edges and derived calls outside the corpus', () => {
  it('export: the class call is the call flow found, its paired __init__ is gone, the setter is named outside', () => {
    const out = [...graphEdges(edges, indexL4Lines(lines))].map((g) => ({ edge: g.edge.edge, id: g.edge.id, dst: g.edge.dst, target: g.edge.target, external: g.edge.attrs?.external, byL4: g.byL4 }));
    expect(out).toEqual([
      { edge: 'CALLS', id: 'e1', dst: 'get', target: 'm.singleton.get', external: undefined, byL4: true },
      { edge: 'DECORATES', id: 'e3', dst: undefined, target: undefined, external: undefined, byL4: false },
      { edge: 'CALLS', id: 'e4', dst: undefined, target: 'builtins.property.setter', external: 'builtins', byL4: false },
    ]);
  });

  it('counts: the dropped edge is not an edge, the external call an unresolved one', () => {
    expect(graphCounts(edges, indexL4Lines(lines))).toEqual({ edges: { CALLS: 2, DECORATES: 1 }, resolved: { CALLS: 1 } });
  });
});
