/**
 * Crash safety: `codegraph index` killed with SIGKILL at several points of a run leaves a store from which the next
 * run produces exactly what a clean run produces. The corpus is real code: a slice of this machine's Python stdlib.
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

/** Starts an index run and SIGKILLs it once `shards` IR shards exist (0 = as soon as the process has started). */
async function killedRun(corpus: string, out: string, shards: number): Promise<void> {
  const child = spawn(process.execPath, [bin, 'index', corpus, '--out', out, '--workers', '2'], { stdio: 'ignore' });
  const irDir = path.join(out, 'l1', 'ir');
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      let n = 0;
      try {
        n = fs.readdirSync(irDir).filter((f) => f.endsWith('.jsonl')).length;
      } catch {
        /* not created yet */
      }
      if (n >= shards || Date.now() - started > 30000 || child.exitCode !== null) {
        child.kill('SIGKILL');
        resolve();
      } else setTimeout(tick, 5);
    };
    tick();
  });
  await new Promise((r) => child.once('exit', r).once('error', r));
}

function snapshot(out: string): { totals: unknown; files: Record<string, string> } {
  const m = JSON.parse(fs.readFileSync(path.join(out, 'l1', 'manifest.json'), 'utf8'));
  const files: Record<string, string> = {};
  for (const [f, e] of Object.entries<{ key: string }>(m.files)) {
    files[f] = fs.readFileSync(path.join(out, 'l1', 'ir', `${e.key}.jsonl`), 'utf8');
  }
  return { totals: m.totals, files };
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

  it.each([0, 1, 40, 150])('a run killed after %i shards is finished correctly by the next run', async (shards) => {
    const out = path.join(tmp, `killed-${shards}`);
    await killedRun(corpus, out, shards);
    const summary = JSON.parse(index(corpus, out));
    expect(summary.files).toBe(Object.keys(clean.files).length);
    const after = snapshot(out);
    expect(after.totals).toEqual(clean.totals);
    expect(after.files).toEqual(clean.files);
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
