/**
 * L5 SSA on real Python: definitions of every binding form, the definition each read reaches, phis where paths
 * join, and Python's scope rules (global/nonlocal, comprehension walrus, class bodies). Checked by hand.
 */
import { flowOf, initPythonParser, scope } from './flow-helpers';

beforeAll(async () => {
  await initPythonParser();
});

describe('L5 SSA', () => {
  it("walrus in a comprehension binds in the enclosing function (nonlocal in the comprehension)", () => {
    const src = "def f(xs):\n    n = 0\n    ys = [y for x in xs if (n := x)]\n    return n, ys\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `n = 0` `ys = [y for x in xs if (n := x)]` `return n, ys` -> B1 [return]",
      "B1 exit",
      "idom B0:B0 B1:B0",
      "ipdom B0:B1 B1:B1",
      "xs.0 = param B0 @1:6",
      "n.0 = assign B0 @2:4",
      "n.1 = walrus B0 @3:28",
      "ys.0 = assign B0 @3:4",
      "use xs@3:21 -> xs.0",
      "use n@4:11 -> n.1",
      "use ys@4:14 -> ys.0"
    ]);
    expect(scope(src, "f.<listcomp>")).toEqual([
      "scope f.<listcomp> (comprehension)",
      "nonlocal n",
      "B0 -> B1",
      "B1 -> B2, B4 [exhausted]",
      "B2 `x` `if (n := x)` -> B1 [false], B3 [true]",
      "B3 `y` -> B1 [loop]",
      "B4 exit",
      "idom B0:B0 B1:B0 B2:B1 B3:B2 B4:B1",
      "ipdom B0:B1 B1:B4 B2:B1 B3:B1 B4:B4",
      "y.0 = entry",
      "x.0 = comprehension B2 @3:16",
      "n.0 = walrus B2 @3:28 outer",
      "use y@3:10 -> y.0",
      "use x@3:33 -> x.0"
    ]);
  });

  it("global and nonlocal: reads see the entry value, writes are outer definitions", () => {
    const src = "G = 0\ndef outer():\n    v = 0\n    def inner():\n        global G\n        nonlocal v\n        G = v\n        v += 1\n        return G\n    return inner\n";
    expect(scope(src, "outer")).toEqual([
      "scope outer (function)",
      "B0 `v = 0` `def inner()` `return inner` -> B1 [return]",
      "B1 exit",
      "idom B0:B0 B1:B0",
      "ipdom B0:B1 B1:B1",
      "v.0 = assign B0 @3:4",
      "inner.0 = def B0 @4:8",
      "use inner@10:11 -> inner.0"
    ]);
    expect(scope(src, "outer.inner")).toEqual([
      "scope outer.inner (function)",
      "global G",
      "nonlocal v",
      "B0 `global G` `nonlocal v` `G = v` `v += 1` `return G` -> B1 [return]",
      "B1 exit",
      "idom B0:B0 B1:B0",
      "ipdom B0:B1 B1:B1",
      "v.0 = entry",
      "G.0 = entry",
      "G.1 = assign B0 @7:8 outer",
      "v.1 = augassign B0 @8:8 outer",
      "use v@7:12 -> v.0",
      "use v@8:8 -> v.0",
      "use G@9:15 -> G.0"
    ]);
  });

  it("chained assignment, nested and starred unpacking, swap", () => {
    const src = "def f(t):\n    a = b = t\n    c, (d, *e) = t\n    [g, h] = a, b\n    a, b = b, a\n    return a, b, c, d, e, g, h\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `a = b = t` `c, (d, *e) = t` `[g, h] = a, b` `a, b = b, a` `return a, b, c, d, e, g, h` -> B1 [return]",
      "B1 exit",
      "idom B0:B0 B1:B0",
      "ipdom B0:B1 B1:B1",
      "t.0 = param B0 @1:6",
      "a.0 = assign B0 @2:4",
      "b.0 = assign B0 @2:8",
      "c.0 = assign B0 @3:4",
      "d.0 = assign B0 @3:8",
      "e.0 = assign B0 @3:12",
      "g.0 = assign B0 @4:5",
      "h.0 = assign B0 @4:8",
      "a.1 = assign B0 @5:4",
      "b.1 = assign B0 @5:7",
      "use t@2:12 -> t.0",
      "use t@3:17 -> t.0",
      "use a@4:13 -> a.0",
      "use b@4:16 -> b.0",
      "use b@5:11 -> b.0",
      "use a@5:14 -> a.0",
      "use a@6:11 -> a.1",
      "use b@6:14 -> b.1",
      "use c@6:17 -> c.0",
      "use d@6:20 -> d.0",
      "use e@6:23 -> e.0",
      "use g@6:26 -> g.0",
      "use h@6:29 -> h.0"
    ]);
  });

  it("except-as: the name is deleted when the handler ends", () => {
    const src = "def f():\n    e = 0\n    try:\n        g()\n    except E as e:\n        print(e)\n    return e\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `e = 0` -> B1",
      "B1 `try` -> B2, B3 [exception], B5 [exception]",
      "B2 `g()` -> B3 [exception], B4, B5 [exception]",
      "B3 `except E as e` `print(e)` -> B4",
      "B4 `return e` -> B5 [return]",
      "B5 exit",
      "idom B0:B0 B1:B0 B2:B1 B3:B1 B4:B1 B5:B1",
      "ipdom B0:B1 B1:B5 B2:B5 B3:B4 B4:B5 B5:B5",
      "g.0 = entry",
      "E.0 = entry",
      "print.0 = entry",
      "e.0 = assign B0 @2:4",
      "e.1 = except B3 @5:16",
      "e.2 = del B3",
      "e.3 = phi(e.0 @B2, e.2 @B3) B4",
      "use g@4:8 -> g.0",
      "use E@5:11 -> E.0",
      "use print@6:8 -> print.0",
      "use e@6:14 -> e.1",
      "use e@7:11 -> e.3"
    ]);
  });

  it("class body, lambda and comprehension scopes: defaults and the first iterable are read in the class", () => {
    const src = "import os.path as osp, sys\nfrom m import (k as kk, j)\nclass C(B):\n    z = 1\n    f = lambda self, q=z: q + z\n    sq = {i: i * z for i in range(3)}\n    del z\n";
    expect(scope(src, "C")).toEqual([
      "scope C (class)",
      "B0 `z = 1` `f = lambda self, q=z: q + z` `sq = {i: i * z for i in range(3)}` `del z` -> B1",
      "B1 exit",
      "idom B0:B0 B1:B0",
      "ipdom B0:B1 B1:B1",
      "range.0 = entry",
      "z.0 = assign B0 @4:4",
      "f.0 = assign B0 @5:4",
      "sq.0 = assign B0 @6:4",
      "z.1 = del B0 @7:8",
      "use z@5:23 -> z.0",
      "use range@6:28 -> range.0"
    ]);
    expect(scope(src, "C.<lambda>")).toEqual([
      "scope C.<lambda> (lambda)",
      "B0 `q + z` -> B1",
      "B1 exit",
      "idom B0:B0 B1:B0",
      "ipdom B0:B1 B1:B1",
      "z.0 = entry",
      "self.0 = param B0 @5:15",
      "q.0 = param B0 @5:21",
      "use q@5:26 -> q.0",
      "use z@5:30 -> z.0"
    ]);
    expect(scope(src, "C.<dictcomp>")).toEqual([
      "scope C.<dictcomp> (comprehension)",
      "B0 -> B1",
      "B1 -> B2, B3 [exhausted]",
      "B2 `i` `i: i * z` -> B1 [loop]",
      "B3 exit",
      "idom B0:B0 B1:B0 B2:B1 B3:B1",
      "ipdom B0:B1 B1:B3 B2:B1 B3:B3",
      "z.0 = entry",
      "i.0 = comprehension B2 @6:23",
      "use i@6:10 -> i.0",
      "use i@6:13 -> i.0",
      "use z@6:17 -> z.0"
    ]);
  });

  it('import bindings: `import a.b` binds a, aliases bind the alias, from-imports bind the imported name', () => {
    const src = 'import os.path, numpy as np\nfrom m import (k as kk, j)\nfrom n import *\n';
    const mod = flowOf(src).scopes[0]!;
    expect(mod.defs.map((d) => [d.name, d.kind, d.at])).toEqual([
      ['os', 'import', src.indexOf('os')],
      ['np', 'import', src.indexOf('np')],
      ['kk', 'import', src.indexOf('kk')],
      ['j', 'import', src.indexOf('j)')],
    ]);
  });

  it('every def/use position is the start of its identifier and every phi argument is filled', () => {
    const src = [
      'def f(a, *b, c=1, **d):',
      '    for i, (j, *k) in a:',
      '        try:',
      '            x = i if j else k',
      '        except* E as e:',
      '            x = e',
      '        with c as w:',
      '            del w',
      '    while (y := f()) and x:',
      '        x += y',
      '    match x:',
      '        case {"k": [p, *q]} | {"j": p}:',
      '            x = [p for p in q if (z := p)]',
      '    return x, z',
      '',
    ].join('\n');
    const flow = flowOf(src);
    let checked = 0;
    for (const s of flow.scopes) {
      for (const d of s.defs) {
        if (d.at >= 0) expect(src.slice(d.at, d.at + d.name.length)).toBe(d.name);
        if (d.kind === 'phi') {
          expect(d.args!.length).toBe(d.preds!.length);
          expect(d.args!.every((a) => a >= 0 && s.defs[a]!.name === d.name)).toBe(true);
        }
        checked++;
      }
      for (const u of s.uses) {
        expect(src.slice(u.at, u.at + u.name.length)).toBe(u.name);
        expect(s.defs[u.def]!.name).toBe(u.name);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

