/**
 * The L5 layer on real files: per-file records keyed by the L1 key (an edit re-analyses that file only, the others
 * are copied), a file changed behind L1's back is reported and retried (never analysed against L1's stale
 * positions), and the records read back through L5Reader are the FileFlow the builder gives for the same source.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildFileFlow, initHash, initPythonParser, L5Reader, parsePython, runL0, runL1, runL5 } from '@codegraph/engine';

const FILES: Record<string, string> = {
  'pkg/__init__.py': 'from .a import f\n',
  'pkg/a.py': 'def f(x):\n    if x:\n        y = 1\n    else:\n        y = 2\n    return y\n',
  'pkg/b.py': 'import pkg.a\n\ndef g(items):\n    total = 0\n    for i in items:\n        total += i\n    return total\n',
  'pkg/c.py': 'class C:\n    def m(self):\n        try:\n            return 1\n        finally:\n            pass\n',
};

let root: string;
let out: string;

async function index(): Promise<Awaited<ReturnType<typeof runL5>>> {
  await runL0({ root, projectDir: root, outDir: out });
  await runL1({ root, projectDir: root, outDir: out, workers: 1 });
  return runL5({ root, outDir: out, workers: 1 });
}

beforeAll(async () => {
  await initHash();
  await initPythonParser();
});

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l5-'));
  out = path.join(root, '.codegraph');
  for (const [f, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('L5 layer', () => {
  it('writes one FileFlow per file, equal to what the builder gives for that source', async () => {
    const m = await index();
    expect(Object.keys(m.files)).toEqual(['pkg/__init__.py', 'pkg/a.py', 'pkg/b.py', 'pkg/c.py']);
    expect(m.stats).toMatchObject({ layer: 'l5', files: 4, processed: 4, reused: 0, failed: 0 });
    const r = L5Reader.open(out);
    try {
      for (const [f, text] of Object.entries(FILES)) {
        const tree = parsePython(text);
        try {
          expect(r.flow(f)).toEqual(JSON.parse(JSON.stringify(buildFileFlow(tree.rootNode))));
        } finally {
          tree.delete();
        }
        expect(r.facts(f)).toBeDefined();
      }
      // `y` joins two definitions in f: one phi, whose arguments are both assignments.
      const f = r.flow('pkg/a.py')!.scopes.find((s) => s.name === 'f')!;
      const phis = f.defs.filter((d) => d.kind === 'phi');
      expect(phis.map((p) => p.name)).toEqual(['y']);
      expect(phis[0]!.args!.map((a) => f.defs.find((d) => d.id === a)!.kind)).toEqual(['assign', 'assign']);
    } finally {
      r.close();
    }
    expect(m.totals.scopes).toBe(Object.values(m.files).reduce((a, e) => a + e.scopes, 0));
  });

  it('re-analyses only the edited file and copies the others', async () => {
    await index();
    const before = fs.readFileSync(path.join(out, 'l5', 'flow.pack'));
    fs.appendFileSync(path.join(root, 'pkg/b.py'), '\n\ndef h():\n    while True:\n        break\n');
    const m = await index();
    expect(m.stats).toMatchObject({ files: 4, processed: 1, reused: 3, failed: 0 });
    expect(L5Reader.open(out).flow('pkg/b.py')!.scopes.map((s) => s.name)).toContain('h');
    // Back to the original content: the same bytes as the first run.
    fs.writeFileSync(path.join(root, 'pkg/b.py'), FILES['pkg/b.py']!);
    await index();
    expect(fs.readFileSync(path.join(out, 'l5', 'flow.pack')).equals(before)).toBe(true);
  });

  it('reports a file that changed after L1 indexed it, and analyses it once L1 has caught up', async () => {
    await runL0({ root, projectDir: root, outDir: out });
    await runL1({ root, projectDir: root, outDir: out, workers: 1 });
    fs.writeFileSync(path.join(root, 'pkg/a.py'), 'def f():\n    return 3\n');
    const stale = await runL5({ root, outDir: out, workers: 1 });
    expect(stale.failed['pkg/a.py']).toMatch(/changed since L1/);
    expect(Object.keys(stale.files)).toEqual(['pkg/__init__.py', 'pkg/b.py', 'pkg/c.py']);
    const fixed = await index();
    expect(fixed.failed).toEqual({});
    expect(fixed.stats).toMatchObject({ processed: 1, reused: 3 });
  });
});
