/**
 * Crash safety: `codegraph index` (L0, L1, L2, L4, L9) killed with SIGKILL at several points of a run leaves a store
 * from which the next run produces exactly what a clean run produces. The corpus is real code: a slice of this machine's Python stdlib.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const bin = path.resolve(__dirname, '..', 'packages', 'engine', 'bin', 'codegraph.js');

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

const count = (dir: string, ext: string): number => {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith(ext)).length;
  } catch {
    return 0; // not created yet
  }
};

/** Kill points: after n L1 shards exist, after n L2 documents exist, once L4 has started writing. */
type KillPoint = { l1: number } | { l2: number } | { l4: true };

const reached = (out: string, at: KillPoint): boolean =>
  'l1' in at
    ? count(path.join(out, 'l1', 'ir'), '.jsonl') >= at.l1
    : 'l2' in at
      ? count(path.join(out, 'l2', 'docs'), '.json') >= at.l2
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
  for (const [f, e] of Object.entries<{ key: string }>(m.files)) {
    files[f] = fs.readFileSync(path.join(out, 'l1', 'ir', `${e.key}.jsonl`), 'utf8');
  }
  const layers: Record<string, string> = {};
  for (const f of ['l2/index.scip', 'l2/defs.json', 'l4/resolved.jsonl', 'l4/deps.json', 'l4/symbols.json', 'l9/packages.json']) {
    layers[f] = fs.readFileSync(path.join(out, f)).toString('base64');
  }
  return { totals: m.totals, files, layers };
}

describe('crash safety', () => {
  let tmp: string;
  let corpus: string;
  let clean: ReturnType<typeof snapshot>;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-crash-'));
    corpus = path.join(tmp, 'corpus');
    makeCorpus(corpus);
    index(corpus, path.join(tmp, 'clean'));
    clean = snapshot(path.join(tmp, 'clean'));
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each<[string, KillPoint]>([
    ['at start', { l1: 0 }],
    ['after 1 shard', { l1: 1 }],
    ['after 40 shards', { l1: 40 }],
    ['after 150 shards', { l1: 150 }],
    ['during L2', { l2: 60 }],
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
    expect(fs.readdirSync(path.join(out, 'l1', 'ir')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a torn shard (a killed write that left truncated bytes in place) is rebuilt, never trusted', () => {
    const out = path.join(tmp, 'torn');
    index(corpus, out);
    const m = JSON.parse(fs.readFileSync(path.join(out, 'l1', 'manifest.json'), 'utf8'));
    const [file, entry] = Object.entries<{ key: string }>(m.files)[7]!;
    const shard = path.join(out, 'l1', 'ir', `${entry.key}.jsonl`);
    const bytes = fs.readFileSync(shard);
    fs.writeFileSync(shard, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const summary = JSON.parse(index(corpus, out));
    expect(summary.layers.find((l: { layer: string }) => l.layer === 'l1')).toMatchObject({ processed: 1 });
    expect(snapshot(out).files[file]).toBe(clean.files[file]);
  });
});
