/**
 * L5's per-file semantic IR: for every scope of a file (module body, class body, function, lambda, comprehension),
 * its control-flow graph over basic blocks, dominator and post-dominator trees, and SSA form of its local names.
 *
 * Plain, JSON-serialisable data; positions are JS string indices into the decoded source (what web-tree-sitter's
 * `startIndex` reports), so a consumer walking the same tree finds a name's SSA definition by the start index of the
 * identifier node. This file is the contract between the CFG/SSA builder (`flow/`) and its consumers (value flow,
 * the L5 layer, L6 slicing next): change it only with docs/ir.md.
 */

export type FlowScopeKind = 'module' | 'class' | 'function' | 'lambda' | 'comprehension';

/**
 * Why control goes from one block to the next. `true`/`false`: the two arms of a condition (if/elif/while/assert,
 * comprehension `if`, match guard); `loop`: back edge to a loop head; `exhausted`: a for/while leaving through its
 * head (into `else` or after the loop); `case`/`no-match`: a match case taken or not; `exception`: from a block that
 * may raise into a handler (or to the scope's exit when nothing catches); `finally`: into or out of a finally body;
 * `break`/`continue`/`return`/`raise`: the jump statements; `normal`: fall-through.
 */
export type FlowEdgeKind =
  | 'normal'
  | 'true'
  | 'false'
  | 'loop'
  | 'exhausted'
  | 'case'
  | 'no-match'
  | 'exception'
  | 'finally'
  | 'break'
  | 'continue'
  | 'return'
  | 'raise';

export interface FlowBlock {
  id: number;
  /** Statements (or conditions / loop heads / patterns) of the block in execution order: [start, end) indices. */
  stmts: Array<[number, number]>;
}

export interface FlowEdge {
  from: number;
  to: number;
  kind: FlowEdgeKind;
}

/**
 * How a name gets a value. `entry`: the value a name has on entry to the scope (parameters use `param`; free,
 * global and nonlocal names, and names read before any assignment, get one `entry` definition each); `phi`: a join.
 */
export type SsaDefKind =
  | 'entry'
  | 'param'
  | 'assign'
  | 'augassign'
  | 'walrus'
  | 'for'
  | 'with'
  | 'except'
  | 'import'
  | 'def'
  | 'class'
  | 'match'
  | 'comprehension'
  | 'del'
  | 'phi';

export interface SsaDef {
  id: number;
  name: string;
  kind: SsaDefKind;
  block: number;
  /**
   * Start index of the binding identifier; for `entry` and `phi`, -1; also -1 for the implicit `del` of an
   * `except ... as name` target at the normal end of its handler.
   */
  at: number;
  /**
   * The binding is of a `global`/`nonlocal` name (or, in a comprehension, of a walrus target that binds in the
   * enclosing scope): a store into another scope, not a local SSA value, so no read of this scope sees it.
   */
  outer?: true;
  /** `phi` only: the reaching definition along each incoming edge, in the order of `preds`. */
  args?: number[];
  preds?: number[];
}

export interface SsaUse {
  name: string;
  /** Start index of the identifier read. */
  at: number;
  /** The definition that reaches this read (an SSA def id of the same scope). */
  def: number;
}

export interface ScopeFlow {
  kind: FlowScopeKind;
  /** Qualified name within the module (`C.m`, `f.<lambda>`, `f.<listcomp>`), as L1 names scopes where it does. */
  name: string;
  /** [start, end) indices of the scope's node (the def/class/lambda/comprehension, or the whole module). */
  span: [number, number];
  /** Index in FileFlow.scopes of the enclosing scope; -1 for the module. */
  parent: number;
  entry: number;
  exit: number;
  blocks: FlowBlock[];
  edges: FlowEdge[];
  /** Immediate dominator of each block (by id); the entry's is itself; unreachable blocks -1. */
  idom: number[];
  /** Immediate post-dominator of each block (towards `exit`); the exit's is itself; blocks that never reach exit -1. */
  ipdom: number[];
  /** Names declared `global` / `nonlocal` here: their reads and writes are not local SSA values. */
  globals: string[];
  nonlocals: string[];
  defs: SsaDef[];
  uses: SsaUse[];
}

export interface FileFlow {
  scopes: ScopeFlow[];
  /** Scopes skipped by a budget (too many statements, too deep), with the reason, so nothing is silently lost. */
  skipped?: Array<{ name: string; span: [number, number]; reason: string }>;
}
