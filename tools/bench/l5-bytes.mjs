#!/usr/bin/env node
/**
 * Where L5's bytes go, and what reading them costs: for a project's L5 output (`<out>/l5/`), the size of each pack,
 * the raw and brotli size of each field of FileFlow and of the value-flow facts as JSON (each field of a file
 * compressed on its own, summed), and the time to read every file's FileFlow and facts back through L5Reader.
 *
 *   node tools/bench/l5-bytes.mjs <outDir> [--fields] [--source <bytes of Python source, for ratios>]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const engine = require('@codegraph/engine');

const { values, positionals } = parseArgs({ allowPositionals: true, options: { fields: { type: 'boolean' }, source: { type: 'string' } } });
const out = positionals[0];
if (!out) throw new Error('usage: l5-bytes.mjs <outDir> [--fields] [--source <bytes>]');

const br = (s) => zlib.brotliCompressSync(Buffer.from(s), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 3 } }).length;
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;

await engine.initHash();
const l5 = path.join(out, 'l5');
const source = values.source ? Number(values.source) : undefined;
for (const f of ['flow.pack', 'facts.pack', 'manifest.json']) {
  const size = fs.statSync(path.join(l5, f)).size;
  console.log(`${f.padEnd(14)} ${mb(size)}${source ? `  ${(size / source).toFixed(3)}× source` : ''}`);
}

const r = engine.L5Reader.open(out);
const paths = r.paths;
// Read everything twice, timing the second pass (the first warms the page cache and the JIT).
let flows = [];
let facts = [];
for (let pass = 0; pass < 2; pass++) {
  const t0 = performance.now();
  flows = paths.map((p) => r.flow(p));
  const t1 = performance.now();
  facts = paths.map((p) => r.facts(p));
  const t2 = performance.now();
  if (pass === 1) console.log(`read all ${paths.length} files: flow ${(t1 - t0).toFixed(0)} ms, facts ${(t2 - t1).toFixed(0)} ms`);
}
r.close();

if (values.fields) {
  const tally = new Map();
  const add = (key, v) => {
    const j = JSON.stringify(v);
    const t = tally.get(key) ?? { raw: 0, br: 0 };
    t.raw += j.length;
    t.br += br(j);
    tally.set(key, t);
  };
  for (const ff of flows) {
    if (!ff) continue;
    for (const k of ['kind', 'name', 'span', 'parent', 'entry', 'exit', 'blocks', 'edges', 'idom', 'ipdom', 'globals', 'nonlocals', 'defs', 'uses'])
      add(`flow.${k}`, ff.scopes.map((s) => s[k]));
    add('flow.skipped', ff.skipped ?? null);
  }
  for (const fx of facts) {
    if (!fx) continue;
    for (const k of ['vars', 'funcs', 'classes', 'globals', 'all', 'stars', 'sites', 'c']) add(`facts.${k}`, fx[k] ?? null);
  }
  console.log('field (JSON, per file)       raw          brotli-3');
  for (const [k, t] of [...tally].sort((a, b) => b[1].br - a[1].br)) console.log(`${k.padEnd(24)} ${mb(t.raw).padStart(11)} ${mb(t.br).padStart(11)}`);
}
