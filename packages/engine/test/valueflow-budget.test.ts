/**
 * The constraint budget applied while extracting: past it the extractor keeps counting but no longer keeps
 * constraints, variables or sites, and gives exactly the facts `withinFlowBudget` makes of the whole extraction —
 * module names, `__all__`, star imports and skipped expressions included, keys in the same order (L5 stores the
 * facts as they come).
 */
import { initPythonParser, parsePython } from '../src/lang/python/parser';
import { extractFlowFacts, MAX_FLOW_CONSTRAINTS, withinFlowBudget } from '../src/lang/python/valueflow';

beforeAll(() => initPythonParser());

const file = { path: 'pkg/gen.py', module: 'pkg.gen', isPackage: false };
// A generated-table shape: many calls and bindings, plus what survives the budget (globals, __all__, a star import,
// an expression too deep to follow).
const source = (n: number) =>
  [
    'from os.path import *',
    '__all__ = ["f0", "table"]',
    'deep = ' + '('.repeat(300) + '1' + ')'.repeat(300),
    ...Array.from({ length: n }, (_, i) => `def f${i}(x):\n    y = g(x, k=${i})\n    return h(y)[0]\n`),
    'table = [' + Array.from({ length: n }, (_, i) => `f${i}`).join(', ') + ']',
    'late = table',
    '',
  ].join('\n');

describe('value-flow facts over the constraint budget', () => {
  it('are what emptying the whole facts gives, for budgets below, at and above the file', () => {
    const root = parsePython(source(60)).rootNode;
    const whole = extractFlowFacts(root, file, undefined, Infinity);
    const n = whole.c.length;
    expect(n).toBeGreaterThan(300);
    expect(whole.skipped).toBeGreaterThan(0);
    for (const max of [0, 1, 57, n - 1, n, n + 1]) {
      const got = extractFlowFacts(root, file, undefined, max);
      expect({ max, json: JSON.stringify(got) }).toEqual({ max, json: JSON.stringify(withinFlowBudget(whole, max)) });
    }
    const over = extractFlowFacts(root, file, undefined, 57);
    expect({ omitted: over.omitted, c: over.c.length, vars: over.vars.length, all: over.all, stars: over.stars }).toEqual({
      omitted: n,
      c: 0,
      vars: 0,
      all: ['f0', 'table'],
      stars: ['os.path'],
    });
    expect(over.globals).toEqual(expect.arrayContaining(['deep', 'f59', 'late', 'table']));
  });

  it('applies MAX_FLOW_CONSTRAINTS by default', () => {
    const root = parsePython(source(20)).rootNode;
    expect(extractFlowFacts(root, file)).toEqual(extractFlowFacts(root, file, undefined, MAX_FLOW_CONSTRAINTS));
    expect(extractFlowFacts(root, file).omitted).toBeUndefined();
  });
});
