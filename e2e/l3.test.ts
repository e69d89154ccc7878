/**
 * L3 through the real `nx` CLI on the example shop, turned on by the plugin's `l3` option: a `codegraph-l3` task per
 * project after its L4, cached like the others, and its type-resolved edges in the repo graph a user exports.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codegraph, git, nx, ran, setup } from './support';

describe('codegraph-l3 under Nx', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    ({ ws, env } = setup());
    const nxJson = JSON.parse(fs.readFileSync(path.join(ws, 'nx.json'), 'utf8')) as { plugins: Array<{ options: Record<string, unknown> }> };
    nxJson.plugins[0]!.options.l3 = true;
    fs.writeFileSync(path.join(ws, 'nx.json'), JSON.stringify(nxJson, null, 2));
    git(ws, ['commit', '-qam', 'l3 on']);
  });

  afterAll(() => fs.rmSync(path.dirname(ws), { recursive: true, force: true }));

  it('runs L3 per project before L7 and the index, then restores it from the cache', () => {
    const first = ran(nx(ws, env, ['run', 'repo:codegraph-index']));
    expect(first.filter((t) => t.endsWith(':codegraph-l3'))).toEqual(['shop-api:codegraph-l3', 'shop-core:codegraph-l3', 'shop-payments:codegraph-l3']);
    const m = JSON.parse(fs.readFileSync(path.join(ws, '.codegraph/projects/libs/payments/l3/manifest.json'), 'utf8')) as { totals: Record<string, number> };
    expect(m.totals).toMatchObject({ sites: 2, answered: 2, external: 2, openCallsBefore: 2, openCallsAfter: 0, skippedFiles: 0 });
    expect(JSON.parse(fs.readFileSync(path.join(ws, '.codegraph/projects/libs/payments/l3/diagnostics.json'), 'utf8'))).toEqual({ files: {} });
    expect(ran(nx(ws, env, ['run', 'repo:codegraph-index']))).toEqual([]);
  });

  it('puts the type-resolved edges into the exported repo graph', () => {
    const file = path.join(path.dirname(ws), 'graph.jsonl');
    codegraph(ws, ['export', '.codegraph/repo', '--format', 'jsonl', '--out', file]);
    const typed = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { callee?: string; target?: string; attrs?: Record<string, unknown> })
      .filter((e) => e.attrs?.resolution === 'type')
      .map((e) => `${e.callee} -> ${e.target}${e.attrs?.external ? ' (external)' : ''}`)
      .sort();
    expect(typed).toEqual(['log.info -> logging.Logger.info (external)', 'log.warning -> logging.Logger.warning (external)', 'self.product.price.times -> core.money.Money.times']);
  });

  it('lets L7 answer callers through a type-resolved edge', () => {
    const bin = path.join(ws, 'node_modules', '@codegraph', 'query', 'bin', 'codegraph-query.js');
    const out = execFileSync(process.execPath, [bin, 'callers', 'core.money.Money.times', '--json'], { cwd: ws, encoding: 'utf8' });
    // `self.product.price.times(...)` in OrderLine.total: only Pyright knows `price` is a Money.
    expect(out).toContain('core.models.OrderLine.total');
    // Chunks are cut again on demand from the same records the build read, the overlay included: not stale.
    const chunk = execFileSync(process.execPath, [bin, 'chunk', 'core.models.OrderLine.total'], { cwd: ws, encoding: 'utf8' });
    expect(chunk).toContain('return self.product.price.times(self.quantity)');
  });
});
