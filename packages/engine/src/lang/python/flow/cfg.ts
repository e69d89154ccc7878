/**
 * Statements → basic blocks and typed edges for one scope, plus the scope's name events (reads and bindings, in
 * execution order per block) that SSA construction renames.
 *
 * The tree is read from a FlatTree (flat-tree.ts): the file's named nodes as typed arrays made by one cursor walk,
 * so nothing here calls into wasm or makes node objects; node types are compared as small integer kinds (one table
 * per grammar, made from the type names) and fields as field ids.
 *
 * No recursion anywhere: statements are processed from an explicit task stack (a compound statement pushes the tasks
 * for its parts in reverse execution order), expressions are scanned in pre-order over the flat arrays with a depth
 * counter, targets and patterns with small explicit stacks. Nested scopes (def, class, lambda, comprehension) are not
 * entered: they are handed back as `ChildScope`s for the file-level queue; only what Python evaluates in the
 * enclosing scope (decorators, defaults, annotations, bases, a comprehension's first iterable) is read here.
 *
 * Modelling choices (documented in docs/ir.md, L5):
 * - Blocks outside any `try` have no exception edges. Inside a try body (and the handlers/else of a try with
 *   `finally`) every statement starts its own block and every block with a statement gets an `exception` edge to
 *   each handler (and on to the finally / enclosing handlers / exit when no bare `except` catches). The try statement
 *   itself is a block (its `try` keyword) with the same edges, so a handler sees every value a name can have when the
 *   exception is raised, including the one from before the try.
 * - One copy of each `finally` body: every way in (fall-through `finally`, `return`, `break`, `continue`,
 *   `exception`/`raise`) has its edge in, and the end of the body has one edge out per way that came in.
 * - `while True:` has no `exhausted` edge; `with` does not model `__exit__` suppressing exceptions; short-circuit
 *   operators and conditional expressions do not split blocks.
 */
import type { FlowScopeKind } from './model';
import { ANONYMOUS_SCOPE_NAMES, SCOPE_NODE_KINDS, walrusBindsOutside } from './scopes';
import type { FlatTree, WalkTable } from './flat-tree';
import { csrInto } from './dominators';
import { Float64Slot, Int32Slot, Uint8Slot } from './scratch';
import type { Language } from '../parser';

export const EDGE_KINDS = ['normal', 'true', 'false', 'loop', 'exhausted', 'case', 'no-match', 'exception', 'finally', 'break', 'continue', 'return', 'raise'] as const;
const E_NORMAL = 0, E_TRUE = 1, E_FALSE = 2, E_LOOP = 3, E_EXHAUSTED = 4, E_CASE = 5, E_NOMATCH = 6, E_EXCEPTION = 7, E_FINALLY = 8, E_BREAK = 9, E_CONTINUE = 10, E_RETURN = 11, E_RAISE = 12;

export const DEF_KINDS = ['entry', 'param', 'assign', 'augassign', 'walrus', 'for', 'with', 'except', 'import', 'def', 'class', 'match', 'comprehension', 'del', 'phi'] as const;
export const D_ENTRY = 0, D_PARAM = 1, D_ASSIGN = 2, D_AUGASSIGN = 3, D_WALRUS = 4, D_FOR = 5, D_WITH = 6, D_EXCEPT = 7, D_IMPORT = 8, D_DEF = 9, D_CLASS = 10, D_MATCH = 11, D_COMPREHENSION = 12, D_DEL = 13, D_PHI = 14;
/** Event kind of a read (defs use their DEF_KINDS index). */
export const EV_USE = -1;

/** A nested scope found while building its parent, for the file-level queue. */
export interface ChildScope {
  /** The scope's node (index in the file's FlatTree). */
  node: number;
  kind: FlowScopeKind;
  /** Display name without the parent prefix (`f`, `<lambda>`, `<listcomp>`). */
  name: string;
  /** Comprehensions: walrus targets inside it that bind in the enclosing function (or module). */
  bindsOutside?: string[];
  /** Whether those targets bind at module level (they are then `global`, not `nonlocal`, in the comprehension). */
  outsideIsModule?: boolean;
}

/** One scope's CFG and name events, before dominators and SSA. Block ids are final (see `finish`). */
export interface RawFlow {
  entry: number;
  exit: number;
  /** Per block: flat [start, end, start, end, ...] of its statements. */
  stmts: number[][];
  eFrom: number[];
  eTo: number[];
  eKind: number[];
  /** Name events in execution order within each block. */
  evBlock: number[];
  evName: number[];
  /** EV_USE or a DEF_KINDS index. */
  evKind: number[];
  evAt: number[];
  names: string[];
  /** Name ids bound in the scope (any def event), as a set of ids. */
  bound: Set<number>;
  globals: Set<string>;
  nonlocals: Set<string>;
  bindsOutside: Set<string>;
  statements: number;
}

export class BudgetExceeded extends Error {}

// ---------------------------------------------------------------- per-grammar tables

/**
 * The node types the builder tells apart, as small integers (0: any other type). Several type ids can carry one
 * name; the table maps every id by its name, so comparing kinds is comparing type names.
 */
const KIND_NAMES = [
  '', 'identifier', 'lambda', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression',
  'named_expression', 'attribute', 'keyword_argument', 'comment', 'for_in_clause', 'if_clause', 'default_parameter',
  'typed_default_parameter', 'typed_parameter', 'list_splat_pattern', 'dictionary_splat_pattern', 'tuple_pattern',
  'list_pattern', 'if_statement', 'while_statement', 'for_statement', 'try_statement', 'with_statement', 'match_statement',
  'function_definition', 'class_definition', 'decorated_definition', 'return_statement', 'raise_statement',
  'break_statement', 'continue_statement', 'assert_statement', 'expression_statement', 'delete_statement',
  'global_statement', 'nonlocal_statement', 'import_statement', 'import_from_statement', 'type_alias_statement',
  'pass_statement', 'future_import_statement', 'block', 'assignment', 'augmented_assignment', 'aliased_import',
  'dotted_name', 'decorator', 'elif_clause', 'true', 'except_clause', 'except_group_clause', 'else_clause',
  'finally_clause', 'as_pattern', 'with_clause', 'with_item', 'as_pattern_target', 'case_clause', 'case_pattern',
  'class_pattern', 'keyword_pattern', 'dict_pattern', 'string', 'concatenated_string', 'integer', 'float',
  'complex_pattern', 'false', 'none', 'union_pattern', 'pattern_list', 'tuple', 'list', 'expression_list',
  'parenthesized_expression', 'list_splat',
] as const;
type KindName = (typeof KIND_NAMES)[number];
const K = Object.fromEntries(KIND_NAMES.map((n, i) => [n, i])) as Record<KindName, number>;

const F_NAMED = 1, F_IDENT = 2, F_SCOPE = 4, F_WALRUS = 8, F_LEAF = 16, F_ATTRIBUTE = 32, F_KWARG = 64;
const LEAVES = new Set(['comment', 'integer', 'float', 'true', 'false', 'none', 'ellipsis', 'escape_sequence', 'type_conversion', 'string_start', 'string_content', 'string_end']);

const FIELD_NAMES = ['attribute', 'name', 'parameters', 'body', 'right', 'left', 'type', 'value', 'alias', 'definition', 'condition', 'consequence', 'alternative', 'subject', 'guard', 'superclasses', 'return_type', 'key'] as const;

/** Per grammar, indexed by type id over the whole 16-bit range (ERROR is 65535): no bounds checks in hot loops. */
export interface Grammar {
  kind: Uint8Array;
  flags: Uint8Array;
  walk: WalkTable;
  field: Record<(typeof FIELD_NAMES)[number], number>;
  types: readonly string[];
}
const grammars = new WeakMap<Language, Grammar>();

/**
 * The same string, internalized (V8 keeps one copy of each property key): the binding's type names are read out of
 * wasm memory as fresh strings, and comparing a fresh string with a literal (`switch (n.type)`, `type === 'call'`)
 * compares characters, where two internalized strings compare by identity.
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

export function grammarOf(lang: Language): Grammar {
  let g = grammars.get(lang);
  if (g) return g;
  const kind = new Uint8Array(65536);
  const flags = new Uint8Array(65536);
  const named = new Uint8Array(65536);
  const leaf = new Uint8Array(65536);
  const identifier = new Uint8Array(65536);
  const string = new Uint8Array(65536);
  for (let id = 0; id < lang.types.length; id++) {
    const name = lang.types[id]!;
    const isNamed = lang.nodeTypeIsNamed(id);
    let f = isNamed ? F_NAMED : 0;
    if (name === 'identifier' && f) f |= F_IDENT;
    else if (SCOPE_NODE_KINDS[name] && name !== 'function_definition' && name !== 'class_definition') f |= F_SCOPE;
    else if (name === 'named_expression') f |= F_WALRUS;
    else if (name === 'attribute') f |= F_ATTRIBUTE;
    else if (name === 'keyword_argument') f |= F_KWARG;
    if (LEAVES.has(name)) f |= F_LEAF;
    flags[id] = f;
    named[id] = isNamed ? 1 : 0;
    leaf[id] = LEAVES.has(name) ? 1 : 0;
    identifier[id] = isNamed && name === 'identifier' ? 1 : 0;
    string[id] = isNamed && name === 'string' ? 1 : 0;
    // Kinds are for named nodes (an anonymous `true` token is not the `true` literal).
    if (isNamed) kind[id] = (K as Record<string, number>)[name] ?? 0;
  }
  // ERROR: a named node whose inside is scanned like any expression.
  flags[65535] = F_NAMED;
  named[65535] = 1;
  const field = {} as Grammar['field'];
  for (const f of FIELD_NAMES) field[f] = lang.fieldIdForName(f) ?? -1;
  g = { kind, flags, walk: { named, leaf, identifier, string }, field, types: lang.types.map(internalized) };
  grammars.set(lang, g);
  return g;
}

/** What the whole file shares: the text, its flattened tree, the grammar tables. */
export class FileContext {
  private walrus: number[] | undefined;
  constructor(
    readonly text: string,
    readonly tree: FlatTree,
    readonly grammar: Grammar,
    readonly maxStatements: number,
  ) {}
  /** Every index of `:=` in the text, ascending (made on first use). */
  walrusPositions(): number[] {
    if (!this.walrus) {
      this.walrus = [];
      for (let i = this.text.indexOf(':='); i >= 0; i = this.text.indexOf(':=', i + 1)) this.walrus.push(i);
    }
    return this.walrus;
  }
}

// ---------------------------------------------------------------- tasks and frames

const T_STMT = 0, T_BODY = 1, T_GOTO = 2, T_START = 3, T_POP = 4, T_GOTO_FINALLY = 5, T_FINALLY_END = 6, T_HANDLER = 7, T_EXCEPT_END = 8;

const FR_LOOP = 0, FR_HANDLERS = 1, FR_FINALLY = 2;
interface Frame {
  type: number;
  /** Loop: continue target. Finally: the finally body's first block. */
  head: number;
  /** Loop: break target. Finally: the block after the try statement. */
  after: number;
  handlers: number[];
  catchAll: boolean;
  /** Finally: bit per edge kind that entered it. */
  pending: number;
}

const readStacks = { queue: [] as number[], postDepth: [] as number[], postAt: [] as number[], postName: [] as string[], scopes: [] as number[] };

export class ScopeBuilder {
  // blocks
  private stmts: number[][] = [];
  private pos: number[] = [];
  private evCount: number[] = [];
  // edges
  private eFrom: number[] = [];
  private eTo: number[] = [];
  private eKind: number[] = [];
  private edgeSeen = new Set<number>();
  // events
  private evBlock: number[] = [];
  private evName: number[] = [];
  private evKind: number[] = [];
  private evAt: number[] = [];
  private nameIds = new Map<string, number>();
  private names: string[] = [];
  private bound = new Set<number>();
  private globals = new Set<string>();
  private nonlocals = new Set<string>();
  private bindsOutside: Set<string>;
  private outsideIsModule: boolean;
  // walk state
  private cur = -1;
  private entry: number;
  private exit: number;
  private frames: Frame[] = [];
  private protectedDepth = 0;
  private tOp: number[] = [];
  /** Task node (flat index, -1 for none). */
  private tNode: number[] = [];
  private tA: number[] = [];
  private tB: number[] = [];
  private frameRefs: Frame[] = [];
  private statements = 0;
  private readonly text: string;
  private readonly t: FlatTree;
  private readonly kind: Uint8Array;
  private readonly fields: Grammar['field'];
  /** Scratch stacks of `read` (shared by every builder: one scope is built at a time, and `read` works above the stacks' lengths on entry). */
  private readonly scan = readStacks;

  constructor(
    private readonly ctx: FileContext,
    private readonly scopeKind: FlowScopeKind,
    private readonly children: ChildScope[],
    child?: ChildScope,
  ) {
    this.text = ctx.text;
    this.t = ctx.tree;
    this.kind = ctx.grammar.kind;
    this.fields = ctx.grammar.field;
    // Emptied here, not trusted to be: a builder that threw (a budget) may have left entries.
    for (const k of ['queue', 'postDepth', 'postAt', 'postName', 'scopes'] as const) readStacks[k].length = 0;
    this.bindsOutside = new Set(child?.bindsOutside ?? []);
    this.outsideIsModule = child?.outsideIsModule ?? false;
    if (child?.bindsOutside?.length) for (const n of child.bindsOutside) (child.outsideIsModule ? this.globals : this.nonlocals).add(n);
    this.entry = this.newBlock(-1);
    this.exit = this.newBlock(Number.MAX_SAFE_INTEGER);
    this.cur = this.entry;
  }

  // ---------------------------------------------------------------- tree access

  /** Kind of node `n` (see KIND_NAMES). */
  private k(n: number): number {
    return this.kind[this.t.type[n]!]!;
  }

  /** The first named child of `n` in field `f` (tree-sitter's childForFieldName, named children only), or -1. */
  private field(n: number, f: number): number {
    const t = this.t;
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) if (t.field[c] === f) return c;
    return -1;
  }

  private firstNamed(n: number): number {
    return this.t.firstChild[n]!;
  }

  private lastNamed(n: number): number {
    const t = this.t;
    let last = -1;
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) last = c;
    return last;
  }

  private namedCount(n: number): number {
    const t = this.t;
    let count = 0;
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) count++;
    return count;
  }

  /** An identifier's text. */
  private identText(n: number): string {
    return this.text.slice(this.t.start[n]!, this.t.end[n]!);
  }

  // ---------------------------------------------------------------- scope bodies

  buildModule(root: number): RawFlow {
    this.pushBody(root);
    this.run();
    return this.finish();
  }

  buildFunction(def: number): RawFlow {
    const params = this.field(def, this.fields.parameters);
    if (params >= 0) this.bindParameters(params);
    const body = this.field(def, this.fields.body);
    if (body >= 0) this.pushBody(body);
    this.run();
    return this.finish();
  }

  buildClass(cls: number): RawFlow {
    const body = this.field(cls, this.fields.body);
    if (body >= 0) this.pushBody(body);
    this.run();
    return this.finish();
  }

  buildLambda(lam: number): RawFlow {
    const params = this.field(lam, this.fields.parameters);
    if (params >= 0) this.bindParameters(params);
    const body = this.field(lam, this.fields.body);
    if (body >= 0) {
      this.addStmt(this.t.start[body]!, this.t.end[body]!);
      this.read(body);
    }
    this.finishFlow();
    return this.finish();
  }

  /**
   * `[elt for a in A if c for b in B]`: entry → head₁ → (bind a) → [c] → (B) → head₂ → (bind b) → elt → loop to head₂;
   * head₂ exhausted → head₁; head₁ exhausted → exit. `A` was read in the enclosing scope.
   */
  buildComprehension(comp: number): RawFlow {
    const t = this.t;
    const F = this.fields;
    const body = this.field(comp, F.body);
    let outerHead = -1;
    let innerHead = -1;
    for (let clause = t.firstChild[comp]!; clause >= 0; clause = t.nextSibling[clause]!) {
      const ck = this.k(clause);
      if (ck === K.for_in_clause) {
        if (innerHead >= 0) {
          // Later iterables are evaluated inside the comprehension, once per outer iteration.
          for (let r = t.firstChild[clause]!; r >= 0; r = t.nextSibling[r]!) {
            if (t.field[r] !== F.right) continue;
            this.addStmt(t.start[r]!, t.end[r]!);
            this.read(r);
          }
        }
        const head = this.newBlock(t.start[clause]!);
        this.edge(this.ensureBlock(t.start[clause]!), head, E_NORMAL);
        if (innerHead >= 0) this.edge(head, innerHead, E_EXHAUSTED);
        else outerHead = head;
        innerHead = head;
        const b = this.newBlock(t.start[clause]!);
        this.edge(head, b, E_NORMAL);
        this.cur = b;
        const left = this.field(clause, F.left);
        if (left >= 0) {
          this.addStmt(t.start[left]!, t.end[left]!);
          this.target(left, D_COMPREHENSION);
        }
      } else if (ck === K.if_clause) {
        this.addStmt(t.start[clause]!, t.end[clause]!);
        this.read(clause);
        const c = this.cur;
        const tb = this.newBlock(t.end[clause]!);
        this.edge(c, tb, E_TRUE);
        if (innerHead >= 0) this.edge(c, innerHead, E_FALSE);
        this.cur = tb;
      }
    }
    if (body >= 0) {
      this.addStmt(t.start[body]!, t.end[body]!);
      this.read(body);
    }
    if (innerHead >= 0) {
      this.edge(this.cur, innerHead, E_LOOP);
      this.edge(outerHead, this.exit, E_EXHAUSTED);
      this.cur = -1;
    }
    this.finishFlow();
    return this.finish();
  }

  private bindParameters(params: number): void {
    const t = this.t;
    for (let p = t.firstChild[params]!; p >= 0; p = t.nextSibling[p]!) {
      let n = p;
      const pk = this.k(p);
      if (pk === K.default_parameter || pk === K.typed_default_parameter) n = this.field(p, this.fields.name);
      else if (pk === K.typed_parameter) n = this.firstNamed(p);
      if (n < 0) continue;
      let nk = this.k(n);
      if (nk === K.list_splat_pattern || nk === K.dictionary_splat_pattern) {
        n = this.firstNamed(n);
        if (n < 0) continue;
        nk = this.k(n);
      }
      if (nk === K.identifier) this.def(t.start[n]!, this.identText(n), D_PARAM);
      else if (nk === K.tuple_pattern || nk === K.list_pattern) this.target(n, D_PARAM);
    }
  }

  // ---------------------------------------------------------------- blocks and edges

  private newBlock(pos: number): number {
    this.stmts.push([]);
    this.pos.push(pos);
    this.evCount.push(0);
    return this.stmts.length - 1;
  }

  private edge(from: number, to: number, kind: number): void {
    if (from < 0 || to < 0) return;
    const key = (from * 0x100000 + to) * 16 + kind;
    if (this.edgeSeen.has(key)) return;
    this.edgeSeen.add(key);
    this.eFrom.push(from);
    this.eTo.push(to);
    this.eKind.push(kind);
  }

  /** The current block, or a fresh one without predecessors when control cannot get here (code after `return`). */
  private ensureBlock(pos: number): number {
    if (this.cur < 0) this.cur = this.newBlock(pos);
    return this.cur;
  }

  /**
   * Appends a statement (or condition, header, pattern) to the current block. In a protected region each statement
   * gets a block of its own with its exception edges (see the header); `raising` statements add their own edge.
   */
  private addStmt(start: number, end: number, raising = false): void {
    if (++this.statements > this.ctx.maxStatements) throw new BudgetExceeded(`more than ${this.ctx.maxStatements} statements`);
    let b = this.ensureBlock(start);
    if (this.protectedDepth > 0 && this.stmts[b]!.length > 0) {
      const nb = this.newBlock(start);
      this.edge(b, nb, E_NORMAL);
      b = this.cur = nb;
    }
    const s = this.stmts[b]!;
    s.push(start, end);
    if (this.protectedDepth > 0 && s.length === 2 && !raising) this.jump(E_EXCEPTION, b, this.frames.length - 1);
  }

  /**
   * Where a jump of this kind from `from` goes, searching the frames from `top` down: the innermost loop for
   * break/continue, every handler (and on, unless one catches all) for exceptions, the innermost finally for
   * anything that leaves through it, the exit otherwise.
   */
  private jump(kind: number, from: number, top: number): void {
    if (from < 0) return;
    for (let i = top; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f.type === FR_LOOP) {
        if (kind === E_BREAK) return this.edge(from, f.after, kind);
        if (kind === E_CONTINUE) return this.edge(from, f.head, kind);
      } else if (f.type === FR_HANDLERS) {
        if (kind === E_EXCEPTION || kind === E_RAISE) {
          for (const h of f.handlers) this.edge(from, h, kind);
          if (f.catchAll) return;
        }
      } else {
        this.edge(from, f.head, kind);
        f.pending |= 1 << (kind === E_RAISE ? E_EXCEPTION : kind);
        return;
      }
    }
    this.edge(from, this.exit, kind);
  }

  private pushFrame(f: Frame): void {
    this.frames.push(f);
    if (f.type !== FR_LOOP) this.protectedDepth++;
  }

  private popFrame(): void {
    const f = this.frames.pop();
    if (f && f.type !== FR_LOOP) this.protectedDepth--;
  }

  // ---------------------------------------------------------------- events

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  private event(name: string, kind: number, at: number): void {
    const b = this.ensureBlock(at);
    const id = this.nameId(name);
    if (kind !== EV_USE) this.bound.add(id);
    this.evBlock.push(b);
    this.evName.push(id);
    this.evKind.push(kind);
    this.evAt.push(at);
    this.evCount[b]!++;
  }

  private def(at: number, name: string, kind: number): void {
    this.event(name, kind, at);
  }

  // ---------------------------------------------------------------- the task loop

  private push(op: number, node: number, a = 0, b = 0): void {
    this.tOp.push(op);
    this.tNode.push(node);
    this.tA.push(a);
    this.tB.push(b);
  }

  private pushBody(block: number): void {
    const t = this.t;
    const first = t.firstChild[block]!;
    if (first < 0) return;
    // Children in reverse, without collecting them: push from the last by walking back from a mark.
    const mark = this.tOp.length;
    for (let c = first; c >= 0; c = t.nextSibling[c]!) if (this.k(c) !== K.comment) this.push(T_STMT, c);
    // Reverse the pushed run so the first statement is on top.
    for (let i = mark, j = this.tOp.length - 1; i < j; i++, j--) {
      const x = this.tNode[i]!;
      this.tNode[i] = this.tNode[j]!;
      this.tNode[j] = x;
    }
  }

  private run(): void {
    while (this.tOp.length) {
      const op = this.tOp.pop()!;
      const n = this.tNode.pop()!;
      const a = this.tA.pop()!;
      const b = this.tB.pop()!;
      switch (op) {
        case T_STMT:
          this.statement(n);
          break;
        case T_BODY:
          this.pushBody(n);
          break;
        case T_GOTO:
          this.edge(this.cur, a, b);
          this.cur = -1;
          break;
        case T_START:
          this.cur = a;
          break;
        case T_POP:
          this.popFrame();
          break;
        case T_GOTO_FINALLY: {
          const f = this.frameRefs[a]!;
          if (this.cur >= 0) {
            this.edge(this.cur, f.head, E_FINALLY);
            f.pending |= 1 << E_NORMAL;
          }
          this.cur = -1;
          break;
        }
        case T_FINALLY_END: {
          const f = this.frameRefs[a]!;
          const from = this.cur;
          if (from >= 0) {
            if (f.pending & (1 << E_NORMAL)) this.edge(from, f.after, E_FINALLY);
            for (const k of [E_RETURN, E_BREAK, E_CONTINUE, E_EXCEPTION]) if (f.pending & (1 << k)) this.jump(k, from, this.frames.length - 1);
          }
          this.cur = -1;
          break;
        }
        case T_HANDLER:
          this.handlerHeader(n);
          break;
        case T_EXCEPT_END:
          // `except E as e:` deletes `e` when the handler ends (PEP 3110).
          if (this.cur >= 0 && n >= 0) this.def(-1, this.identText(n), D_DEL);
          break;
      }
    }
    this.finishFlow();
  }

  private finishFlow(): void {
    if (this.cur >= 0) this.edge(this.cur, this.exit, E_NORMAL);
    this.cur = -1;
  }

  // ---------------------------------------------------------------- statements

  private statement(n: number): void {
    const t = this.t;
    const start = t.start[n]!;
    const end = t.end[n]!;
    switch (this.k(n)) {
      case K.if_statement:
        return this.ifStatement(n);
      case K.while_statement:
        return this.whileStatement(n);
      case K.for_statement:
        return this.forStatement(n);
      case K.try_statement:
        return this.tryStatement(n);
      case K.with_statement:
        return this.withStatement(n);
      case K.match_statement:
        return this.matchStatement(n);
      case K.function_definition:
      case K.class_definition:
        return this.definition(n, n);
      case K.decorated_definition: {
        const d = this.field(n, this.fields.definition);
        if (d >= 0) return this.definition(n, d);
        break;
      }
      case K.return_statement:
        this.addStmt(start, end);
        this.readChildren(n);
        this.jump(E_RETURN, this.cur, this.frames.length - 1);
        this.cur = -1;
        return;
      case K.raise_statement:
        this.addStmt(start, end, true);
        this.readChildren(n);
        this.jump(E_RAISE, this.cur, this.frames.length - 1);
        this.cur = -1;
        return;
      case K.break_statement:
        this.addStmt(start, end);
        this.jump(E_BREAK, this.cur, this.frames.length - 1);
        this.cur = -1;
        return;
      case K.continue_statement:
        this.addStmt(start, end);
        this.jump(E_CONTINUE, this.cur, this.frames.length - 1);
        this.cur = -1;
        return;
      case K.assert_statement:
        return this.assertStatement(n);
      case K.expression_statement:
        this.addStmt(start, end);
        for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) this.expressionStatementPart(c);
        return;
      case K.delete_statement:
        this.addStmt(start, end);
        for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) this.target(c, D_DEL);
        return;
      case K.global_statement:
      case K.nonlocal_statement: {
        this.addStmt(start, end);
        const set = this.k(n) === K.global_statement ? this.globals : this.nonlocals;
        for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) if (this.k(c) === K.identifier) set.add(this.identText(c));
        return;
      }
      case K.import_statement:
      case K.import_from_statement:
        this.addStmt(start, end);
        return this.importStatement(n);
      case K.type_alias_statement: {
        this.addStmt(start, end);
        const right = this.field(n, this.fields.right);
        if (right >= 0) this.read(right);
        const left = this.field(n, this.fields.left);
        const id = left >= 0 ? this.firstNamed(left) : -1;
        if (id >= 0 && this.k(id) === K.identifier) this.def(t.start[id]!, this.identText(id), D_ASSIGN);
        return;
      }
      case K.pass_statement:
      case K.future_import_statement:
        this.addStmt(start, end);
        return;
      case K.block:
        this.pushBody(n);
        return;
    }
    // print/exec (Python 2), ERROR and anything else: one statement whose names are reads.
    this.addStmt(start, end);
    this.read(n);
  }

  private expressionStatementPart(c: number): void {
    const ck = this.k(c);
    if (ck === K.assignment) this.assignment(c);
    else if (ck === K.augmented_assignment) this.augmented(c);
    else this.read(c);
  }

  /** `a = b = f()`: the value first, then the targets left to right (Python's order). */
  private assignment(n: number): void {
    const F = this.fields;
    const targets: number[] = [];
    let cur = n;
    let value = -1;
    for (;;) {
      const left = this.field(cur, F.left);
      const type = this.field(cur, F.type);
      if (type >= 0) this.read(type);
      const right = this.field(cur, F.right);
      if (right >= 0 && this.k(right) === K.assignment) {
        if (left >= 0) targets.push(left);
        cur = right;
        continue;
      }
      if (right >= 0) {
        if (left >= 0) targets.push(left);
        value = right;
      }
      // `x: int` binds nothing (it only makes `x` local in a function; no value to track).
      break;
    }
    if (value >= 0) {
      if (this.k(value) === K.augmented_assignment) this.augmented(value);
      else this.read(value);
    }
    for (const tg of targets) this.target(tg, D_ASSIGN);
  }

  private augmented(n: number): void {
    const left = this.field(n, this.fields.left);
    const right = this.field(n, this.fields.right);
    if (left >= 0 && this.k(left) === K.identifier) {
      const name = this.identText(left);
      this.event(name, EV_USE, this.t.start[left]!);
      if (right >= 0) this.read(right);
      this.def(this.t.start[left]!, name, D_AUGASSIGN);
    } else {
      if (left >= 0) this.read(left);
      if (right >= 0) this.read(right);
    }
  }

  private importStatement(n: number): void {
    const t = this.t;
    const from = this.k(n) === K.import_from_statement;
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) {
      if (t.field[c] !== this.fields.name) continue;
      const ck = this.k(c);
      if (ck === K.aliased_import) {
        const alias = this.field(c, this.fields.alias);
        if (alias >= 0) this.def(t.start[alias]!, this.identText(alias), D_IMPORT);
      } else if (ck === K.dotted_name) {
        // `import a.b.c` binds `a`; `from m import x` binds `x`.
        const first = from ? this.lastNamed(c) : this.firstNamed(c);
        if (first >= 0) this.def(t.start[first]!, this.identText(first), D_IMPORT);
      }
    }
    // `from m import *` binds names this file cannot see; they stay free names (entry definitions).
  }

  /** def/class: decorators, defaults, annotations and bases are read here; the name is bound after. */
  private definition(outer: number, def: number): void {
    const t = this.t;
    const F = this.fields;
    const body = this.field(def, F.body);
    this.addStmt(t.start[outer]!, body >= 0 ? t.start[body]! : t.end[def]!);
    if (outer !== def) for (let d = t.firstChild[outer]!; d >= 0; d = t.nextSibling[d]!) if (this.k(d) === K.decorator) this.read(d);
    const isClass = this.k(def) === K.class_definition;
    if (isClass) {
      const sup = this.field(def, F.superclasses);
      if (sup >= 0) this.read(sup);
    } else {
      const params = this.field(def, F.parameters);
      if (params >= 0) this.readParameterDefaults(params);
      const ret = this.field(def, F.return_type);
      if (ret >= 0) this.read(ret);
    }
    const name = this.field(def, F.name);
    const text = name >= 0 ? this.identText(name) : '<anonymous>';
    this.children.push({ node: def, kind: isClass ? 'class' : 'function', name: text });
    if (name >= 0) this.def(t.start[name]!, text, isClass ? D_CLASS : D_DEF);
  }

  private readParameterDefaults(params: number): void {
    const t = this.t;
    for (let p = t.firstChild[params]!; p >= 0; p = t.nextSibling[p]!) {
      const pk = this.k(p);
      if (pk === K.default_parameter || pk === K.typed_default_parameter || pk === K.typed_parameter) {
        const type = this.field(p, this.fields.type);
        if (type >= 0) this.read(type);
        const value = this.field(p, this.fields.value);
        if (value >= 0) this.read(value);
      }
    }
  }

  private ifStatement(n: number): void {
    const t = this.t;
    const F = this.fields;
    const after = this.newBlock(t.end[n]!);
    const bodies: number[] = [];
    const bodyNodes: number[] = [];
    let c = this.condition(this.field(n, F.condition), t.start[n]!);
    const then = this.newBlock(t.start[n]!);
    this.edge(c, then, E_TRUE);
    const cons = this.field(n, F.consequence);
    if (cons >= 0) {
      bodies.push(then);
      bodyNodes.push(cons);
    }
    for (let alt = t.firstChild[n]!; alt >= 0; alt = t.nextSibling[alt]!) {
      if (t.field[alt] !== F.alternative) continue;
      const b = this.newBlock(t.start[alt]!);
      this.edge(c, b, E_FALSE);
      if (this.k(alt) === K.elif_clause) {
        this.cur = b;
        c = this.condition(this.field(alt, F.condition), t.start[alt]!);
        const tb = this.newBlock(t.start[alt]!);
        this.edge(c, tb, E_TRUE);
        const body = this.field(alt, F.consequence);
        if (body >= 0) {
          bodies.push(tb);
          bodyNodes.push(body);
        }
      } else {
        const body = this.field(alt, F.body);
        if (body >= 0) {
          bodies.push(b);
          bodyNodes.push(body);
        }
        c = -1;
      }
    }
    this.edge(c, after, E_FALSE);
    this.cur = -1;
    this.push(T_START, -1, after);
    for (let i = bodies.length - 1; i >= 0; i--) {
      this.push(T_GOTO, -1, after, E_NORMAL);
      this.push(T_BODY, bodyNodes[i]!);
      this.push(T_START, -1, bodies[i]!);
    }
  }

  /** Adds a condition to the current block and reads it; returns the block it ends in. */
  private condition(cond: number, pos: number): number {
    if (cond < 0) {
      this.addStmt(pos, pos);
      return this.cur;
    }
    this.addStmt(this.t.start[cond]!, this.t.end[cond]!);
    this.read(cond);
    return this.cur;
  }

  private whileStatement(n: number): void {
    const t = this.t;
    const F = this.fields;
    const head = this.newBlock(t.start[n]!);
    if (this.cur >= 0) this.edge(this.cur, head, E_NORMAL);
    this.cur = head;
    const condNode = this.field(n, F.condition);
    const c = this.condition(condNode, t.start[n]!);
    const body = this.newBlock(t.start[n]!);
    const alt = this.field(n, F.alternative);
    const elseB = alt >= 0 ? this.newBlock(t.start[alt]!) : -1;
    const after = this.newBlock(t.end[n]!);
    this.edge(c, body, E_TRUE);
    if (condNode < 0 || this.k(condNode) !== K.true) this.edge(c, elseB >= 0 ? elseB : after, E_EXHAUSTED);
    this.loop(head, body, after, this.field(n, F.body), elseB, alt);
  }

  private forStatement(n: number): void {
    const t = this.t;
    const F = this.fields;
    for (let r = t.firstChild[n]!; r >= 0; r = t.nextSibling[r]!) {
      if (t.field[r] !== F.right) continue;
      this.addStmt(t.start[r]!, t.end[r]!);
      this.read(r);
    }
    const head = this.newBlock(t.start[n]!);
    this.edge(this.ensureBlock(t.start[n]!), head, E_NORMAL);
    const body = this.newBlock(t.start[n]!);
    const alt = this.field(n, F.alternative);
    const elseB = alt >= 0 ? this.newBlock(t.start[alt]!) : -1;
    const after = this.newBlock(t.end[n]!);
    this.edge(head, body, E_NORMAL);
    this.edge(head, elseB >= 0 ? elseB : after, E_EXHAUSTED);
    // The target is bound at the start of each iteration, not when the loop is exhausted.
    this.cur = body;
    const left = this.field(n, F.left);
    if (left >= 0) {
      this.addStmt(t.start[left]!, t.end[left]!);
      this.target(left, D_FOR);
    }
    this.loop(head, this.cur, after, this.field(n, F.body), elseB, alt);
  }

  private loop(head: number, body: number, after: number, bodyNode: number, elseB: number, alt: number): void {
    this.pushFrame({ type: FR_LOOP, head, after, handlers: [], catchAll: false, pending: 0 });
    this.cur = body;
    this.push(T_START, -1, after);
    if (alt >= 0 && elseB >= 0) {
      this.push(T_GOTO, -1, after, E_NORMAL);
      const eb = this.field(alt, this.fields.body);
      if (eb >= 0) this.push(T_BODY, eb);
      this.push(T_START, -1, elseB);
    }
    this.push(T_POP, -1);
    this.push(T_GOTO, -1, head, E_LOOP);
    if (bodyNode >= 0) this.push(T_BODY, bodyNode);
  }

  /** The first named child of `n` of kind `kind`, or -1. */
  private childOfKind(n: number, kind: number): number {
    const t = this.t;
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) if (this.k(c) === kind) return c;
    return -1;
  }

  private tryStatement(n: number): void {
    const t = this.t;
    const F = this.fields;
    const handlers: number[] = [];
    let elseNode = -1;
    let finallyNode = -1;
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) {
      const ck = this.k(c);
      if (ck === K.except_clause || ck === K.except_group_clause) handlers.push(c);
      else if (ck === K.else_clause) elseNode = c;
      else if (ck === K.finally_clause) finallyNode = c;
    }
    const after = this.newBlock(t.end[n]!);
    const tryBlock = this.newBlock(t.start[n]!);
    if (this.cur >= 0) this.edge(this.cur, tryBlock, E_NORMAL);
    this.cur = tryBlock;
    let fin: Frame | undefined;
    let finRef = -1;
    if (finallyNode >= 0) {
      fin = { type: FR_FINALLY, head: this.newBlock(t.start[finallyNode]!), after, handlers: [], catchAll: false, pending: 0 };
      finRef = this.frameRefs.push(fin) - 1;
      this.pushFrame(fin);
    }
    const entries = handlers.map((h) => this.newBlock(t.start[h]!));
    if (handlers.length) {
      const catchAll = handlers.some((h) => this.k(h) === K.except_clause && this.field(h, F.value) < 0 && !this.hasChildBesides(h, K.block, K.comment));
      this.pushFrame({ type: FR_HANDLERS, head: -1, after: -1, handlers: entries, catchAll, pending: 0 });
    }
    this.addStmt(t.start[n]!, t.start[n]! + 3);
    // Leaving by normal flow: through the finally, or straight to after.
    const leave = () => (fin ? this.push(T_GOTO_FINALLY, -1, finRef) : this.push(T_GOTO, -1, after, E_NORMAL));
    this.push(T_START, -1, after);
    if (fin) {
      this.push(T_FINALLY_END, -1, finRef);
      const fb = this.childOfKind(finallyNode, K.block);
      if (fb >= 0) this.push(T_BODY, fb);
      this.push(T_START, -1, fin.head);
      this.push(T_POP, -1);
    }
    for (let i = handlers.length - 1; i >= 0; i--) {
      const h = handlers[i]!;
      leave();
      this.push(T_EXCEPT_END, this.exceptAlias(h));
      const hb = this.childOfKind(h, K.block);
      if (hb >= 0) this.push(T_BODY, hb);
      this.push(T_HANDLER, h);
      this.push(T_START, -1, entries[i]!);
    }
    leave();
    if (elseNode >= 0) {
      const eb = this.field(elseNode, F.body);
      if (eb >= 0) this.push(T_BODY, eb);
    }
    if (handlers.length) this.push(T_POP, -1);
    const body = this.field(n, F.body);
    if (body >= 0) this.push(T_BODY, body);
  }

  /** Whether `n` has a named child of a kind other than these two. */
  private hasChildBesides(n: number, k1: number, k2: number): boolean {
    const t = this.t;
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) {
      const ck = this.k(c);
      if (ck !== k1 && ck !== k2) return true;
    }
    return false;
  }

  /** The `e` of `except E as e:` (-1 for other forms). */
  private exceptAlias(h: number): number {
    const F = this.fields;
    const v = this.field(h, F.value);
    if (v >= 0 && this.k(v) === K.as_pattern) {
      const tg = this.field(v, F.alias);
      const id = tg >= 0 ? this.firstNamed(tg) : -1;
      if (id >= 0 && this.k(id) === K.identifier) return id;
    }
    // Older grammars put the alias in its own field.
    const alias = this.field(h, F.alias);
    return alias >= 0 && this.k(alias) === K.identifier ? alias : -1;
  }

  private handlerHeader(h: number): void {
    const t = this.t;
    const block = this.childOfKind(h, K.block);
    this.addStmt(t.start[h]!, block >= 0 ? t.start[block]! : t.end[h]!);
    const alias = this.exceptAlias(h);
    for (let v = t.firstChild[h]!; v >= 0; v = t.nextSibling[v]!) {
      if (t.field[v] !== this.fields.value) continue;
      if (this.k(v) === K.as_pattern && alias >= 0) {
        for (let c = t.firstChild[v]!; c >= 0; c = t.nextSibling[c]!) if (this.k(c) !== K.as_pattern_target) this.read(c);
      } else this.read(v);
    }
    if (alias >= 0) this.def(t.start[alias]!, this.identText(alias), D_EXCEPT);
  }

  private withStatement(n: number): void {
    const t = this.t;
    const F = this.fields;
    const body = this.field(n, F.body);
    this.addStmt(t.start[n]!, body >= 0 ? t.start[body]! : t.end[n]!);
    for (let clause = t.firstChild[n]!; clause >= 0; clause = t.nextSibling[clause]!) {
      if (this.k(clause) !== K.with_clause) continue;
      for (let item = t.firstChild[clause]!; item >= 0; item = t.nextSibling[item]!) {
        if (this.k(item) !== K.with_item) continue;
        const v = this.field(item, F.value);
        if (v < 0) continue;
        if (this.k(v) === K.as_pattern) {
          const tg = this.field(v, F.alias);
          for (let c = t.firstChild[v]!; c >= 0; c = t.nextSibling[c]!) if (this.k(c) !== K.as_pattern_target) this.read(c);
          if (tg >= 0) for (let c = t.firstChild[tg]!; c >= 0; c = t.nextSibling[c]!) this.target(c, D_WITH);
        } else this.read(v);
      }
    }
    if (body >= 0) this.push(T_BODY, body);
  }

  private assertStatement(n: number): void {
    const t = this.t;
    this.addStmt(t.start[n]!, t.end[n]!);
    const parts: number[] = [];
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) if (this.k(c) !== K.comment) parts.push(c);
    if (parts.length > 0) this.read(parts[0]!);
    const c = this.cur;
    const fail = this.newBlock(t.start[n]!);
    this.edge(c, fail, E_FALSE);
    this.cur = fail;
    if (parts.length > 1) {
      this.addStmt(t.start[parts[1]!]!, t.end[parts[1]!]!, true);
      for (let i = 1; i < parts.length; i++) this.read(parts[i]!);
    }
    this.jump(E_RAISE, fail, this.frames.length - 1);
    const next = this.newBlock(t.end[n]!);
    this.edge(c, next, E_TRUE);
    this.cur = next;
  }

  private matchStatement(n: number): void {
    const t = this.t;
    const F = this.fields;
    for (let s = t.firstChild[n]!; s >= 0; s = t.nextSibling[s]!) {
      if (t.field[s] !== F.subject) continue;
      this.addStmt(t.start[s]!, t.end[s]!);
      this.read(s);
    }
    const after = this.newBlock(t.end[n]!);
    let fails: number[] = [this.ensureBlock(t.start[n]!), E_NORMAL];
    const bodies: number[] = [];
    const bodyNodes: number[] = [];
    const block = this.field(n, F.body);
    if (block >= 0) {
      for (let cc = t.firstChild[block]!; cc >= 0; cc = t.nextSibling[cc]!) {
        if (t.field[cc] !== F.alternative || this.k(cc) !== K.case_clause) continue;
        const cb = this.newBlock(t.start[cc]!);
        for (let i = 0; i < fails.length; i += 2) this.edge(fails[i]!, cb, fails[i + 1]!);
        fails = [];
        this.cur = cb;
        const patterns: number[] = [];
        for (let c = t.firstChild[cc]!; c >= 0; c = t.nextSibling[c]!) if (this.k(c) === K.case_pattern) patterns.push(c);
        const first = patterns.length ? patterns[0]! : -1;
        const last = patterns.length ? patterns[patterns.length - 1]! : -1;
        this.addStmt(first >= 0 ? t.start[first]! : t.start[cc]!, last >= 0 ? t.end[last]! : t.start[cc]!);
        for (const p of patterns) this.pattern(p);
        const guard = this.field(cc, F.guard);
        const bodyB = this.newBlock(t.start[cc]!);
        const patEnd = this.cur;
        if (!(patterns.length === 1 && this.irrefutable(patterns[0]!))) fails.push(patEnd, E_NOMATCH);
        if (guard >= 0) {
          const g = this.newBlock(t.start[guard]!);
          this.edge(patEnd, g, E_CASE);
          this.cur = g;
          const gf = this.firstNamed(guard);
          const gc = this.condition(gf >= 0 ? gf : guard, t.start[guard]!);
          this.edge(gc, bodyB, E_TRUE);
          fails.push(gc, E_FALSE);
        } else this.edge(patEnd, bodyB, E_CASE);
        const cons = this.field(cc, F.consequence);
        if (cons >= 0) {
          bodies.push(bodyB);
          bodyNodes.push(cons);
        } else {
          this.edge(bodyB, after, E_NORMAL);
        }
      }
    }
    for (let i = 0; i < fails.length; i += 2) this.edge(fails[i]!, after, fails[i + 1]!);
    this.cur = -1;
    this.push(T_START, -1, after);
    for (let i = bodies.length - 1; i >= 0; i--) {
      this.push(T_GOTO, -1, after, E_NORMAL);
      this.push(T_BODY, bodyNodes[i]!);
      this.push(T_START, -1, bodies[i]!);
    }
  }

  /**
   * A case pattern's names: a bare name (one-part dotted_name), `*rest`, `**kw` and `as y` capture; dotted names
   * (`Color.RED`), class names and mapping keys are reads; `_` binds nothing.
   */
  private pattern(p: number): void {
    const t = this.t;
    const stack: number[] = [p];
    while (stack.length) {
      const n = stack.pop()!;
      switch (this.k(n)) {
        case K.dotted_name: {
          const first = this.firstNamed(n);
          if (first < 0) break;
          if (this.namedCount(n) === 1) this.def(t.start[first]!, this.identText(first), D_MATCH);
          else this.event(this.identText(first), EV_USE, t.start[first]!);
          break;
        }
        case K.identifier:
          // as_pattern alias, splat capture
          if (this.identText(n) !== '_') this.def(t.start[n]!, this.identText(n), D_MATCH);
          break;
        case K.class_pattern: {
          const kids = this.namedChildren(n);
          for (let i = kids.length - 1; i >= 0; i--) {
            const k = kids[i]!;
            if (i === 0 && this.k(k) === K.dotted_name) {
              const first = this.firstNamed(k);
              if (first >= 0) this.event(this.identText(first), EV_USE, t.start[first]!);
            } else stack.push(k);
          }
          break;
        }
        case K.keyword_pattern: {
          // `x=px`: the keyword is an attribute name, not a binding
          const kids = this.namedChildren(n);
          for (let i = kids.length - 1; i >= 1; i--) stack.push(kids[i]!);
          break;
        }
        case K.dict_pattern: {
          const keys = new Set<number>();
          for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) if (t.field[c] === this.fields.key) keys.add(t.start[c]!);
          const kids = this.namedChildren(n);
          for (let i = kids.length - 1; i >= 0; i--) {
            const k = kids[i]!;
            if (keys.has(t.start[k]!) && this.k(k) === K.dotted_name) {
              const first = this.firstNamed(k);
              if (first >= 0) this.event(this.identText(first), EV_USE, t.start[first]!);
            } else if (!keys.has(t.start[k]!)) stack.push(k);
          }
          break;
        }
        case K.string:
        case K.concatenated_string:
        case K.integer:
        case K.float:
        case K.complex_pattern:
        case K.true:
        case K.false:
        case K.none:
          break;
        default: {
          const kids = this.namedChildren(n);
          for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
        }
      }
    }
  }

  private namedChildren(n: number): number[] {
    const t = this.t;
    const out: number[] = [];
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) out.push(c);
    return out;
  }

  /** A pattern that matches anything: a capture or `_`, possibly `as`-named or among `|` alternatives. */
  private irrefutable(p: number): boolean {
    const t = this.t;
    const stack: number[] = [p];
    while (stack.length) {
      const n = stack.pop()!;
      const nk = this.k(n);
      if (nk === K.case_pattern) {
        const k = this.firstNamed(n);
        if (k < 0) return true; // `_`
        stack.push(k);
      } else if (nk === K.dotted_name) {
        if (this.namedCount(n) === 1) return true;
      } else if (nk === K.as_pattern) {
        const k = this.firstNamed(n);
        if (k >= 0) stack.push(k);
      } else if (nk === K.union_pattern) {
        for (let k = t.firstChild[n]!; k >= 0; k = t.nextSibling[k]!) stack.push(k);
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- targets and expressions

  /** Binding targets: names are defs; attribute/subscript targets read their parts; nested sequences unpack. */
  private target(tg: number, kind: number): void {
    const t = this.t;
    const stack: number[] = [tg];
    while (stack.length) {
      const n = stack.pop()!;
      switch (this.k(n)) {
        case K.identifier:
          this.def(t.start[n]!, this.identText(n), kind);
          break;
        case K.pattern_list:
        case K.tuple_pattern:
        case K.list_pattern:
        case K.tuple:
        case K.list:
        case K.expression_list:
        case K.parenthesized_expression:
        case K.list_splat_pattern:
        case K.list_splat:
        case K.as_pattern_target: {
          const mark = stack.length;
          for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) if (this.k(c) !== K.comment) stack.push(c);
          // Reversed, so the first target is bound first.
          for (let i = mark, j = stack.length - 1; i < j; i++, j--) {
            const x = stack[i]!;
            stack[i] = stack[j]!;
            stack[j] = x;
          }
          break;
        }
        default:
          this.read(n);
      }
    }
  }

  private readChildren(n: number): void {
    const t = this.t;
    for (let c = t.firstChild[n]!; c >= 0; c = t.nextSibling[c]!) if (this.k(c) !== K.comment) this.read(c);
  }

  /**
   * Reads every name of an expression in pre-order over the flat tree, skipping attribute names and keyword argument
   * names. A walrus binds after its value (a post-order action kept on a small stack); lambdas and comprehensions
   * become child scopes, whose enclosing-scope parts are read after the expression.
   */
  read(root: number): void {
    const t = this.t;
    const type = t.type;
    const flags = this.ctx.grammar.flags;
    // The commonest expression is a bare name (`return x`, `if a:`).
    if (flags[type[root]!]! & F_IDENT) {
      this.event(this.text.slice(t.start[root]!, t.end[root]!), EV_USE, t.start[root]!);
      return;
    }
    const { fieldAttribute, fieldName } = { fieldAttribute: this.fields.attribute, fieldName: this.fields.name };
    const { queue, postDepth, postAt, postName } = this.scan;
    const { firstChild, nextSibling, parent, field, start, end } = t;
    const qBase = queue.length;
    queue.push(root);
    while (queue.length > qBase) {
      const top = queue.pop()!;
      let n = top;
      let depth = 0;
      const scopes = this.scan.scopes;
      const sBase = scopes.length;
      for (;;) {
        const f = flags[type[n]!]!;
        let descend = false;
        if (f & F_IDENT) {
          const pf = depth > 0 ? flags[type[parent[n]!]!]! : 0;
          const fid = depth > 0 ? field[n]! : -1;
          const skip = (fid === fieldAttribute && pf & F_ATTRIBUTE) || (fid === fieldName && pf & (F_KWARG | F_WALRUS));
          if (!skip) {
            const s = start[n]!;
            this.event(this.text.slice(s, end[n]!), EV_USE, s);
          } else if (pf & F_WALRUS) {
            postDepth.push(depth - 1);
            postAt.push(start[n]!);
            postName.push(this.text.slice(start[n]!, end[n]!));
          }
        } else if (f & F_SCOPE) {
          scopes.push(n);
        } else if (f & F_NAMED && !(f & F_LEAF)) descend = true;
        if (descend && firstChild[n]! >= 0) {
          n = firstChild[n]!;
          depth++;
          continue;
        }
        let done = false;
        for (;;) {
          if (depth === 0) {
            done = true;
            break;
          }
          const next = nextSibling[n]!;
          if (next >= 0) {
            n = next;
            break;
          }
          n = parent[n]!;
          depth--;
          // Leaving a walrus: its value has been read, now the name is bound.
          while (postDepth.length && postDepth[postDepth.length - 1] === depth) {
            postDepth.pop();
            this.walrus(postAt.pop()!, postName.pop()!);
          }
        }
        if (done) break;
      }
      while (postDepth.length) this.walrus(postAt.pop()!, postName.pop()!);
      // Nested scopes in reverse, each pushing its enclosing-scope parts on the queue.
      while (scopes.length > sBase) this.nestedExpressionScope(scopes.pop()!, queue);
    }
  }

  private walrus(at: number, name: string): void {
    this.def(at, name, D_WALRUS);
  }

  /** A lambda or comprehension met in an expression: queue it, and read what the enclosing scope evaluates. */
  private nestedExpressionScope(n: number, queue: number[]): void {
    const t = this.t;
    const F = this.fields;
    const type = this.ctx.grammar.types[t.type[n]!]!;
    const name = ANONYMOUS_SCOPE_NAMES[type] ?? '<scope>';
    if (this.k(n) === K.lambda) {
      this.children.push({ node: n, kind: 'lambda', name });
      const params = this.field(n, F.parameters);
      if (params >= 0) {
        for (let p = t.firstChild[params]!; p >= 0; p = t.nextSibling[p]!) {
          const pk = this.k(p);
          if (pk === K.default_parameter || pk === K.typed_default_parameter) {
            const v = this.field(p, F.value);
            if (v >= 0) queue.push(v);
          }
        }
      }
      return;
    }
    const child: ChildScope = { node: n, kind: 'comprehension', name };
    // Walrus targets anywhere inside (nested comprehensions included, lambdas not) bind in the nearest enclosing
    // non-comprehension scope (PEP 572).
    if (this.containsWalrus(t.start[n]!, t.end[n]!)) {
      const targets = this.comprehensionWalrusTargets(n);
      if (targets.length) {
        child.bindsOutside = targets.map((x) => x[1]);
        if (walrusBindsOutside(this.scopeKind)) {
          child.outsideIsModule = this.outsideIsModule;
        } else {
          child.outsideIsModule = this.scopeKind === 'module';
          for (const [at, nm] of targets) this.def(at, nm, D_WALRUS);
        }
      }
    }
    this.children.push(child);
    const firstFor = this.childOfKind(n, K.for_in_clause);
    if (firstFor >= 0) for (let r = t.firstChild[firstFor]!; r >= 0; r = t.nextSibling[r]!) if (t.field[r] === F.right) queue.push(r);
  }

  /** Whether the text [from, to) holds `:=` (a cheap test before looking for walrus nodes). */
  private containsWalrus(from: number, to: number): boolean {
    const at = this.ctx.walrusPositions();
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < at.length && at[lo]! + 2 <= to;
  }

  private comprehensionWalrusTargets(n: number): Array<[number, string]> {
    const t = this.t;
    const out: Array<[number, string]> = [];
    const stack: number[] = [n];
    while (stack.length) {
      const x = stack.pop()!;
      for (let k = t.firstChild[x]!; k >= 0; k = t.nextSibling[k]!) {
        const kk = this.k(k);
        if (kk === K.lambda) continue;
        if (kk === K.named_expression) {
          const nm = this.field(k, this.fields.name);
          if (nm >= 0) out.push([t.start[nm]!, this.identText(nm)]);
        }
        if (t.firstChild[k]! >= 0) stack.push(k);
      }
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  // ---------------------------------------------------------------- clean-up

  /**
   * Drops blocks nothing reaches that hold nothing (joins after branches that all return), bypasses empty blocks
   * that only fall through, and numbers the rest in source order: entry 0, exit last.
   */
  private finish(): RawFlow {
    const nb = this.stmts.length;
    const ne = this.eFrom.length;
    // Out-edge ids of each block, CSR: outs.adj[outs.start[b] .. outs.start[b+1]).
    const edgeIds = finishSlots.edgeIds.take(ne);
    for (let e = 0; e < ne; e++) edgeIds[e] = e;
    const outs = csrInto(nb, ne, this.eFrom, edgeIds, finishSlots.outsStart, finishSlots.outsAdj);
    const predCount = finishSlots.predCount.filled(nb, 0);
    const alive = finishSlots.alive.filled(nb, 1);
    for (let e = 0; e < ne; e++) predCount[this.eTo[e]!]++;
    const edgeAlive = finishSlots.edgeAlive.filled(ne, 1);
    const empty = (b: number) => b !== this.entry && b !== this.exit && this.stmts[b]!.length === 0 && this.evCount[b] === 0;
    // 1. pred-less empty blocks (cascading)
    const work = finishSlots.work;
    work.length = 0;
    for (let b = 0; b < nb; b++) if (predCount[b] === 0 && empty(b)) work.push(b);
    while (work.length) {
      const b = work.pop()!;
      if (!alive[b]) continue;
      alive[b] = 0;
      for (let j = outs.start[b]!; j < outs.start[b + 1]!; j++) {
        const e = outs.adj[j]!;
        if (!edgeAlive[e]) continue;
        edgeAlive[e] = 0;
        const t = this.eTo[e]!;
        if (--predCount[t] === 0 && empty(t)) work.push(t);
      }
    }
    // 2. empty blocks with a single normal out edge: their in-edges go straight to the successor
    const forward = finishSlots.forward.filled(nb, -1);
    let forwarded = false;
    for (let b = 0; b < nb; b++) {
      if (!alive[b] || !empty(b)) continue;
      let live = -1;
      let liveCount = 0;
      for (let j = outs.start[b]!; j < outs.start[b + 1]!; j++) {
        if (!edgeAlive[outs.adj[j]!]) continue;
        live = outs.adj[j]!;
        liveCount++;
      }
      if (liveCount === 1 && this.eKind[live] === E_NORMAL && this.eTo[live] !== b) {
        forward[b] = this.eTo[live]!;
        forwarded = true;
      }
    }
    const resolve = (b: number): number => {
      let x = b;
      let guard = 0;
      while (forward[x]! >= 0 && guard++ < nb) x = forward[x]!;
      return guard > nb ? b : x;
    };
    for (let b = 0; b < nb; b++) if (forward[b]! >= 0) alive[b] = 0;
    // 3. renumber by source position
    const order: number[] = [];
    for (let b = 0; b < nb; b++) if (alive[b] && b !== this.entry && b !== this.exit) order.push(b);
    sortByPosition(order, this.pos, nb);
    order.unshift(this.entry);
    order.push(this.exit);
    const id = finishSlots.id.filled(nb, -1);
    order.forEach((b, i) => (id[b] = i));
    const eFrom: number[] = [];
    const eTo: number[] = [];
    const eKind: number[] = [];
    // Edges were made unique by (from, to, kind) as they were added (`edge`), and renumbering the live blocks is
    // one-to-one, so only edges moved onto the same target by forwarding can repeat one: without any, no set.
    const seen = forwarded || nb >= 0x100000 ? new Set<number>() : undefined;
    for (let e = 0; e < this.eFrom.length; e++) {
      if (!edgeAlive[e]) continue;
      const f = id[this.eFrom[e]!]!;
      const t = id[resolve(this.eTo[e]!)]!;
      if (f < 0 || t < 0) continue;
      if (seen) {
        const key = (f * 0x100000 + t) * 16 + this.eKind[e]!;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      eFrom.push(f);
      eTo.push(t);
      eKind.push(this.eKind[e]!);
    }
    const evBlock = this.evBlock.map((b) => id[b]!);
    return {
      entry: 0,
      exit: order.length - 1,
      stmts: order.map((b) => this.stmts[b]!),
      eFrom,
      eTo,
      eKind,
      evBlock,
      evName: this.evName,
      evKind: this.evKind,
      evAt: this.evAt,
      names: this.names,
      bound: this.bound,
      globals: this.globals,
      nonlocals: this.nonlocals,
      bindsOutside: this.bindsOutside,
      statements: this.statements,
    };
  }
}

/** Working arrays of `finish` (scratch.ts): one scope is finished at a time. */
const finishSlots = {
  edgeIds: new Int32Slot(),
  outsStart: new Int32Slot(),
  outsAdj: new Int32Slot(),
  predCount: new Int32Slot(),
  alive: new Uint8Slot(),
  edgeAlive: new Uint8Slot(),
  forward: new Int32Slot(),
  id: new Int32Slot(),
  work: [] as number[],
};

const positionKeys = new Float64Slot();

/** Sorts block ids by source position, ties by id (what the comparator sort gave), as numeric keys. */
function sortByPosition(order: number[], pos: readonly number[], nb: number): void {
  const n = order.length;
  let maxPos = 0;
  let minPos = 0;
  for (const b of order) {
    if (pos[b]! > maxPos) maxPos = pos[b]!;
    if (pos[b]! < minPos) minPos = pos[b]!;
  }
  if (minPos < 0 || (maxPos + 1) * nb >= Number.MAX_SAFE_INTEGER) {
    order.sort((a, b) => pos[a]! - pos[b]! || a - b);
    return;
  }
  const keys = positionKeys.take(n).subarray(0, n);
  for (let i = 0; i < n; i++) keys[i] = pos[order[i]!]! * nb + order[i]!;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i]! % nb;
}
