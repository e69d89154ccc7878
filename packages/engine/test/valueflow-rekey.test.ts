/**
 * Value flow after an edit that only moves facts (a line inserted in a body, a call split over two lines): L4 reuses
 * the previous answers with the moved sites re-keyed by their new spans, solving nothing — and writes the same bytes
 * as a cold L4 over the edited source. An edit that changes a fact solves again (and also matches a cold run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexDirectory, readResolved, runL4, runL5, type L4Stats } from '@codegraph/engine';
import { calleesOf, callGraph, indexProjects, readTree, writeTree, type Indexed } from './valueflow-helpers';

const LIB = [
  'import functools',
  '',
  'class Bag:',
  '    def __init__(self, items):',
  '        self.items = items',
  '',
  '    def __iter__(self):',
  '        return iter(self.items)',
  '',
  '    def __add__(self, other):',
  '        return Bag(self.items + other.items)',
  '',
  '    def __enter__(self):',
  '        return self',
  '',
  '    def __exit__(self, *a):',
  '        return False',
  '',
  '    @property',
  '    def size(self):',
  '        return count(self.items)',
  '',
  'def count(xs):',
  '    return len(xs)',
  '',
  'def logged(f):',
  '    @functools.wraps(f)',
  '    def wrapper(*a, **k):',
  '        return f(*a, **k)',
  '    return wrapper',
  '',
  '@logged',
  'def shout(s):',
  '    return s.upper()',
  '',
  'def apply(fn, x):',
  '    return fn(x)',
  '',
  'def work(bag):',
  '    total = bag + Bag([1])',
  '    with total as t:',
  '        for x in t:',
  '            apply(shout, x)',
  '    handlers = {"n": count, "s": shout}',
  '    handlers["n"](t.items)',
  '    pick = lambda v: count(v)',
  '    return pick(t.items), t.size',
  '',
].join('\n');

const MAIN = ['from lib import Bag, work, apply, count', '', 'def main():', '    b = Bag([1, 2])', '    work(b)', '    apply(count, [3])', ''].join('\n');

/** The implicit calls L4 wrote (no L1 edge: `for` → `__iter__`, `a + b` → `__add__`, a property read): "target@line". */
function implicitCalls(outDir: string): string[] {
  const out: string[] = [];
  for (const l of readResolved(outDir)) if ('implicit' in l && l.implicit && !('unresolved' in l)) out.push(`${l.target}@${l.span![0]}`);
  return out.sort();
}

const L4_FILES_COMPARED = (dir: string) => fs.readdirSync(dir).filter((f) => f !== 'stats.json'); // stats: timings

// Facts extracted by L4 itself, and read from L5 (where a body-only edit is told from the facts' checksums alone).
describe.each([{ withL5: false }, { withL5: true }])('value flow: answers re-keyed after an edit that only moves facts (L5: $withL5)', ({ withL5 }) => {
  let ix: Indexed;
  const lib = () => path.join(ix.root, 'app/lib.py');

  beforeAll(async () => {
    const root = writeTree({ 'app/lib.py': LIB, 'app/main.py': MAIN }, 'cg-vf-rekey-');
    if (!withL5) ix = await indexProjects(root, ['app']);
    else {
      const out = path.join(root, '.out', 'app');
      await indexDirectory({ dir: path.join(root, 'app'), outDir: out, root, workers: 1 });
      await runL5({ root, outDir: out, workers: 1 });
      ix = { root, out: { app: out }, stats: { app: await runL4({ root, project: { name: 'app', outDir: out }, deps: [] }) } };
      expect(ix.stats.app!.flow!.source.fromL5).toBe(2);
    }
  });
  afterAll(() => fs.rmSync(ix.root, { recursive: true, force: true }));

  /** Re-indexes the project after an edit and runs L4 incrementally. */
  async function edit(text: string): Promise<L4Stats> {
    fs.writeFileSync(lib(), text);
    await indexDirectory({ dir: path.join(ix.root, 'app'), outDir: ix.out.app!, root: ix.root, workers: 1 });
    if (withL5) await runL5({ root: ix.root, outDir: ix.out.app!, workers: 1 });
    return runL4({ root: ix.root, project: { name: 'app', outDir: ix.out.app! }, deps: [] });
  }

  /** L4 from scratch over the project's current L0/L1 (a copy of its outputs without l4/): its l4 files' bytes. */
  async function cold(label: string): Promise<{ stats: L4Stats; files: Record<string, Buffer> }> {
    const out = path.join(ix.root, '.out', `cold-${label}`);
    fs.cpSync(ix.out.app!, out, { recursive: true });
    fs.rmSync(path.join(out, 'l4'), { recursive: true });
    const stats = await runL4({ root: ix.root, project: { name: 'app', outDir: out }, deps: [] });
    const l4 = path.join(out, 'l4');
    return { stats, files: Object.fromEntries(L4_FILES_COMPARED(l4).map((f) => [f, fs.readFileSync(path.join(l4, f))])) };
  }

  function expectSameBytes(coldFiles: Record<string, Buffer>): void {
    const l4 = path.join(ix.out.app!, 'l4');
    expect(L4_FILES_COMPARED(l4).sort()).toEqual(Object.keys(coldFiles).sort());
    for (const [f, bytes] of Object.entries(coldFiles)) {
      expect({ f, same: fs.readFileSync(path.join(l4, f)).equals(bytes) }).toEqual({ f, same: true });
    }
  }

  it('resolves the fixture through value flow (implicit calls, decorators, containers, lambdas, callbacks)', () => {
    const g = callGraph(ix.out.app!);
    expect(calleesOf(g, 'lib.work')).toEqual(expect.arrayContaining(['lib.apply', 'lib.count', 'lib.work.<lambda>']));
    expect(implicitCalls(ix.out.app!)).toEqual(expect.arrayContaining(['lib.Bag.__add__@39', 'lib.Bag.__enter__@40', 'lib.Bag.__iter__@41', 'lib.Bag.size@46']));
    expect(calleesOf(g, 'lib.apply')).toEqual(expect.arrayContaining(['lib.logged.wrapper']));
    expect(calleesOf(g, 'main.main')).toEqual(expect.arrayContaining(['lib.work', 'lib.apply', 'lib.Bag']));
  });

  it('a line inserted at the top of a body: reuses the answers re-keyed, solving nothing, same bytes as cold', async () => {
    const graph = callGraph(ix.out.app!);
    const implicit = implicitCalls(ix.out.app!);
    const edited = LIB.replace('    def __init__(self, items):\n', '    def __init__(self, items):\n        pass\n');
    const s = (await edit(edited)).flow!;
    expect({ reused: s.answersReused, rekeyed: s.answersRekeyed, steps: s.solve.steps, probed: s.answersProbed }).toEqual({ reused: true, rekeyed: 1, steps: 0, probed: withL5 || undefined });
    // The spans below the insertion moved: a reuse without re-keying would lose them (L4 looks sites up by span).
    expect(callGraph(ix.out.app!)).toEqual(graph);
    expect(implicitCalls(ix.out.app!)).toEqual(implicit.map((c) => c.replace(/@(\d+)$/, (_, l: string) => `@${Number(l) + 1}`)));
    const c = await cold('pass');
    expect(c.stats.flow!.answersReused).toBeUndefined();
    expect(c.stats.flow!.solve.steps).toBeGreaterThan(0);
    expectSameBytes(c.files);
  });

  it('a call split over lines and comment lines added (sites whose spans grow, columns that move)', async () => {
    const edited = ['# a header comment', '', LIB.replace('apply(shout, x)', 'apply(\n                shout,\n                x,\n            )').replace('    total = bag + Bag([1])', '    total = (bag\n             + Bag([1]))')].join('\n');
    const s = (await edit(edited)).flow!;
    expect({ reused: s.answersReused, rekeyed: s.answersRekeyed, steps: s.solve.steps, probed: s.answersProbed }).toEqual({ reused: true, rekeyed: 1, steps: 0, probed: withL5 || undefined });
    expectSameBytes((await cold('split')).files);
  });

  it('an edit that changes a fact (a call added) solves again, and matches a cold run', async () => {
    const edited = LIB.replace('    handlers["n"](t.items)\n', '    handlers["n"](t.items)\n    handlers["s"]("x")\n');
    const s = (await edit(edited)).flow!;
    expect(s.answersReused).toBeUndefined();
    expect(s.solve.steps).toBeGreaterThan(0);
    expect(calleesOf(callGraph(ix.out.app!), 'lib.work')).toEqual(expect.arrayContaining(['lib.logged.wrapper']));
    expectSameBytes((await cold('call')).files);
    // Back to the first text: the positions-only path again from this state, the original bytes again.
    const back = (await edit(LIB)).flow!;
    expect(back.answersReused).toBeUndefined();
    expectSameBytes((await cold('back')).files);
  });
});

// The value-flow fixture project (one module per family, a package): every file moved at once, with L5.
describe('value flow: the fixture project, every file moved', () => {
  let root: string;
  const out = () => path.join(root, '.out', 'app');
  const run = async (dir: string) => {
    await indexDirectory({ dir: path.join(root, 'app'), outDir: dir, root, workers: 1 });
    await runL5({ root, outDir: dir, workers: 1 });
    return runL4({ root, project: { name: 'app', outDir: dir }, deps: [] });
  };

  beforeAll(() => {
    const files = readTree(path.join(__dirname, 'fixtures', 'valueflow', 'app'));
    root = writeTree(Object.fromEntries(Object.entries(files).map(([k, v]) => [`app/${k}`, v])), 'cg-vf-rekey-app-');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reuses every file re-keyed and writes what a cold run over the moved sources writes', async () => {
    const first = (await run(out())).flow!;
    expect(first.solve.steps).toBeGreaterThan(0);
    const sources = fs.readdirSync(path.join(root, 'app'), { recursive: true }).filter((f) => String(f).endsWith('.py'));
    for (const f of sources) {
      const p = path.join(root, 'app', String(f));
      const text = fs.readFileSync(p, 'utf8');
      fs.writeFileSync(p, `# moved down\n\n${text.replace(/^( *)def (\w+)\((.*)\):\n/m, '$1def $2($3):\n$1    pass\n')}`);
    }
    const s = (await run(out())).flow!;
    expect({ reused: s.answersReused, probed: s.answersProbed, steps: s.solve.steps }).toEqual({ reused: true, probed: true, steps: 0 });
    expect(s.answersRekeyed).toBeGreaterThanOrEqual(5);
    const coldOut = path.join(root, '.out', 'cold');
    const c = (await run(coldOut)).flow!;
    expect(c.answersReused).toBeUndefined();
    const l4 = path.join(out(), 'l4');
    for (const f of L4_FILES_COMPARED(l4)) {
      expect({ f, same: fs.readFileSync(path.join(l4, f)).equals(fs.readFileSync(path.join(coldOut, 'l4', f))) }).toEqual({ f, same: true });
    }
  });
});

// A dependency edit that only moves code: its units are derived again, but their shape is the same, so the
// dependent's answers are reused as they are (a dependent names no position of its dependencies).
describe('value flow: a dependency whose code only moved', () => {
  let ix: Indexed;
  const CORE = LIB;
  const APP = MAIN.replace('from lib import', 'from lib import shout,').replace('    work(b)\n', '    work(b)\n    apply(shout, "x")\n');

  beforeAll(async () => {
    ix = await indexProjects(writeTree({ 'core/lib.py': CORE, 'app/main.py': APP }, 'cg-vf-rekey-dep-'), ['core', 'app']);
  });
  afterAll(() => fs.rmSync(ix.root, { recursive: true, force: true }));

  const deps = () => [{ name: 'core', outDir: ix.out.core! }];

  it('re-derives the dependency, reuses the dependent\'s answers, and writes what a cold run writes', async () => {
    expect(calleesOf(callGraph(ix.out.app!), 'main.main')).toEqual(expect.arrayContaining(['lib.work', 'lib.apply', 'lib.Bag']));
    fs.writeFileSync(path.join(ix.root, 'core/lib.py'), `# moved\n${CORE.replace('    def __init__(self, items):\n', '    def __init__(self, items):\n        pass\n')}`);
    await indexDirectory({ dir: path.join(ix.root, 'core'), outDir: ix.out.core!, root: ix.root, workers: 1 });
    const s = (await runL4({ root: ix.root, project: { name: 'app', outDir: ix.out.app! }, deps: deps() })).flow!;
    expect({ reused: s.answersReused, rekeyed: s.answersRekeyed, derived: s.deps?.derived, cached: s.deps?.cached }).toEqual({ reused: true, rekeyed: 0, derived: 1, cached: false });
    const cold = path.join(ix.root, '.out', 'app-cold');
    fs.cpSync(ix.out.app!, cold, { recursive: true });
    fs.rmSync(path.join(cold, 'l4'), { recursive: true });
    const c = (await runL4({ root: ix.root, project: { name: 'app', outDir: cold }, deps: deps() })).flow!;
    expect(c.answersReused).toBeUndefined();
    const l4 = path.join(ix.out.app!, 'l4');
    for (const f of L4_FILES_COMPARED(l4)) {
      expect({ f, same: fs.readFileSync(path.join(l4, f)).equals(fs.readFileSync(path.join(cold, 'l4', f))) }).toEqual({ f, same: true });
    }
  });

  it('solves the dependent again when the dependency\'s summaries change beyond positions', async () => {
    // `shout` undecorated: the module name holds the function itself, not `logged`'s wrapper.
    fs.writeFileSync(path.join(ix.root, 'core/lib.py'), CORE.replace('@logged\n', ''));
    await indexDirectory({ dir: path.join(ix.root, 'core'), outDir: ix.out.core!, root: ix.root, workers: 1 });
    const s = (await runL4({ root: ix.root, project: { name: 'app', outDir: ix.out.app! }, deps: deps() })).flow!;
    expect(s.answersReused).toBeUndefined();
    expect(s.solve.steps).toBeGreaterThan(0);
  });
});
