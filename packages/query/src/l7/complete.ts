/**
 * L4's completions applied to a file's L1 edges: the engine's `graphEdges`, the one definition of the repo graph's
 * edges (what `codegraph export` writes and L4 counts), so what L7 indexes cannot drift from it — dropped edges left
 * out, completed ones with `dst`/`target`/`attrs.via`, derived `__init__` and decorator calls, implicit calls value
 * flow found, and names outside the corpus with `attrs.external`.
 */
import { graphEdges, indexL4Lines, type IrEdge, type L4Line } from '@codegraph/engine';

export function applyL4(edges: readonly IrEdge[], lines: readonly L4Line[]): IrEdge[] {
  const out: IrEdge[] = [];
  for (const g of graphEdges(edges, indexL4Lines(lines))) out.push(g.edge);
  return out;
}
