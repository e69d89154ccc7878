/**
 * Statements → basic blocks and typed edges for one scope, plus the scope's name events (reads and bindings, in
 * execution order per block) that SSA construction renames.
 *
 * No recursion anywhere: statements are processed from an explicit task stack (a compound statement pushes the tasks
 * for its parts in reverse execution order), expressions are scanned with one reusable tree cursor and a depth
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
import type { Language, SyntaxNode, TreeCursor } from '../parser';

export const EDGE_KINDS = ['normal', 'true', 'false', 'loop', 'exhausted', 'case', 'no-match', 'exception', 'finally', 'break', 'continue', 'return', 'raise'] as const;
const E_NORMAL = 0, E_TRUE = 1, E_FALSE = 2, E_LOOP = 3, E_EXHAUSTED = 4, E_CASE = 5, E_NOMATCH = 6, E_EXCEPTION = 7, E_FINALLY = 8, E_BREAK = 9, E_CONTINUE = 10, E_RETURN = 11, E_RAISE = 12;

export const DEF_KINDS = ['entry', 'param', 'assign', 'augassign', 'walrus', 'for', 'with', 'except', 'import', 'def', 'class', 'match', 'comprehension', 'del', 'phi'] as const;
export const D_ENTRY = 0, D_PARAM = 1, D_ASSIGN = 2, D_AUGASSIGN = 3, D_WALRUS = 4, D_FOR = 5, D_WITH = 6, D_EXCEPT = 7, D_IMPORT = 8, D_DEF = 9, D_CLASS = 10, D_MATCH = 11, D_COMPREHENSION = 12, D_DEL = 13, D_PHI = 14;
/** Event kind of a read (defs use their DEF_KINDS index). */
export const EV_USE = -1;

/** A nested scope found while building its parent, for the file-level queue. */
export interface ChildScope {
  node: SyntaxNode;
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

const F_NAMED = 1, F_IDENT = 2, F_SCOPE = 4, F_WALRUS = 8, F_LEAF = 16, F_ATTRIBUTE = 32, F_KWARG = 64;
const LEAVES = new Set(['comment', 'integer', 'float', 'true', 'false', 'none', 'ellipsis', 'escape_sequence', 'type_conversion', 'string_start', 'string_content', 'string_end']);

interface Grammar {
  flags: Uint8Array;
  fieldAttribute: number;
  fieldName: number;
}
const grammars = new WeakMap<Language, Grammar>();

function grammarOf(lang: Language): Grammar {
  let g = grammars.get(lang);
  if (g) return g;
  const flags = new Uint8Array(lang.types.length + 1);
  for (let id = 0; id < lang.types.length; id++) {
    const name = lang.types[id]!;
    let f = lang.nodeTypeIsNamed(id) ? F_NAMED : 0;
    if (name === 'identifier' && f) f |= F_IDENT;
    else if (SCOPE_NODE_KINDS[name] && name !== 'function_definition' && name !== 'class_definition') f |= F_SCOPE;
    else if (name === 'named_expression') f |= F_WALRUS;
    else if (name === 'attribute') f |= F_ATTRIBUTE;
    else if (name === 'keyword_argument') f |= F_KWARG;
    if (LEAVES.has(name)) f |= F_LEAF;
    flags[id] = f;
  }
  g = { flags, fieldAttribute: lang.fieldIdForName('attribute') ?? -1, fieldName: lang.fieldIdForName('name') ?? -1 };
  grammars.set(lang, g);
  return g;
}

/** What the whole file shares: the text, one cursor, the grammar tables. */
export class FileContext {
  readonly grammar: Grammar;
  private cursor: TreeCursor | undefined;
  constructor(
    readonly text: string,
    readonly root: SyntaxNode,
    readonly maxStatements: number,
  ) {
    this.grammar = grammarOf(root.tree.language);
  }
  cursorAt(n: SyntaxNode): TreeCursor {
    const c = (this.cursor ??= n.walk());
    c.reset(n);
    return c;
  }
  dispose(): void {
    this.cursor?.delete();
    this.cursor = undefined;
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

/** Field children without making the child list: tree-sitter's field lookup. */
function field(n: SyntaxNode, name: string): SyntaxNode | null {
  return n.childForFieldName(name);
}

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
  private tNode: (SyntaxNode | null)[] = [];
  private tA: number[] = [];
  private tB: number[] = [];
  private frameRefs: Frame[] = [];
  private statements = 0;
  private readonly text: string;
  /** Scratch stacks of `read` (reused: it runs once per expression). */
  private readonly scan = { parents: [] as number[], postDepth: [] as number[], postAt: [] as number[], postName: [] as string[] };

  constructor(
    private readonly ctx: FileContext,
    private readonly kind: FlowScopeKind,
    private readonly children: ChildScope[],
    child?: ChildScope,
  ) {
    this.text = ctx.text;
    this.bindsOutside = new Set(child?.bindsOutside ?? []);
    this.outsideIsModule = child?.outsideIsModule ?? false;
    if (child?.bindsOutside?.length) for (const n of child.bindsOutside) (child.outsideIsModule ? this.globals : this.nonlocals).add(n);
    this.entry = this.newBlock(-1);
    this.exit = this.newBlock(Number.MAX_SAFE_INTEGER);
    this.cur = this.entry;
  }

  // ---------------------------------------------------------------- scope bodies

  buildModule(root: SyntaxNode): RawFlow {
    this.pushBody(root);
    this.run();
    return this.finish();
  }

  buildFunction(def: SyntaxNode): RawFlow {
    const params = field(def, 'parameters');
    if (params) this.bindParameters(params);
    const body = field(def, 'body');
    if (body) this.pushBody(body);
    this.run();
    return this.finish();
  }

  buildClass(cls: SyntaxNode): RawFlow {
    const body = field(cls, 'body');
    if (body) this.pushBody(body);
    this.run();
    return this.finish();
  }

  buildLambda(lam: SyntaxNode): RawFlow {
    const params = field(lam, 'parameters');
    if (params) this.bindParameters(params);
    const body = field(lam, 'body');
    if (body) {
      this.addStmt(body.startIndex, body.endIndex);
      this.read(body);
    }
    this.finishFlow();
    return this.finish();
  }

  /**
   * `[elt for a in A if c for b in B]`: entry → head₁ → (bind a) → [c] → (B) → head₂ → (bind b) → elt → loop to head₂;
   * head₂ exhausted → head₁; head₁ exhausted → exit. `A` was read in the enclosing scope.
   */
  buildComprehension(comp: SyntaxNode): RawFlow {
    const body = field(comp, 'body');
    let outerHead = -1;
    let innerHead = -1;
    for (const clause of comp.namedChildren) {
      if (!clause) continue;
      if (clause.type === 'for_in_clause') {
        if (innerHead >= 0) {
          // Later iterables are evaluated inside the comprehension, once per outer iteration.
          for (const r of clause.childrenForFieldName('right')) {
            if (r && r.isNamed) {
              this.addStmt(r.startIndex, r.endIndex);
              this.read(r);
            }
          }
        }
        const head = this.newBlock(clause.startIndex);
        this.edge(this.ensureBlock(clause.startIndex), head, E_NORMAL);
        if (innerHead >= 0) this.edge(head, innerHead, E_EXHAUSTED);
        else outerHead = head;
        innerHead = head;
        const b = this.newBlock(clause.startIndex);
        this.edge(head, b, E_NORMAL);
        this.cur = b;
        const left = field(clause, 'left');
        if (left) {
          this.addStmt(left.startIndex, left.endIndex);
          this.target(left, D_COMPREHENSION);
        }
      } else if (clause.type === 'if_clause') {
        this.addStmt(clause.startIndex, clause.endIndex);
        this.read(clause);
        const c = this.cur;
        const t = this.newBlock(clause.endIndex);
        this.edge(c, t, E_TRUE);
        if (innerHead >= 0) this.edge(c, innerHead, E_FALSE);
        this.cur = t;
      }
    }
    if (body) {
      this.addStmt(body.startIndex, body.endIndex);
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

  private bindParameters(params: SyntaxNode): void {
    for (const p of params.namedChildren) {
      if (!p) continue;
      let n: SyntaxNode | null = p;
      if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') n = field(p, 'name');
      else if (p.type === 'typed_parameter') n = p.firstNamedChild;
      if (!n) continue;
      if (n.type === 'list_splat_pattern' || n.type === 'dictionary_splat_pattern') n = n.firstNamedChild;
      if (!n) continue;
      if (n.type === 'identifier') this.def(n.startIndex, this.identText(n), D_PARAM);
      else if (n.type === 'tuple_pattern' || n.type === 'list_pattern') this.target(n, D_PARAM);
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

  /** An identifier's text; in a tree without errors, read off the source without asking wasm for the end. */
  private identText(n: SyntaxNode): string {
    return this.text.slice(n.startIndex, n.endIndex);
  }

  // ---------------------------------------------------------------- the task loop

  private push(op: number, node: SyntaxNode | null, a = 0, b = 0): void {
    this.tOp.push(op);
    this.tNode.push(node);
    this.tA.push(a);
    this.tB.push(b);
  }

  private pushBody(block: SyntaxNode): void {
    const kids = block.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i];
      if (k && k.type !== 'comment') this.push(T_STMT, k);
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
          this.statement(n!);
          break;
        case T_BODY:
          this.pushBody(n!);
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
          this.handlerHeader(n!);
          break;
        case T_EXCEPT_END:
          // `except E as e:` deletes `e` when the handler ends (PEP 3110).
          if (this.cur >= 0 && n) this.def(-1, this.identText(n), D_DEL);
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

  private statement(n: SyntaxNode): void {
    switch (n.type) {
      case 'if_statement':
        return this.ifStatement(n);
      case 'while_statement':
        return this.whileStatement(n);
      case 'for_statement':
        return this.forStatement(n);
      case 'try_statement':
        return this.tryStatement(n);
      case 'with_statement':
        return this.withStatement(n);
      case 'match_statement':
        return this.matchStatement(n);
      case 'function_definition':
      case 'class_definition':
        return this.definition(n, n);
      case 'decorated_definition': {
        const d = field(n, 'definition');
        if (d) return this.definition(n, d);
        break;
      }
      case 'return_statement':
        this.addStmt(n.startIndex, n.endIndex);
        this.readChildren(n);
        this.jump(E_RETURN, this.cur, this.frames.length - 1);
        this.cur = -1;
        return;
      case 'raise_statement':
        this.addStmt(n.startIndex, n.endIndex, true);
        this.readChildren(n);
        this.jump(E_RAISE, this.cur, this.frames.length - 1);
        this.cur = -1;
        return;
      case 'break_statement':
        this.addStmt(n.startIndex, n.endIndex);
        this.jump(E_BREAK, this.cur, this.frames.length - 1);
        this.cur = -1;
        return;
      case 'continue_statement':
        this.addStmt(n.startIndex, n.endIndex);
        this.jump(E_CONTINUE, this.cur, this.frames.length - 1);
        this.cur = -1;
        return;
      case 'assert_statement':
        return this.assertStatement(n);
      case 'expression_statement':
        this.addStmt(n.startIndex, n.endIndex);
        for (const c of n.namedChildren) if (c) this.expressionStatementPart(c);
        return;
      case 'delete_statement':
        this.addStmt(n.startIndex, n.endIndex);
        for (const c of n.namedChildren) if (c) this.target(c, D_DEL);
        return;
      case 'global_statement':
      case 'nonlocal_statement': {
        this.addStmt(n.startIndex, n.endIndex);
        const set = n.type === 'global_statement' ? this.globals : this.nonlocals;
        for (const c of n.namedChildren) if (c?.type === 'identifier') set.add(this.identText(c));
        return;
      }
      case 'import_statement':
      case 'import_from_statement':
        this.addStmt(n.startIndex, n.endIndex);
        return this.importStatement(n);
      case 'type_alias_statement': {
        this.addStmt(n.startIndex, n.endIndex);
        const right = field(n, 'right');
        if (right) this.read(right);
        const left = field(n, 'left');
        const id = left?.firstNamedChild;
        if (id?.type === 'identifier') this.def(id.startIndex, this.identText(id), D_ASSIGN);
        return;
      }
      case 'pass_statement':
      case 'future_import_statement':
        this.addStmt(n.startIndex, n.endIndex);
        return;
      case 'block':
        this.pushBody(n);
        return;
    }
    // print/exec (Python 2), ERROR and anything else: one statement whose names are reads.
    this.addStmt(n.startIndex, n.endIndex);
    this.read(n);
  }

  private expressionStatementPart(c: SyntaxNode): void {
    if (c.type === 'assignment') this.assignment(c);
    else if (c.type === 'augmented_assignment') this.augmented(c);
    else this.read(c);
  }

  /** `a = b = f()`: the value first, then the targets left to right (Python's order). */
  private assignment(n: SyntaxNode): void {
    const targets: SyntaxNode[] = [];
    let cur: SyntaxNode = n;
    let value: SyntaxNode | null = null;
    for (;;) {
      const left = field(cur, 'left');
      const type = field(cur, 'type');
      if (type) this.read(type);
      const right = field(cur, 'right');
      if (right?.type === 'assignment') {
        if (left) targets.push(left);
        cur = right;
        continue;
      }
      if (right) {
        if (left) targets.push(left);
        value = right;
      }
      // `x: int` binds nothing (it only makes `x` local in a function; no value to track).
      break;
    }
    if (value) {
      if (value.type === 'augmented_assignment') this.augmented(value);
      else this.read(value);
    }
    for (const t of targets) this.target(t, D_ASSIGN);
  }

  private augmented(n: SyntaxNode): void {
    const left = field(n, 'left');
    const right = field(n, 'right');
    if (left?.type === 'identifier') {
      const name = this.identText(left);
      this.event(name, EV_USE, left.startIndex);
      if (right) this.read(right);
      this.def(left.startIndex, name, D_AUGASSIGN);
    } else {
      if (left) this.read(left);
      if (right) this.read(right);
    }
  }

  private importStatement(n: SyntaxNode): void {
    const from = n.type === 'import_from_statement';
    for (const c of n.childrenForFieldName('name')) {
      if (!c) continue;
      if (c.type === 'aliased_import') {
        const alias = field(c, 'alias');
        if (alias) this.def(alias.startIndex, this.identText(alias), D_IMPORT);
      } else if (c.type === 'dotted_name') {
        // `import a.b.c` binds `a`; `from m import x` binds `x`.
        const first = from ? c.lastNamedChild : c.firstNamedChild;
        if (first) this.def(first.startIndex, this.identText(first), D_IMPORT);
      }
    }
    // `from m import *` binds names this file cannot see; they stay free names (entry definitions).
  }

  /** def/class: decorators, defaults, annotations and bases are read here; the name is bound after. */
  private definition(outer: SyntaxNode, def: SyntaxNode): void {
    const body = field(def, 'body');
    this.addStmt(outer.startIndex, body ? body.startIndex : def.endIndex);
    if (outer !== def) for (const d of outer.namedChildren) if (d?.type === 'decorator') this.read(d);
    const isClass = def.type === 'class_definition';
    if (isClass) {
      const sup = field(def, 'superclasses');
      if (sup) this.read(sup);
    } else {
      const params = field(def, 'parameters');
      if (params) this.readParameterDefaults(params);
      const ret = field(def, 'return_type');
      if (ret) this.read(ret);
    }
    const name = field(def, 'name');
    const text = name ? this.identText(name) : '<anonymous>';
    this.children.push({ node: def, kind: isClass ? 'class' : 'function', name: text });
    if (name) this.def(name.startIndex, text, isClass ? D_CLASS : D_DEF);
  }

  private readParameterDefaults(params: SyntaxNode): void {
    for (const p of params.namedChildren) {
      if (!p) continue;
      const t = p.type;
      if (t === 'default_parameter' || t === 'typed_default_parameter' || t === 'typed_parameter') {
        const type = field(p, 'type');
        if (type) this.read(type);
        const value = field(p, 'value');
        if (value) this.read(value);
      }
    }
  }

  private ifStatement(n: SyntaxNode): void {
    const after = this.newBlock(n.endIndex);
    const bodies: number[] = [];
    const bodyNodes: SyntaxNode[] = [];
    let c = this.condition(field(n, 'condition'), n.startIndex);
    const then = this.newBlock(n.startIndex);
    this.edge(c, then, E_TRUE);
    const cons = field(n, 'consequence');
    if (cons) {
      bodies.push(then);
      bodyNodes.push(cons);
    }
    for (const alt of n.childrenForFieldName('alternative')) {
      if (!alt) continue;
      const b = this.newBlock(alt.startIndex);
      this.edge(c, b, E_FALSE);
      if (alt.type === 'elif_clause') {
        this.cur = b;
        c = this.condition(field(alt, 'condition'), alt.startIndex);
        const t = this.newBlock(alt.startIndex);
        this.edge(c, t, E_TRUE);
        const body = field(alt, 'consequence');
        if (body) {
          bodies.push(t);
          bodyNodes.push(body);
        }
      } else {
        const body = field(alt, 'body');
        if (body) {
          bodies.push(b);
          bodyNodes.push(body);
        }
        c = -1;
      }
    }
    this.edge(c, after, E_FALSE);
    this.cur = -1;
    this.push(T_START, null, after);
    for (let i = bodies.length - 1; i >= 0; i--) {
      this.push(T_GOTO, null, after, E_NORMAL);
      this.push(T_BODY, bodyNodes[i]!);
      this.push(T_START, null, bodies[i]!);
    }
  }

  /** Adds a condition to the current block and reads it; returns the block it ends in. */
  private condition(cond: SyntaxNode | null, pos: number): number {
    if (!cond) {
      this.addStmt(pos, pos);
      return this.cur;
    }
    this.addStmt(cond.startIndex, cond.endIndex);
    this.read(cond);
    return this.cur;
  }

  private whileStatement(n: SyntaxNode): void {
    const head = this.newBlock(n.startIndex);
    if (this.cur >= 0) this.edge(this.cur, head, E_NORMAL);
    this.cur = head;
    const condNode = field(n, 'condition');
    const c = this.condition(condNode, n.startIndex);
    const body = this.newBlock(n.startIndex);
    const alt = field(n, 'alternative');
    const elseB = alt ? this.newBlock(alt.startIndex) : -1;
    const after = this.newBlock(n.endIndex);
    this.edge(c, body, E_TRUE);
    if (condNode?.type !== 'true') this.edge(c, elseB >= 0 ? elseB : after, E_EXHAUSTED);
    this.loop(head, body, after, field(n, 'body'), elseB, alt);
  }

  private forStatement(n: SyntaxNode): void {
    for (const r of n.childrenForFieldName('right')) {
      if (r && r.isNamed) {
        this.addStmt(r.startIndex, r.endIndex);
        this.read(r);
      }
    }
    const head = this.newBlock(n.startIndex);
    this.edge(this.ensureBlock(n.startIndex), head, E_NORMAL);
    const body = this.newBlock(n.startIndex);
    const alt = field(n, 'alternative');
    const elseB = alt ? this.newBlock(alt.startIndex) : -1;
    const after = this.newBlock(n.endIndex);
    this.edge(head, body, E_NORMAL);
    this.edge(head, elseB >= 0 ? elseB : after, E_EXHAUSTED);
    // The target is bound at the start of each iteration, not when the loop is exhausted.
    this.cur = body;
    const left = field(n, 'left');
    if (left) {
      this.addStmt(left.startIndex, left.endIndex);
      this.target(left, D_FOR);
    }
    this.loop(head, this.cur, after, field(n, 'body'), elseB, alt);
  }

  private loop(head: number, body: number, after: number, bodyNode: SyntaxNode | null, elseB: number, alt: SyntaxNode | null): void {
    this.pushFrame({ type: FR_LOOP, head, after, handlers: [], catchAll: false, pending: 0 });
    this.cur = body;
    this.push(T_START, null, after);
    if (alt && elseB >= 0) {
      this.push(T_GOTO, null, after, E_NORMAL);
      const eb = field(alt, 'body');
      if (eb) this.push(T_BODY, eb);
      this.push(T_START, null, elseB);
    }
    this.push(T_POP, null);
    this.push(T_GOTO, null, head, E_LOOP);
    if (bodyNode) this.push(T_BODY, bodyNode);
  }

  private tryStatement(n: SyntaxNode): void {
    const handlers: SyntaxNode[] = [];
    let elseNode: SyntaxNode | null = null;
    let finallyNode: SyntaxNode | null = null;
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === 'except_clause' || c.type === 'except_group_clause') handlers.push(c);
      else if (c.type === 'else_clause') elseNode = c;
      else if (c.type === 'finally_clause') finallyNode = c;
    }
    const after = this.newBlock(n.endIndex);
    const tryBlock = this.newBlock(n.startIndex);
    if (this.cur >= 0) this.edge(this.cur, tryBlock, E_NORMAL);
    this.cur = tryBlock;
    let fin: Frame | undefined;
    let finRef = -1;
    if (finallyNode) {
      fin = { type: FR_FINALLY, head: this.newBlock(finallyNode.startIndex), after, handlers: [], catchAll: false, pending: 0 };
      finRef = this.frameRefs.push(fin) - 1;
      this.pushFrame(fin);
    }
    const entries = handlers.map((h) => this.newBlock(h.startIndex));
    if (handlers.length) {
      const catchAll = handlers.some((h) => h.type === 'except_clause' && !field(h, 'value') && !h.namedChildren.some((c) => c && c.type !== 'block' && c.type !== 'comment'));
      this.pushFrame({ type: FR_HANDLERS, head: -1, after: -1, handlers: entries, catchAll, pending: 0 });
    }
    this.addStmt(n.startIndex, n.startIndex + 3);
    // Leaving by normal flow: through the finally, or straight to after.
    const leave = () => (fin ? this.push(T_GOTO_FINALLY, null, finRef) : this.push(T_GOTO, null, after, E_NORMAL));
    this.push(T_START, null, after);
    if (fin) {
      this.push(T_FINALLY_END, null, finRef);
      const fb = finallyNode!.namedChildren.find((c) => c?.type === 'block');
      if (fb) this.push(T_BODY, fb);
      this.push(T_START, null, fin.head);
      this.push(T_POP, null);
    }
    for (let i = handlers.length - 1; i >= 0; i--) {
      const h = handlers[i]!;
      leave();
      this.push(T_EXCEPT_END, this.exceptAlias(h));
      const hb = h.namedChildren.find((c) => c?.type === 'block');
      if (hb) this.push(T_BODY, hb);
      this.push(T_HANDLER, h);
      this.push(T_START, null, entries[i]!);
    }
    leave();
    if (elseNode) {
      const eb = field(elseNode, 'body');
      if (eb) this.push(T_BODY, eb);
    }
    if (handlers.length) this.push(T_POP, null);
    const body = field(n, 'body');
    if (body) this.push(T_BODY, body);
  }

  /** The `e` of `except E as e:` (None for other forms). */
  private exceptAlias(h: SyntaxNode): SyntaxNode | null {
    const v = field(h, 'value');
    if (v?.type === 'as_pattern') {
      const t = field(v, 'alias');
      const id = t?.firstNamedChild ?? null;
      if (id?.type === 'identifier') return id;
    }
    // Older grammars put the alias in its own field.
    const alias = field(h, 'alias');
    return alias?.type === 'identifier' ? alias : null;
  }

  private handlerHeader(h: SyntaxNode): void {
    const block = h.namedChildren.find((c) => c?.type === 'block');
    this.addStmt(h.startIndex, block ? block.startIndex : h.endIndex);
    const alias = this.exceptAlias(h);
    for (const v of h.childrenForFieldName('value')) {
      if (!v) continue;
      if (v.type === 'as_pattern' && alias) {
        for (const c of v.namedChildren) if (c && c.type !== 'as_pattern_target') this.read(c);
      } else this.read(v);
    }
    if (alias) this.def(alias.startIndex, this.identText(alias), D_EXCEPT);
  }

  private withStatement(n: SyntaxNode): void {
    const body = field(n, 'body');
    this.addStmt(n.startIndex, body ? body.startIndex : n.endIndex);
    for (const clause of n.namedChildren) {
      if (clause?.type !== 'with_clause') continue;
      for (const item of clause.namedChildren) {
        if (item?.type !== 'with_item') continue;
        const v = field(item, 'value');
        if (!v) continue;
        if (v.type === 'as_pattern') {
          const t = field(v, 'alias');
          for (const c of v.namedChildren) if (c && c.type !== 'as_pattern_target') this.read(c);
          if (t) for (const c of t.namedChildren) if (c) this.target(c, D_WITH);
        } else this.read(v);
      }
    }
    if (body) this.push(T_BODY, body);
  }

  private assertStatement(n: SyntaxNode): void {
    this.addStmt(n.startIndex, n.endIndex);
    const parts = n.namedChildren.filter((c) => c && c.type !== 'comment') as SyntaxNode[];
    if (parts[0]) this.read(parts[0]);
    const c = this.cur;
    const fail = this.newBlock(n.startIndex);
    this.edge(c, fail, E_FALSE);
    this.cur = fail;
    if (parts[1]) {
      this.addStmt(parts[1].startIndex, parts[1].endIndex, true);
      for (let i = 1; i < parts.length; i++) this.read(parts[i]!);
    }
    this.jump(E_RAISE, fail, this.frames.length - 1);
    const next = this.newBlock(n.endIndex);
    this.edge(c, next, E_TRUE);
    this.cur = next;
  }

  private matchStatement(n: SyntaxNode): void {
    for (const s of n.childrenForFieldName('subject')) {
      if (s && s.isNamed) {
        this.addStmt(s.startIndex, s.endIndex);
        this.read(s);
      }
    }
    const after = this.newBlock(n.endIndex);
    let fails: number[] = [this.ensureBlock(n.startIndex), E_NORMAL];
    const bodies: number[] = [];
    const bodyNodes: SyntaxNode[] = [];
    const block = field(n, 'body');
    const cases = block ? block.childrenForFieldName('alternative') : [];
    for (const cc of cases) {
      if (!cc || cc.type !== 'case_clause') continue;
      const cb = this.newBlock(cc.startIndex);
      for (let i = 0; i < fails.length; i += 2) this.edge(fails[i]!, cb, fails[i + 1]!);
      fails = [];
      this.cur = cb;
      const patterns = cc.namedChildren.filter((c) => c?.type === 'case_pattern') as SyntaxNode[];
      const first = patterns[0];
      const last = patterns[patterns.length - 1];
      this.addStmt(first ? first.startIndex : cc.startIndex, last ? last.endIndex : cc.startIndex);
      for (const p of patterns) this.pattern(p);
      const guard = field(cc, 'guard');
      const bodyB = this.newBlock(cc.startIndex);
      const patEnd = this.cur;
      if (!(patterns.length === 1 && irrefutable(patterns[0]!))) fails.push(patEnd, E_NOMATCH);
      if (guard) {
        const g = this.newBlock(guard.startIndex);
        this.edge(patEnd, g, E_CASE);
        this.cur = g;
        const gc = this.condition(guard.firstNamedChild ?? guard, guard.startIndex);
        this.edge(gc, bodyB, E_TRUE);
        fails.push(gc, E_FALSE);
      } else this.edge(patEnd, bodyB, E_CASE);
      const cons = field(cc, 'consequence');
      if (cons) {
        bodies.push(bodyB);
        bodyNodes.push(cons);
      } else {
        this.edge(bodyB, after, E_NORMAL);
      }
    }
    for (let i = 0; i < fails.length; i += 2) this.edge(fails[i]!, after, fails[i + 1]!);
    this.cur = -1;
    this.push(T_START, null, after);
    for (let i = bodies.length - 1; i >= 0; i--) {
      this.push(T_GOTO, null, after, E_NORMAL);
      this.push(T_BODY, bodyNodes[i]!);
      this.push(T_START, null, bodies[i]!);
    }
  }

  /**
   * A case pattern's names: a bare name (one-part dotted_name), `*rest`, `**kw` and `as y` capture; dotted names
   * (`Color.RED`), class names and mapping keys are reads; `_` binds nothing.
   */
  private pattern(p: SyntaxNode): void {
    const stack: SyntaxNode[] = [p];
    while (stack.length) {
      const n = stack.pop()!;
      switch (n.type) {
        case 'dotted_name': {
          const first = n.firstNamedChild;
          if (!first) break;
          if (n.namedChildCount === 1) this.def(first.startIndex, this.identText(first), D_MATCH);
          else this.event(this.identText(first), EV_USE, first.startIndex);
          break;
        }
        case 'identifier':
          // as_pattern alias, splat capture
          if (this.text.slice(n.startIndex, n.endIndex) !== '_') this.def(n.startIndex, this.identText(n), D_MATCH);
          break;
        case 'class_pattern': {
          const kids = n.namedChildren;
          for (let i = kids.length - 1; i >= 0; i--) {
            const k = kids[i];
            if (!k) continue;
            if (i === 0 && k.type === 'dotted_name') {
              const first = k.firstNamedChild;
              if (first) this.event(this.identText(first), EV_USE, first.startIndex);
            } else stack.push(k);
          }
          break;
        }
        case 'keyword_pattern': {
          // `x=px`: the keyword is an attribute name, not a binding
          const kids = n.namedChildren;
          for (let i = kids.length - 1; i >= 1; i--) if (kids[i]) stack.push(kids[i]!);
          break;
        }
        case 'dict_pattern': {
          const keys = new Set(n.childrenForFieldName('key').map((k) => k?.startIndex));
          const kids = n.namedChildren;
          for (let i = kids.length - 1; i >= 0; i--) {
            const k = kids[i];
            if (!k) continue;
            if (keys.has(k.startIndex) && k.type === 'dotted_name') {
              const first = k.firstNamedChild;
              if (first) this.event(this.identText(first), EV_USE, first.startIndex);
            } else if (!keys.has(k.startIndex)) stack.push(k);
          }
          break;
        }
        case 'string':
        case 'concatenated_string':
        case 'integer':
        case 'float':
        case 'complex_pattern':
        case 'true':
        case 'false':
        case 'none':
          break;
        default: {
          const kids = n.namedChildren;
          for (let i = kids.length - 1; i >= 0; i--) if (kids[i]) stack.push(kids[i]!);
        }
      }
    }
  }

  // ---------------------------------------------------------------- targets and expressions

  /** Binding targets: names are defs; attribute/subscript targets read their parts; nested sequences unpack. */
  private target(t: SyntaxNode, kind: number): void {
    const stack: SyntaxNode[] = [t];
    while (stack.length) {
      const n = stack.pop()!;
      switch (n.type) {
        case 'identifier':
          this.def(n.startIndex, this.identText(n), kind);
          break;
        case 'pattern_list':
        case 'tuple_pattern':
        case 'list_pattern':
        case 'tuple':
        case 'list':
        case 'expression_list':
        case 'parenthesized_expression':
        case 'list_splat_pattern':
        case 'list_splat':
        case 'as_pattern_target': {
          const kids = n.namedChildren;
          for (let i = kids.length - 1; i >= 0; i--) {
            const k = kids[i];
            if (k && k.type !== 'comment') stack.push(k);
          }
          break;
        }
        default:
          this.read(n);
      }
    }
  }

  private readChildren(n: SyntaxNode): void {
    for (const c of n.namedChildren) if (c && c.type !== 'comment') this.read(c);
  }

  /**
   * Reads every name of an expression with the shared cursor (no node objects), skipping attribute names and keyword
   * argument names. A walrus binds after its value (a post-order action kept on a small stack); lambdas and
   * comprehensions become child scopes, whose enclosing-scope parts are read after the expression.
   */
  read(root: SyntaxNode): void {
    // The commonest expression is a bare name (`return x`, `if a:`): no cursor needed.
    if (root.type === 'identifier') {
      this.event(this.text.slice(root.startIndex, root.endIndex), EV_USE, root.startIndex);
      return;
    }
    const queue: SyntaxNode[] = [root];
    const { flags, fieldAttribute, fieldName } = this.ctx.grammar;
    const { parents, postDepth, postAt, postName } = this.scan;
    while (queue.length) {
      const top = queue.pop()!;
      const c = this.ctx.cursorAt(top);
      let depth = 0;
      let scopes: SyntaxNode[] | undefined;
      for (;;) {
        const tid = c.nodeTypeId;
        const f = tid < flags.length ? flags[tid]! : F_NAMED;
        let descend = false;
        if (f & F_IDENT) {
          const fid = depth > 0 ? c.currentFieldId : -1;
          const parent = depth > 0 ? parents[depth - 1]! : 0;
          const pf = parent < flags.length ? flags[parent]! : 0;
          const skip = (fid === fieldAttribute && pf & F_ATTRIBUTE) || (fid === fieldName && pf & (F_KWARG | F_WALRUS));
          if (!skip) {
            const start = c.startIndex;
            this.event(this.text.slice(start, c.endIndex), EV_USE, start);
          } else if (pf & F_WALRUS) {
            postDepth.push(depth - 1);
            postAt.push(c.startIndex);
            postName.push(this.text.slice(c.startIndex, c.endIndex));
          }
        } else if (f & F_SCOPE) {
          (scopes ??= []).push(c.currentNode);
        } else if (f & F_NAMED && !(f & F_LEAF)) descend = true;
        if (descend && c.gotoFirstChild()) {
          parents[depth] = tid;
          depth++;
          continue;
        }
        let done = false;
        for (;;) {
          if (depth === 0) {
            done = true;
            break;
          }
          if (c.gotoNextSibling()) break;
          c.gotoParent();
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
      if (scopes) for (let i = scopes.length - 1; i >= 0; i--) this.nestedExpressionScope(scopes[i]!, queue);
    }
  }

  private walrus(at: number, name: string): void {
    this.def(at, name, D_WALRUS);
  }

  /** A lambda or comprehension met in an expression: queue it, and read what the enclosing scope evaluates. */
  private nestedExpressionScope(n: SyntaxNode, queue: SyntaxNode[]): void {
    const type = n.type;
    const name = ANONYMOUS_SCOPE_NAMES[type] ?? '<scope>';
    if (type === 'lambda') {
      this.children.push({ node: n, kind: 'lambda', name });
      const params = field(n, 'parameters');
      if (params) for (const p of params.namedChildren) if (p && (p.type === 'default_parameter' || p.type === 'typed_default_parameter')) {
        const v = field(p, 'value');
        if (v) queue.push(v);
      }
      return;
    }
    const child: ChildScope = { node: n, kind: 'comprehension', name };
    // Walrus targets anywhere inside (nested comprehensions included, lambdas not) bind in the nearest enclosing
    // non-comprehension scope (PEP 572).
    if (this.text.slice(n.startIndex, n.endIndex).includes(':=')) {
      const targets = this.comprehensionWalrusTargets(n);
      if (targets.length) {
        child.bindsOutside = targets.map((t) => t[1]);
        if (walrusBindsOutside(this.kind)) {
          child.outsideIsModule = this.outsideIsModule;
        } else {
          child.outsideIsModule = this.kind === 'module';
          for (const [at, nm] of targets) this.def(at, nm, D_WALRUS);
        }
      }
    }
    this.children.push(child);
    const firstFor = n.namedChildren.find((c) => c?.type === 'for_in_clause');
    if (firstFor) for (const r of firstFor.childrenForFieldName('right')) if (r && r.isNamed) queue.push(r);
  }

  private comprehensionWalrusTargets(n: SyntaxNode): Array<[number, string]> {
    const out: Array<[number, string]> = [];
    const stack: SyntaxNode[] = [n];
    while (stack.length) {
      const x = stack.pop()!;
      for (const k of x.namedChildren) {
        if (!k || k.type === 'lambda') continue;
        if (k.type === 'named_expression') {
          const nm = field(k, 'name');
          if (nm) out.push([nm.startIndex, this.identText(nm)]);
        }
        if (k.namedChildCount) stack.push(k);
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
    const outs: number[][] = Array.from({ length: nb }, () => []);
    const predCount = new Int32Array(nb);
    const alive = new Uint8Array(nb).fill(1);
    for (let e = 0; e < this.eFrom.length; e++) {
      outs[this.eFrom[e]!]!.push(e);
      predCount[this.eTo[e]!]++;
    }
    const edgeAlive = new Uint8Array(this.eFrom.length).fill(1);
    const empty = (b: number) => b !== this.entry && b !== this.exit && this.stmts[b]!.length === 0 && this.evCount[b] === 0;
    // 1. pred-less empty blocks (cascading)
    const work: number[] = [];
    for (let b = 0; b < nb; b++) if (predCount[b] === 0 && empty(b)) work.push(b);
    while (work.length) {
      const b = work.pop()!;
      if (!alive[b]) continue;
      alive[b] = 0;
      for (const e of outs[b]!) {
        if (!edgeAlive[e]) continue;
        edgeAlive[e] = 0;
        const t = this.eTo[e]!;
        if (--predCount[t] === 0 && empty(t)) work.push(t);
      }
    }
    // 2. empty blocks with a single normal out edge: their in-edges go straight to the successor
    const forward = new Int32Array(nb).fill(-1);
    for (let b = 0; b < nb; b++) {
      if (!alive[b] || !empty(b)) continue;
      const live = outs[b]!.filter((e) => edgeAlive[e]);
      if (live.length === 1 && this.eKind[live[0]!] === E_NORMAL && this.eTo[live[0]!] !== b) forward[b] = this.eTo[live[0]!]!;
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
    order.sort((a, b) => this.pos[a]! - this.pos[b]! || a - b);
    order.unshift(this.entry);
    order.push(this.exit);
    const id = new Int32Array(nb).fill(-1);
    order.forEach((b, i) => (id[b] = i));
    const eFrom: number[] = [];
    const eTo: number[] = [];
    const eKind: number[] = [];
    const seen = new Set<number>();
    for (let e = 0; e < this.eFrom.length; e++) {
      if (!edgeAlive[e]) continue;
      const f = id[this.eFrom[e]!]!;
      const t = id[resolve(this.eTo[e]!)]!;
      if (f < 0 || t < 0) continue;
      const key = (f * 0x100000 + t) * 16 + this.eKind[e]!;
      if (seen.has(key)) continue;
      seen.add(key);
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

/** A pattern that matches anything: a capture or `_`, possibly `as`-named or among `|` alternatives. */
function irrefutable(p: SyntaxNode): boolean {
  const stack: SyntaxNode[] = [p];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'case_pattern') {
      const k = n.firstNamedChild;
      if (!k) return true; // `_`
      stack.push(k);
    } else if (n.type === 'dotted_name') {
      if (n.namedChildCount === 1) return true;
    } else if (n.type === 'as_pattern') {
      const k = n.firstNamedChild;
      if (k) stack.push(k);
    } else if (n.type === 'union_pattern') {
      for (const k of n.namedChildren) if (k) stack.push(k);
    }
  }
  return false;
}
