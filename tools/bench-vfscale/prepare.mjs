// Copies stdlib + django (bench:nx's projects) to a root and runs L0/L1/L5 on both (L4 is what bench.mjs measures).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const engine = require('../../packages/engine/dist/index.js');
const [src = '/tmp/codegraph-bench-nx/projects', root = '/tmp/vfscale-bench', ...names] = process.argv.slice(2);
const projects = names.length ? names : ['stdlib', 'django'];
await engine.initHash();
for (const p of projects) {
  if (!fs.existsSync(path.join(root, p))) fs.cpSync(path.join(src, p), path.join(root, p), { recursive: true });
  const outDir = path.join(root, '.out', p);
  const t0 = performance.now();
  await engine.indexDirectory({ dir: path.join(root, p), outDir, root, workers: 2 });
  await engine.runL5({ root, outDir, workers: 2 });
  console.log(p, 'L0-L1-L5', Math.round(performance.now() - t0), 'ms');
}
