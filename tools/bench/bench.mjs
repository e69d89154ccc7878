#!/usr/bin/env node
/**
 * codegraph benchmark on real corpora: this machine's Python standard library, plus Debian's python3-django and
 * python3-sympy when installed (`apt-get install -y python3-django python3-sympy`).
 *
 * For each corpus it prints, measured in the same run: files, LOC, raw tree-sitter parse-only LOC/s on one core
 * (wasm, the parser the engine uses; native too when the optional `tree-sitter` binding loads), L1 cold LOC/s with
 * all cores, their ratio, the warm (no change) re-run time, L5 (CFG/SSA) cold as a ratio to L1 cold and to parse-only,
 * L8 (diagnostics) as a ratio to L1 cold, and peak RSS of each phase. Phases run in child processes so each peak RSS is its own. Ratios are what to compare across machines; absolute times are noisy.
 *
 *   npm run bench                 # all corpora found
 *   npm run bench -- --corpus stdlib --workers 2
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { parseOnlyWasm, readSources } from './parse-only.mjs';

const require = createRequire(import.meta.url);
const self = new URL(import.meta.url).pathname;

// ------------------------------------------------------------------ child phases
async function phase(name, args) {
  const engine = require('@codegraph/engine');
  const t0 = performance.now();
  let out = {};
  if (name === 'parse-wasm' || name === 'parse-native') {
    const files = JSON.parse(fs.readFileSync(args.list, 'utf8'));
    const { texts } = readSources(files);
    if (name === 'parse-wasm') {
      out = { ms: await parseOnlyWasm(texts) };
    } else {
      const Parser = require('tree-sitter');
      const p = new Parser();
      p.setLanguage(require('tree-sitter-python'));
      let n = 0;
      // Native trees are freed by GC after an event-loop turn; yield now and then so memory stays bounded.
      const parse = (t) => {
        p.parse(t);
        if (++n % 10 === 0) globalThis.gc?.();
      };
      const s = performance.now();
      for (let i = 0; i < texts.length; i++) {
        parse(texts[i]);
        if (i % 10 === 0) await new Promise(setImmediate);
      }
      out = { ms: performance.now() - s };
    }
  } else if (name === 'index') {
    const s = performance.now();
    const summary = await engine.indexDirectory({ dir: args.dir, outDir: args.out, workers: Number(args.workers) });
    out = { ms: performance.now() - s, summary };
  } else if (name === 'l5') {
    const s = performance.now();
    const m = await engine.runL5({ root: args.dir, outDir: args.out, workers: Number(args.workers) });
    out = { ms: performance.now() - s, totals: m.totals, failed: Object.keys(m.failed).length };
  } else if (name === 'l2') {
    const s = performance.now();
    const stats = await engine.runL2({ root: args.dir, project: { name: 'corpus', outDir: args.out } });
    out = { ms: performance.now() - s, stats };
  } else if (name === 'l4') {
    const s = performance.now();
    const stats = await engine.runL4({ root: args.dir, project: { name: 'corpus', outDir: args.out } });
    out = { ms: performance.now() - s, stats, resolution: await engine.resolutionStats(args.out) };
  } else if (name === 'l9') {
    const s = performance.now();
    const r = await engine.runL9({ root: args.dir, projectDir: args.dir, outDir: args.out, name: 'corpus' });
    out = { ms: performance.now() - s, undeclared: r.undeclared.length };
  } else if (name === 'l8') {
    const s = performance.now();
    const d = await engine.runL8({ root: args.dir, outDir: args.out, project: 'corpus' });
    out = { ms: performance.now() - s, counts: d.counts, byRule: d.byRule };
  }
  out.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  out.totalMs = performance.now() - t0;
  process.stdout.write(JSON.stringify(out));
}

function runPhase(name, args) {
  const argv = ['--expose-gc', self, '--phase', name, ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])];
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`phase ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ------------------------------------------------------------------ corpora
function stdlibDir() {
  try {
    return execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function corpora(only) {
  const list = [];
  const std = stdlibDir();
  if (std) list.push({ name: 'stdlib', dir: std });
  else console.log('stdlib: skipped (no python3 on PATH)');
  for (const pkg of ['django', 'sympy']) {
    const dir = `/usr/lib/python3/dist-packages/${pkg}`;
    // Indexed from a folder holding the package, so module names are `django.db…` as its own imports spell them.
    if (fs.existsSync(dir)) list.push({ name: pkg, dir, pkg: true });
    else console.log(`${pkg}: skipped (install with: apt-get install -y python3-${pkg})`);
  }
  return only ? list.filter((c) => c.name === only) : list;
}

function pyFiles(dir) {
  const { discoverFiles } = require('@codegraph/engine');
  return discoverFiles(dir, dir, { extensions: ['.py'] }).files.map((f) => path.join(dir, f));
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function main() {
  const { values } = parseArgs({
    options: {
      phase: { type: 'string' },
      list: { type: 'string' },
      dir: { type: 'string' },
      out: { type: 'string' },
      workers: { type: 'string' },
      corpus: { type: 'string' },
    },
  });
  if (values.phase) return phase(values.phase, values);

  const workers = Number(values.workers ?? (os.availableParallelism?.() ?? os.cpus().length));
  let native = true;
  try {
    require('tree-sitter');
  } catch {
    native = false;
  }
  console.log(`codegraph bench — ${os.cpus().length} cores, node ${process.version}, L1 workers: ${workers}`);
  for (const c of corpora(values.corpus)) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cg-bench-${c.name}-`));
    if (c.pkg) {
      const copy = path.join(tmp, 'src');
      fs.cpSync(c.dir, path.join(copy, path.basename(c.dir)), { recursive: true, dereference: true });
      c.dir = copy;
    }
    const files = pyFiles(c.dir);
    const list = path.join(tmp, 'files.json');
    fs.writeFileSync(list, JSON.stringify(files));
    const out = path.join(tmp, 'out');
    const shown = c.pkg ? `/usr/lib/python3/dist-packages/${c.name}` : c.dir;

    const pw = runPhase('parse-wasm', { list });
    const pn = native ? runPhase('parse-native', { list }) : undefined;
    const cold = runPhase('index', { dir: c.dir, out, workers });
    const warm = runPhase('index', { dir: c.dir, out, workers });
    const loc = cold.summary.loc;
    const parseRate = (loc / pw.ms) * 1000;
    const coldRate = (loc / cold.ms) * 1000;
    console.log(`\n${c.name}: ${fmt(cold.summary.files)} files, ${fmt(loc)} LOC (${shown})`);
    console.log(`  parse-only, 1 core, wasm:    ${fmt(parseRate)} LOC/s   peak RSS ${pw.maxRssMb} MB`);
    if (pn) console.log(`  parse-only, 1 core, native:  ${fmt((loc / pn.ms) * 1000)} LOC/s   peak RSS ${pn.maxRssMb} MB  (reference only)`);
    console.log(`  L1 cold, ${workers} workers:         ${fmt(coldRate)} LOC/s   peak RSS ${cold.maxRssMb} MB   ratio to parse-only ${(coldRate / parseRate).toFixed(2)}`);
    console.log(`  L1 warm (no change):         ${(warm.ms / 1000).toFixed(3)} s in-engine, ${(warm.totalMs / 1000).toFixed(3)} s incl. load   peak RSS ${warm.maxRssMb} MB`);
    console.log(`  warm/cold time ratio:        ${(warm.ms / cold.ms).toFixed(4)}`);
    // L5 re-parses every file and builds its CFG/SSA (target: ≤ 0.6× the L1 cold time, same run, same workers).
    const l5 = runPhase('l5', { dir: c.dir, out, workers });
    console.log(`  L5 cold, ${workers} workers:         ${fmt((loc / l5.ms) * 1000)} LOC/s   peak RSS ${l5.maxRssMb} MB   ${(l5.ms / cold.ms).toFixed(2)}× L1 cold, ${(l5.ms / pw.ms).toFixed(2)}× parse-only (1 core)   (${fmt(l5.totals.scopes)} scopes, ${fmt(l5.totals.blocks)} blocks, ${fmt(l5.totals.phis)} phis; ${l5.failed} files failed)`);
    const l2 = runPhase('l2', { dir: c.dir, out });
    console.log(`  L2 occurrences, 1 core:      ${fmt((loc / l2.ms) * 1000)} LOC/s   peak RSS ${l2.maxRssMb} MB   (${fmt(l2.stats.occurrences)} occurrences, docs.pack ${fmt(l2.stats.bytes / 1e6)} MB)`);
    const l4 = runPhase('l4', { dir: c.dir, out });
    const pct = (x) => `${(100 * x).toFixed(1)}%`;
    const { calls, references } = l4.resolution;
    console.log(`  L4 cross-file, 1 core:       ${fmt((loc / l4.ms) * 1000)} LOC/s   peak RSS ${l4.maxRssMb} MB   (${l4.stats.importsResolved}/${l4.stats.imports} imports resolved, ${l4.stats.importsExternal} external)`);
    console.log(`  resolved to a definition in the corpus: call sites ${pct(calls.fraction)} of ${fmt(calls.total)} (${pct(calls.fractionInternal)} of non-external), references ${pct(references.fraction)} of ${fmt(references.total)} (${pct(references.fractionInternal)})`);
    // L8 reads the layers' outputs (L1 manifest, L4/L5 records, L9 report) and the source of files with a finding;
    // goal: ≤ 0.1× the L1 cold time of the same run. L9 first: L8 reads its report.
    runPhase('l9', { dir: c.dir, out });
    const l8 = runPhase('l8', { dir: c.dir, out });
    const l8Ratio = l8.ms / cold.ms;
    console.log(
      `  L8 diagnostics, 1 core:      ${(l8.ms / 1000).toFixed(3)} s   peak RSS ${l8.maxRssMb} MB   ${l8Ratio.toFixed(3)}× L1 cold (goal ≤ 0.1: ${l8Ratio <= 0.1 ? 'met' : 'NOT met'})   ` +
        `(${Object.entries(l8.byRule).map(([r, n]) => `${r} ${n}`).join(', ') || 'no findings'})`,
    );
    console.log(`  IR: ${fmt(cold.summary.nodes)} nodes, ${fmt(cold.summary.edges)} edges; ${cold.summary.syntaxErrorFiles} files with syntax errors, ${cold.summary.failedFiles} failed`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
