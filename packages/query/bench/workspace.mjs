#!/usr/bin/env node
/**
 * Query latency and MCP server memory on a whole indexed workspace (the issue's setting: stdlib, django and sympy as
 * projects of one Nx workspace), where `bench/l7.mjs` measures one project it builds itself.
 *
 * It reads the workspace's existing index (run `npm run bench:nx -- --keep` first: its work dir, by default
 * /tmp/codegraph-bench-nx, keeps `.codegraph`), samples functions, methods and classes evenly across every project
 * through the public query API (so it does not depend on the L7 schema), and reports on a warm process:
 * def / refs / callers / callees / search / impact (depth 3) p50 and p99; the MCP round trip of `def` against the
 * direct query; and the MCP server's peak RSS (VmHWM from /proc) after a mix of every tool over the sample.
 *
 *   node packages/query/bench/workspace.mjs [workspaceDir] [--samples N] [--json out.json]
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { defRoundTrips } from './mcp-def.mjs';
import { pct, timeEach } from './timing.mjs';

const require = createRequire(import.meta.url);
const query = require('@codegraph/query');
const engine = require('@codegraph/engine');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');

const { values, positionals } = parseArgs({ allowPositionals: true, options: { samples: { type: 'string', default: '1000' }, json: { type: 'string' } } });
const dir = positionals[0] ?? '/tmp/codegraph-bench-nx';
const SAMPLES = Number(values.samples);
const report = {};

// Chunks are cut from the sources, checked against their hashes.
await engine.initHash();
const fed = query.Federation.open(dir);
const q = new query.Queries(fed);
const stats = q.stats();
console.log(`workspace ${dir}: ${stats.projects.map((p) => `${p.project} ${p.symbols.toLocaleString('en-US')} symbols`).join(', ')}`);

// Every k-th module of every project, its function/method/class chunks: an even sample of definitions.
const modules = q.modules();
const step = Math.max(1, Math.floor(modules.length / (SAMPLES / 2)));
const sample = [];
for (let i = 0; i < modules.length && sample.length < SAMPLES; i += step) {
  let chunks;
  try {
    chunks = q.fileChunks(modules[i].file);
  } catch {
    continue;
  }
  const defs = chunks.filter((c) => c.kind === 'function' || c.kind === 'method' || c.kind === 'class');
  for (const c of defs.filter((_, k) => k % 3 === 0).slice(0, 4)) sample.push(c.fqn);
}
const words = sample.map((f) => f.split('.').pop().replace(/_/g, ' ').trim()).filter(Boolean);
console.log(`sample: ${sample.length} definitions from ${new Set(sample.map((f) => f.split('.')[0])).size} top-level packages`);

const measure = (label, fn) => {
  const { xs, errors } = timeEach(sample.length, fn);
  report[label] = { p50: pct(xs, 0.5), p99: pct(xs, 0.99), n: xs.length, errors };
  console.log(`${label.padEnd(16)} p50 ${pct(xs, 0.5).toFixed(2)} ms, p99 ${pct(xs, 0.99).toFixed(2)} ms over ${xs.length}${errors ? ` (${errors} raised, e.g. ambiguous)` : ''}`);
};
measure('def', (i) => q.def(sample[i]));
measure('refs', (i) => q.refs(sample[i]));
measure('callers', (i) => q.callers(sample[i]));
measure('callees', (i) => q.callees(sample[i]));
measure('search', (i) => q.search(words[i % words.length]));
measure('impact depth 3', (i) => q.impact(sample[i], 3));
console.log(`this process: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
fed.close();

const transport = new StdioClientTransport({ command: process.execPath, args: [require.resolve('@codegraph/query/bin/codegraph-query.js'), 'mcp'], cwd: dir });
const client = new Client({ name: 'bench', version: '0' });
await client.connect(transport);
const n = Math.min(300, sample.length);
const { viaMcp, direct } = await defRoundTrips(client, dir, sample.slice(0, n));
// Every other tool over the sample, so the server's memory is that of a session that asked everything.
const { tools } = await client.listTools();
const has = new Set(tools.map((t) => t.name));
for (let i = 0; i < n; i++) {
  const name = sample[i];
  for (const [tool, args] of [
    ['refs', { name }],
    ['callers', { name }],
    ['callees', { name }],
    ['impact', { target: name }],
    ['chunk', { name }],
    ['search', { text: words[i % words.length] }],
  ]) {
    if (has.has(tool)) await client.callTool({ name: tool, arguments: args }).catch(() => undefined);
  }
}
const status = fs.readFileSync(`/proc/${transport.pid}/status`, 'utf8');
const hwmMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
await client.close();

report.mcp = { defP50: pct(viaMcp, 0.5), directP50: pct(direct, 0.5), overheadP50: pct(viaMcp, 0.5) - pct(direct, 0.5), serverPeakRssMb: hwmMb, toolsCalled: n * 7 };
console.log(`MCP def round trip p50 ${pct(viaMcp, 0.5).toFixed(2)} ms, direct ${pct(direct, 0.5).toFixed(2)} ms: overhead ${report.mcp.overheadP50.toFixed(2)} ms`);
console.log(`MCP server peak RSS ${hwmMb.toFixed(0)} MB after ${report.mcp.toolsCalled} tool calls (goal ≤ 300 MB)`);
if (values.json) fs.writeFileSync(values.json, JSON.stringify(report, null, 2));
