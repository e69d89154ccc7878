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
import { type Csr, dominanceFrontiers } from './dominators';

export interface SsaResult {
  defs: SsaDef[];
  uses: SsaUse[];
}

export function buildSsa(raw: RawFlow, locals: Set<string>, idom: Int32Array, succ: Csr, pred: Csr): SsaResult {
  const nb = raw.stmts.length;
  const nNames = raw.names.length;
  const isLocal = new Uint8Array(nNames);
  for (let i = 0; i < nNames; i++) if (locals.has(raw.names[i]!)) isLocal[i] = 1;

  // Events grouped by block, order kept (counting sort).
  const nev = raw.evBlock.length;
  const evStart = new Int32Array(nb + 1);
  for (let i = 0; i < nev; i++) evStart[raw.evBlock[i]! + 1]++;
  for (let b = 0; b < nb; b++) evStart[b + 1] += evStart[b]!;
  const evOrder = new Int32Array(nev);
  {
    const fill = evStart.slice(0, nb);
    for (let i = 0; i < nev; i++) evOrder[fill[raw.evBlock[i]!]!++] = i;
  }

  // Briggs' non-local names, and the blocks binding each local name.
  const nonLocal = new Uint8Array(nNames);
  const defBlocks: number[][] = Array.from({ length: nNames }, () => []);
  const boundHere = new Int32Array(nNames).fill(-1);
  for (let b = 0; b < nb; b++) {
    for (let k = evStart[b]!; k < evStart[b + 1]!; k++) {
      const e = evOrder[k]!;
      const name = raw.evName[e]!;
      if (!isLocal[name]) continue;
      if (raw.evKind[e] === EV_USE) {
        if (boundHere[name] !== b) nonLocal[name] = 1;
      } else if (boundHere[name] !== b) {
        boundHere[name] = b;
        defBlocks[name]!.push(b);
      }
    }
  }

  // Phi placement (Cytron): iterated dominance frontier of each non-local name's binding blocks.
  const df = dominanceFrontiers(nb, idom, pred);
  const phiNames: number[][] = Array.from({ length: nb }, () => []);
  const hasPhi = new Int32Array(nb).fill(-1);
  const queued = new Int32Array(nb).fill(-1);
  for (let name = 0; name < nNames; name++) {
    if (!nonLocal[name]) continue;
    const work = defBlocks[name]!.filter((b) => idom[b] !== -1);
    for (const b of work) queued[b] = name;
    while (work.length) {
      const x = work.pop()!;
      for (const y of df[x]!) {
        // Nothing is read in the exit block: a phi there would be dead by construction.
        if (hasPhi[y] === name || y === raw.exit) continue;
        hasPhi[y] = name;
        phiNames[y]!.push(name);
        if (queued[y] !== name) {
          queued[y] = name;
          work.push(y);
        }
      }
    }
  }

  // Distinct reachable predecessors of each block, in edge order: the phi argument order.
  const preds: number[][] = Array.from({ length: nb }, () => []);
  const lastPredOf = new Int32Array(nb).fill(-1);
  for (let b = 0; b < nb; b++) {
    for (let j = pred.start[b]!; j < pred.start[b + 1]!; j++) {
      const p = pred.adj[j]!;
      if (idom[p] !== -1 && lastPredOf[p] !== b) {
        lastPredOf[p] = b;
        preds[b]!.push(p);
      }
    }
  }
  /** Position of each predecessor in `preds[b]`, made only for blocks with phis. */
  const predIndex: Array<Map<number, number> | undefined> = new Array(nb);

  const defs: SsaDef[] = [];
  /** Sort key of each def: block, then phis, then event order. */
  const defKey: number[] = [];
  /** Name id of each phi definition (by def index). */
  const phiNameOf: number[] = [];
  const entryDef = new Int32Array(nNames).fill(-1);
  const entryOf = (name: number): number => {
    let d = entryDef[name]!;
    if (d < 0) {
      d = defs.length;
      defs.push({ id: d, name: raw.names[name]!, kind: 'entry', block: raw.entry, at: -1 });
      defKey.push(-1);
      entryDef[name] = d;
    }
    return d;
  };
  const uses: SsaUse[] = [];
  const useDef: number[] = [];
  const stacks: number[][] = Array.from({ length: nNames }, () => []);
  const undo: number[] = [];
  const phiDefs: number[][] = Array.from({ length: nb }, () => []);
  for (let b = 0; b < nb; b++) {
    for (const name of phiNames[b]!) {
      const d = defs.length;
      defs.push({ id: d, name: raw.names[name]!, kind: 'phi', block: b, at: -1, args: new Array(preds[b]!.length).fill(-1), preds: preds[b]! });
      defKey.push(b * (nev + 1));
      phiNameOf[d] = name;
      phiDefs[b]!.push(d);
    }
  }

  const renameBlock = (b: number): void => {
    for (const d of phiDefs[b]!) {
      const name = phiNameOf[d]!;
      stacks[name]!.push(d);
      undo.push(name);
    }
    for (let k = evStart[b]!; k < evStart[b + 1]!; k++) {
      const e = evOrder[k]!;
      const name = raw.evName[e]!;
      const kind = raw.evKind[e]!;
      if (kind === EV_USE) {
        const st = stacks[name]!;
        const d = isLocal[name] && st.length ? st[st.length - 1]! : entryOf(name);
        uses.push({ name: raw.names[name]!, at: raw.evAt[e]!, def: d });
        useDef.push(d);
        continue;
      }
      const d = defs.length;
      const def: SsaDef = { id: d, name: raw.names[name]!, kind: DEF_KINDS[kind] as SsaDefKind, block: b, at: raw.evAt[e]! };
      if (!isLocal[name]) def.outer = true;
      defs.push(def);
      defKey.push(b * (nev + 1) + k + 1);
      if (isLocal[name]) {
        stacks[name]!.push(d);
        undo.push(name);
      }
    }
  };
  const fillPhiArgs = (b: number): void => {
    for (let j = succ.start[b]!; j < succ.start[b + 1]!; j++) {
      const s = succ.adj[j]!;
      const ps = phiDefs[s]!;
      if (!ps.length) continue;
      let pi = predIndex[s];
      if (!pi) pi = predIndex[s] = new Map(preds[s]!.map((p, i) => [p, i]));
      const idx = pi.get(b);
      if (idx === undefined) continue;
      for (const d of ps) {
        const args = defs[d]!.args!;
        if (args[idx] !== -1) continue;
        const name = phiNameOf[d]!;
        const st = stacks[name]!;
        args[idx] = st.length ? st[st.length - 1]! : entryOf(name);
      }
    }
  };

  // Dominator-tree children, then an explicit-stack pre/post walk from the entry.
  const kids = domTreeChildren(nb, idom, raw.entry);
  const walk: number[] = [raw.entry];
  const mark: number[] = [-1];
  while (walk.length) {
    const top = walk.length - 1;
    const b = walk[top]!;
    if (mark[top] === -1) {
      mark[top] = undo.length;
      renameBlock(b);
      fillPhiArgs(b);
      for (let j = kids.start[b + 1]! - 1; j >= kids.start[b]!; j--) {
        walk.push(kids.adj[j]!);
        mark.push(-1);
      }
      continue;
    }
    // Back at b: its dominator subtree is done, so undo what it pushed.
    const m = mark.pop()!;
    while (undo.length > m) stacks[undo.pop()!]!.pop();
    walk.pop();
  }
  // Unreachable blocks: each on its own, from the entry definitions.
  for (let b = 0; b < nb; b++) {
    if (idom[b] !== -1) continue;
    const m = undo.length;
    renameBlock(b);
    while (undo.length > m) stacks[undo.pop()!]!.pop();
  }

  // Number definitions in block order (entry definitions first), so ids read in program order.
  const order = defs.map((_, i) => i).sort((a, b) => defKey[a]! - defKey[b]! || a - b);
  const newId = new Int32Array(defs.length);
  order.forEach((d, i) => (newId[d] = i));
  const out = order.map((d) => {
    const def = defs[d]!;
    def.id = newId[d]!;
    if (def.args) def.args = def.args.map((a) => (a < 0 ? a : newId[a]!));
    return def;
  });
  for (let i = 0; i < uses.length; i++) uses[i]!.def = newId[useDef[i]!]!;
  uses.sort((a, b) => a.at - b.at);
  return { defs: out, uses };
}

function domTreeChildren(n: number, idom: Int32Array, root: number): Csr {
  const from: number[] = [];
  const to: number[] = [];
  for (let b = 0; b < n; b++) {
    if (b === root || idom[b] === -1) continue;
    from.push(idom[b]!);
    to.push(b);
  }
  const start = new Int32Array(n + 1);
  for (const f of from) start[f + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i]!;
  const fill = start.slice(0, n);
  const adj = new Int32Array(from.length);
  for (let e = 0; e < from.length; e++) adj[fill[from[e]!]!++] = to[e]!;
  return { start, adj };
}
