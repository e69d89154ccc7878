/**
 * The workspace's store of dependency summaries (shared by every project's L4): two concurrent derivers of one unit
 * solve it once, a damaged entry is derived again rather than trusted, a lock left by a dead process is taken over,
 * and the store stays under its size bound by evicting the least recently used entries.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { initHash } from '../src/util/hash';
import { SummaryStore } from '../src/layers/l4-resolve/valueflow/summary-store';
import type { SummaryEntry } from '../src/layers/l4-resolve/valueflow/summary';
import { FLOW_SUMMARY_FORMAT } from '../src/layers/l4-resolve/valueflow/summary';

const summaryOf = (module: string, n = 1): SummaryEntry[] => [
  {
    file: `${module}.py`,
    summary: { format: FLOW_SUMMARY_FORMAT, module, globals: Array.from({ length: n }, (_, i) => `g${i}_${Math.random().toString(36).slice(2)}`), funcs: [], classes: [], objs: [], sets: [], inst: [], pass: [] },
  },
];

describe('flow summary store', () => {
  let dir: string;
  beforeAll(() => initHash());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-store-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('derives a unit once when two runs want it at the same time; both get the same summaries', async () => {
    const a = new SummaryStore(dir);
    const b = new SummaryStore(dir);
    let calls = 0;
    const derive = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 300));
      return summaryOf('m');
    };
    const [x, y] = await Promise.all([a.readOrDerive('k1', derive), b.readOrDerive('k1', derive)]);
    expect(calls).toBe(1);
    expect([x.derived, y.derived].sort()).toEqual([false, true]);
    expect(x.content).toBe(y.content);
    expect(x.entries()).toEqual(y.entries());
    expect([x.files, y.files]).toEqual([x.entries().length, x.entries().length]);
    expect(fs.readdirSync(dir).sort()).toEqual(['k1.json.br']);
  });

  it('derives again over a damaged entry, and over a lock whose holder is gone', async () => {
    const s = new SummaryStore(dir);
    const other = path.join(dir, 'copy');
    await new SummaryStore(other).readOrDerive('k2', async () => summaryOf('m'));
    await s.readOrDerive('k2', async () => summaryOf('m'));
    fs.writeFileSync(path.join(dir, 'k2.json.br'), 'not brotli');
    expect(s.read('k2')).toBeUndefined();
    // Well-formed but altered: the checksum in the header catches it.
    const good = zlib.brotliDecompressSync(fs.readFileSync(path.join(other, 'k2.json.br'))).toString();
    fs.writeFileSync(path.join(dir, 'k2.json.br'), zlib.brotliCompressSync(good.replace('"module":"m"', '"module":"n"')));
    expect(s.read('k2')).toBeUndefined();
    // A lock left by a process that exited without releasing it.
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
    fs.writeFileSync(path.join(dir, 'k2.lock'), String(dead));
    const got = await s.readOrDerive('k2', async () => summaryOf('m'));
    expect(got.derived).toBe(true);
    expect(s.read('k2')?.content).toBe(got.content);
    expect(fs.existsSync(path.join(dir, 'k2.lock'))).toBe(false);
  });

  it('keeps under its size bound, evicting the least recently read entries', async () => {
    const probe = new SummaryStore(dir);
    await probe.readOrDerive('probe', async () => summaryOf('p', 200));
    const one = fs.statSync(path.join(dir, 'probe.json.br')).size;
    fs.rmSync(path.join(dir, 'probe.json.br'));
    // Room for three entries and a half.
    const s = new SummaryStore(dir, Math.round(one * 3.5));
    const keys = ['a', 'b', 'c'];
    for (const [i, k] of keys.entries()) {
      await s.readOrDerive(k, async () => summaryOf(k, 200));
      const t = new Date(Date.now() - (10 - i) * 1000); // a oldest, then b, then c
      fs.utimesSync(path.join(dir, `${k}.json.br`), t, t);
    }
    expect(s.read('a')).toBeDefined(); // now the most recently used
    await s.readOrDerive('d', async () => summaryOf('d', 200));
    expect(fs.readdirSync(dir).sort()).toEqual(['a.json.br', 'c.json.br', 'd.json.br']);
  });
});
