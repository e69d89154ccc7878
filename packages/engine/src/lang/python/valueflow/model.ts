/**
 * Value-flow facts of one file: a tiny constraint program per file that the L4 solver (`layers/l4-resolve/valueflow`)
 * runs together with the facts of every other file of the project and its dependencies.
 *
 * Plain JSON, small: variables are indices into `vars`, whose names tie variables of different files together —
 * a module-level name is `<module>.<name>` (what `from module import name` reads elsewhere), a class-body name
 * `<class fqn>.<name>` (the class attribute), a function's local or parameter `<function fqn>.<name>`; `''` is a
 * temporary of this file only. Names starting with `builtins.` hold the builtin of that name.
 */

/** Bumped whenever the shape or meaning of the facts changes. */
export const FLOW_FACTS_FORMAT = 'vf-8';

/** Kinds of a parameter: positional-or-keyword, positional-only, keyword-only, `*args`, `**kwargs`. */
export type ParamKind = 'p' | 'po' | 'k' | '*' | '**';

/** [name, kind]. */
export type ParamFact = [string, ParamKind];

export const FN_GENERATOR = 1;
export const FN_LAMBDA = 2;
/** `async def` (not a generator): calling it makes a coroutine; `await` on it gives what it returns. */
export const FN_ASYNC = 4;

/** A function, method or lambda: [fqn, params, flags (FN_*), line, column of its name (lambda: of `lambda`)]. */
export type FuncFact = [string, ParamFact[], number, number, number];

/** A class: [fqn, base expression variables, names bound in its body, line, column of its name]. */
export type ClassFact = [string, number[], string[], number, number];

/** What a call site is in L1 terms: 0 a call expression (CALLS/INSTANTIATES edge), 1 a decorator application (DECORATES edge). */
export const SITE_CALL = 0;
export const SITE_DECORATOR = 1;
/** A call Python makes implicitly (`for` → `__iter__`, `a + b` → `__add__`, `raise C`, a property read): no L1 edge. */
export const SITE_IMPLICIT = 2;

/** A site: [line, column, end line, end column, kind] — the span L1 gives the site's edge. */
export type SiteFact = [number, number, number, number, number];

/**
 * A call argument: a variable (positional), or [`*`|`**`|keyword name, variable].
 */
export type ArgFact = number | [string, number];

/** Constraint opcodes (first element of a constraint). */
export const enum Op {
  /** [Func, dst, func index] — dst holds the function defined here. */
  Func = 0,
  /** [Class, dst, class index] */
  Class = 1,
  /** [Module, dst, module name] — `import a.b as x`. */
  Module = 2,
  /** [From, dst, module, name] — `from module import name`: the attribute, or the submodule. */
  From = 3,
  /** [Copy, dst, src] */
  Copy = 4,
  /** [Attr, dst, src, name, site?] — dst ⊇ src.name; with a site (an attribute read), a property getter run there is a call. */
  Attr = 5,
  /** [Store, obj, name, src, site?] — obj.name ⊇ src; with a site (an attribute store), a property setter run there is a call. */
  Store = 6,
  /** [Elem, dst, src] — dst ⊇ elements of src (subscript, iteration, unpacking) */
  Elem = 7,
  /** [StoreElem, obj, src] */
  StoreElem = 8,
  /** [Call, dst, site, callee, args] */
  Call = 9,
  /** [Ret, func index, src] */
  Ret = 10,
  /** [Yield, func index, src] */
  Yield = 11,
  /** [Lit, dst, builtin type name] — a literal (`"s"`, `[]`, `1`): its methods are builtin methods. */
  Lit = 12,
  /** [New, dst, container kind] — a list/tuple/dict/set allocated here (one abstract object per constraint). */
  New = 13,
  /** [Super, dst, class index, self variable] — `super()` in a method of that class. */
  Super = 14,
  /** [Deco, dst, site, decorator, decorated] — `@d def f`: dst ← d(f); an unknown d leaves f itself. */
  Deco = 15,
  /**
   * [Implicit, dst, site, obj, names, args] — a call Python makes on obj's class: the first of `names` its MRO
   * defines, bound to obj (`__enter__`, `__add__`, `__getitem__`…); `<new>` instantiates obj when it is a class
   * (`raise C`). Only methods of the corpus are called.
   */
  Implicit = 16,
  /** [SuperOf, dst, class variable, object variable] — `super(C, obj)`. */
  SuperOf = 17,
  /**
   * [Meta, class index, variable] — `class C(metaclass=M)`: the variable holds C's metaclass (a constraint, not a
   * field of the class fact, so that facts stored before keep their shape).
   */
  Meta = 18,
}

export type Constraint = Array<number | string | string[] | ArgFact[]>;

export interface FlowFacts {
  format: string;
  module: string;
  pkg: boolean;
  vars: string[];
  funcs: FuncFact[];
  classes: ClassFact[];
  /** Names bound at module level (what `from module import *` can take), and `__all__` when literal. */
  globals: string[];
  all?: string[];
  /** Modules this module `*`-imports, absolute. */
  stars?: string[];
  sites: SiteFact[];
  c: Constraint[];
  /** Expressions skipped by the depth guard. */
  skipped?: number;
  /**
   * Set when the file's constraints were left out by the size budget (withinFlowBudget): how many there were.
   * Its module-level names stay known (what `*` imports take), holding nothing.
   */
  omitted?: number;
}

/**
 * Constraints per file past which a file's value flow is left out. Real modules stay far below (the stdlib's
 * largest have a few thousand); generated files do not — sympy's rubi rule and test tables have up to ~10^6, and
 * their facts alone made a whole-project fixpoint need more than 4 GB. Their calls still resolve by name (L1/L4).
 */
export const MAX_FLOW_CONSTRAINTS = 40_000;
