/**
 * Syntax tree → value-flow facts (model.ts) for one file.
 *
 * One walk over statements and expressions, emitting constraints as it goes. Names are not resolved during the walk:
 * each read or write of a name gets a placeholder variable, and once every scope's bindings are known the
 * placeholder is named after the scope that owns the name (LEGB, class bodies skipped from nested scopes, `global` /
 * `nonlocal` honoured) — so the solver, which joins variables by name, sees a write and every read of the same
 * Python variable as one node. Without a FileFlow this is flow-insensitive: every binding of a name in a scope is
 * one variable.
 *
 * Recursion follows expression nesting only; past MAX_DEPTH an expression is skipped (counted), so a pathological
 * file cannot overflow the stack.
 */
import type { SyntaxNode } from '../parser';
import { FlatView, tokensBetween, type FlatNode } from './flat-node';
import { flattenForFlow } from './flat-source';
import { stringList } from '../literal-types';
import { PY_BUILTINS } from '../builtins';
import type { FileFlow, SsaDef, SsaUse } from '../flow/model';
import {
  FLOW_FACTS_FORMAT,
  FN_ASYNC,
  FN_GENERATOR,
  FN_LAMBDA,
  MAX_FLOW_CONSTRAINTS,
  Op,
  SITE_CALL,
  SITE_DECORATOR,
  SITE_IMPLICIT,
  type ArgFact,
  type ClassFact,
  type Constraint,
  type FlowFacts,
  type FuncFact,
  type ParamFact,
  type ParamKind,
  type SiteFact,
} from './model';

const MAX_DEPTH = 150;

type ScopeKind = 'module' | 'class' | 'function';

interface Scope {
  kind: ScopeKind;
  fqn: string;
  parent?: Scope;
  bound: Set<string>;
  globals?: Set<string>;
  nonlocals?: Set<string>;
  /** Function index (functions and lambdas). */
  fn?: number;
  /** With a FileFlow: the function's SSA (reads and writes of its locals become versions, `f.x@3`). */
  ssa?: ScopeSsa;
  /** Names a nested function rebinds (`nonlocal x`): SSA cannot see those writes, so they stay one variable. */
  sharedNames?: Set<string>;
  /** Class index (class bodies); for a method, its class's index through `cls`. */
  cls?: number;
  /** Name of the first parameter of a method (`self`/`cls`), for `super()`. */
  selfName?: string;
  methodOf?: number;
  /** `fqn.name` for the names asked so far (see `qualified`). */
  qualified?: Map<string, string>;
  /** `fqn.name@id` of the SSA definitions asked so far, by definition id. */
  versions?: string[];
}

/**
 * Every scope with all its fields, in one order: scopes are read on every expression, and literals of different
 * shapes (plus fields added later) made those reads polymorphic and re-optimized the extractor in each worker.
 */
function newScope(kind: ScopeKind, fqn: string, parent: Scope | undefined, fn?: number, cls?: number, ssa?: ScopeSsa): Scope {
  return {
    kind,
    fqn,
    parent,
    bound: new Set(),
    globals: undefined,
    nonlocals: undefined,
    fn,
    ssa,
    sharedNames: undefined,
    cls,
    selfName: undefined,
    methodOf: undefined,
    qualified: undefined,
    versions: undefined,
  };
}

/**
 * `scope.fqn + '.' + name`, one string per distinct name of a scope. A file's facts name the same variable many
 * times (every read of `os` is `mod.os`): building it once, rather than a fresh concatenation per read, saves the
 * allocation and lets the record encoder find repeats by identity (one hash per distinct name).
 */
function qualified(s: Scope, name: string): string {
  const m = (s.qualified ??= new Map());
  let q = m.get(name);
  if (q === undefined) m.set(name, (q = `${s.fqn}.${name}`));
  return q;
}

const builtinNames = new Map<string, string>();
function builtin(name: string): string {
  let q = builtinNames.get(name);
  if (q === undefined) builtinNames.set(name, (q = `builtins.${name}`));
  return q;
}

/** Container methods whose argument becomes an element, and those whose result is an element. */
const STORE_ELEM_METHODS = new Set(['append', 'add', 'insert', 'appendleft', 'setdefault']);
const EXTEND_METHODS = new Set(['extend', 'update']);
const READ_ELEM_METHODS = new Set(['pop', 'get', 'popleft', 'popitem', 'setdefault']);
const VIEW_METHODS = new Set(['values', 'items', 'keys', 'copy']);

const LITERAL_TYPES: Record<string, string> = {
  string: 'str',
  concatenated_string: 'str',
  integer: 'int',
  float: 'float',
  true: 'bool',
  false: 'bool',
  none: 'NoneType',
};

const CONTAINERS: Record<string, string> = {
  list: 'list',
  tuple: 'tuple',
  set: 'set',
  dictionary: 'dict',
  list_comprehension: 'list',
  set_comprehension: 'set',
  dictionary_comprehension: 'dict',
  generator_expression: 'generator',
};

export interface FlowFileInfo {
  path: string;
  module: string;
  isPackage: boolean;
}

/**
 * Facts of a parsed file (flattens the tree itself; L5 shares its flat copy through `extractFlowFactsFlat`).
 * `maxConstraints`: past it the facts are emptied, as `withinFlowBudget` empties them (index.ts).
 */
export function extractFlowFacts(root: SyntaxNode, file: FlowFileInfo, flow?: FileFlow, maxConstraints = MAX_FLOW_CONSTRAINTS): FlowFacts {
  // The module node starts at its first token: positions are indices into the whole source, so pad the text back.
  const text = ' '.repeat(root.startIndex) + root.text;
  return extractFlowFactsFlat(flattenForFlow(root, text), file, flow, maxConstraints);
}

/** Facts of a file from its flattened tree (valid until the next flatten on this thread). */
export function extractFlowFactsFlat(view: FlatView, file: FlowFileInfo, flow?: FileFlow, maxConstraints = MAX_FLOW_CONSTRAINTS): FlowFacts {
  return new FlowExtractor(file, view.text, flow, maxConstraints).run(view.node(0));
}

/** A function's SSA, indexed for the walk: the definition reaching each read, the one made at each binding. */
interface ScopeSsa {
  /** The definition reaching the read at an index (`useAt`, below). */
  uses: (at: number) => SsaDef | undefined;
  defs: Map<number, SsaDef>;
  all: SsaDef[];
}

/**
 * A scope's definitions by id. The SSA builder numbers them 0..n-1 in list order, so the list is the index (no map
 * per scope); a list numbered otherwise (a FileFlow from elsewhere) gets the map, keeping the last of equal ids.
 */
function defsById(defs: readonly SsaDef[]): (id: number) => SsaDef | undefined {
  let inOrder = true;
  for (let i = 0; i < defs.length; i++) if (defs[i]!.id !== i) inOrder = false;
  if (inOrder) return (id) => defs[id];
  const byId = new Map(defs.map((d) => [d.id, d]));
  return (id) => byId.get(id);
}

/**
 * The definition reaching the read at `at`: of the last read there whose definition exists (what a map filled in
 * list order gives). The SSA builder lists reads by index, so a binary search finds them (a map per function held
 * an entry per read: 727K on the stdlib); a list in another order gets the map.
 */
function useAt(uses: readonly SsaUse[], byId: (id: number) => SsaDef | undefined): (at: number) => SsaDef | undefined {
  let sorted = true;
  for (let i = 1; i < uses.length; i++) if (uses[i - 1]!.at > uses[i]!.at) sorted = false;
  if (!sorted) {
    const map = new Map<number, SsaDef>();
    for (const u of uses) {
      const d = byId(u.def);
      if (d) map.set(u.at, d);
    }
    return (at) => map.get(at);
  }
  return (at) => {
    // The first read after `at`, then back over the reads at `at`.
    let lo = 0;
    let hi = uses.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (uses[mid]!.at <= at) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && uses[i]!.at === at; i--) {
      const d = byId(uses[i]!.def);
      if (d) return d;
    }
    return undefined;
  };
}

/** SSA definitions that are values of the scope itself (not its entry, not a parameter). */
const VERSIONED = new Set(['assign', 'augassign', 'walrus', 'for', 'with', 'except', 'import', 'def', 'class', 'match', 'comprehension', 'del', 'phi']);

class FlowExtractor {
  private vars: string[] = [];
  /** Placeholder variables: [var, scope, name, isWrite]. */
  private names: Array<[number, Scope, string, boolean]> = [];
  private funcs: FuncFact[] = [];
  private classes: ClassFact[] = [];
  private sites: FlowFacts['sites'] = [];
  private c: Constraint[] = [];
  /**
   * Past the constraint budget the facts will be emptied (withinFlowBudget): from then on constraints, variables,
   * placeholders and sites are only counted — the walk goes on for what is kept (module names, `__all__`, star
   * imports, skipped expressions). Building all of them first made a 1.5 MB generated test file (sympy's
   * `test_trinomials.py`, 500K constraints) hold them all at once.
   */
  private over = false;
  private constraintCount = 0;
  private varCount = 0;
  private siteCount = 0;
  private usedFqns = new Map<string, number>();
  private depth = 0;
  private skipped = 0;
  private all?: string[];
  private stars: string[] = [];
  private module: Scope;

  private ssaByStart = new Map<number, ScopeSsa>();

  constructor(
    private readonly file: FlowFileInfo,
    private readonly text: string,
    flow: FileFlow | undefined,
    private readonly maxConstraints: number,
  ) {
    this.module = newScope('module', file.module, undefined);
    // Module and class bodies stay one variable per name: other files and methods read them after they ran.
    for (const sc of flow?.scopes ?? []) {
      if (sc.kind !== 'function' && sc.kind !== 'lambda') continue;
      const defs = new Map<number, SsaDef>();
      for (const d of sc.defs) if (d.at >= 0) defs.set(d.at, d);
      const uses = useAt(sc.uses, defsById(sc.defs));
      this.ssaByStart.set(sc.span[0], { uses, defs, all: sc.defs });
    }
  }

  /** The variable of an SSA definition of a function scope. */
  private version(s: Scope, d: SsaDef): number {
    if (d.kind === 'param') return this.named(qualified(s, d.name));
    if (!VERSIONED.has(d.kind)) return this.read(s, d.name);
    const versions = (s.versions ??= []);
    return this.named((versions[d.id] ??= `${s.fqn}.${d.name}@${d.id}`));
  }

  /** Phi definitions join the versions reaching them. */
  private phis(s: Scope): void {
    if (!s.ssa) return;
    const byId = defsById(s.ssa.all);
    for (const d of s.ssa.all) {
      if (d.kind !== 'phi') continue;
      const dst = this.version(s, d);
      for (const a of d.args ?? []) {
        const src = byId(a);
        if (src) this.emit(Op.Copy, dst, this.version(s, src));
      }
    }
  }

  run(root: FlatNode): FlowFacts {
    this.block(root, this.module);
    this.nameVars();
    if (this.over) {
      // What withinFlowBudget makes of the whole facts, keys in the same order.
      return this.facts([], [], [], [], [], this.constraintCount);
    }
    return this.facts(this.vars, this.funcs, this.classes, this.sites, this.c, undefined);
  }

  /**
   * Every field present (absent ones undefined, which JSON and the codec skip), in the order they always had: facts of one
   * shape keep the encoder's reads monomorphic, where optional fields set afterwards made four shapes.
   */
  private facts(vars: string[], funcs: FuncFact[], classes: ClassFact[], sites: SiteFact[], c: Constraint[], omitted: number | undefined): FlowFacts {
    return {
      format: FLOW_FACTS_FORMAT,
      module: this.file.module,
      pkg: this.file.isPackage,
      vars,
      funcs,
      classes,
      globals: [...this.module.bound].sort(),
      sites,
      c,
      all: this.all,
      stars: this.stars.length ? this.stars : undefined,
      skipped: this.skipped || undefined,
      omitted,
    };
  }

  // ------------------------------------------------------------------ variables

  private temp(): number {
    return this.named('');
  }

  private named(name: string): number {
    if (!this.over) this.vars.push(name);
    return this.varCount++;
  }

  /** A read of a name (at: the identifier's start index, for its SSA definition). */
  private read(s: Scope, name: string, at = -1): number {
    const d = at >= 0 && !s.sharedNames?.has(name) ? s.ssa?.uses(at) : undefined;
    if (d && d.name === name && (d.kind === 'param' || VERSIONED.has(d.kind))) return this.version(s, d);
    const v = this.temp();
    if (!this.over) this.names.push([v, s, name, false]);
    return v;
  }

  /**
   * A binding of a name. With SSA, the version defined here gets the value; the name's one variable gets it too,
   * for what reads it without SSA (nested functions, comprehensions, `nonlocal`).
   */
  private write(s: Scope, name: string, src: number, at = -1): void {
    this.bind(s, name);
    const d = at >= 0 ? s.ssa?.defs.get(at) : undefined;
    if (d && d.name === name && VERSIONED.has(d.kind)) this.emit(Op.Copy, this.version(s, d), src);
    const v = this.temp();
    if (!this.over) this.names.push([v, s, name, true]);
    this.emit(Op.Copy, v, src);
  }

  private bind(s: Scope, name: string): void {
    if (s.globals?.has(name)) this.module.bound.add(name);
    else if (!s.nonlocals?.has(name)) s.bound.add(name);
  }

  /** Names each placeholder after the scope owning its name. */
  private nameVars(): void {
    for (const [v, s, name, isWrite] of this.names) this.vars[v] = this.owner(s, name, isWrite);
  }

  private owner(s: Scope, name: string, isWrite: boolean): string {
    if (s.globals?.has(name)) return qualified(this.module, name);
    if (isWrite && !s.nonlocals?.has(name)) return qualified(s, name);
    let cur: Scope | undefined = s;
    let first = true;
    while (cur) {
      if (cur.kind === 'module') break;
      if ((first || cur.kind !== 'class') && cur.bound.has(name)) return qualified(cur, name);
      if (cur.globals?.has(name)) return qualified(this.module, name);
      first = false;
      cur = cur.parent;
    }
    if (this.module.bound.has(name) || !PY_BUILTINS.has(name)) return qualified(this.module, name);
    return builtin(name);
  }

  /** The operator token(s) between two named nodes. */
  private between(from: number, to: number): string {
    return tokensBetween(this.text, from, to);
  }

  private emit(...c: Constraint): void {
    if (++this.constraintCount > this.maxConstraints && !this.over) {
      this.over = true;
      this.c = [];
      this.vars = [];
      this.names = [];
      this.sites = [];
    }
    if (!this.over) this.c.push(c);
  }

  private fqnOf(base: string): string {
    const seen = this.usedFqns.get(base) ?? 0;
    this.usedFqns.set(base, seen + 1);
    return seen === 0 ? base : `${base}#${seen + 1}`;
  }

  private site(n: FlatNode, kind: number): number {
    const a = n.startPosition;
    const b = n.endPosition;
    if (!this.over) this.sites.push([a.row, a.column, b.row, b.column, kind]);
    return this.siteCount++;
  }

  // ------------------------------------------------------------------ statements

  private block(n: FlatNode, s: Scope): void {
    for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) this.stmt(c, s);
  }

  private stmt(n: FlatNode, s: Scope): void {
    switch (n.type) {
      case 'expression_statement':
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) this.expr(c, s);
        return;
      case 'function_definition':
        this.funcDef(n, s, []);
        return;
      case 'class_definition':
        this.classDef(n, s, []);
        return;
      case 'decorated_definition': {
        const decos = n.namedChildren.filter((c): c is FlatNode => c?.type === 'decorator');
        const def = n.childForFieldName('definition');
        if (def?.type === 'function_definition') this.funcDef(def, s, decos);
        else if (def?.type === 'class_definition') this.classDef(def, s, decos);
        return;
      }
      case 'return_statement': {
        const v = n.firstNamedChild;
        if (v && s.fn !== undefined) this.emit(Op.Ret, s.fn, this.expr(v, s));
        else if (v) this.expr(v, s);
        return;
      }
      case 'import_statement':
        this.importStmt(n, s);
        return;
      case 'import_from_statement':
        this.importFrom(n, s);
        return;
      case 'global_statement':
      case 'nonlocal_statement': {
        const set = n.type === 'global_statement' ? (s.globals ??= new Set()) : (s.nonlocals ??= new Set());
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) if (c.type === 'identifier') set.add(c.text);
        if (n.type === 'global_statement') for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) if (c.type === 'identifier') this.module.bound.add(c.text);
        return;
      }
      case 'for_statement': {
        const right = n.childForFieldName('right');
        const left = n.childForFieldName('left');
        if (right && left) {
          const xs = this.expr(right, s);
          const el = this.temp();
          this.emit(Op.Elem, el, xs);
          // `for x in obj`: iter(obj) then next(it) on user classes (`async for`: __aiter__/__anext__).
          const isAsync = n.startsWithKeyword('async');
          const site = this.site(right, SITE_IMPLICIT);
          const it = this.temp();
          this.emit(Op.Implicit, it, site, xs, [isAsync ? '__aiter__' : '__iter__'], []);
          this.emit(Op.Implicit, el, site, it, [isAsync ? '__anext__' : '__next__'], []);
          this.assign(left, el, s);
        }
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) if (c !== left && c !== right) this.stmt(c, s);
        return;
      }
      case 'with_statement': {
        const isAsync = n.startsWithKeyword('async');
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
          if (c.type === 'with_clause') {
            for (let item = c.firstNamedChild; item; item = item.nextNamedSibling) {
              const value = item.childForFieldName('value');
              if (!value) continue;
              const ctx = value.type === 'as_pattern' ? value.firstNamedChild : value;
              const target = value.type === 'as_pattern' ? value.childForFieldName('alias')?.firstNamedChild : undefined;
              if (!ctx) continue;
              const v = this.expr(ctx, s);
              // `with C() as x`: x is what `__enter__` returns; `__exit__` runs on the way out.
              const site = this.site(ctx, SITE_IMPLICIT);
              const entered = this.temp();
              this.emit(Op.Implicit, entered, site, v, [isAsync ? '__aenter__' : '__enter__'], []);
              this.emit(Op.Implicit, this.temp(), site, v, [isAsync ? '__aexit__' : '__exit__'], []);
              if (target) this.assign(target, entered, s);
            }
          } else if (c) this.stmt(c, s);
        }
        return;
      }
      case 'except_clause':
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
          if (c.type === 'as_pattern') {
            const t = c.firstNamedChild;
            const alias = c.childForFieldName('alias')?.firstNamedChild;
            const v = t ? this.expr(t, s) : this.temp();
            if (alias?.type === 'identifier') {
              const inst = this.temp();
              this.emit(Op.Call, inst, -1, v, []);
              this.write(s, alias.text, inst, alias.startIndex);
            }
          } else if (c.type === 'block') this.block(c, s);
          else this.expr(c, s);
        }
        return;
      case 'raise_statement': {
        const e = n.firstNamedChild;
        if (e && e.type !== 'call') this.emit(Op.Implicit, this.temp(), this.site(e, SITE_IMPLICIT), this.expr(e, s), ['<new>'], []);
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) if (c !== e) this.expr(c, s);
        if (e?.type === 'call') this.expr(e, s);
        return;
      }
      case 'delete_statement':
        for (let t = n.firstNamedChild; t; t = t.nextNamedSibling) {
          const items = t.type === 'expression_list' ? t.namedChildren : [t];
          for (const x of items) {
            if (x?.type !== 'subscript') {
              if (x) this.expr(x, s);
              continue;
            }
            const obj = x.childForFieldName('value');
            const subs = x.namedChildren.filter((c) => c && c !== obj).map((c) => this.expr(c!, s));
            if (obj) this.emit(Op.Implicit, this.temp(), this.site(x, SITE_IMPLICIT), this.expr(obj, s), ['__delitem__'], subs);
          }
        }
        return;
      case 'assert_statement':
        n.namedChildren.forEach((c, i) => c && (i === 0 ? this.test(c, s) : this.expr(c, s)));
        return;
      case 'print_statement':
      case 'exec_statement':
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) this.expr(c, s);
        return;
      case 'if_statement':
      case 'elif_clause':
      case 'while_statement': {
        const cond = n.childForFieldName('condition');
        if (cond) this.test(cond, s);
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) if (c !== cond) this.stmt(c, s);
        return;
      }
      case 'match_statement': {
        const subj = n.childForFieldName('subject');
        if (subj) this.expr(subj, s);
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) if (c !== subj) this.stmt(c, s);
        return;
      }
      case 'case_clause':
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
          if (c.type === 'block') this.block(c, s);
          else if (c.type === 'if_clause') this.test(c.firstNamedChild!, s);
        }
        return;
      case 'type_alias_statement':
      case 'pass_statement':
      case 'break_statement':
      case 'continue_statement':
      case 'comment':
      case 'future_import_statement':
        return;
      default:
        // block, else_clause, finally_clause, try_statement, with_clause... : statements inside.
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
          if (isExpression(c)) this.expr(c, s);
          else this.stmt(c, s);
        }
    }
  }

  private importStmt(n: FlatNode, s: Scope): void {
    for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
      if (c.type === 'dotted_name') {
        const top = c.text.split('.')[0]!;
        const v = this.temp();
        this.emit(Op.Module, v, top);
        this.write(s, top, v, c.startIndex);
      } else if (c.type === 'aliased_import') {
        const name = c.childForFieldName('name')?.text;
        const aliasNode = c.childForFieldName('alias');
        const alias = aliasNode?.text;
        if (!name || !alias) continue;
        const v = this.temp();
        this.emit(Op.Module, v, name);
        this.write(s, alias, v, aliasNode!.startIndex);
      }
    }
  }

  private importFrom(n: FlatNode, s: Scope): void {
    const modNode = n.childForFieldName('module_name');
    if (!modNode) return;
    const mod = this.absolute(modNode);
    if (mod === undefined) return;
    for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
      if (!c || c === modNode) continue;
      if (c.type === 'wildcard_import') {
        if (s === this.module) this.stars.push(mod);
        continue;
      }
      let name: string | undefined;
      let alias: string | undefined;
      let at = c.startIndex;
      if (c.type === 'dotted_name') name = alias = c.text;
      else if (c.type === 'aliased_import') {
        name = c.childForFieldName('name')?.text;
        const aliasNode = c.childForFieldName('alias');
        alias = aliasNode?.text;
        at = aliasNode?.startIndex ?? at;
      }
      if (!name || !alias) continue;
      const v = this.temp();
      if (mod === '') this.emit(Op.Module, v, name);
      else this.emit(Op.From, v, mod, name);
      this.write(s, alias, v, at);
    }
  }

  /** The absolute module of a `from` import (relative ones made absolute against this file's package). */
  private absolute(m: FlatNode): string | undefined {
    if (m.type !== 'relative_import') return m.text;
    const prefix = m.namedChildren.find((c) => c?.type === 'import_prefix')?.text ?? '.';
    const rest = m.namedChildren.find((c) => c?.type === 'dotted_name')?.text;
    const parts = this.file.module.split('.');
    if (!this.file.isPackage) parts.pop();
    for (let i = 1; i < prefix.length; i++) {
      if (!parts.length) return undefined;
      parts.pop();
    }
    if (rest) parts.push(...rest.split('.'));
    return parts.join('.');
  }

  private funcDef(n: FlatNode, s: Scope, decos: FlatNode[]): void {
    const nameNode = n.childForFieldName('name');
    if (!nameNode) return;
    const name = nameNode.text;
    // Decorator expressions are evaluated before the function is defined.
    const decoVars = decos.map((d) => this.decoratorExpr(d, s));
    const fqn = this.fqnOf(`${s.fqn}.${name}`);
    const idx = this.funcs.length;
    const fact: FuncFact = [fqn, [], 0, nameNode.startPosition.row, nameNode.startPosition.column];
    this.funcs.push(fact);
    const fs = newScope('function', fqn, s, idx, undefined, this.ssaByStart.get(n.startIndex));
    if (fs.ssa) fs.sharedNames = nonlocalNames(n);
    if (s.kind === 'class') fs.methodOf = s.cls;
    const params = n.childForFieldName('parameters');
    if (params) fact[1] = this.params(params, s, fs, fqn);
    if (fs.methodOf !== undefined && fact[1].length) fs.selfName = fact[1][0]![0];
    const body = n.childForFieldName('body');
    if (n.startsWithKeyword('async')) fact[2] |= FN_ASYNC;
    if (body) {
      if (containsYield(body)) fact[2] |= FN_GENERATOR;
      this.block(body, fs);
    }
    this.phis(fs);
    let v = this.temp();
    this.emit(Op.Func, v, idx);
    v = this.applyDecorators(decos, decoVars, v);
    this.write(s, name, v, nameNode.startIndex);
  }

  private classDef(n: FlatNode, s: Scope, decos: FlatNode[]): void {
    const nameNode = n.childForFieldName('name');
    if (!nameNode) return;
    const name = nameNode.text;
    const decoVars = decos.map((d) => this.decoratorExpr(d, s));
    const bases: number[] = [];
    let meta: number | undefined;
    const sup = n.childForFieldName('superclasses');
    for (const b of sup?.namedChildren ?? []) {
      if (!b) continue;
      if (b.type === 'keyword_argument') {
        const val = b.childForFieldName('value');
        const v = val ? this.expr(val, s) : undefined;
        if (b.childForFieldName('name')?.text === 'metaclass') meta = v;
      } else bases.push(this.expr(b, s));
    }
    const fqn = this.fqnOf(`${s.fqn}.${name}`);
    const idx = this.classes.length;
    const fact: ClassFact = [fqn, bases, [], nameNode.startPosition.row, nameNode.startPosition.column];
    if (meta !== undefined) this.emit(Op.Meta, idx, meta);
    this.classes.push(fact);
    const cs = newScope('class', fqn, s, undefined, idx);
    const body = n.childForFieldName('body');
    if (body) this.block(body, cs);
    fact[2] = [...cs.bound].sort();
    let v = this.temp();
    this.emit(Op.Class, v, idx);
    v = this.applyDecorators(decos, decoVars, v);
    this.write(s, name, v, nameNode.startIndex);
  }

  private decoratorExpr(d: FlatNode, s: Scope): number {
    const e = d.firstNamedChild;
    return e ? this.expr(e, s) : this.temp();
  }

  private applyDecorators(decos: FlatNode[], decoVars: number[], v: number): number {
    // Innermost first: `@a @b def f` is a(b(f)).
    for (let i = decos.length - 1; i >= 0; i--) {
      const e = decos[i]!.firstNamedChild;
      if (!e) continue;
      const callee = e.type === 'call' ? e.childForFieldName('function') ?? e : e;
      const out = this.temp();
      this.emit(Op.Deco, out, this.site(callee, SITE_DECORATOR), decoVars[i]!, v);
      v = out;
    }
    return v;
  }

  /** Parameters: their facts, defaults evaluated in the enclosing scope, names bound in the function. */
  private params(n: FlatNode, outer: Scope, fs: Scope, fqn: string): ParamFact[] {
    const out: ParamFact[] = [];
    let kwOnly = false;
    for (let p = n.firstNamedChild; p; p = p.nextNamedSibling) {
      let name: string | undefined;
      let kind: ParamKind = kwOnly ? 'k' : 'p';
      let dflt: FlatNode | null = null;
      switch (p.type) {
        case 'identifier':
          name = p.text;
          break;
        case 'typed_parameter': {
          const inner = p.firstNamedChild;
          if (inner?.type === 'list_splat_pattern') {
            name = inner.firstNamedChild?.text;
            kind = '*';
            kwOnly = true;
          } else if (inner?.type === 'dictionary_splat_pattern') {
            name = inner.firstNamedChild?.text;
            kind = '**';
          } else name = inner?.text;
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter':
          name = p.childForFieldName('name')?.text;
          dflt = p.childForFieldName('value');
          break;
        case 'list_splat_pattern':
          name = p.firstNamedChild?.text;
          kind = '*';
          kwOnly = true;
          break;
        case 'dictionary_splat_pattern':
          name = p.firstNamedChild?.text;
          kind = '**';
          break;
        case 'keyword_separator':
          kwOnly = true;
          continue;
        case 'positional_separator':
          for (const q of out) if (q[1] === 'p') q[1] = 'po';
          continue;
        default:
          continue;
      }
      if (!name) continue;
      out.push([name, kind]);
      fs.bound.add(name);
      if (dflt) this.emit(Op.Copy, this.named(qualified(fs, name)), this.expr(dflt, outer));
    }
    return out;
  }

  /** Binds a target (name, attribute, subscript, tuple/list pattern, starred) to the value in `v`. */
  private assign(t: FlatNode, v: number, s: Scope): void {
    switch (t.type) {
      case 'identifier':
        this.write(s, t.text, v, t.startIndex);
        return;
      case 'attribute': {
        const obj = t.childForFieldName('object');
        const attr = t.childForFieldName('attribute');
        // With a site (the attribute name's span): storing through an instance may run a property's setter there.
        if (obj && attr) this.emit(Op.Store, this.expr(obj, s), attr.text, v, this.site(attr, SITE_IMPLICIT));
        return;
      }
      case 'subscript': {
        const obj = t.childForFieldName('value');
        const sub = t.childForFieldName('subscript');
        const k = sub ? this.expr(sub, s) : this.temp();
        if (obj) {
          const o = this.expr(obj, s);
          this.emit(Op.StoreElem, o, v);
          this.emit(Op.Implicit, this.temp(), this.site(t, SITE_IMPLICIT), o, ['__setitem__'], [k, v]);
        }
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list': {
        const el = this.temp();
        this.emit(Op.Elem, el, v);
        for (let c = t.firstNamedChild; c; c = c.nextNamedSibling) this.assign(c, el, s);
        return;
      }
      case 'list_splat_pattern':
      case 'parenthesized_expression': {
        const inner = t.firstNamedChild;
        if (!inner) return;
        if (t.type === 'list_splat_pattern') {
          // `a, *rest = xs`: rest is a list of the elements.
          const lst = this.temp();
          this.emit(Op.New, lst, 'list');
          const el = this.temp();
          this.emit(Op.Elem, el, v);
          this.emit(Op.StoreElem, lst, el);
          this.assign(inner, lst, s);
        } else this.assign(inner, v, s);
        return;
      }
      default:
        this.expr(t, s);
    }
  }

  private assignment(n: FlatNode, s: Scope): number {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!right) return this.temp();
    // `a, b = f, g` pairs targets with values (a swap `a, b = b, a` too: all values are read first).
    if (left && pairable(left, right)) {
      const pairs: Array<[FlatNode, number]> = [];
      this.pair(left, right, s, pairs);
      for (const [t, v] of pairs) this.assign(t, v, s);
      return this.temp();
    }
    const v = this.expr(right, s);
    if (left) {
      if (left.type === 'identifier' && left.text === '__all__' && s === this.module) {
        const real = right.syntaxNode();
        this.all = real ? stringList(real) : undefined;
      }
      this.assign(left, v, s);
    }
    return v;
  }

  /** Evaluates the values of a sequence assignment, nested sequences paired too (`a, (b, c) = f, (g, h)`). */
  private pair(left: FlatNode, right: FlatNode, s: Scope, out: Array<[FlatNode, number]>): void {
    if (!pairable(left, right)) {
      out.push([left, this.expr(right, s)]);
      return;
    }
    const ls = left.namedChildren;
    right.namedChildren.forEach((r, i) => {
      if (r && ls[i]) this.pair(ls[i]!, r, s, out);
    });
  }

  // ------------------------------------------------------------------ expressions

  /** Evaluates an expression for its effects and returns the variable holding its value. */
  private expr(n: FlatNode, s: Scope): number {
    if (this.depth >= MAX_DEPTH) {
      this.skipped++;
      return this.temp();
    }
    this.depth++;
    try {
      return this.exprInner(n, s);
    } finally {
      this.depth--;
    }
  }

  private exprInner(n: FlatNode, s: Scope): number {
    switch (n.type) {
      case 'identifier':
        return this.read(s, n.text, n.startIndex);
      case 'attribute': {
        const obj = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute');
        // A literal's type matters for its methods (`"a".join`); elsewhere literals would only fill sets.
        const litType = obj ? (obj.type === 'string' || obj.type === 'concatenated_string' ? stringType(obj) : LITERAL_TYPES[obj.type]) : undefined;
        const o = litType !== undefined ? this.lit(litType) : obj ? this.expr(obj, s) : this.temp();
        const v = this.temp();
        // A read that is not a call's callee may run a property getter: it gets a site (the attribute name's span).
        const calleeOf = n.parent?.type === 'call' && n.parent.childForFieldName('function')?.equals(n);
        if (attr && !calleeOf) this.emit(Op.Attr, v, o, attr.text, this.site(attr, SITE_IMPLICIT));
        else if (attr) this.emit(Op.Attr, v, o, attr.text);
        return v;
      }
      case 'call':
        return this.call(n, s);
      case 'assignment':
        return this.assignment(n, s);
      case 'augmented_assignment': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        const v = right ? this.expr(right, s) : this.temp();
        if (left) {
          // `x += [f]` keeps x's old value and adds the elements: x ⊇ x, elements(x) ⊇ elements(right).
          const old = this.expr(left, s);
          const el = this.temp();
          this.emit(Op.Elem, el, v);
          this.emit(Op.StoreElem, old, el);
          const op = right ? this.between(left.endIndex, right.startIndex) : '';
          const dunder = BINARY_DUNDERS[op.slice(0, -1)];
          if (dunder) this.emit(Op.Implicit, old, this.site(n, SITE_IMPLICIT), old, [`__i${dunder.slice(2)}`, dunder], [v]);
          this.assign(left, old, s);
        }
        return v;
      }
      case 'named_expression': {
        const name = n.childForFieldName('name');
        const value = n.childForFieldName('value');
        const v = value ? this.expr(value, s) : this.temp();
        if (name) this.write(s, name.text, v, name.startIndex);
        return v;
      }
      case 'parenthesized_expression': {
        const inner = n.firstNamedChild;
        return inner ? this.expr(inner, s) : this.temp();
      }
      case 'conditional_expression': {
        const v = this.temp();
        const parts = n.namedChildren;
        parts.forEach((c, i) => {
          if (!c) return;
          const x = i === 1 ? this.test(c, s) : this.expr(c, s);
          if (i !== 1) this.emit(Op.Copy, v, x);
        });
        return v;
      }
      case 'boolean_operator': {
        // `a or b` tests a (and gives a or b); b is tested only where the whole is (see test).
        const v = this.temp();
        const operands = n.namedChildren;
        operands.forEach((c, i) => c && this.emit(Op.Copy, v, i < operands.length - 1 ? this.test(c, s) : this.expr(c, s)));
        return v;
      }
      case 'not_operator': {
        const arg = n.childForFieldName('argument');
        if (arg) this.test(arg, s);
        return this.lit('bool');
      }
      case 'lambda':
        return this.lambda(n, s);
      case 'yield': {
        const inner = n.firstNamedChild;
        if (inner) {
          const v = this.expr(inner, s);
          if (s.fn !== undefined) {
            if (inner.type === 'from' || n.text.startsWith('yield from')) {
              const el = this.temp();
              this.emit(Op.Elem, el, v);
              this.emit(Op.Yield, s.fn, el);
            } else this.emit(Op.Yield, s.fn, v);
          }
        }
        return this.temp();
      }
      case 'from': {
        const inner = n.firstNamedChild;
        return inner ? this.expr(inner, s) : this.temp();
      }
      case 'subscript': {
        const val = n.childForFieldName('value');
        const subs: number[] = [];
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) if (c !== val) subs.push(this.expr(c, s));
        const o = val ? this.expr(val, s) : this.temp();
        const v = this.temp();
        this.emit(Op.Elem, v, o);
        this.emit(Op.Implicit, v, this.site(n, SITE_IMPLICIT), o, ['__getitem__', '__class_getitem__'], subs.slice(0, 1));
        // `Foo[int]` (a generic alias) is still Foo.
        if (val && /^[A-Z]/.test(val.text.split('.').pop() ?? '')) this.emit(Op.Copy, v, o);
        return v;
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list': {
        const v = this.temp();
        this.emit(Op.New, v, CONTAINERS[n.type] ?? 'tuple');
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
          if (c.type === 'list_splat') {
            const inner = c.firstNamedChild;
            if (!inner) continue;
            const el = this.temp();
            this.emit(Op.Elem, el, this.expr(inner, s));
            this.emit(Op.StoreElem, v, el);
          } else this.emit(Op.StoreElem, v, this.expr(c, s));
        }
        return v;
      }
      case 'dictionary': {
        const v = this.temp();
        this.emit(Op.New, v, 'dict');
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
          if (c.type === 'pair') {
            const k = c.childForFieldName('key');
            const val = c.childForFieldName('value');
            if (k) this.expr(k, s);
            if (val) this.emit(Op.StoreElem, v, this.expr(val, s));
          } else if (c.type === 'dictionary_splat') {
            const inner = c.firstNamedChild;
            if (!inner) continue;
            const el = this.temp();
            this.emit(Op.Elem, el, this.expr(inner, s));
            this.emit(Op.StoreElem, v, el);
          } else this.expr(c, s);
        }
        return v;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        return this.comprehension(n, s);
      case 'string':
      case 'concatenated_string':
        for (const c of n.descendantsOfType('interpolation')) if (c) for (let e = c.firstNamedChild; e; e = e.nextNamedSibling) if (isExpression(e)) this.expr(e, s);
        return this.lit(stringType(n));
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
        return this.lit(LITERAL_TYPES[n.type]!);
      case 'binary_operator': {
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        const lv = l ? this.expr(l, s) : this.temp();
        const rv = r ? this.expr(r, s) : this.temp();
        // `a + b` on lists/strings: the result is of the left operand's kind (elements flow approximately).
        const v = this.temp();
        if (l && (l.type === 'list' || l.type === 'string' || l.type === 'tuple')) this.emit(Op.Copy, v, lv);
        const dunder = l && r ? BINARY_DUNDERS[this.between(l.endIndex, r.startIndex)] : undefined;
        if (dunder) this.emit(Op.Implicit, v, this.site(n, SITE_IMPLICIT), lv, [dunder], [rv]);
        return v;
      }
      case 'unary_operator': {
        const a = n.childForFieldName('argument');
        const av = a ? this.expr(a, s) : this.temp();
        const dunder = a ? UNARY_DUNDERS[this.between(n.startIndex, a.startIndex)] : undefined;
        const v = this.temp();
        if (dunder) this.emit(Op.Implicit, v, this.site(n, SITE_IMPLICIT), av, [dunder], []);
        return v;
      }
      case 'comparison_operator': {
        const operands: number[] = [];
        const ops: string[] = [];
        // The operators are anonymous tokens: read between the operands (`not in` and `is not` are one token each).
        let prevEnd = -1;
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
          if (prevEnd >= 0) {
            const op = this.between(prevEnd, c.startIndex);
            if (op) ops.push(op);
          }
          operands.push(this.expr(c, s));
          prevEnd = c.endIndex;
        }
        const site = this.site(n, SITE_IMPLICIT);
        ops.forEach((op, i) => {
          const a = operands[i];
          const b = operands[i + 1];
          if (a === undefined || b === undefined) return;
          if (op === 'in' || op === 'not in') this.emit(Op.Implicit, this.temp(), site, b, ['__contains__'], [a]);
          else if (COMPARE_DUNDERS[op]) this.emit(Op.Implicit, this.temp(), site, a, [COMPARE_DUNDERS[op]!], [b]);
        });
        return this.temp();
      }
      case 'await': {
        const inner = n.firstNamedChild;
        const v = this.temp();
        if (inner) this.emit(Op.Attr, v, this.expr(inner, s), '<await>');
        return v;
      }
      case 'list_splat':
      case 'dictionary_splat':
      case 'keyword_argument': {
        const inner = n.type === 'keyword_argument' ? n.childForFieldName('value') : n.firstNamedChild;
        return inner ? this.expr(inner, s) : this.temp();
      }
      default:
        for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) if (isExpression(c)) this.expr(c, s);
        return this.temp();
    }
  }

  /**
   * A value tested for truth (`if x:`, `while self.items:`, `not x`, `a or b`, `assert x`): Python calls its class's
   * `__bool__`, else `__len__` — an implicit call where the value is a name, attribute or subscript (what a user
   * class instance is usually held in; a call's or an operator's result is left out, most are builtins).
   */
  private test(n: FlatNode, s: Scope): number {
    let e = n;
    while (e.type === 'parenthesized_expression' && e.firstNamedChild) e = e.firstNamedChild;
    if (e.type === 'boolean_operator') {
      const v = this.temp();
      for (let c = e.firstNamedChild; c; c = c.nextNamedSibling) this.emit(Op.Copy, v, this.test(c, s));
      return v;
    }
    const v = this.expr(n, s);
    if (TRUTH_TESTED.has(e.type)) this.emit(Op.Implicit, this.temp(), this.site(e, SITE_IMPLICIT), v, ['__bool__', '__len__'], []);
    return v;
  }

  private lit(type: string): number {
    const v = this.temp();
    this.emit(Op.Lit, v, type);
    return v;
  }

  private lambda(n: FlatNode, s: Scope): number {
    const fqn = this.fqnOf(`${s.fqn}.<lambda>`);
    const idx = this.funcs.length;
    const fact: FuncFact = [fqn, [], FN_LAMBDA, n.startPosition.row, n.startPosition.column];
    this.funcs.push(fact);
    const fs = newScope('function', fqn, s, idx, undefined, this.ssaByStart.get(n.startIndex));
    const params = n.childForFieldName('parameters');
    if (params) fact[1] = this.params(params, s, fs, fqn);
    const body = n.childForFieldName('body');
    if (body) this.emit(Op.Ret, idx, this.expr(body, fs));
    this.phis(fs);
    const v = this.temp();
    this.emit(Op.Func, v, idx);
    return v;
  }

  /** Comprehensions run in the enclosing scope here (their variables are names of it: a small imprecision). */
  private comprehension(n: FlatNode, s: Scope): number {
    const v = this.temp();
    this.emit(Op.New, v, CONTAINERS[n.type] ?? 'list');
    const body = n.childForFieldName('body');
    for (let c = n.firstNamedChild; c; c = c.nextNamedSibling) {
      if (!c || c === body) continue;
      if (c.type === 'for_in_clause') {
        const left = c.childForFieldName('left');
        const right = c.childForFieldName('right');
        if (right && left) {
          const el = this.temp();
          this.emit(Op.Elem, el, this.expr(right, s));
          this.assign(left, el, s);
        }
      } else if (c.type === 'if_clause') {
        const e = c.firstNamedChild;
        if (e) this.test(e, s);
      }
    }
    if (body) {
      if (body.type === 'pair') {
        const k = body.childForFieldName('key');
        const val = body.childForFieldName('value');
        if (k) this.expr(k, s);
        if (val) this.emit(Op.StoreElem, v, this.expr(val, s));
      } else this.emit(Op.StoreElem, v, this.expr(body, s));
    }
    return v;
  }

  private call(n: FlatNode, s: Scope): number {
    const fn = n.childForFieldName('function');
    const argsNode = n.childForFieldName('arguments');
    const out = this.temp();
    if (!fn) return out;
    // The span L1 gives the call's edge: the attribute name of `a.b()`, else the whole callee expression.
    const spanNode = fn.type === 'attribute' ? fn.childForFieldName('attribute') ?? fn : fn;
    const superArgs = fn.type === 'identifier' && fn.text === 'super' ? (argsNode?.namedChildren ?? []).filter((a) => a && a.type !== 'comment') : [];
    if (superArgs.length === 2) {
      // `super(C, obj)`: lookup after C in obj's MRO.
      this.emit(Op.SuperOf, out, this.expr(superArgs[0]!, s), this.expr(superArgs[1]!, s));
      return out;
    }
    if (fn.type === 'identifier' && fn.text === 'super' && s.kind === 'function') {
      const m = this.methodScope(s);
      if (m?.methodOf !== undefined && m.selfName) {
        this.emit(Op.Super, out, m.methodOf, this.read(s, m.selfName));
        if (argsNode) for (let a = argsNode.firstNamedChild; a; a = a.nextNamedSibling) this.expr(a, s);
        return out;
      }
    }
    const callee = this.expr(fn, s);
    const args: ArgFact[] = [];
    const positional: number[] = [];
    for (const a of argsNode?.namedChildren ?? []) {
      if (!a) continue;
      if (a.type === 'list_splat') args.push(['*', this.expr(a, s)]);
      else if (a.type === 'dictionary_splat') args.push(['**', this.expr(a, s)]);
      else if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name')?.text;
        const v = this.expr(a, s);
        if (name) args.push([name, v]);
      } else if (a.type !== 'comment') {
        const v = this.expr(a, s);
        args.push(v);
        positional.push(v);
      }
    }
    this.emit(Op.Call, out, this.site(spanNode, SITE_CALL), callee, args);
    // Containers filled and read through their methods: `ls.append(f)`, `d.get(k)`.
    if (fn.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const obj = fn.childForFieldName('object');
      if (obj && (STORE_ELEM_METHODS.has(method) || EXTEND_METHODS.has(method)) && positional.length) {
        const recv = this.expr(obj, s);
        const val = positional[positional.length - 1]!;
        if (EXTEND_METHODS.has(method)) {
          const el = this.temp();
          this.emit(Op.Elem, el, val);
          this.emit(Op.StoreElem, recv, el);
        } else this.emit(Op.StoreElem, recv, val);
      }
      if (obj && VIEW_METHODS.has(method)) {
        // `d.values()`, `d.items()`, `d.keys()`: a view whose elements are the container's.
        const view = this.temp();
        this.emit(Op.New, view, 'list');
        const el = this.temp();
        this.emit(Op.Elem, el, this.expr(obj, s));
        this.emit(Op.StoreElem, view, el);
        this.emit(Op.Copy, out, view);
      } else if (obj && READ_ELEM_METHODS.has(method)) this.emit(Op.Elem, out, this.expr(obj, s));
    }
    return out;
  }

  private methodScope(s: Scope): Scope | undefined {
    let cur: Scope | undefined = s;
    while (cur && cur.kind === 'function' && cur.methodOf === undefined) cur = cur.parent;
    return cur?.kind === 'function' ? cur : undefined;
  }
}

const BINARY_DUNDERS: Record<string, string> = {
  '+': '__add__', '-': '__sub__', '*': '__mul__', '/': '__truediv__', '//': '__floordiv__', '%': '__mod__',
  '**': '__pow__', '@': '__matmul__', '&': '__and__', '|': '__or__', '^': '__xor__', '<<': '__lshift__',
  '>>': '__rshift__',
};
/** Expressions whose truth test (`if x:`) is an implicit call of `__bool__`/`__len__` (Extractor.test). */
const TRUTH_TESTED = new Set(['identifier', 'attribute', 'subscript']);
const UNARY_DUNDERS: Record<string, string> = { '-': '__neg__', '+': '__pos__', '~': '__invert__' };
const COMPARE_DUNDERS: Record<string, string> = {
  '<': '__lt__', '>': '__gt__', '<=': '__le__', '>=': '__ge__', '==': '__eq__', '!=': '__ne__',
};

const EXPRESSION_TYPES = new Set([
  'identifier', 'attribute', 'call', 'subscript', 'list', 'tuple', 'set', 'dictionary', 'list_comprehension',
  'set_comprehension', 'dictionary_comprehension', 'generator_expression', 'lambda', 'conditional_expression',
  'boolean_operator', 'not_operator', 'comparison_operator', 'binary_operator', 'unary_operator', 'await',
  'parenthesized_expression', 'named_expression', 'string', 'concatenated_string', 'integer', 'float', 'true',
  'false', 'none', 'yield', 'assignment', 'augmented_assignment', 'expression_list', 'list_splat', 'keyword_argument',
  'dictionary_splat', 'pair', 'slice', 'ellipsis', 'type', 'argument_list', 'format_expression', 'interpolation',
]);

function isExpression(n: FlatNode): boolean {
  return EXPRESSION_TYPES.has(n.type);
}

/** `str`, or `bytes` for a b-prefixed literal. */
function stringType(n: FlatNode): string {
  const first = n.type === 'concatenated_string' ? n.firstNamedChild : n;
  return /^[rRuUfF]*[bB]/.test(first?.text ?? '') ? 'bytes' : 'str';
}

function isSequence(n: FlatNode): boolean {
  return n.type === 'pattern_list' || n.type === 'expression_list' || n.type === 'tuple' || n.type === 'tuple_pattern' || n.type === 'list' || n.type === 'list_pattern';
}

function pairable(left: FlatNode, right: FlatNode): boolean {
  return isSequence(left) && isSequence(right) && left.namedChildCount === right.namedChildCount && !hasStar(left) && !hasStar(right);
}

function hasStar(n: FlatNode): boolean {
  return n.namedChildren.some((c) => c?.type === 'list_splat_pattern' || c?.type === 'list_splat');
}

/** Whether a function body yields (not counting nested functions, lambdas and classes). */
function nonlocalNames(def: FlatNode): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const st of def.descendantsOfType('nonlocal_statement')) {
    for (const c of st?.namedChildren ?? []) if (c?.type === 'identifier') (out ??= new Set()).add(c.text);
  }
  return out;
}

/** Scopes of their own: a `yield` inside one does not make the enclosing function a generator. */
const OWN_SCOPES: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition']);

function containsYield(body: FlatNode): boolean {
  return body.containsOutside('yield', OWN_SCOPES);
}
