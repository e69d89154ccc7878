/**
 * L7 files prepared by worker threads (prepare-pool.ts) give the index a build in one thread gives: asserted on the
 * bundled example, project by project, with a source file edited since L1 ran (prepared without chunks) among them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildL7, l7Content, SHOP_PROJECTS } from '@codegraph/query';
import { copyShop, indexShop } from './shop';

let ws: string;
beforeAll(async () => {
  ws = copyShop();
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
