/**
 * Dominators, post-dominators and dominance frontiers of a scope's block graph.
 *
 * Cooper, Harvey & Kennedy, "A Simple, Fast Dominance Algorithm" (2001): iterate `idom(b) = ∩ idom(preds)` in
 * reverse post-order until nothing changes, intersecting by walking up the current tree with post-order numbers.
 * On CFGs (reducible or nearly so) it converges in two or three passes and beats Lengauer–Tarjan in practice; it is
 * also a few dozen lines over plain arrays. Post-dominators are the same computation on the reversed graph from the
 * exit: every `return`, `raise` and uncaught exception of a scope already goes to its one exit block, so that block
 * is the single virtual exit. Frontiers: CHK's algorithm (walk up from each predecessor of a join to its idom).
 * Everything is iterative (explicit DFS stack), so graph depth cannot overflow the JS stack.
 */

/** Adjacency in compressed form: the neighbours of `b` are `adj[start[b] .. start[b+1])`. */
export interface Csr {
  start: Int32Array;
  adj: Int32Array;
}

export function csr(n: number, from: readonly number[], to: readonly number[]): Csr {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e++) start[from[e]! + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i]!;
  const fill = start.slice(0, n);
  const adj = new Int32Array(from.length);
  for (let e = 0; e < from.length; e++) adj[fill[from[e]!]!++] = to[e]!;
  return { start, adj };
}

/**
 * Immediate dominators from `root` over `succ` (and `pred` for the same graph reversed). Blocks `root` does not
 * reach get -1; the root's idom is itself. Also returns the reverse post-order (reachable blocks only).
 */
export function immediateDominators(n: number, root: number, succ: Csr, pred: Csr): { idom: Int32Array; rpo: Int32Array } {
  // Post-order by an explicit DFS stack of (block, next neighbour index).
  const po = new Int32Array(n).fill(-1);
  const order: number[] = [];
  const visited = new Uint8Array(n);
  const stackB: number[] = [root];
  const stackI: number[] = [succ.start[root]!];
  visited[root] = 1;
  while (stackB.length) {
    const top = stackB.length - 1;
    const b = stackB[top]!;
    const i = stackI[top]!;
    if (i < succ.start[b + 1]!) {
      stackI[top] = i + 1;
      const s = succ.adj[i]!;
      if (!visited[s]) {
        visited[s] = 1;
        stackB.push(s);
        stackI.push(succ.start[s]!);
      }
    } else {
      po[b] = order.length;
      order.push(b);
      stackB.pop();
      stackI.pop();
    }
  }
  const rpo = Int32Array.from(order).reverse();
  const idom = new Int32Array(n).fill(-1);
  idom[root] = root;
  // Blocks known (while computing one block's idom) to lie under the current candidate: a finger that reaches one
  // can stop. Without this, a handler with one predecessor per statement of a long try body walks each of them back
  // to the try, quadratic in the body's length.
  const stamp = new Int32Array(n);
  let sid = 0;
  const walked: number[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (let k = 1; k < rpo.length; k++) {
      const b = rpo[k]!;
      let nd = -1;
      sid++;
      for (let j = pred.start[b]!; j < pred.start[b + 1]!; j++) {
        const p = pred.adj[j]!;
        if (idom[p] === -1) continue; // unprocessed or unreachable
        if (nd === -1) {
          nd = p;
          stamp[p] = sid;
          continue;
        }
        let a = p;
        let c = nd;
        walked.length = 0;
        while (a !== c) {
          while (po[a]! < po[c]!) {
            if (stamp[a] === sid) {
              a = c;
              break;
            }
            walked.push(a);
            a = idom[a]!;
          }
          while (po[c]! < po[a]!) {
            walked.push(c);
            c = idom[c]!;
          }
        }
        for (const w of walked) stamp[w] = sid;
        nd = a;
        stamp[nd] = sid;
      }
      if (nd !== -1 && idom[b] !== nd) {
        idom[b] = nd;
        changed = true;
      }
    }
  }
  return { idom, rpo };
}

/**
 * Dominance frontier of every block, as sorted arrays: DF(x) = the joins where x's dominance ends. Only reachable
 * predecessors count (an edge from dead code does not make a join).
 */
export function dominanceFrontiers(n: number, idom: Int32Array, pred: Csr): number[][] {
  const df: number[][] = Array.from({ length: n }, () => []);
  for (let b = 0; b < n; b++) {
    if (idom[b] === -1) continue;
    const from = pred.start[b]!;
    const to = pred.start[b + 1]!;
    let reachablePreds = 0;
    for (let j = from; j < to; j++) if (idom[pred.adj[j]!] !== -1) reachablePreds++;
    if (reachablePreds < 2) continue;
    for (let j = from; j < to; j++) {
      let runner = pred.adj[j]!;
      if (idom[runner] === -1) continue;
      while (runner !== idom[b]) {
        const list = df[runner]!;
        // Already there: an earlier predecessor's walk went from here up to idom(b) (keeps this linear).
        if (list[list.length - 1] === b) break;
        list.push(b);
        if (runner === idom[runner]) break; // the root
        runner = idom[runner]!;
      }
    }
  }
  return df;
}
