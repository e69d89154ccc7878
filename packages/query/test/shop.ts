/** Test support: a temp copy of examples/shop indexed by the real layers (L0, L1, L2, L4, repo) and L7. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildL7, indexWorkspace, SHOP_PROJECTS, type L7Stats } from '@codegraph/query';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function copyShop(): string {
  const ws = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-query-')), 'shop');
  fs.cpSync(path.join(repoRoot, 'examples', 'shop'), ws, { recursive: true, filter: (src) => !/[/\\](\.codegraph|\.nx|node_modules)([/\\]|$)/.test(src) });
  return ws;
}

/** Runs every layer and L7 for every project of the shop copy in `ws`. */
export async function indexShop(ws: string): Promise<L7Stats[]> {
  const fed = await indexWorkspace(ws, SHOP_PROJECTS);
  const stats: L7Stats[] = [];
  for (const p of fed) stats.push(await buildL7({ root: ws, project: { name: p.name, outDir: p.outDir }, repo: 'shop' }));
  return stats;
}
