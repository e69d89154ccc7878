/**
 * L7 files prepared by worker threads (prepare-pool.ts) give the index a build in one thread gives: asserted on the
 * bundled example, project by project, with a source file edited since L1 ran (prepared without chunks) among them,
 * and a generated module long enough that the builder leaves it to a worker (OWN_PREPARE_MAX_LINES).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildL7, l7Content, SHOP_PROJECTS } from '@codegraph/query';
import { copyShop, indexShop } from './shop';

let ws: string;
beforeAll(async () => {
  ws = copyShop();
  // 2,700 functions, 5,401 lines, each calling the one before and the first an import: a file the builder's own
  // thread does not prepare while it has a worker.
  const body = ['from core.money import format_money', 'def f0(m):', '    return format_money(m)'];
  for (let i = 1; i < 2700; i++) body.push(`def f${i}(m):`, `    return f${i - 1}(m)`);
  fs.writeFileSync(path.join(ws, 'libs/core/core/generated_long.py'), body.join('\n') + '\n');
  await indexShop(ws);
  // Edited after L1 ran: its hash no longer matches, so it is indexed without signatures, chunks or code words.
  const money = path.join(ws, 'libs/core/core/money.py');
  fs.appendFileSync(money, '\n# edited after L1\n');
});

describe('an L7 build with prepare workers', () => {
  it.each(SHOP_PROJECTS.map((p) => p.name))('holds what a build in one thread holds (%s)', async (name) => {
    const outDir = path.join(ws, '.codegraph', 'projects', ...SHOP_PROJECTS.find((p) => p.name === name)!.root.split('/'));
    const here = path.join(ws, `${name}-here.sqlite`);
    const workers = path.join(ws, `${name}-workers.sqlite`);
    const a = await buildL7({ root: ws, project: { name, outDir }, repo: 'shop', full: true, out: here, workers: 0 });
    const b = await buildL7({ root: ws, project: { name, outDir }, repo: 'shop', full: true, out: workers, workers: 2 });
    const { ms: _a, bytes: _ab, ...sa } = a;
    const { ms: _b, bytes: _bb, ...sb } = b;
    expect(sb).toEqual(sa);
    expect(sa.symbols).toBeGreaterThan(0);
    if (name === 'shop-core') expect(sa.skipped).toEqual(['libs/core/core/money.py changed since L1 indexed it (re-run L1)']);
    expect(l7Content(workers)).toEqual(l7Content(here));
  });
});

describe('an L7 build whose lookahead is bounded by size', () => {
  it('holds what a build in one thread holds, one prepared file held at a time', async () => {
    const core = SHOP_PROJECTS.find((p) => p.name === 'shop-core')!;
    const outDir = path.join(ws, '.codegraph', 'projects', ...core.root.split('/'));
    const here = path.join(ws, 'core-here-bounded.sqlite');
    const bounded = path.join(ws, 'core-bounded.sqlite');
    const a = await buildL7({ root: ws, project: { name: core.name, outDir }, repo: 'shop', full: true, out: here, workers: 0 });
    const b = await buildL7({ root: ws, project: { name: core.name, outDir }, repo: 'shop', full: true, out: bounded, workers: 1, lookaheadBytes: 1 });
    expect(b.symbols).toBe(a.symbols);
    expect(a.symbols).toBeGreaterThan(2700);
    expect(l7Content(bounded)).toEqual(l7Content(here));
  });
});

describe('a cold L7 build', () => {
  const core = () => {
    const p = SHOP_PROJECTS.find((x) => x.name === 'shop-core')!;
    return { name: p.name, outDir: path.join(ws, '.codegraph', 'projects', ...p.root.split('/')) };
  };

  it('holds the same in its builder thread as on the calling thread', async () => {
    const here = path.join(ws, 'core-cold-here.sqlite');
    const thread = path.join(ws, 'core-cold-thread.sqlite');
    await buildL7({ root: ws, project: core(), repo: 'shop', out: here, workers: 0, inWorker: false });
    await buildL7({ root: ws, project: core(), repo: 'shop', out: thread, workers: 0, inWorker: true });
    expect(l7Content(thread)).toEqual(l7Content(here));
  });

  it('is built on the calling thread when its builder thread runs out of memory', async () => {
    const here = path.join(ws, 'core-oom-here.sqlite');
    const retried = path.join(ws, 'core-oom-retried.sqlite');
    await buildL7({ root: ws, project: core(), repo: 'shop', out: here, workers: 0, inWorker: false });
    const s = await buildL7({ root: ws, project: core(), repo: 'shop', out: retried, workers: 0, inWorker: true, builderMemoryMb: 1 });
    expect(s.symbols).toBeGreaterThan(2700);
    expect(l7Content(retried)).toEqual(l7Content(here));
    expect(fs.readdirSync(ws).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reports an error of the build itself, from its builder thread', async () => {
    await expect(buildL7({ root: ws, project: { name: 'nowhere', outDir: path.join(ws, 'no-such-output') }, out: path.join(ws, 'x.sqlite'), inWorker: true })).rejects.toThrow(
      /no L4 output for project nowhere|no L1 output|run/,
    );
  });
});
