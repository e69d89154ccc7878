/**
 * L5 on L1's parse (layers/l5-flow/staged.ts): L1's workers run L5's analysis on the tree they just extracted from,
 * and L5 takes those records instead of parsing again. Whatever path a record takes, L5's outputs must be the bytes
 * L5 writes on its own; a stale stage is never read; a file whose worker dies with the added work is still indexed.
 * The corpus is real Python: the call-graph suite's programs and the bundled example.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flowStage, initHash, initPythonParser, L5Reader, runL0, runL1, runL5, type L1Options } from '@codegraph/engine';

const REPO = path.resolve(__dirname, '../../..');

let base: string;

beforeAll(async () => {
  await initHash();
  await initPythonParser();
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l5-staged-'));
});

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** A fresh copy of the corpus: ~200 files (10 when small: the example alone). */
function corpus(name: string, small = false): string {
  const root = path.join(base, name);
  if (!small) fs.cpSync(path.join(REPO, 'tools/callgraph/cases'), path.join(root, 'cases'), { recursive: true, filter: (p) => !p.endsWith('.json') });
  fs.cpSync(path.join(REPO, 'examples/shop'), path.join(root, 'shop'), { recursive: true, filter: (p) => !p.includes('node_modules') });
  return root;
}

async function index(root: string, l1: Partial<L1Options> = {}, workers = 2) {
  const out = path.join(root, '.codegraph');
  await runL0({ root, projectDir: root, outDir: out });
  const m1 = await runL1({ root, projectDir: root, outDir: out, workers, inProcessBelow: 0, ...l1 });
  const m5 = await runL5({ root, outDir: out, workers, inProcessBelow: 0 });
  return { out, m1, m5 };
}

/** What L5 wrote, without the run's own stats (times, and how many records came from where). */
function outputs(out: string): { flow: Buffer; facts: Buffer; manifest: string } {
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'l5/manifest.json'), 'utf8'));
  delete manifest.stats;
  return { flow: fs.readFileSync(path.join(out, 'l5/flow.pack')), facts: fs.readFileSync(path.join(out, 'l5/facts.pack')), manifest: JSON.stringify(manifest) };
}

function expectSameOutputs(a: string, b: string): void {
  const x = outputs(a);
  const y = outputs(b);
  expect(x.manifest).toBe(y.manifest);
  expect(x.flow.equals(y.flow)).toBe(true);
  expect(x.facts.equals(y.facts)).toBe(true);
}

describe('L5 on L1 parse', () => {
  let own: string;
  let files: number;

  beforeAll(async () => {
    const r = await index(corpus('own'));
    own = r.out;
    files = r.m5.stats.files;
    expect(files).toBeGreaterThan(150);
    expect(r.m5.stats.sharedParse).toBeUndefined();
  });

  it('writes the bytes L5 writes on its own, on workers and in-process, and drops the stage', async () => {
    for (const workers of [2, 1]) {
      const root = corpus(`shared-${workers}`);
      const out = path.join(root, '.codegraph');
      const r = await index(root, { stage: flowStage(out) }, workers);
      expect(r.m5.stats).toMatchObject({ files, processed: files, sharedParse: files, failed: 0 });
      expectSameOutputs(r.out, own);
      expect(fs.existsSync(path.join(out, 'l5-staged'))).toBe(false);
    }
  });

  it('after an edit, takes the edited file from the stage and reuses the rest', async () => {
    const root = corpus('edit');
    const out = path.join(root, '.codegraph');
    await index(root, { stage: flowStage(out) });
    const edited = 'cases/basics/' + fs.readdirSync(path.join(root, 'cases/basics'))[0] + '/main.py';
    fs.appendFileSync(path.join(root, edited), '\n\ndef added_here(x):\n    return [y for y in x if y]\n');
    const r = await index(root, { stage: flowStage(out) });
    expect(r.m5.stats).toMatchObject({ processed: 1, sharedParse: 1, reused: files - 1 });
    const reader = L5Reader.open(out);
    try {
      expect(reader.flow(edited)!.scopes.map((s) => s.name)).toContain('added_here');
    } finally {
      reader.close();
    }
    // The same state indexed by L5 alone from nothing.
    const alone = corpus('edit-alone');
    fs.appendFileSync(path.join(alone, edited), '\n\ndef added_here(x):\n    return [y for y in x if y]\n');
    expectSameOutputs(r.out, (await index(alone)).out);
  });

  it('never takes a stale record: a stage left from older content is not read', async () => {
    const root = corpus('stale');
    const out = path.join(root, '.codegraph');
    await runL0({ root, projectDir: root, outDir: out });
    await runL1({ root, projectDir: root, outDir: out, workers: 2, inProcessBelow: 0, stage: flowStage(out) });
    // L5 has not run; the file changes and L1 runs again without a stage, so the stage holds the old content's records.
    const edited = 'shop/' + path.relative(path.join(root, 'shop'), findPy(path.join(root, 'shop')));
    fs.writeFileSync(path.join(root, edited), 'def replaced():\n    return 1\n');
    const r = await index(root);
    expect(r.m5.stats.sharedParse).toBe(files - 1);
    expect(r.m5.stats.processed).toBe(files);
    const reader = L5Reader.open(out);
    try {
      expect(reader.flow(edited)!.scopes.map((s) => s.name)).toEqual(['<module>', 'replaced']);
    } finally {
      reader.close();
    }
  });

  it('indexes a file whose worker dies with the added work: L1 alone, then L5 on its own', async () => {
    const root = corpus('dies', true);
    const out = path.join(root, '.codegraph');
    // A ceiling no worker can load the grammar under: every staged batch dies, and every file is retried.
    const r = await index(root, { stage: { ...flowStage(out), workerMemoryMb: 1 } });
    const n = r.m1.stats.files;
    expect(n).toBeGreaterThan(5);
    expect(r.m1.stats).toMatchObject({ processed: n, failed: 0 });
    expect(r.m5.stats).toMatchObject({ files: n, processed: n, failed: 0 });
    expect(r.m5.stats.sharedParse).toBeUndefined();
    expectSameOutputs(r.out, (await index(corpus('dies-alone', true))).out);
  });
  it('hostile files: the same outputs on L1 parse as alone, and the files after them are staged', async () => {
    const make = (name: string) => {
      const root = corpus(name, true);
      const h = path.join(root, 'hostile');
      fs.mkdirSync(h);
      fs.writeFileSync(path.join(h, 'a_syntax.py'), 'def f(:\n    return [\n\nclass C\n    x = 1\n');
      fs.writeFileSync(path.join(h, 'b_nul.py'), Buffer.from('x = 1\0\ndef g():\n    return x\n', 'latin1'));
      fs.writeFileSync(path.join(h, 'c_utf16.py'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('def h(a):\n    return a\n', 'utf16le')]));
      fs.writeFileSync(path.join(h, 'd_nested.py'), 'x = ' + '('.repeat(500) + '1' + ')'.repeat(500) + '\n');
      // More distinct indentation widths than the parser is trusted with: never parsed (indexed as an empty module).
      fs.writeFileSync(path.join(h, 'e_deep.py'), Array.from({ length: 260 }, (_, i) => ' '.repeat(i) + 'if x:').join('\n') + '\n' + ' '.repeat(260) + 'pass\n');
      fs.writeFileSync(path.join(h, 'f_after.py'), 'def after(v):\n    return [w for w in v]\n');
      return root;
    };
    const shared = make('hostile-shared');
    const r = await index(shared, { stage: flowStage(path.join(shared, '.codegraph')) });
    const alone = await index(make('hostile-alone'));
    expect(r.m1.stats.failed).toBe(alone.m1.stats.failed);
    expect(r.m5.stats).toMatchObject({ failed: 0, processed: alone.m5.stats.processed });
    // Every file L1 parsed is staged; the one it refused to parse is analysed by L5 itself (as an empty module).
    expect(r.m5.stats.sharedParse).toBe(r.m5.stats.processed - 1);
    expectSameOutputs(r.out, alone.out);
  });
  it('after an interrupted run: its half-written stage is removed, a stage without counts is not read', async () => {
    const root = corpus('interrupted');
    const out = path.join(root, '.codegraph');
    const stage = path.join(out, 'l5-staged');
    fs.mkdirSync(stage, { recursive: true });
    fs.writeFileSync(path.join(stage, 'flow.pack.tmp-999-0-abc'), 'half a pack');
    fs.writeFileSync(path.join(stage, 'facts.pack'), 'not a pack');
    // A killed L5 never read this stage; a killed L1 never wrote its counts.
    expect((await index(root)).m5.stats.sharedParse).toBeUndefined();
    expectSameOutputs(out, own);
    fs.mkdirSync(stage, { recursive: true });
    fs.writeFileSync(path.join(stage, 'flow.pack.tmp-999-0-abc'), 'half a pack');
    fs.writeFileSync(path.join(root, 'shop/extra.py'), 'def extra():\n    return 1\n');
    await runL0({ root, projectDir: root, outDir: out });
    await runL1({ root, projectDir: root, outDir: out, workers: 1, stage: flowStage(out) });
    expect(fs.readdirSync(stage).sort()).toEqual(['counts.json', 'facts.pack', 'flow.pack']);
    const m5 = await runL5({ root, outDir: out, workers: 1 });
    expect(m5.stats).toMatchObject({ processed: 1, sharedParse: 1, reused: files, failed: 0 });
  });
});

function findPy(dir: string): string {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const f = e.name === 'node_modules' ? undefined : findPy(p);
      if (f) return f;
    } else if (e.name.endsWith('.py')) return p;
  }
  return '';
}
