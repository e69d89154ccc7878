/**
 * L7 builds from L1's edges with L4's lines applied (applyL4), by the export's rules: an L1 edge L4 dropped (value
 * flow shows it does not happen) is left out; a derived call to a name outside the corpus (an external decorator
 * applied) has no `dst`, and `attrs.external`.
 */
import type { IrEdge, L4Line } from '@codegraph/engine';
import { applyL4 } from '@codegraph/query';

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

describe('applyL4', () => {
  it('leaves dropped edges out and names derived calls outside the corpus', () => {
    const out = applyL4(edges, lines).map((e) => ({ edge: e.edge, id: e.id, dst: e.dst, target: e.target, external: e.attrs?.external }));
    expect(out).toEqual([
      { edge: 'CALLS', id: 'e1', dst: 'get', target: 'm.singleton.get', external: undefined },
      { edge: 'DECORATES', id: 'e3', dst: undefined, target: undefined, external: undefined },
      { edge: 'CALLS', id: 'e4', dst: undefined, target: 'builtins.property.setter', external: 'builtins' },
    ]);
  });
});
