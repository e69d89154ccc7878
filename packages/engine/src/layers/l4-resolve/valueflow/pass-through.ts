/**
 * Pure pass-through functions: those whose return value is only ever one of their parameters, read from one file's
 * facts before solving (`def register(fn): REGISTRY.append(fn); return fn`, `def identity(x): return x`, a method
 * ending in `return self`).
 *
 * Why: the solver is context-insensitive, so a function's return node merges what every caller passed in. For a
 * registration decorator that is every registered function, flowing back to every decorated name (django's
 * `CheckRegistry.register` returned every check to every caller), and for `lazy`/proxy helpers it is most of the
 * corpus: these merged returns are where sets reach the cap. For a pure pass-through the solver instead copies each
 * call's own argument to that call's result (`FlowSolver.bind`), which is exactly what the function returns there.
 *
 * Pure means: every `return` value reaches back, through copies only, to parameters of that function (positional or
 * keyword, not `*args`/`**kwargs`) that nothing else writes (no default, no rebinding), and to nothing else — no call
 * result, attribute, element, literal or object made in the body, and no name another scope could write (a global, a
 * parameter of another function). Where a call leaves such a parameter out, the solver falls back to the merged
 * return for that call. Generators and coroutines never qualify (their call makes a generator or coroutine, not the
 * value returned).
 *
 * The facts number each occurrence of a name apart (`vars`), while the solver makes one node per name: the search
 * runs on the solver's nodes (`nodeOf`: each variable's node, the same for every occurrence of a name). It runs once
 * per file as the solver loads it, so it allocates by the file's constraints, keys by node ids and builds no strings
 * except each candidate function's own parameter names.
 */
import { FN_ASYNC, FN_GENERATOR, Op, type FlowFacts } from '../../../lang/python/valueflow/model';

/**
 * For each function of the file (by its index in `facts.funcs`) that is a pure pass-through: the parameter indices its
 * return copies. `nodeOf[v]` is variable v's node; `nodeNamed(name)` a named variable's node, if it has one.
 */
export function purePassThrough(facts: FlowFacts, nodeOf: ArrayLike<number>, nodeNamed: (name: string) => number | undefined): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const cs = facts.c;
  const returns = new Map<number, number[]>();
  for (const c of cs) {
    if (c[0] !== Op.Ret) continue;
    const fn = c[1] as number;
    const flags = facts.funcs[fn]![2];
    if (flags & (FN_GENERATOR | FN_ASYNC)) continue;
    let list = returns.get(fn);
    if (!list) returns.set(fn, (list = []));
    list.push(c[2] as number);
  }
  if (!returns.size) return out;
  // Who writes each node, by node id: its copies' sources (as variables of this file), or something else (-1).
  const copyFrom = new Map<number, number[] | -1>();
  for (const c of cs) {
    const op = c[0] as Op;
    if (op === Op.Ret || op === Op.Yield || op === Op.Store || op === Op.StoreElem) continue;
    const dst = nodeOf[c[1] as number]!;
    const prev = copyFrom.get(dst);
    if (prev === -1) continue;
    if (op !== Op.Copy) copyFrom.set(dst, -1);
    else if (prev) prev.push(c[2] as number);
    else copyFrom.set(dst, [c[2] as number]);
  }
  const seen = new Set<number>();
  for (const [fn, srcs] of returns) {
    const [fqn, params] = facts.funcs[fn]!;
    const own = new Map<number, number>();
    params.forEach(([name, kind], p) => {
      if (kind === '*' || kind === '**') return;
      const n = nodeNamed(`${fqn}.${name}`);
      if (n !== undefined) own.set(n, p);
    });
    if (!own.size) continue;
    seen.clear();
    const through = new Set<number>();
    const stack = [...srcs];
    let pure = true;
    while (stack.length && pure) {
      const v = stack.pop()!;
      const n = nodeOf[v]!;
      if (seen.has(n)) continue;
      seen.add(n);
      const writers = copyFrom.get(n);
      const p = own.get(n);
      if (p !== undefined) {
        // Only the call binds it: a default or a rebinding would be a value the call did not pass.
        if (writers) pure = false;
        else through.add(p);
        continue;
      }
      // Unnamed (an expression of this file) or this function's own local; a nested scope's name (`f.inner.x`) or
      // any other (a global) may be written from elsewhere.
      const name = facts.vars[v]!;
      if (writers === -1 || (name !== '' && !(name.startsWith(fqn) && name.charCodeAt(fqn.length) === 46 && name.indexOf('.', fqn.length + 1) < 0))) {
        pure = false;
        continue;
      }
      if (writers) for (const s of writers) stack.push(s);
    }
    // At most 31: which of them a call binds is a bit mask (FlowSolver.bind).
    if (pure && through.size && through.size < 32) out.set(fn, [...through].sort((a, b) => a - b));
  }
  return out;
}
