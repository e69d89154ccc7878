/**
 * Which functions the solver treats as pure pass-throughs (layers/l4-resolve/valueflow/pass-through.ts): read from
 * real parses' facts, by name. A call of one gives that call's own arguments; anything else keeps the merged return,
 * so a wrong "pure" would lose values and a wrong "not pure" would merge callers (the suite's identity_per_call,
 * registry_returns_own and inherited_return_self cases check the calls themselves).
 */
import { initPythonParser, parsePython } from '../src/lang/python/parser';
import { extractFlowFacts } from '../src/lang/python/valueflow';
import { purePassThrough } from '../src/layers/l4-resolve/valueflow/pass-through';

beforeAll(() => initPythonParser());

/** fqn → the parameter names its return copies, for the pure pass-throughs of `src`. */
function passThroughs(src: string): Record<string, string[]> {
  const facts = extractFlowFacts(parsePython(src).rootNode, { path: 'm.py', module: 'm', isPackage: false });
  // One node per name, as the solver makes them (an expression's variable is a node of its own).
  const named = new Map<string, number>();
  const nodeOf = facts.vars.map((name, v) => (name === '' ? -1 - v : named.get(name) ?? (named.set(name, v), v)));
  const out: Record<string, string[]> = {};
  for (const [fn, params] of purePassThrough(facts, nodeOf, (name) => named.get(name))) {
    const [fqn, ps] = facts.funcs[fn]!;
    out[fqn] = params.map((p) => ps[p]![0]);
  }
  return out;
}

describe('pure pass-through functions', () => {
  it('finds identity, registration decorators, `return self` and a choice between parameters', () => {
    const src = [
      'REG = []',
      'def identity(x):\n    return x',
      'def register(fn):\n    REG.append(fn)\n    return fn',
      'class Q:\n    def chain(self):\n        return self',
      'def pick(a, b, flag):\n    if flag:\n        return a\n    return b',
      'def renamed(x):\n    y = x\n    return y',
      'f = lambda v: v',
    ].join('\n');
    expect(passThroughs(src)).toEqual({
      'm.identity': ['x'],
      'm.register': ['fn'],
      'm.Q.chain': ['self'],
      'm.pick': ['a', 'b'],
      'm.renamed': ['x'],
      'm.<lambda>': ['v'],
    });
  });

  it('leaves out a function whose return may be anything else', () => {
    const src = [
      'G = 1',
      'def calls(x):\n    return x()',
      'def attr(x):\n    return x.y',
      'def elem(x):\n    return x[0]',
      'def literal(x):\n    if x:\n        return x\n    return 0',
      'def global_(x):\n    global G\n    G = x\n    return G',
      'def rebound(x):\n    x = make()\n    return x',
      'def defaulted(x=None):\n    return x',
      'def star(*args):\n    return args',
      'def gen(x):\n    yield x\n    return x',
      'async def coro(x):\n    return x',
      'def closure(x):\n    def inner():\n        return x\n    return inner',
      'def nested(x):\n    def inner(y):\n        nonlocal x\n        x = y\n    inner(1)\n    return x',
      'def nothing(x):\n    pass',
    ].join('\n');
    expect(passThroughs(src)).toEqual({});
  });
});
