/**
 * The value-flow extractor reads L5's flat tree (valueflow/flat-node.ts), not web-tree-sitter's node objects: real
 * parses of small programs, the facts checked for what the syntax says — each expression evaluated once, operators
 * and `async` read from the text between named nodes, positions as tree-sitter gives them (UTF-16 columns).
 */
import { initPythonParser, parsePython } from '../src/lang/python/parser';
import { extractFlowFacts, FN_ASYNC, Op, SITE_CALL, SITE_IMPLICIT, type FlowFacts } from '../src/lang/python/valueflow';

beforeAll(() => initPythonParser());

const facts = (src: string): FlowFacts => extractFlowFacts(parsePython(src).rootNode, { path: 'm.py', module: 'm', isPackage: false });
const sites = (f: FlowFacts, kind: number) => f.sites.filter((s) => s[4] === kind).map((s) => s.slice(0, 4).join(':'));
const implicitNames = (f: FlowFacts) => f.c.filter((c) => c[0] === Op.Implicit).map((c) => (c[4] as string[]).join('|'));

describe('value-flow facts from the flat tree', () => {
  it('evaluates each part of a statement once (the subscripted value, a for loop\'s iterable, an if condition)', () => {
    const f = facts('g()[0]\nfor x in h():\n    pass\nif k():\n    pass\n');
    expect(sites(f, SITE_CALL)).toEqual(['0:0:0:1', '1:9:1:10', '3:3:3:4']);
  });

  it('binds the imported names of a from-import, not its module path', () => {
    const f = facts('from a.b import c as d, e\n');
    expect(f.vars.filter((v) => v)).toEqual(['m.d', 'm.e']);
  });

  it('reads operators between operands: binary, unary, augmented, comparisons with `not in` / `is not`', () => {
    const f = facts('a + b\n-a\nx = 1\nx //= 2\na < b <= c\na not in b\na is not b\na  # c\\\n')
    expect(implicitNames(f)).toEqual(['__add__', '__neg__', '__ifloordiv__|__floordiv__', '__lt__', '__le__', '__contains__']);
  });

  it('marks async functions and async loops from the keyword before them', () => {
    const f = facts('async def f(xs):\n    async for x in xs:\n        pass\ndef g():\n    pass\n');
    expect(f.funcs.map((fn) => [fn[0], (fn[2] & FN_ASYNC) !== 0])).toEqual([['m.f', true], ['m.g', false]]);
    expect(implicitNames(f)).toEqual(['__aiter__', '__anext__']);
  });

  it('gives UTF-16 columns after non-ASCII text, and reads __all__ through the real tree', () => {
    const f = facts('__all__ = ["f", "g"]\ns = "é€𝄞"; f(s)\n');
    expect(sites(f, SITE_CALL)).toEqual(['1:12:1:13']);
    expect(f.all).toEqual(['f', 'g']);
    expect(sites(f, SITE_IMPLICIT)).toEqual([]);
  });
});
