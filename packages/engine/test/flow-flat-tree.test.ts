/**
 * The L5 builder reads each tree once into flat arrays (flow/flat-tree.ts), through web-tree-sitter's raw wasm
 * exports, with two shortcuts for error-free trees (identifier ends read off the text; no walk inside strings without
 * an f prefix). None of that may change what L5 outputs: here the flow built from the raw walk with shortcuts must be
 * identical to the flow built from the public cursor API with no shortcuts, on real code and on broken code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildFileFlow, initPythonParser, parsePython, rawWalkInUse, type FileFlow, type FlowOptions } from '@codegraph/engine';

beforeAll(async () => {
  await initPythonParser();
});

function flow(src: string, treeWalk: FlowOptions['treeWalk']): FileFlow {
  const tree = parsePython(src);
  try {
    return buildFileFlow(tree.rootNode, { treeWalk });
  } finally {
    tree.delete();
  }
}

/** Every statement form and the expression forms the builder treats specially, in one module. */
const KITCHEN_SINK = String.raw`
from __future__ import annotations
import os.path, sys as system
from .pkg import (a as b, c)
from m import *
type Vec = list[float]

@decorator(arg, key=value)
class Shape(Base, metaclass=Meta):
    """A docstring with {braces} and \n escapes."""
    sides: int = 0
    def __init__(self, w: int = DEFAULT, *args: str, h=lambda q=z: q, **kw) -> None:
        self.w, self.h = w, h
        global counter
        counter += 1
    async def area(self, /, scale=1.0, *, rounding: int | None = None):
        async with open_(self) as (f, g), other() as h:
            async for line in f:
                yield line
        return await compute(self.w * scale)

def outer(x, y=[i for i in range(3)]):
    total = 0
    def inner():
        nonlocal total
        total += x
    try:
        for k, (v, *rest) in enumerate(items):
            if k % 2 and (n := len(v)) > 3:
                continue
            elif not v:
                break
            else:
                total = total + n if n else -1
        else:
            pass
    except* ValueError as eg:
        raise RuntimeError(f"bad {eg!r:>{width}} in {x.attr} and {'nested ' f'{y}'}") from eg
    except (KeyError, TypeError):
        del total
    except:
        raise
    finally:
        print(r"raw {not_a_name}", b"bytes {no}", rb'{nor} this', u"unicode {none}", F"upper {total}")
    assert x > 0, f"{x} must be positive"
    while True:
        match command.split():
            case [Point(x=0, y=yy) as pt, *others] if yy > limit:
                return pt, others
            case {"key": kk, **restmap}:
                return kk
            case Color.RED | "lit" | 3 | None:
                return None
            case _:
                break
    données = [[a for a in row if (s := a)] for row in matrix if s]
    gen = (λ * 2 for λ in données)
    dct = {k: v for k, v in zip(keys, vals)}
    st = {e for e in données}
    return données, gen, dct, st, s, inner

print >>sys.stderr, "python 2"
x = y = z = w if w else v
x += 1
[a, b], c = d
`;

const BROKEN = [
  'def f(:\n    return x +\n',
  'class C(\n    def m(self): return self.x\n',
  'x = f"{a + }" + b\n',
  'if a\n    y = "unterminated\nz = y\n',
  'for in range(3):\n    print(i)\n',
  'lambda x: (x,\n',
  'match x:\n    case [a, b:\n        pass\n',
  'try:\n    pass\nexcept E as:\n    e = 1\n',
];

function shopSources(): string[] {
  const root = path.resolve(__dirname, '../../../examples/shop');
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.py')) out.push(fs.readFileSync(p, 'utf8'));
    }
  }
  return out;
}

describe('L5 flat tree', () => {
  it('the raw walk is in use (the fast path has not silently fallen back to the public API)', () => {
    flow(KITCHEN_SINK, { mode: 'raw' });
    expect(rawWalkInUse()).toBe(true);
  });

  it('raw walk with shortcuts = public walk without them, on every statement form', () => {
    const fast = flow(KITCHEN_SINK, {});
    expect(fast.scopes.length).toBeGreaterThan(10);
    expect(fast).toEqual(flow(KITCHEN_SINK, { mode: 'public', shortcuts: false }));
    expect(flow(KITCHEN_SINK, { mode: 'raw', shortcuts: false })).toEqual(fast);
  });

  it('the same on the example workspace and on broken code (no shortcuts there: the tree has errors)', () => {
    const sources = [...shopSources(), ...BROKEN];
    expect(sources.length).toBeGreaterThan(BROKEN.length);
    for (const src of sources) expect(flow(src, { mode: 'raw' })).toEqual(flow(src, { mode: 'public', shortcuts: false }));
  });

  it('names inside f-strings are read; names inside other strings are not; non-ASCII names are whole', () => {
    const src = 'def f(a, b, c, é1):\n    s = f"{a}" + "{b}" + rb"{c}" + Rf"{é1!r}"\n';
    const uses = flow(src, {}).scopes.find((s) => s.name === 'f')!.uses.map((u) => src.slice(u.at, u.at + u.name.length));
    expect(uses).toEqual(['a', 'é1']);
  });
});

describe('buildFileFlow (text read from the tree)', () => {
  it('a module that starts with blank lines: positions and names still index the whole source', () => {
    // The module node starts at its first token; the text used to be read from there, shifting every name.
    const src = '\n\n  \nx = 1\nprint(x)\n';
    const s = flow(src, {}).scopes[0]!;
    expect(s.defs.map((d) => [d.name, d.kind, d.at])).toEqual([
      ['print', 'entry', -1],
      ['x', 'assign', src.indexOf('x = 1')],
    ]);
    expect(s.uses.map((u) => [u.name, u.at])).toEqual([
      ['print', src.indexOf('print')],
      ['x', src.indexOf('x)')],
    ]);
  });
});
