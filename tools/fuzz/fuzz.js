#!/usr/bin/env node
/**
 * `npm run fuzz -- --files N --seed S [--workers W] [--budget-ms B] [--json]`: hostile files through the real L1
 * file processing (worker pool), a canary after each. Exits 1 on any crash, hang, poisoned successor or silently
 * missing file. Build first (`npm run build`). See lib.js for what is generated and checked.
 */
'use strict';
const { parseArgs } = require('node:util');
const { runFuzz } = require('./lib');

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    'budget-ms': { type: 'string', default: '5000' },
    json: { type: 'boolean', default: false },
  },
});

runFuzz({
  files: Number(values.files),
  seed: Number(values.seed),
  workers: Number(values.workers),
  budgetMs: Number(values['budget-ms']),
  onProgress: (s) => process.stderr.write(`\r${s.files} files, ${s.crashes.length} crashes, ${s.hangs.length} hangs, ${s.poisoned.length} poisoned, ${s.missing.length} missing`),
}).then((s) => {
  process.stderr.write('\n');
  if (values.json) console.log(JSON.stringify(s, null, 1));
  else {
    console.log(`fuzz: ${s.files} files (seed ${values.seed}) in ${(s.ms / 1000).toFixed(1)} s, slowest file+canary ${s.maxMs} ms`);
    console.log(`  indexed ${s.ok}, handled failures (diagnostic) ${s.handled}`);
    console.log(`  crashes ${s.crashes.length}, hangs past budget ${s.hangs.length}, poisoned successors ${s.poisoned.length}, silently missing ${s.missing.length}`);
    for (const [g, x] of Object.entries(s.byGenerator)) console.log(`  ${g}: ${x.files} files, ${x.ok} indexed, ${x.handled} handled`);
    for (const k of ['crashes', 'hangs', 'poisoned', 'missing']) for (const x of s[k].slice(0, 10)) console.log(`  ${k}: ${JSON.stringify(x)}`);
  }
  process.exitCode = s.crashes.length + s.hangs.length + s.poisoned.length + s.missing.length > 0 ? 1 : 0;
});
