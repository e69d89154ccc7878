// One L4 run in its own process (for its peak RSS): node l4-once.mjs <root> <name> <outDir> <summaries 0|1> [depName depOutDir]...
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const engine = require('../../packages/engine/dist/index.js');
const [root, name, outDir, summaries, ...rest] = process.argv.slice(2);
const deps = [];
for (let i = 0; i < rest.length; i += 2) deps.push({ name: rest[i], outDir: rest[i + 1] });
await engine.initHash();
const t0 = performance.now();
const stats = await engine.runL4({ root, project: { name, outDir }, deps, flowSummaries: summaries === '1' });
const ms = Math.round(performance.now() - t0);
const f = stats.flow;
console.log(JSON.stringify({
  ms, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  resolved: stats.resolvedFiles, reused: stats.reusedFiles, resolution: stats.resolution,
  sitesWithTargets: f?.sitesWithTargets,
  source: f && { files: f.source.files, fromL5: f.source.fromL5, fromSummaries: f.source.fromSummaries, ms: f.source.ms },
  solve: f?.solve, deps: f?.deps && { files: f.deps.files, units: f.deps.units, read: f.deps.read, derived: f.deps.derived, waitedMs: f.deps.waitedMs, cached: f.deps.cached, ms: f.deps.ms, loadMs: f.deps.source?.ms, summarizeMs: f.deps.summarizeMs, solve: f.deps.solve },
}));
