/**
 * Crash safety: `codegraph index` (L0, L1, L2, L4, L9) killed with SIGKILL at several points of a run leaves a store
 * from which the next run produces exactly what a clean run produces. The corpus is real code: a slice of this machine's Python stdlib.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const bin = path.resolve(__dirname, '..', 'packages', 'engine', 'bin', 'codegraph.js');
const engine = require('../packages/engine/dist/index.js') as typeof import('@codegraph/engine');

function stdlib(): string {
  return execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
}

/** Copies a few stdlib packages (a few hundred files) so the run lasts long enough to be interrupted. */
function makeCorpus(dir: string): void {
  const std = stdlib();
  for (const pkg of ['email', 'asyncio', 'json', 'http', 'xml', 'unittest', 'concurrent', 'importlib']) {
    fs.cpSync(path.join(std, pkg), path.join(dir, pkg), { recursive: true, filter: (s) => !s.includes('__pycache__') });
  }
}

function index(corpus: string, out: string): string {
  return execFileSync(process.execPath, [bin, 'index', corpus, '--out', out, '--json', '--workers', '2'], { encoding: 'utf8' });
}

/** Files in `dir` whose name starts with `prefix` (a layer's temp pack while it is being written). */
const temps = (dir: string, prefix: string): string[] => {
  try {
    return fs.readdirSync(dir).filter((f) => f.startsWith(prefix));
  } catch {
    return []; // not created yet
  }
};

/** Records L1 has journaled so far (its temp pack, read as the next run would salvage it). */
const journaled = (out: string): number =>
  temps(path.join(out, 'l1'), 'ir.pack.tmp-').reduce((n, f) => n + engine.salvagePack(path.join(out, 'l1', f)).size, 0);

/** Kill points: after n L1 records are journaled, while L2 writes its pack, once L4 has started writing. */
type KillPoint = { l1: number } | { l2: true } | { l4: true };

const reached = (out: string, at: KillPoint): boolean =>
  'l1' in at
    ? at.l1 === 0 || journaled(out) >= at.l1
    : 'l2' in at
      ? temps(path.join(out, 'l2'), 'docs.pack.tmp-').length > 0
      : fs.existsSync(path.join(out, 'l4'));

/** Starts an index run (L0, L1, L2, L4, L9) and SIGKILLs it at a kill point. */
async function killedRun(corpus: string, out: string, at: KillPoint): Promise<void> {
  const child = spawn(process.execPath, [bin, 'index', corpus, '--out', out, '--workers', '2'], { stdio: 'ignore' });
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      if (reached(out, at) || Date.now() - started > 30000 || child.exitCode !== null) {
        child.kill('SIGKILL');
        resolve();
      } else setTimeout(tick, 2);
    };
    tick();
  });
  await new Promise((r) => child.once('exit', r).once('error', r));
}

interface Snapshot {
  totals: unknown;
  files: Record<string, string>;
  /** Every later layer's outputs, byte for byte. */
  layers: Record<string, string>;
}

function snapshot(out: string): Snapshot {
  const m = JSON.parse(fs.readFileSync(path.join(out, 'l1', 'manifest.json'), 'utf8'));
  const files: Record<string, string> = {};
  for (const f of Object.keys(m.files)) files[f] = JSON.stringify(engine.readFileIr(out, f));
  const layers: Record<string, string> = {};
  // Packs are written in path order, so the same content gives the same bytes: compared byte for byte.
  for (const f of ['l1/ir.pack', 'l1/facts.pack', 'l2/docs.pack', 'l2/manifest.json', 'l4/resolved.pack', 'l4/manifest.json', 'l4/deps.json', 'l9/packages.json']) {
    layers[f] = fs.readFileSync(path.join(out, f)).toString('base64');
  }
  return { totals: m.totals, files, layers };
}

describe('crash safety', () => {
  let tmp: string;
  let corpus: string;
  let clean: ReturnType<typeof snapshot>;

  beforeAll(async () => {
    await engine.initHash();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-crash-'));
    corpus = path.join(tmp, 'corpus');
    makeCorpus(corpus);
    index(corpus, path.join(tmp, 'clean'));
    clean = snapshot(path.join(tmp, 'clean'));
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each<[string, KillPoint]>([
    ['at start', { l1: 0 }],
    ['after 1 record', { l1: 1 }],
    ['after 40 records', { l1: 40 }],
    ['after 150 records', { l1: 150 }],
    ['during L2', { l2: true }],
    ['during L4', { l4: true }],
  ])('a run killed %s is finished correctly by the next run', async (_label, at) => {
    const out = path.join(tmp, `killed-${JSON.stringify(at).replace(/\W/g, '')}`);
    await killedRun(corpus, out, at);
    const summary = JSON.parse(index(corpus, out));
    expect(summary.files).toBe(Object.keys(clean.files).length);
    const after = snapshot(out);
    expect(after.totals).toEqual(clean.totals);
    expect(after.files).toEqual(clean.files);
    expect(after.layers).toEqual(clean.layers);
    // Nothing half-written is left behind.
    for (const layer of ['l1', 'l2', 'l4']) expect(fs.readdirSync(path.join(out, layer)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a run killed after journaling records reuses them instead of parsing those files again', async () => {
    const out = path.join(tmp, 'journal');
    await killedRun(corpus, out, { l1: 150 });
    const salvaged = journaled(out);
    expect(salvaged).toBeGreaterThanOrEqual(150);
    const summary = JSON.parse(index(corpus, out));
    const l1 = summary.lastRun.find((l: { layer: string }) => l.layer === 'l1');
    expect(l1.reused).toBeGreaterThanOrEqual(salvaged);
    expect(l1.processed + l1.reused).toBe(Object.keys(clean.files).length);
    expect(snapshot(out).layers).toEqual(clean.layers);
  });

  it('a damaged record (bytes changed in place) is rebuilt, never trusted', () => {
    const out = path.join(tmp, 'torn');
    index(corpus, out);
    const m = JSON.parse(fs.readFileSync(path.join(out, 'l1', 'manifest.json'), 'utf8'));
    const [file, entry] = Object.entries<{ key: string }>(m.files)[7]!;
    const pack = path.join(out, 'l1', 'ir.pack');
    const reader = engine.PackReader.open(pack)!;
    const stored = Buffer.from(reader.stored(entry.key)!.stored);
    reader.close();
    const bytes = fs.readFileSync(pack);
    const at = bytes.indexOf(stored);
    bytes.fill(0, at + 4, at + Math.floor(stored.length / 2));
    fs.writeFileSync(pack, bytes);
    const summary = JSON.parse(index(corpus, out));
    expect(summary.lastRun.find((l: { layer: string }) => l.layer === 'l1')).toMatchObject({ processed: 1 });
    expect(snapshot(out).files[file]).toBe(clean.files[file]);
  });
});
