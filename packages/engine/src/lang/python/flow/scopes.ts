/**
 * Python's scoping rules, as far as the CFG/SSA builder needs them (Python reference §4.2 "Naming and binding").
 *
 * - A name bound anywhere in a scope (assignment, augmented assignment, `for`/`with`/`except` targets, import,
 *   `def`/`class`, match capture, `del`, parameter, walrus) is local to that whole scope, unless the scope declares it
 *   `global` or `nonlocal`. A read before the first binding still reads the local (UnboundLocalError in a function;
 *   in class and module bodies the lookup falls back to globals/builtins).
 * - Class bodies do not enclose the functions defined in them: a free name in a method skips the class scope
 *   (`enclosingForFreeNames`).
 * - A comprehension is its own function-like scope, except that its first iterable is evaluated in the enclosing
 *   scope (the builder walks it there), and a walrus target inside it binds in the nearest enclosing scope that is not
 *   a comprehension (PEP 572) — in the comprehension that name behaves as `nonlocal` (as `global` at module level).
 * - `global` at module level is a no-op: module names are the module scope's locals.
 */
import type { FlowScopeKind, ScopeFlow } from './model';

/** Node types that open a scope of their own, and the kind of scope. */
export const SCOPE_NODE_KINDS: Readonly<Record<string, FlowScopeKind>> = {
  function_definition: 'function',
  class_definition: 'class',
  lambda: 'lambda',
  list_comprehension: 'comprehension',
  set_comprehension: 'comprehension',
  dictionary_comprehension: 'comprehension',
  generator_expression: 'comprehension',
};

/** CPython's names for anonymous scopes (what tracebacks show), used in `ScopeFlow.name`. */
export const ANONYMOUS_SCOPE_NAMES: Readonly<Record<string, string>> = {
  lambda: '<lambda>',
  list_comprehension: '<listcomp>',
  set_comprehension: '<setcomp>',
  dictionary_comprehension: '<dictcomp>',
  generator_expression: '<genexpr>',
};

/**
 * The names that are SSA values of a scope: bound in it and not declared global/nonlocal (nor, in a comprehension,
 * walrus targets that bind outside it). Everything else read in the scope gets one `entry` definition.
 */
export function localNames(
  kind: FlowScopeKind,
  bound: Iterable<string>,
  globals: ReadonlySet<string>,
  nonlocals: ReadonlySet<string>,
  bindsOutside: ReadonlySet<string>,
): Set<string> {
  const locals = new Set<string>();
  for (const name of bound) {
    if (kind !== 'module' && globals.has(name)) continue;
    if (nonlocals.has(name) || bindsOutside.has(name)) continue;
    locals.add(name);
  }
  return locals;
}

/** Whether a walrus target written in a scope of this kind binds in an enclosing scope instead (PEP 572). */
export function walrusBindsOutside(kind: FlowScopeKind): boolean {
  return kind === 'comprehension';
}

/**
 * The scope whose bindings a free name of scope `i` refers to first: the nearest enclosing function-like scope or
 * the module, skipping class bodies (they do not enclose their methods). -1 for the module itself.
 */
export function enclosingForFreeNames(scopes: readonly ScopeFlow[], i: number): number {
  let p = scopes[i]!.parent;
  while (p >= 0 && scopes[p]!.kind === 'class') p = scopes[p]!.parent;
  return p;
}
