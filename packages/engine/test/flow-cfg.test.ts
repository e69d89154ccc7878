/**
 * L5 CFG shapes on real Python: exact blocks (with their statements), typed edges, dominators and post-dominators,
 * and the phis that follow from them. Expectations were read and checked by hand against Python's semantics.
 */
import { initPythonParser, scope } from './flow-helpers';

beforeAll(async () => {
  await initPythonParser();
});

describe('L5 control-flow graphs', () => {
  it("if/elif/else: one join with a phi of the three arms", () => {
    const src = "def f(a, b):\n    if a:\n        x = 1\n    elif b:\n        x = 2\n    else:\n        x = 3\n    return x\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `a` -> B1 [true], B2 [false]",
      "B1 `x = 1` -> B5",
      "B2 `b` -> B3 [true], B4 [false]",
      "B3 `x = 2` -> B5",
      "B4 `x = 3` -> B5",
      "B5 `return x` -> B6 [return]",
      "B6 exit",
      "idom B0:B0 B1:B0 B2:B0 B3:B2 B4:B2 B5:B0 B6:B5",
      "ipdom B0:B5 B1:B5 B2:B5 B3:B5 B4:B5 B5:B6 B6:B6",
      "a.0 = param B0 @1:6",
      "b.0 = param B0 @1:9",
      "x.0 = assign B1 @3:8",
      "x.1 = assign B3 @5:8",
      "x.2 = assign B4 @7:8",
      "x.3 = phi(x.0 @B1, x.1 @B3, x.2 @B4) B5",
      "use a@2:7 -> a.0",
      "use b@4:9 -> b.0",
      "use x@8:11 -> x.3"
    ]);
  });

  it("while-else with break and continue: break skips the else, continue goes to the head", () => {
    const src = "def f(n):\n    i = 0\n    while i < n:\n        if i == 5:\n            break\n        i += 1\n        if i % 2:\n            continue\n        i += 2\n    else:\n        i = -1\n    return i\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `i = 0` -> B1",
      "B1 `i < n` -> B2 [true], B7 [exhausted]",
      "B2 `i == 5` -> B3 [true], B4 [false]",
      "B3 `break` -> B8 [break]",
      "B4 `i += 1` `i % 2` -> B5 [true], B6 [false]",
      "B5 `continue` -> B1 [continue]",
      "B6 `i += 2` -> B1 [loop]",
      "B7 `i = -1` -> B8",
      "B8 `return i` -> B9 [return]",
      "B9 exit",
      "idom B0:B0 B1:B0 B2:B1 B3:B2 B4:B2 B5:B4 B6:B4 B7:B1 B8:B1 B9:B8",
      "ipdom B0:B1 B1:B8 B2:B8 B3:B8 B4:B1 B5:B1 B6:B1 B7:B8 B8:B9 B9:B9",
      "n.0 = param B0 @1:6",
      "i.0 = assign B0 @2:4",
      "i.1 = phi(i.0 @B0, i.2 @B5, i.3 @B6) B1",
      "i.2 = augassign B4 @6:8",
      "i.3 = augassign B6 @9:8",
      "i.4 = assign B7 @11:8",
      "i.5 = phi(i.1 @B3, i.4 @B7) B8",
      "use i@3:10 -> i.1",
      "use n@3:14 -> n.0",
      "use i@4:11 -> i.1",
      "use i@6:8 -> i.1",
      "use i@7:11 -> i.2",
      "use i@9:8 -> i.2",
      "use i@12:11 -> i.5"
    ]);
  });

  it("for-else: the target is bound in the body, exhausted goes to the else", () => {
    const src = "def f(xs):\n    found = None\n    for x in xs:\n        if x:\n            found = x\n            break\n    else:\n        found = 0\n    return found\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `found = None` `xs` -> B1",
      "B1 -> B2, B5 [exhausted]",
      "B2 `x` `x` -> B3 [true], B4 [false]",
      "B3 `found = x` `break` -> B6 [break]",
      "B4 -> B1 [loop]",
      "B5 `found = 0` -> B6",
      "B6 `return found` -> B7 [return]",
      "B7 exit",
      "idom B0:B0 B1:B0 B2:B1 B3:B2 B4:B2 B5:B1 B6:B1 B7:B6",
      "ipdom B0:B1 B1:B6 B2:B6 B3:B6 B4:B1 B5:B6 B6:B7 B7:B7",
      "x.0 = entry",
      "xs.0 = param B0 @1:6",
      "found.0 = assign B0 @2:4",
      "x.1 = phi(x.0 @B0, x.2 @B4) B1",
      "x.2 = for B2 @3:8",
      "found.1 = assign B3 @5:12",
      "found.2 = assign B5 @8:8",
      "found.3 = phi(found.1 @B3, found.2 @B5) B6",
      "x.3 = phi(x.2 @B3, x.1 @B5) B6",
      "use xs@3:13 -> xs.0",
      "use x@4:11 -> x.2",
      "use x@5:20 -> x.2",
      "use found@9:11 -> found.3"
    ]);
  });

  it("try/except/else/finally with return inside try: one finally, entered and left by return, exception and fall-through", () => {
    const src = "def f():\n    x = 1\n    try:\n        x = g()\n        return x\n    except ValueError as e:\n        x = 2\n    else:\n        x = 3\n    finally:\n        h(x)\n    return x\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `x = 1` -> B1",
      "B1 `try` -> B2, B4 [exception], B7 [exception]",
      "B2 `x = g()` -> B3, B4 [exception], B7 [exception]",
      "B3 `return x` -> B4 [exception], B7 [exception], B7 [return]",
      "B4 `except ValueError as e` -> B5, B7 [exception]",
      "B5 `x = 2` -> B7 [exception], B7 [finally]",
      "B6 `x = 3` -> B7 [exception], B7 [finally]",
      "B7 `h(x)` -> B8 [finally], B9 [return], B9 [exception]",
      "B8 `return x` -> B9 [return]",
      "B9 exit",
      "idom B0:B0 B1:B0 B2:B1 B3:B2 B4:B1 B5:B4 B6:- B7:B1 B8:B7 B9:B7",
      "ipdom B0:B1 B1:B7 B2:B7 B3:B7 B4:B7 B5:B7 B6:B7 B7:B9 B8:B9 B9:B9",
      "g.0 = entry",
      "ValueError.0 = entry",
      "h.0 = entry",
      "x.0 = assign B0 @2:4",
      "x.1 = assign B2 @4:8",
      "x.2 = phi(x.0 @B1, x.1 @B2, x.1 @B3) B4",
      "e.0 = except B4 @6:25",
      "x.3 = assign B5 @7:8",
      "e.1 = del B5",
      "x.4 = assign B6 @9:8",
      "x.5 = phi(x.0 @B1, x.1 @B2, x.1 @B3, x.2 @B4, x.3 @B5) B7",
      "use g@4:12 -> g.0",
      "use x@5:15 -> x.1",
      "use ValueError@6:11 -> ValueError.0",
      "use h@11:8 -> h.0",
      "use x@11:10 -> x.5",
      "use x@12:11 -> x.5"
    ]);
  });

  it("nested loops: break leaves the inner loop only, the inner else continues the outer", () => {
    const src = "def f(m):\n    for row in m:\n        for c in row:\n            if c:\n                break\n        else:\n            continue\n        return row\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `m` -> B1",
      "B1 -> B2, B9 [exhausted]",
      "B2 `row` `row` -> B3",
      "B3 -> B4, B7 [exhausted]",
      "B4 `c` `c` -> B5 [true], B6 [false]",
      "B5 `break` -> B8 [break]",
      "B6 -> B3 [loop]",
      "B7 `continue` -> B1 [continue]",
      "B8 `return row` -> B9 [return]",
      "B9 exit",
      "idom B0:B0 B1:B0 B2:B1 B3:B2 B4:B3 B5:B4 B6:B4 B7:B3 B8:B5 B9:B1",
      "ipdom B0:B1 B1:B9 B2:B3 B3:B9 B4:B9 B5:B8 B6:B3 B7:B1 B8:B9 B9:B9",
      "row.0 = entry",
      "m.0 = param B0 @1:6",
      "row.1 = phi(row.0 @B0, row.2 @B7) B1",
      "row.2 = for B2 @2:8",
      "c.0 = for B4 @3:12",
      "use m@2:15 -> m.0",
      "use row@3:17 -> row.2",
      "use c@4:15 -> c.0",
      "use row@8:15 -> row.2"
    ]);
  });

  it("match with guards and captures: captures bind in the pattern block, guard false tries the next case", () => {
    const src = "def f(p):\n    match p:\n        case Point(x=px) if px > 0:\n            r = px\n        case [a, *rest]:\n            r = a\n        case {\"k\": v}:\n            r = v\n        case _ as y:\n            r = y\n    return r\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `p` -> B1",
      "B1 `Point(x=px)` -> B3 [case], B4 [no-match]",
      "B2 `r = px` -> B10",
      "B3 `px > 0` -> B2 [true], B4 [false]",
      "B4 `[a, *rest]` -> B5 [case], B6 [no-match]",
      "B5 `r = a` -> B10",
      "B6 `{\"k\": v}` -> B7 [case], B8 [no-match]",
      "B7 `r = v` -> B10",
      "B8 `_ as y` -> B9 [case]",
      "B9 `r = y` -> B10",
      "B10 `return r` -> B11 [return]",
      "B11 exit",
      "idom B0:B0 B1:B0 B2:B3 B3:B1 B4:B1 B5:B4 B6:B4 B7:B6 B8:B6 B9:B8 B10:B1 B11:B10",
      "ipdom B0:B1 B1:B10 B2:B10 B3:B10 B4:B10 B5:B10 B6:B10 B7:B10 B8:B9 B9:B10 B10:B11 B11:B11",
      "Point.0 = entry",
      "a.0 = entry",
      "v.0 = entry",
      "y.0 = entry",
      "p.0 = param B0 @1:6",
      "px.0 = match B1 @3:21",
      "r.0 = assign B2 @4:12",
      "a.1 = match B4 @5:14",
      "rest.0 = match B4 @5:18",
      "r.1 = assign B5 @6:12",
      "v.1 = match B6 @7:19",
      "r.2 = assign B7 @8:12",
      "y.1 = match B8 @9:18",
      "r.3 = assign B9 @10:12",
      "a.2 = phi(a.0 @B2, a.1 @B5, a.1 @B7, a.1 @B9) B10",
      "v.2 = phi(v.0 @B2, v.0 @B5, v.1 @B7, v.1 @B9) B10",
      "y.2 = phi(y.0 @B2, y.0 @B5, y.0 @B7, y.1 @B9) B10",
      "r.4 = phi(r.0 @B2, r.1 @B5, r.2 @B7, r.3 @B9) B10",
      "use p@2:10 -> p.0",
      "use Point@3:13 -> Point.0",
      "use px@3:28 -> px.0",
      "use px@4:16 -> px.0",
      "use a@6:16 -> a.1",
      "use v@8:16 -> v.1",
      "use y@10:16 -> y.1",
      "use r@11:11 -> r.4"
    ]);
  });

  it("with: the header reads the context managers and binds the as-targets", () => {
    const src = "def f(p):\n    with open(p) as fh, lock:\n        data = fh.read()\n    return data\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `with open(p) as fh, lock` `data = fh.read()` `return data` -> B1 [return]",
      "B1 exit",
      "idom B0:B0 B1:B0",
      "ipdom B0:B1 B1:B1",
      "open.0 = entry",
      "lock.0 = entry",
      "p.0 = param B0 @1:6",
      "fh.0 = with B0 @2:20",
      "data.0 = assign B0 @3:8",
      "use open@2:9 -> open.0",
      "use p@2:14 -> p.0",
      "use lock@2:24 -> lock.0",
      "use fh@3:15 -> fh.0",
      "use data@4:11 -> data.0"
    ]);
  });

  it("assert: a false edge that raises", () => {
    const src = "def f(x):\n    assert x > 0, 'neg'\n    return x\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `assert x > 0, 'neg'` -> B1 [false], B2 [true]",
      "B1 `'neg'` -> B3 [raise]",
      "B2 `return x` -> B3 [return]",
      "B3 exit",
      "idom B0:B0 B1:B0 B2:B0 B3:B0",
      "ipdom B0:B3 B1:B3 B2:B3 B3:B3",
      "x.0 = param B0 @1:6",
      "use x@2:11 -> x.0",
      "use x@3:11 -> x.0"
    ]);
  });

  it("code after return is a block nothing reaches (idom -)", () => {
    const src = "def f():\n    return 1\n    x = 2\n    print(x)\n";
    expect(scope(src, "f")).toEqual([
      "scope f (function)",
      "B0 `return 1` -> B2 [return]",
      "B1 `x = 2` `print(x)` -> B2",
      "B2 exit",
      "idom B0:B0 B1:- B2:B0",
      "ipdom B0:B2 B1:B2 B2:B2",
      "print.0 = entry",
      "x.0 = assign B1 @3:4",
      "use print@4:4 -> print.0",
      "use x@4:10 -> x.0"
    ]);
  });

});
