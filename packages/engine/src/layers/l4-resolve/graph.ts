/**
 * Graph algorithms for the file dependency graph, on dense integer ids and adjacency arrays. Both are iterative:
 * an import chain thousands of files long must not overflow the JS stack, and every loop is bounded by the number
 * of nodes and edges, so a cyclic graph cannot make them spin.
 */

/** Tarjan's strongly connected components. `adj[v]` = the nodes v points to. Returns each node's component id. */
export function tarjanScc(adj: readonly (readonly number[])[]): { comp: Int32Array; count: number } {
  const n = adj.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  // The explicit call stack: node and the position of the next edge to follow from it.
  const frameNode: number[] = [];
  const framePos: number[] = [];
  let next = 0;
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    index[s] = low[s] = next++;
    stack.push(s);
    onStack[s] = 1;
    frameNode.push(s);
    framePos.push(0);
    while (frameNode.length) {
      const top = frameNode.length - 1;
      const v = frameNode[top]!;
      const edges = adj[v]!;
      const pos = framePos[top]!;
      if (pos < edges.length) {
        framePos[top] = pos + 1;
        const w = edges[pos]!;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = 1;
          frameNode.push(w);
          framePos.push(0);
        } else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      frameNode.pop();
      framePos.pop();
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = count;
        } while (w !== v);
        count++;
      }
      if (frameNode.length) {
        const u = frameNode[frameNode.length - 1]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
    }
  }
  return { comp, count };
}

/**
 * Kahn's algorithm on the condensation (each SCC as one node), dependencies first: a node comes after every node
 * it points to. Ready nodes are taken level by level, each level in `rank` order, so the order is deterministic.
 * Members of one SCC are emitted together. Returns node ids in order (all of them: cycles do not stop it).
 */
export function kahnOrder(adj: readonly (readonly number[])[], comp: Int32Array, count: number, rank: (v: number) => number): number[] {
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < adj.length; v++) members[comp[v]!]!.push(v);
  // Condensed edges, deduplicated: c depends on d ⇒ d must come first; dependents[d] lists c.
  const pending = new Int32Array(count);
  const dependents: number[][] = Array.from({ length: count }, () => []);
  const seen = new Set<number>();
  for (let c = 0; c < count; c++) {
    seen.clear();
    for (const v of members[c]!) {
      for (const w of adj[v]!) {
        const d = comp[w]!;
        if (d === c || seen.has(d)) continue;
        seen.add(d);
        pending[c]++;
        dependents[d]!.push(c);
      }
    }
  }
  const minRank = new Float64Array(count).fill(Infinity);
  for (let v = 0; v < adj.length; v++) if (rank(v) < minRank[comp[v]!]!) minRank[comp[v]!] = rank(v);
  const out: number[] = [];
  let level: number[] = [];
  for (let c = 0; c < count; c++) if (pending[c] === 0) level.push(c);
  while (level.length) {
    level.sort((a, b) => minRank[a]! - minRank[b]!);
    const nextLevel: number[] = [];
    for (const c of level) {
      for (const v of members[c]!.sort((a, b) => rank(a) - rank(b))) out.push(v);
      for (const d of dependents[c]!) if (--pending[d] === 0) nextLevel.push(d);
    }
    level = nextLevel;
  }
  return out;
}
