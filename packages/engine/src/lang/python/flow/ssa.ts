/**
 * SSA form of one scope's local names: semi-pruned SSA (Briggs, Cooper, Harvey & Simpson 1998) on top of Cytron et
 * al. (1991).
 *
 * Why this algorithm: dominators and dominance frontiers are computed anyway (they are part of L5's output), which is
 * all Cytron's phi placement needs; "semi-pruned" places phis only for names that are read in some block before being
 * bound in it (Briggs' non-local names), which removes most useless phis for the price of one pass over the events,
 * without the liveness analysis fully pruned SSA would need. Braun et al.'s on-the-fly construction would avoid the
 * frontiers but needs the CFG sealed block by block while it is built, which the statement walk does not give.
 *
 * Renaming walks the dominator tree with an explicit stack (no recursion) and one undo log for the per-name stacks.
 * Only local names (see scopes.ts) are renamed. A read of a name with no binding on the way — free, global,
 * nonlocal, or read before assignment — gets the name's single `entry` definition. Bindings of global/nonlocal
 * names (and comprehension walrus targets that bind outside) are recorded as definitions with `outer: true` and are
 * seen by no read of this scope. Blocks unreachable from the entry are renamed on their own, each starting from the
 * entry definitions.
 */
import type { SsaDef, SsaDefKind, SsaUse } from './model';
import { DEF_KINDS, EV_USE, type RawFlow } from './cfg';
import { type Csr, csrInto, dominanceFrontiers } from './dominators';
import { Float64Slot, Int32List, Int32Slot, Uint8Slot } from './scratch';

export interface SsaResult {
  defs: SsaDef[];
  uses: SsaUse[];
}

// Working arrays, reused from scope to scope (scratch.ts); each is used within one buildSsa call.
const isLocalSlot = new Uint8Slot();
const nonLocalSlot = new Uint8Slot();
const evStartSlot = new Int32Slot();
const evOrderSlot = new Int32Slot();
const evFillSlot = new Int32Slot();
const boundHereSlot = new Int32Slot();
const pairNames = new Int32List();
const pairBlocks = new Int32List();
const defBlocksStart = new Int32Slot();
const defBlocksAdj = new Int32Slot();
const phiBlocks = new Int32List();
const phiNames = new Int32List();
const phisStart = new Int32Slot();
const phisAdj = new Int32Slot();
const hasPhiSlot = new Int32Slot();
const queuedSlot = new Int32Slot();
const predsStartSlot = new Int32Slot();
const predsListSlot = new Int32Slot();
const lastPredSlot = new Int32Slot();
const entryDefSlot = new Int32Slot();
const topSlot = new Int32Slot();
const defBuckets = new Int32List();
const prevDefs = new Int32List();
const useDefs = new Int32List();
const kidsFrom = new Int32List();
const kidsTo = new Int32List();
const kidsStart = new Int32Slot();
const kidsAdj = new Int32Slot();
const bucketStartSlot = new Int32Slot();
const newIdSlot = new Int32Slot();
const work: number[] = [];
const undo: number[] = [];
const walkStack: number[] = [];
const markStack: number[] = [];

export function buildSsa(raw: RawFlow, locals: Set<string>, idom: Int32Array, succ: Csr, pred: Csr): SsaResult {
  const nb = raw.stmts.length;
  const nNames = raw.names.length;
  const isLocal = isLocalSlot.filled(nNames, 0);
  for (let i = 0; i < nNames; i++) if (locals.has(raw.names[i]!)) isLocal[i] = 1;
  const { evBlock, evName, evKind, evAt } = raw;

  // Events grouped by block, order kept (counting sort).
  const nev = evBlock.length;
  const evStart = evStartSlot.filled(nb + 1, 0);
  for (let i = 0; i < nev; i++) evStart[evBlock[i]! + 1]++;
  for (let b = 0; b < nb; b++) evStart[b + 1] += evStart[b]!;
  const evOrder = evOrderSlot.take(nev);
  {
    const fill = evFillSlot.take(nb);
    for (let b = 0; b < nb; b++) fill[b] = evStart[b]!;
    for (let i = 0; i < nev; i++) evOrder[fill[evBlock[i]!]!++] = i;
  }

  // Briggs' non-local names, and the blocks binding each local name (as name/block pairs, then grouped by name).
  const nonLocal = nonLocalSlot.filled(nNames, 0);
  const boundHere = boundHereSlot.filled(nNames, -1);
  const pairName = pairNames.reset();
  const pairBlock = pairBlocks.reset();
  for (let b = 0; b < nb; b++) {
    for (let k = evStart[b]!; k < evStart[b + 1]!; k++) {
      const e = evOrder[k]!;
      const name = evName[e]!;
      if (!isLocal[name]) continue;
      if (evKind[e] === EV_USE) {
        if (boundHere[name] !== b) nonLocal[name] = 1;
      } else if (boundHere[name] !== b) {
        boundHere[name] = b;
        pairName.push(name);
        pairBlock.push(b);
      }
    }
  }
  const defBlocks = csrInto(nNames, pairName.length, pairName.data, pairBlock.data, defBlocksStart, defBlocksAdj);

  // Phi placement (Cytron): iterated dominance frontier of each non-local name's binding blocks.
  const df = dominanceFrontiers(nb, idom, pred);
  const phiBlock = phiBlocks.reset();
  const phiName = phiNames.reset();
  const hasPhi = hasPhiSlot.filled(nb, -1);
  const queued = queuedSlot.filled(nb, -1);
  work.length = 0;
  for (let name = 0; name < nNames; name++) {
    if (!nonLocal[name]) continue;
    for (let j = defBlocks.start[name]!; j < defBlocks.start[name + 1]!; j++) {
      const b = defBlocks.adj[j]!;
      if (idom[b] === -1) continue;
      work.push(b);
      queued[b] = name;
    }
    while (work.length) {
      const x = work.pop()!;
      for (let j = df.start[x]!; j < df.start[x + 1]!; j++) {
        const y = df.adj[j]!;
        // Nothing is read in the exit block: a phi there would be dead by construction.
        if (hasPhi[y] === name || y === raw.exit) continue;
        hasPhi[y] = name;
        phiBlock.push(y);
        phiName.push(name);
        if (queued[y] !== name) {
          queued[y] = name;
          work.push(y);
        }
      }
    }
  }
  // Phis grouped by block, names in placement order (ascending) within a block.
  const phis = csrInto(nb, phiBlock.length, phiBlock.data, phiName.data, phisStart, phisAdj);

  // Distinct reachable predecessors of each block, in edge order: the phi argument order.
  const predsStart = predsStartSlot.take(nb + 1);
  const predsList = predsListSlot.take(pred.start[nb]!);
  {
    const lastPredOf = lastPredSlot.filled(nb, -1);
    let n = 0;
    for (let b = 0; b < nb; b++) {
      predsStart[b] = n;
      for (let j = pred.start[b]!; j < pred.start[b + 1]!; j++) {
        const p = pred.adj[j]!;
        if (idom[p] !== -1 && lastPredOf[p] !== b) {
          lastPredOf[p] = b;
          predsList[n++] = p;
        }
      }
    }
    predsStart[nb] = n;
  }
  /** Position of each predecessor in a block's preds, for blocks with phis and many predecessors. */
  let predIndex: Array<Map<number, number> | undefined> | undefined;

  const defs: SsaDef[] = [];
  /** Sort bucket of each def: 0 for entry definitions, 1 + block otherwise (see the numbering at the end). */
  const defBucket = defBuckets.reset();
  const prevDef = prevDefs.reset();
  const entryDef = entryDefSlot.filled(nNames, -1);
  const entryOf = (name: number): number => {
    let d = entryDef[name]!;
    if (d < 0) {
      d = defs.length;
      defs.push({ id: d, name: raw.names[name]!, kind: 'entry', block: raw.entry, at: -1 });
      defBucket.push(0);
      prevDef.push(-1);
      entryDef[name] = d;
    }
    return d;
  };
  const uses: SsaUse[] = [];
  const useDef = useDefs.reset();
  // Per-name stacks of reaching definitions as linked lists: top[name], and the def below each def (prevDef).
  const top = topSlot.filled(nNames, -1);
  undo.length = 0;
  // Phi definitions first: def ids 0..phis-1, block by block, so the phis of block b are ids phis.start[b]..
  for (let b = 0; b < nb; b++) {
    const ps = phis.start[b]!;
    const pe = phis.start[b + 1]!;
    if (ps === pe) continue;
    const preds = Array.from(predsList.subarray(predsStart[b]!, predsStart[b + 1]!));
    for (let j = ps; j < pe; j++) {
      const d = defs.length;
      defs.push({ id: d, name: raw.names[phis.adj[j]!]!, kind: 'phi', block: b, at: -1, args: new Array(preds.length).fill(-1), preds });
      defBucket.push(b + 1);
      prevDef.push(-1);
    }
  }

  const push = (name: number, d: number): void => {
    prevDef.data[d] = top[name]!;
    top[name] = d;
    undo.push(name);
  };
  const renameBlock = (b: number): void => {
    for (let j = phis.start[b]!; j < phis.start[b + 1]!; j++) push(phis.adj[j]!, j);
    for (let k = evStart[b]!; k < evStart[b + 1]!; k++) {
      const e = evOrder[k]!;
      const name = evName[e]!;
      const kind = evKind[e]!;
      if (kind === EV_USE) {
        const d = isLocal[name] && top[name]! >= 0 ? top[name]! : entryOf(name);
        uses.push({ name: raw.names[name]!, at: evAt[e]!, def: d });
        useDef.push(d);
        continue;
      }
      const d = defs.length;
      const def: SsaDef = { id: d, name: raw.names[name]!, kind: DEF_KINDS[kind] as SsaDefKind, block: b, at: evAt[e]! };
      if (!isLocal[name]) def.outer = true;
      defs.push(def);
      defBucket.push(b + 1);
      prevDef.push(-1);
      if (isLocal[name]) push(name, d);
    }
  };
  const predPosition = (s: number, b: number): number => {
    const from = predsStart[s]!;
    const to = predsStart[s + 1]!;
    if (to - from <= 16) {
      for (let i = from; i < to; i++) if (predsList[i] === b) return i - from;
      return -1;
    }
    predIndex ??= new Array(nb);
    let pi = predIndex[s];
    if (!pi) {
      pi = predIndex[s] = new Map();
      for (let i = from; i < to; i++) pi.set(predsList[i]!, i - from);
    }
    return pi.get(b) ?? -1;
  };
  const fillPhiArgs = (b: number): void => {
    for (let j = succ.start[b]!; j < succ.start[b + 1]!; j++) {
      const s = succ.adj[j]!;
      const ps = phis.start[s]!;
      const pe = phis.start[s + 1]!;
      if (ps === pe) continue;
      const idx = predPosition(s, b);
      if (idx < 0) continue;
      for (let d = ps; d < pe; d++) {
        const args = defs[d]!.args!;
        if (args[idx] !== -1) continue;
        const name = phis.adj[d]!;
        const tp = top[name]!;
        args[idx] = tp >= 0 ? tp : entryOf(name);
      }
    }
  };

  // Dominator-tree children, then an explicit-stack pre/post walk from the entry.
  const kids = domTreeChildren(nb, idom, raw.entry);
  const walk = walkStack;
  const mark = markStack;
  walk.length = 0;
  mark.length = 0;
  walk.push(raw.entry);
  mark.push(-1);
  const undoTo = (m: number): void => {
    while (undo.length > m) {
      const name = undo.pop()!;
      top[name] = prevDef.data[top[name]!]!;
    }
  };
  while (walk.length) {
    const t = walk.length - 1;
    const b = walk[t]!;
    if (mark[t] === -1) {
      mark[t] = undo.length;
      renameBlock(b);
      fillPhiArgs(b);
      for (let j = kids.start[b + 1]! - 1; j >= kids.start[b]!; j--) {
        walk.push(kids.adj[j]!);
        mark.push(-1);
      }
      continue;
    }
    // Back at b: its dominator subtree is done, so undo what it pushed.
    undoTo(mark.pop()!);
    walk.pop();
  }
  // Unreachable blocks: each on its own, from the entry definitions.
  for (let b = 0; b < nb; b++) {
    if (idom[b] !== -1) continue;
    const m = undo.length;
    renameBlock(b);
    undoTo(m);
  }

  // Number definitions in block order (entry definitions first; in a block, phis then bindings in event order): a
  // stable counting sort by bucket, since within a bucket ids were made in that order.
  const nd = defs.length;
  const bucketStart = bucketStartSlot.filled(nb + 2, 0);
  const bucket = defBucket.data;
  for (let d = 0; d < nd; d++) bucketStart[bucket[d]! + 1]++;
  for (let i = 0; i <= nb; i++) bucketStart[i + 1] += bucketStart[i]!;
  const newId = newIdSlot.take(nd);
  const out: SsaDef[] = new Array(nd);
  for (let d = 0; d < nd; d++) {
    const id = bucketStart[bucket[d]!]!++;
    newId[d] = id;
    out[id] = defs[d]!;
  }
  for (let i = 0; i < nd; i++) {
    const def = out[i]!;
    def.id = i;
    const args = def.args;
    if (args) for (let a = 0; a < args.length; a++) if (args[a]! >= 0) args[a] = newId[args[a]!]!;
  }
  const nu = uses.length;
  for (let i = 0; i < nu; i++) uses[i]!.def = newId[useDef.data[i]!]!;
  return { defs: out, uses: sortByAt(uses) };
}

const useKeys = new Float64Slot();

/** Uses by position, ties in creation order (what a stable sort by `at` gives), with numeric keys. */
function sortByAt(uses: SsaUse[]): SsaUse[] {
  const n = uses.length;
  if (n < 2) return uses;
  let maxAt = 0;
  for (let i = 0; i < n; i++) if (uses[i]!.at > maxAt) maxAt = uses[i]!.at;
  if ((maxAt + 1) * n >= Number.MAX_SAFE_INTEGER) return uses.sort((a, b) => a.at - b.at);
  const keys = useKeys.take(n).subarray(0, n);
  for (let i = 0; i < n; i++) keys[i] = uses[i]!.at * n + i;
  keys.sort();
  const out: SsaUse[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = uses[keys[i]! % n]!;
  return out;
}

function domTreeChildren(n: number, idom: Int32Array, root: number): Csr {
  const from = kidsFrom.reset();
  const to = kidsTo.reset();
  for (let b = 0; b < n; b++) {
    if (b === root || idom[b] === -1) continue;
    from.push(idom[b]!);
    to.push(b);
  }
  return csrInto(n, from.length, from.data, to.data, kidsStart, kidsAdj);
}
