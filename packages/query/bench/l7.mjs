#!/usr/bin/env node
/**
 * L7 benchmark on a real corpus (default: this machine's Python stdlib, as one project; copied to a temp folder so
 * one file can be edited):
 * - L7 build time as a ratio to L1 cold (same run, same machine), database size (per 1K LOC, and against the
 *   source), and an incremental rebuild after a one-file edit (L1 + L2 + L4 + L7 re-run, as Nx would);
 * - query latency on a warm process over ~1,000 sampled symbols: def, refs, callers, callees, search, impact (depth 3);
 * - MCP round-trip overhead: the same `def` queries through `codegraph-query mcp` over stdio vs direct.
 * Usage: npm run bench -w @codegraph/query -- [corpusDir] [--samples N]  or  node packages/query/bench/l7.mjs …
 * (build first: npx tsc -b). KEEP=1 keeps the temp folder.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { defRoundTrips } from './mcp-def.mjs';
import { pct, timeEach } from './timing.mjs';

const require = createRequire(import.meta.url);
const engine = require('@codegraph/engine');
const query = require('@codegraph/query');
const Database = require('better-sqlite3');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');

const args = process.argv.slice(2);
const samplesAt = args.indexOf('--samples');
const SAMPLES = samplesAt >= 0 ? Number(args[samplesAt + 1]) : 1000;
const source = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--samples') ?? execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-l7-bench-'));
const corpus = path.join(tmp, 'corpus');
fs.cpSync(source, corpus, { recursive: true, filter: (p) => !/[/\\](site-packages|dist-packages|__pycache__)$/.test(p) });
const outDir = path.join(tmp, '.codegraph', 'projects', 'corpus');
const project = { name: 'corpus', outDir };

const time = async (fn) => {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
};
const fmt = (xs) => {
  xs.sort((a, b) => a - b);
  return `p50 ${pct(xs, 0.5).toFixed(2)} ms, p99 ${pct(xs, 0.99).toFixed(2)} ms`;
};

console.log(`corpus ${source} (copied to ${corpus})`);
const layers = async () => {
  await engine.runL0({ root: corpus, projectDir: corpus, outDir });
  const [l1ms, m] = await time(() => engine.runL1({ root: corpus, projectDir: corpus, outDir, workers: os.cpus().length }));
  await engine.runL2({ root: corpus, project });
  await engine.runL4({ root: corpus, project });
  return [l1ms, m];
};
const [l1ms, m] = await layers();
await engine.writeRepoIndex({ projects: [{ ...project, root: '.' }], outDir: path.join(tmp, '.codegraph', 'repo'), root: corpus });
const loc = Object.values(m.files).reduce((a, f) => a + f.loc, 0);
const srcBytes = Object.keys(m.files).reduce((a, f) => a + fs.statSync(path.join(corpus, f)).size, 0);
const [l7ms, s] = await time(() => query.buildL7({ root: corpus, project, repo: 'bench' }));
const layerBytes = (l) => fs.readdirSync(path.join(outDir, l)).reduce((a, f) => a + fs.statSync(path.join(outDir, l, f)).size, 0);
console.log(`files ${s.files}, LOC ${loc}, source ${(srcBytes / 1e6).toFixed(1)} MB; symbols ${s.symbols}, edges ${s.edges}, occurrences ${s.occurrences}, chunks ${s.chunks}, unchunked ${s.unchunked}, id collisions ${s.collisions}`);
console.log(`L1 cold ${(l1ms / 1000).toFixed(1)} s; L7 build ${(l7ms / 1000).toFixed(1)} s = ${(l7ms / l1ms).toFixed(2)}× L1 cold`);
console.log(
  `database ${(s.bytes / 1e6).toFixed(1)} MB = ${(s.bytes / srcBytes).toFixed(2)}× the source = ${(s.bytes / 1024 / (loc / 1000)).toFixed(1)} KiB per 1K LOC ` +
    `(other layers: ${['l0', 'l1', 'l2', 'l4'].map((l) => `${l} ${(layerBytes(l) / 1e6).toFixed(1)} MB`).join(', ')}); peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
const db0 = new Database(query.l7DbPath(outDir), { readonly: true });
console.log(`  by table: ${db0.prepare('SELECT name, sum(pgsize) AS s FROM dbstat GROUP BY name ORDER BY s DESC LIMIT 8').all().map((r) => `${r.name} ${(r.s / 1e6).toFixed(1)}`).join(', ')} MB`);
db0.close();

// One file edited (a comment appended: a body-only change), then every layer again, as Nx would run them.
const edited = Object.keys(m.files).find((f) => f.endsWith('json/encoder.py')) ?? Object.keys(m.files)[0];
fs.appendFileSync(path.join(corpus, edited), '\n# edited by the L7 benchmark\n');
const [l1incMs] = await layers();
const [l7incMs, si] = await time(() => query.buildL7({ root: corpus, project, repo: 'bench' }));
console.log(`after editing ${edited}: L1 ${(l1incMs / 1000).toFixed(2)} s; L7 ${(l7incMs / 1000).toFixed(2)} s (${si.rebuilt} files rebuilt, ${si.reused} reused) = ${(l7incMs / l7ms).toFixed(3)}× its cold build`);
// The incremental database against a cold build of the same inputs: the same content (not the same bytes).
if (query.l7Digest) {
  const cold = path.join(tmp, 'cold.sqlite');
  await query.buildL7({ root: corpus, project, repo: 'bench', full: true, out: cold });
  const same = query.l7Digest(cold) === query.l7Digest(query.l7DbPath(outDir));
  console.log(`incremental vs cold build: ${same ? 'same content' : 'CONTENT DIFFERS'}; same bytes: ${fs.readFileSync(cold).equals(fs.readFileSync(query.l7DbPath(outDir)))}`);
  fs.rmSync(cold);
}

const fed = query.Federation.open(tmp);
const q = new query.Queries(fed);
const db = fed.projects[0].db;
// Sample functions and methods that are called at least once (so callers/refs have work), and some that are not.
const all = db.prepare(`SELECT ${query.fqnSql()} AS fqn FROM symbols s ${query.SYM_JOIN} WHERE s.kind IN (1, 2, 3) AND coalesce(s.qual, '') NOT LIKE '%#%' ORDER BY s.id`).pluck().all();
const step = Math.max(1, Math.floor(all.length / SAMPLES));
const sample = all.filter((_, i) => i % step === 0).slice(0, SAMPLES);
const words = db.prepare('SELECT name FROM symbols WHERE kind = 2 ORDER BY id').pluck().all().filter((_, i) => i % 7 === 0);
const measure = (label, fn, n = sample.length) => {
  const { xs, errors } = timeEach(n, fn);
  console.log(`${label.padEnd(16)} ${fmt(xs)} over ${n}${errors ? ` (${errors} raised, e.g. ambiguous)` : ''}`);
};
measure('def', (i) => q.def(sample[i]));
measure('refs', (i) => q.refs(sample[i]));
measure('callers', (i) => q.callers(sample[i]));
measure('callees', (i) => q.callees(sample[i]));
measure('search', (i) => q.search(words[i % words.length].replace(/_/g, ' ')));
// Words of code that name no symbol (locals, attributes, parameters; not keywords): search answers them from the
// code index.
const isName = db.prepare('SELECT 1 FROM symbols WHERE name = ? LIMIT 1').pluck();
const KEYWORDS = new Set(['assert', 'except', 'global', 'import', 'lambda', 'return', 'finally', 'nonlocal', 'continue']);
const codeWords = [];
for (const [i, f] of db.prepare('SELECT path FROM files WHERE chunked = 1 ORDER BY id').pluck().all().entries()) {
  const ids = [...new Set(fs.readFileSync(path.join(corpus, f), 'latin1').match(/\b[a-z][a-z0-9_]{5,}\b/g) ?? [])].filter((w) => !isName.get(w) && !KEYWORDS.has(w));
  if (ids.length) codeWords.push(ids[(i * 7) % ids.length]);
}
measure('search (code)', (i) => q.search(codeWords[i % codeWords.length]), Math.min(500, codeWords.length));
measure('impact depth 3', (i) => q.impact(sample[i], 3));
measure('chunk', (i) => q.chunk(sample[i]), Math.min(300, sample.length));
fed.close();

const client = new Client({ name: 'bench', version: '0' });
await client.connect(new StdioClientTransport({ command: process.execPath, args: [require.resolve('@codegraph/query/bin/codegraph-query.js'), 'mcp'], cwd: tmp }));
await client.callTool({ name: 'stats', arguments: {} });
const { viaMcp, direct } = await defRoundTrips(client, tmp, sample.slice(0, Math.min(300, sample.length)));
await client.close();
console.log(`MCP def round trip ${fmt([...viaMcp])}; direct ${fmt([...direct])}; overhead p50 ${(pct(viaMcp, 0.5) - pct(direct, 0.5)).toFixed(2)} ms`);
if (process.env.KEEP) console.log(`kept ${tmp}`);
else fs.rmSync(tmp, { recursive: true, force: true });
