/**
 * L7 builds from L1's edges with L4's lines applied (applyL4), by the export's rules: an L1 edge L4 dropped (value
 * flow shows it does not happen) is left out; a derived call to a name outside the corpus (an external decorator
 * applied) has no `dst`, and `attrs.external`; a call outside the corpus that value flow names keeps that name; an
 * implicit call (`for` → `__iter__`) comes after the file's edges. The same rules as the graph export (graphEdges).
 */
import type { IrEdge, L4Line } from '@codegraph/engine';
import { applyL4 } from '@codegraph/query';

const span: [number, number, number, number] = [4, 0, 4, 6];
const edges: IrEdge[] = [
  { edge: 'INSTANTIATES', id: 'e1', src: 'main', dst: 'cls', target: 'm.Config', callee: 'Config', span },
  { edge: 'CALLS', id: 'e2', src: 'main', dst: 'init', target: 'm.Config.__init__', callee: 'Config', span },
  { edge: 'DECORATES', id: 'e3', src: 'm.Box.w#2', callee: 'w.setter', span: [8, 5, 8, 13] },
  { edge: 'CALLS', id: 'e5', src: 'main', callee: 's.split', span: [9, 0, 9, 9] },
];
const lines: L4Line[] = [
  { edge: 'CALLS', id: 'e1', src: 'main', dst: 'get', target: 'm.singleton.get', via: 'flow', kind: 'Function', was: 'INSTANTIATES' },
  { edge: 'CALLS', id: 'e2', dropped: true },
  { edge: 'DECORATES', id: 'e3', unresolved: true },
  { edge: 'CALLS', id: 'e4', src: 'm.Box', target: 'builtins.property.setter', via: 'flow-decorator', external: 'builtins', of: 'e3' },
  { edge: 'CALLS', id: 'e5', unresolved: true, external: 'builtins', target: 'builtins.str.split' },
  { edge: 'CALLS', id: 'e6', src: 'main', dst: 'iter', target: 'm.Bag.__iter__', via: 'flow-implicit', kind: 'Method', implicit: true, span: [10, 0, 10, 20] },
];

describe('applyL4', () => {
  it('leaves dropped edges out, names calls outside the corpus, adds implicit calls', () => {
    const out = applyL4(edges, lines).map((e) => ({ edge: e.edge, id: e.id, dst: e.dst, target: e.target, external: e.attrs?.external }));
    expect(out).toEqual([
      { edge: 'CALLS', id: 'e1', dst: 'get', target: 'm.singleton.get', external: undefined },
      { edge: 'DECORATES', id: 'e3', dst: undefined, target: undefined, external: undefined },
      { edge: 'CALLS', id: 'e4', dst: undefined, target: 'builtins.property.setter', external: 'builtins' },
      { edge: 'CALLS', id: 'e5', dst: undefined, target: 'builtins.str.split', external: 'builtins' },
      { edge: 'CALLS', id: 'e6', dst: 'iter', target: 'm.Bag.__iter__', external: undefined },
    ]);
  });
});
