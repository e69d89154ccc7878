/**
 * L5's per-file semantic IR: `buildFileFlow(root)` gives every scope of a parsed file its CFG (cfg.ts), dominator and
 * post-dominator trees (dominators.ts) and SSA form (ssa.ts), under Python's scoping rules (scopes.ts).
 *
 * Scopes are processed breadth-first from a queue: a scope's builder hands back the scopes nested in it, so neither
 * deep nesting of definitions nor of statements recurses. Budgets (statements per scope, scope depth) turn hostile
 * input into `skipped` entries instead of time or stack blow-ups.
 */
import type { FileFlow, FlowEdge, FlowEdgeKind, ScopeFlow } from './model';
import { BudgetExceeded, EDGE_KINDS, FileContext, ScopeBuilder, grammarOf, type ChildScope, type Grammar, type RawFlow } from './cfg';
import { flattenTree, type FlatTree, type FlattenOptions } from './flat-tree';
import { csrInto, immediateDominators } from './dominators';
import { Float64Slot, Int32Slot } from './scratch';
import { localNames } from './scopes';
import { buildSsa } from './ssa';
import type { SyntaxNode } from '../parser';

export * from './model';
export { printScope, printCfg, printDominators, printSsa, printFileFlow } from './print';
export { enclosingForFreeNames, localNames } from './scopes';
export { rawWalkInUse, flattenTree, type FlatTree, type FlattenOptions } from './flat-tree';
export { grammarOf, type Grammar } from './cfg';

export interface FlowOptions {
  /** A scope with more statements than this is skipped (default 100,000). */
  maxStatements?: number;
  /** Scopes nested deeper than this (module = 0) are skipped with everything inside them (default 100). */
  maxScopeDepth?: number;
  /** How the tree is read (tests and the regression check only; see flat-tree.ts). */
  treeWalk?: FlattenOptions;
}

export const DEFAULT_MAX_STATEMENTS = 100_000;
export const DEFAULT_MAX_SCOPE_DEPTH = 100;

interface Pending {
  child: ChildScope | undefined;
  parent: number;
  depth: number;
  qualName: string;
}

/** Builds the flow of every scope of a file. `root` is the tree's root (module) node; the text is read from it. */
export function buildFileFlow(root: SyntaxNode, opts: FlowOptions = {}): FileFlow {
  // The module node starts at its first token, not at 0: blank lines before it are not in its text. Positions are
  // indices into the whole source, so pad the text back to it (only whitespace can precede the first token).
  const text = ' '.repeat(root.startIndex) + root.text;
  return buildFileFlowWithText(root, text, opts);
}

/** As buildFileFlow, with the source text the tree was parsed from (saves copying it out of wasm again). */
export function buildFileFlowWithText(root: SyntaxNode, text: string, opts: FlowOptions = {}): FileFlow {
  const grammar = grammarOf(root.tree.language);
  return buildFileFlowFlat(flattenTree(root, text, grammar.walk, opts.treeWalk), text, grammar, opts);
}

/**
 * As buildFileFlowWithText, from the file's flat tree (flat-tree.ts): everything reads the flat copy, with no more
 * calls into wasm for this file. L5 flattens once and gives the same copy to the value-flow extractor.
 */
export function buildFileFlowFlat(tree: FlatTree, text: string, grammar: Grammar, opts: FlowOptions = {}): FileFlow {
  const maxDepth = opts.maxScopeDepth ?? DEFAULT_MAX_SCOPE_DEPTH;
  const ctx = new FileContext(text, tree, grammar, opts.maxStatements ?? DEFAULT_MAX_STATEMENTS);
  const scopes: ScopeFlow[] = [];
  const skipped: NonNullable<FileFlow['skipped']> = [];
  const queue: Pending[] = [{ child: undefined, parent: -1, depth: 0, qualName: '<module>' }];
  const usedNames = new Map<string, number>();
  for (let qi = 0; qi < queue.length; qi++) {
    const p = queue[qi]!;
    // The module is the walk's root: flat index 0.
    const node = p.child ? p.child.node : 0;
    const span: [number, number] = [tree.start[node]!, tree.end[node]!];
    if (p.depth > maxDepth) {
      skipped.push({ name: p.qualName, span, reason: `nested deeper than ${maxDepth} scopes` });
      continue;
    }
    const children: ChildScope[] = [];
    const kind = p.child ? p.child.kind : 'module';
    const builder = new ScopeBuilder(ctx, kind, children, p.child);
    let raw: RawFlow;
    try {
      if (!p.child) raw = builder.buildModule(node);
      else if (kind === 'function') raw = builder.buildFunction(node);
      else if (kind === 'class') raw = builder.buildClass(node);
      else if (kind === 'lambda') raw = builder.buildLambda(node);
      else raw = builder.buildComprehension(node);
    } catch (err) {
      if (!(err instanceof BudgetExceeded)) throw err;
      skipped.push({ name: p.qualName, span, reason: err.message });
      continue;
    }
    const index = scopes.length;
    scopes.push(scopeFlow(raw, kind, p.qualName, span, p.parent));
    const prefix = p.child ? p.qualName + '.' : '';
    for (const c of children) {
      let q = prefix + c.name;
      const seen = usedNames.get(q) ?? 0;
      usedNames.set(q, seen + 1);
      if (seen) q = `${q}#${seen + 1}`;
      queue.push({ child: c, parent: index, depth: p.depth + 1, qualName: q });
    }
  }
  return skipped.length ? { scopes, skipped } : { scopes };
}

/** The graph arrays of the scope being finished (scratch.ts): a scope's are done with before the next one's. */
const succStart = new Int32Slot();
const succAdj = new Int32Slot();
const predStart = new Int32Slot();
const predAdj = new Int32Slot();
const domSlot = new Int32Slot();
const pdomSlot = new Int32Slot();

function scopeFlow(raw: RawFlow, kind: ScopeFlow['kind'], name: string, span: [number, number], parent: number): ScopeFlow {
  const nb = raw.stmts.length;
  const ne = raw.eFrom.length;
  const succ = csrInto(nb, ne, raw.eFrom, raw.eTo, succStart, succAdj);
  const pred = csrInto(nb, ne, raw.eTo, raw.eFrom, predStart, predAdj);
  const idom = immediateDominators(nb, raw.entry, succ, pred, domSlot);
  const ipdom = immediateDominators(nb, raw.exit, pred, succ, pdomSlot);
  const boundNames: string[] = [];
  for (const id of raw.bound) boundNames.push(raw.names[id]!);
  const locals = localNames(kind, boundNames, raw.globals, raw.nonlocals, raw.bindsOutside);
  const { defs, uses } = buildSsa(raw, locals, idom, succ, pred);
  const blocks = raw.stmts.map((flat, id) => {
    const stmts: Array<[number, number]> = [];
    for (let i = 0; i < flat.length; i += 2) stmts.push([flat[i]!, flat[i + 1]!]);
    return { id, stmts };
  });
  const edges = sortedEdges(raw, nb);
  return {
    kind,
    name,
    span,
    parent,
    entry: raw.entry,
    exit: raw.exit,
    blocks,
    edges,
    idom: toArray(idom, nb),
    ipdom: toArray(ipdom, nb),
    globals: kind === 'module' ? [] : [...raw.globals].sort(),
    nonlocals: [...raw.nonlocals].sort(),
    defs,
    uses,
  };
}

function toArray(a: Int32Array, n: number): number[] {
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]!;
  return out;
}

const edgeKeys = new Float64Slot();

/** Edges by (from, to), ties in creation order (what a stable sort gives), sorted as numeric keys. */
function sortedEdges(raw: RawFlow, nb: number): FlowEdge[] {
  const n = raw.eFrom.length;
  const make = (e: number): FlowEdge => ({ from: raw.eFrom[e]!, to: raw.eTo[e]!, kind: EDGE_KINDS[raw.eKind[e]!] as FlowEdgeKind });
  if (nb * nb * (n + 1) >= Number.MAX_SAFE_INTEGER) {
    const edges = raw.eFrom.map((_, e) => make(e));
    return edges.sort((a, b) => a.from - b.from || a.to - b.to);
  }
  const keys = edgeKeys.take(n).subarray(0, n);
  for (let e = 0; e < n; e++) keys[e] = (raw.eFrom[e]! * nb + raw.eTo[e]!) * n + e;
  keys.sort();
  const out: FlowEdge[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = make(keys[i]! % n);
  return out;
}
