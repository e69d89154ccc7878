/**
 * L5 reuses working arrays from scope to scope and file to file (flow/scratch.ts, shared stacks in cfg.ts): what
 * one file leaves in them must not change the next file's analysis, whichever is larger. (Leaving out the reset of
 * one of them, e.g. buildSsa's phi marks, makes this fail.)
 */
import { analyseSource } from '@codegraph/engine';
import { initPythonParser } from './flow-helpers';

beforeAll(async () => {
  await initPythonParser();
});

/** A file with many scopes, blocks, names, phis, handlers and comprehensions (grows every reused array). */
function bigSource(n: number): string {
  const out = ['import os', 'G = 0', ''];
  for (let i = 0; i < n; i++) {
    out.push(
      `def f${i}(a, b=1, *rest, k=None, **kw):`,
      `    global G`,
      `    x = a`,
      `    for j in range(b):`,
      `        if j % 2:`,
      `            x = x + j`,
      `        elif j > 3:`,
      `            continue`,
      `        else:`,
      `            break`,
      `    try:`,
      `        y = [v for v in rest if (w := v)]`,
      `        z = os.path.join(str(x), *rest)`,
      `    except (ValueError, KeyError) as e:`,
      `        y = e`,
      `    except Exception:`,
      `        raise`,
      `    finally:`,
      `        G = G + 1`,
      `    def inner():`,
      `        nonlocal x`,
      `        x = lambda q=x: q + 1`,
      `        return x`,
      `    with open(a) as fh, open(b) as gh:`,
      `        data = fh.read() + gh.read()`,
      `    while x:`,
      `        x -= 1`,
      `    match k:`,
      `        case {"a": aa, **others}:`,
      `            x = aa`,
      `        case [first, *_]:`,
      `            x = first`,
      `        case _:`,
      `            pass`,
      `    return x, y, inner, data`,
      '',
      `class C${i}(dict):`,
      `    attr = f${i}`,
      `    def m(self):`,
      `        return self.attr(1).get("k")`,
      '',
    );
  }
  return out.join('\n');
}

const small = 'def g(x):\n    if x:\n        y = 1\n    else:\n        y = 2\n    return y\n\nh = g(3)\n';

function analysed(src: string, file: string): string {
  const { flow, facts } = analyseSource(Buffer.from(src), file, file.replace(/\.py$/, ''));
  return JSON.stringify({ flow, facts });
}

describe('L5 reused working arrays', () => {
  it('give each file the analysis it gets first on a fresh thread, whatever ran before', () => {
    const smallFirst = analysed(small, 'small.py');
    const big = bigSource(60);
    const bigFirst = analysed(big, 'big.py');
    expect(analysed(small, 'small.py')).toBe(smallFirst);
    expect(analysed(big, 'big.py')).toBe(bigFirst);
    expect(analysed(bigSource(3), 'mid.py')).toBe(analysed(bigSource(3), 'mid.py'));
    expect(analysed(small, 'small.py')).toBe(smallFirst);
  });
});
