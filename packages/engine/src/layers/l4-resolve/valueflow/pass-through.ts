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
 * runs on names (the first occurrence stands for all), and on occurrences for expressions (unnamed).
 */
import { FN_ASYNC, FN_GENERATOR, Op, type FlowFacts } from '../../../lang/python/valueflow/model';

/** For each function of the file (by its index in `facts.funcs`) that is a pure pass-through: the parameter indices its return copies. */
export function purePassThrough(facts: FlowFacts): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const returns = new Map<number, number[]>();
  for (const c of facts.c) {
    if (c[0] === Op.Ret) {
      const fn = c[1] as number;
      let list = returns.get(fn);
      if (!list) returns.set(fn, (list = []));
      list.push(c[2] as number);
    }
  }
  if (!returns.size) return out;
  // One id per node: a named variable's first occurrence.
  const nVars = facts.vars.length;
  const canon = new Int32Array(nVars);
  const firstOf = new Map<string, number>();
  facts.vars.forEach((name, v) => {
    if (name === '') canon[v] = v;
    else {
      const first = firstOf.get(name);
      if (first === undefined) firstOf.set(name, v);
      canon[v] = first ?? v;
    }
  });
  // Who writes each node: the sources of its copies, or "something else" (any other constraint with it as dst).
  const otherWriter = new Uint8Array(nVars);
  const copyFrom = new Map<number, number[]>();
  for (const c of facts.c) {
    const op = c[0] as Op;
    if (op === Op.Ret || op === Op.Yield || op === Op.Store || op === Op.StoreElem) continue;
    const dst = canon[c[1] as number]!;
    if (op === Op.Copy) {
      let list = copyFrom.get(dst);
      if (!list) copyFrom.set(dst, (list = []));
      list.push(canon[c[2] as number]!);
    } else otherWriter[dst] = 1;
  }
  // Every parameter node of the file: a call anywhere binds into it.
  const paramVar = new Map<string, number>();
  for (const [fqn, params] of facts.funcs) for (const [name] of params) paramVar.set(`${fqn}.${name}`, firstOf.get(`${fqn}.${name}`) ?? -1);
  const seen = new Int32Array(nVars);
  let stamp = 0;
  for (const [fn, srcs] of returns) {
    const [fqn, params, flags] = facts.funcs[fn]!;
    if (flags & (FN_GENERATOR | FN_ASYNC)) continue;
    const own = new Map<number, number>();
    params.forEach(([name, kind], p) => {
      const v = paramVar.get(`${fqn}.${name}`);
      if (v !== undefined && v >= 0 && kind !== '*' && kind !== '**') own.set(v, p);
    });
    if (!own.size) continue;
    stamp++;
    const through = new Set<number>();
    const stack = srcs.map((v) => canon[v]!);
    let pure = true;
    while (stack.length && pure) {
      const v = stack.pop()!;
      if (seen[v] === stamp) continue;
      seen[v] = stamp;
      const p = own.get(v);
      if (p !== undefined) {
        // Only the call binds it: a default or a rebinding would be a value the call did not pass.
        if (otherWriter[v] || copyFrom.has(v)) pure = false;
        else through.add(p);
        continue;
      }
      const name = facts.vars[v]!;
      if (otherWriter[v] || paramVar.has(name) || (name !== '' && !name.startsWith(`${fqn}.`))) {
        pure = false;
        continue;
      }
      for (const s of copyFrom.get(v) ?? []) stack.push(s);
    }
    if (pure && through.size) out.set(fn, [...through].sort((a, b) => a - b));
  }
  return out;
}
