/**
 * L5 on hostile shapes: a 10,000-statement function, 500-deep nested ifs, defs, lambdas, comprehensions and
 * parentheses. No timing assertions (those belong to the benchmark): each must complete with the expected shape,
 * budgets recording `skipped` instead of failing.
 */
import { flowOf, initPythonParser } from './flow-helpers';

beforeAll(async () => {
  await initPythonParser();
});

describe('L5 robustness', () => {
  it('a function of 10,000 statements (with 3,333 ifs) gets its full CFG and SSA', () => {
    let src = 'def f(a):\n';
    for (let i = 0; i < 10_000; i++) src += i % 3 === 2 ? `    if x${i % 13}:\n        a = ${i}\n` : `    x${i % 50} = a + x${(i + 7) % 50}\n`;
    const f = flowOf(src).scopes.find((s) => s.name === 'f')!;
    // entry, exit, and per if: the then-block and the block after it
    expect(f.blocks.length).toBe(2 + 2 * 3333);
    expect(f.defs.filter((d) => d.kind === 'assign').length).toBe(10_000);
    expect(f.idom.every((d) => d >= 0)).toBe(true);
  });

  it('a try body of 10,000 statements: every statement may raise into the handler', () => {
    let src = 'def f(a):\n    try:\n';
    for (let i = 0; i < 10_000; i++) src += `        x${i % 50} = a\n`;
    src += '    except E:\n        a = x3\n';
    const f = flowOf(src).scopes.find((s) => s.name === 'f')!;
    const handler = f.blocks.find((b) => b.stmts.some(([s]) => src.startsWith('except', s)))!;
    expect(f.edges.filter((e) => e.to === handler.id && e.kind === 'exception').length).toBe(10_001);
    expect(f.idom[handler.id]).toBe(1); // the `try` block
  });

  it('500 nested ifs', () => {
    let src = 'def f(a):\n';
    for (let i = 0; i < 500; i++) src += ' '.repeat(i + 1) + `if a${i}:\n` + ' '.repeat(i + 2) + `x = ${i}\n`;
    src += ' '.repeat(502) + 'pass\n';
    const f = flowOf(src).scopes.find((s) => s.name === 'f')!;
    expect(f.defs.filter((d) => d.kind === 'assign').length).toBe(500);
    // the innermost block is dominated by a 500-long chain
    let depth = 0;
    for (let b = f.blocks.length - 2; f.idom[b] !== b; b = f.idom[b]!) depth++;
    expect(depth).toBeGreaterThanOrEqual(500);
  });

  it('500 nested defs: scopes deeper than the budget are skipped, not lost', () => {
    let src = '';
    for (let i = 0; i < 500; i++) src += ' '.repeat(i) + `def f${i}(a):\n`;
    src += ' '.repeat(500) + 'pass\n';
    const flow = flowOf(src);
    expect(flow.scopes.length).toBe(101); // module + 100 levels
    expect(flow.skipped).toEqual([expect.objectContaining({ reason: 'nested deeper than 100 scopes' })]);
  });

  it('500-deep expressions: parentheses, lambdas, comprehensions', () => {
    const parens = flowOf('x = ' + '('.repeat(500) + 'a + (b := 1)' + ')'.repeat(500) + '\n').scopes[0]!;
    expect(parens.defs.map((d) => `${d.name}:${d.kind}`)).toEqual(['a:entry', 'b:walrus', 'x:assign']);
    const lambdas = flowOf('x = ' + 'lambda: '.repeat(500) + '1\n');
    expect(lambdas.scopes.length).toBe(101);
    expect(lambdas.skipped?.length).toBe(1);
    const comps = flowOf('x = ' + '[ '.repeat(300) + 'y' + ' for y in z]'.repeat(300) + '\n');
    expect(comps.scopes.length).toBe(101);
  });

  it('a statement budget turns an oversized scope into a skipped entry', () => {
    let src = 'def f():\n';
    for (let i = 0; i < 50; i++) src += `    x = ${i}\n`;
    const flow = flowOf(src, { maxStatements: 20 });
    expect(flow.scopes.map((s) => s.name)).toEqual(['<module>']);
    expect(flow.skipped).toEqual([{ name: 'f', span: [0, src.length - 1], reason: 'more than 20 statements' }]);
  });
});
