/**
 * Dominators, post-dominators and dominance frontiers of a scope's block graph.
 *
 * Cooper, Harvey & Kennedy, "A Simple, Fast Dominance Algorithm" (2001): iterate `idom(b) = ∩ idom(preds)` in
 * reverse post-order until nothing changes, intersecting by walking up the current tree with post-order numbers.
 * On CFGs (reducible or nearly so) it converges in two or three passes and beats Lengauer–Tarjan in practice; it is
 * also a few dozen lines over plain arrays. Post-dominators are the same computation on the reversed graph from the
 * exit: every `return`, `raise` and uncaught exception of a scope already goes to its one exit block, so that block
 * is the single virtual exit. Frontiers: CHK's algorithm (walk up from each predecessor of a join to its idom).
 * Everything is iterative (explicit DFS stack), so graph depth cannot overflow the JS stack. Working arrays are
 * reused from call to call (scratch.ts).
 */
import { Int32List, Int32Slot, Uint8Slot } from './scratch';

/** Adjacency in compressed form: the neighbours of `b` are `adj[start[b] .. start[b+1])`. */
export interface Csr {
  start: Int32Array;
  adj: Int32Array;
}

/** Where csrInto counts each key's next free place (used within one call only). */
const fillSlot = new Int32Slot();

/**
 * The first `count` pairs (from[e] → to[e]) grouped by `from`, order kept (a counting sort), as CSR over n keys, in
 * reused arrays (scratch.ts): valid until the slots' next use, and the arrays may be longer than n + 1 and count
 * (readers go by `start`).
 */
export function csrInto(n: number, count: number, from: ArrayLike<number>, to: ArrayLike<number>, startSlot: Int32Slot, adjSlot: Int32Slot): Csr {
  const start = startSlot.filled(n + 1, 0);
  for (let e = 0; e < count; e++) start[from[e]! + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i]!;
  const fill = fillSlot.take(n);
  for (let i = 0; i < n; i++) fill[i] = start[i]!;
  const adj = adjSlot.take(count);
  for (let e = 0; e < count; e++) adj[fill[from[e]!]!++] = to[e]!;
  return { start, adj };
}

const poSlot = new Int32Slot();
const visitedSlot = new Uint8Slot();
const stampSlot = new Int32Slot();
const postOrder = new Int32List();
const stackBlock = new Int32List();
const stackNext = new Int32List();
const walked: number[] = [];

/**
 * Immediate dominators from `root` over `succ` (and `pred` for the same graph reversed). Blocks `root` does not
 * reach get -1; the root's idom is itself. The result is in `into`'s array: valid until its next use.
 */
export function immediateDominators(n: number, root: number, succ: Csr, pred: Csr, into: Int32Slot): Int32Array {
  // Post-order by an explicit DFS stack of (block, next neighbour index).
  const po = poSlot.filled(n, -1);
  const order = postOrder.reset();
  const visited = visitedSlot.filled(n, 0);
  const stackB = stackBlock.reset();
  const stackI = stackNext.reset();
  stackB.push(root);
  stackI.push(succ.start[root]!);
  visited[root] = 1;
  while (stackB.length) {
    const top = stackB.length - 1;
    const b = stackB.data[top]!;
    const i = stackI.data[top]!;
    if (i < succ.start[b + 1]!) {
      stackI.data[top] = i + 1;
      const s = succ.adj[i]!;
      if (!visited[s]) {
        visited[s] = 1;
        stackB.push(s);
        stackI.push(succ.start[s]!);
      }
    } else {
      po[b] = order.length;
      order.push(b);
      stackB.length--;
      stackI.length--;
    }
  }
  // Reverse post-order is the post-order read backwards: its k-th block is order[last - k].
  const last = order.length - 1;
  const rpo = order.data;
  const idom = into.filled(n, -1);
  idom[root] = root;
  // Blocks known (while computing one block's idom) to lie under the current candidate: a finger that reaches one
  // can stop. Without this, a handler with one predecessor per statement of a long try body walks each of them back
  // to the try, quadratic in the body's length.
  const stamp = stampSlot.filled(n, 0);
  let sid = 0;
  let changed = true;
  while (changed) {
    changed = false;
    for (let k = 1; k <= last; k++) {
      const b = rpo[last - k]!;
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
  return idom;
}

const dfFrom = new Int32List();
const dfTo = new Int32List();
const dfLast = new Int32Slot();
const dfStart = new Int32Slot();
const dfAdj = new Int32Slot();

/**
 * Dominance frontier of every block, as CSR (the frontier of x is adj[start[x]..start[x+1]), ascending): DF(x) = the
 * joins where x's dominance ends. Only reachable predecessors count (an edge from dead code does not make a join).
 * In reused arrays: valid until the next call.
 */
export function dominanceFrontiers(n: number, idom: Int32Array, pred: Csr): Csr {
  const from = dfFrom.reset();
  const to = dfTo.reset();
  /** The join last added to each block's frontier (joins are visited in ascending order). */
  const last = dfLast.filled(n, -1);
  for (let b = 0; b < n; b++) {
    if (idom[b] === -1) continue;
    const first = pred.start[b]!;
    const end = pred.start[b + 1]!;
    let reachablePreds = 0;
    for (let j = first; j < end; j++) if (idom[pred.adj[j]!] !== -1) reachablePreds++;
    if (reachablePreds < 2) continue;
    for (let j = first; j < end; j++) {
      let runner = pred.adj[j]!;
      if (idom[runner] === -1) continue;
      while (runner !== idom[b]) {
        // Already there: an earlier predecessor's walk went from here up to idom(b) (keeps this linear).
        if (last[runner] === b) break;
        last[runner] = b;
        from.push(runner);
        to.push(b);
        if (runner === idom[runner]) break; // the root
        runner = idom[runner]!;
      }
    }
  }
  return csrInto(n, from.length, from.data, to.data, dfStart, dfAdj);
}
