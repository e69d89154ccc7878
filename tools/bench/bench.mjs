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
 *   npm run bench -- --corpus django --l3   # + L3 (Pyright types) against scip-python on the same corpus
 *
 * With `--l3`: L3 over the corpus as one project (with and without Pyright's diagnostics), the open call sites
 * before and after, and — in the same run — the time of a full Pyright-based index of the corpus by scip-python
 * 0.6.6 (installed on demand into a temp dir, never a dependency); peak RSS of each Pyright process from
 * /proc/<pid>/status VmHWM. Debian's django/sympy are fetched with `apt-get download` + `dpkg -x` when not installed.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
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
    const summary = await engine.indexDirectory({ dir: args.dir, outDir: args.out, workers: Number(args.workers), stageFlow: args.stage === 'true' });
    out = { ms: performance.now() - s, summary };
  } else if (name === 'l5') {
    const s = performance.now();
    const m = await engine.runL5({ root: args.dir, outDir: args.out, workers: Number(args.workers) });
    out = { ms: performance.now() - s, totals: m.totals, failed: Object.keys(m.failed).length };
  } else if (name === 'l2') {
    const s = performance.now();
    const stats = await engine.runL2({ root: args.dir, project: { name: 'corpus', outDir: args.out } });
    out = { ms: performance.now() - s, stats };
  } else if (name === 'l3') {
    const s = performance.now();
    const m = await engine.runL3({ root: args.dir, project: { name: 'corpus', outDir: args.out }, diagnostics: args.diagnostics !== 'false', timeBudgetMs: 60 * 60_000, memoryBudgetMb: 1536, ...(args.mode ? { mode: args.mode } : {}), ...(args.servers ? { servers: Number(args.servers) } : {}) });
    const ndiag = Object.values(JSON.parse(fs.readFileSync(engine.l3DiagnosticsPath(args.out), 'utf8')).files).reduce((n, l) => n + l.length, 0);
    out = { ms: performance.now() - s, totals: m.totals, budget: m.budget, pyrightPeakRssMb: m.pyrightPeakRssMb, pyrightCpuMs: m.pyrightCpuMs, servers: m.servers, phases: m.phases, diagnostics: ndiag };
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

/** Debian's package source: installed, else `apt-get download` + `dpkg -x` into a cache folder (no root needed). */
function debianSource(pkg) {
  const installed = `/usr/lib/python3/dist-packages/${pkg}`;
  if (fs.existsSync(installed)) return installed;
  const cache = path.join(os.tmpdir(), 'codegraph-bench-debs');
  const unpacked = path.join(cache, `python3-${pkg}-unpacked`);
  const dir = path.join(unpacked, 'usr/lib/python3/dist-packages', pkg);
  if (fs.existsSync(dir)) return dir;
  try {
    fs.mkdirSync(cache, { recursive: true });
    execFileSync('apt-get', ['download', `python3-${pkg}`], { cwd: cache, stdio: 'ignore', timeout: 300_000 });
    const deb = fs.readdirSync(cache).find((f) => f.startsWith(`python3-${pkg}_`) && f.endsWith('.deb'));
    execFileSync('dpkg', ['-x', path.join(cache, deb), unpacked], { stdio: 'ignore' });
    return fs.existsSync(dir) ? dir : installed;
  } catch {
    return installed;
  }
}

/** scip-python 0.6.6 installed on demand (npm registry) into a temp dir: the reference for L3's cost. */
function installScipPython(tmp) {
  const dir = path.join(tmp, 'scip-python');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '@sourcegraph/scip-python@0.6.6'], { cwd: dir, stdio: 'ignore', timeout: 600_000 });
  return path.join(dir, 'node_modules/@sourcegraph/scip-python/index.js');
}

/** Runs a command to its end, sampling its peak RSS (VmHWM) and CPU time (utime + stime, ticks of 10 ms) from /proc. */
function runSampled(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    let peak = 0;
    let cpuMs = 0;
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    const sample = () => {
      try {
        const kb = Number(/^VmHWM:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, Math.round(kb / 1024));
        const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpuMs = (Number(f[11]) + Number(f[12])) * 10;
      } catch {
        /* exited */
      }
    };
    const timer = setInterval(sample, 200);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${err}`));
      else resolve({ ms: performance.now() - t0, peakRssMb: peak, cpuMs });
    });
  });
}

function corpora(only) {
  const list = [];
  const std = stdlibDir();
  if (std) list.push({ name: 'stdlib', dir: std });
  else console.log('stdlib: skipped (no python3 on PATH)');
  for (const pkg of ['django', 'sympy']) {
    const dir = only === pkg ? debianSource(pkg) : `/usr/lib/python3/dist-packages/${pkg}`;
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
      l3: { type: 'boolean' },
      diagnostics: { type: 'string' },
      mode: { type: 'string' },
      servers: { type: 'string' },
      stage: { type: 'string' },
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
      // Dangling symlinks (an unpacked .deb links to other packages' files) are left out.
      const exists = (p) => fs.existsSync(p);
      fs.cpSync(c.dir, path.join(copy, path.basename(c.dir)), { recursive: true, dereference: true, filter: exists });
      c.source = c.dir;
      c.dir = copy;
    }
    const files = pyFiles(c.dir);
    const list = path.join(tmp, 'files.json');
    fs.writeFileSync(list, JSON.stringify(files));
    const out = path.join(tmp, 'out');
    const shown = c.pkg ? c.source : c.dir;

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
    // L5 on its own re-parses every file and builds its CFG/SSA (target: ≤ 0.6× the L1 cold time, same run, same
    // workers). Then both again with L5's analysis on L1's parse (layers/l5-flow/staged.ts, what `codegraph index`
    // and the Nx plugin do): L5's cost is then what it adds to L1 plus its own packing of the staged records.
    const l5 = runPhase('l5', { dir: c.dir, out, workers });
    console.log(`  L5 cold alone, ${workers} workers:   ${fmt((loc / l5.ms) * 1000)} LOC/s   peak RSS ${l5.maxRssMb} MB   ${(l5.ms / cold.ms).toFixed(2)}× L1 cold, ${(l5.ms / pw.ms).toFixed(2)}× parse-only (1 core)   (${fmt(l5.totals.scopes)} scopes, ${fmt(l5.totals.blocks)} blocks, ${fmt(l5.totals.phis)} phis; ${l5.failed} files failed)`);
    const outShared = path.join(tmp, 'out-shared');
    const coldShared = runPhase('index', { dir: c.dir, out: outShared, workers, stage: 'true' });
    const l5Shared = runPhase('l5', { dir: c.dir, out: outShared, workers });
    const added = coldShared.ms - cold.ms + l5Shared.ms;
    console.log(`  L5 on L1's parse:            L1 ${(coldShared.ms / cold.ms).toFixed(2)}× L1 cold (peak RSS ${coldShared.maxRssMb} MB), then L5 ${(l5Shared.ms / 1000).toFixed(3)} s: L5 adds ${(added / cold.ms).toFixed(2)}× L1 cold; L1+L5 ${((coldShared.ms + l5Shared.ms) / (cold.ms + l5.ms)).toFixed(2)}× the two alone`);
    const l2 = runPhase('l2', { dir: c.dir, out });
    console.log(`  L2 occurrences, 1 core:      ${fmt((loc / l2.ms) * 1000)} LOC/s   peak RSS ${l2.maxRssMb} MB   (${fmt(l2.stats.occurrences)} occurrences, docs.pack ${fmt(l2.stats.bytes / 1e6)} MB)`);
    const l4 = runPhase('l4', { dir: c.dir, out });
    const pct = (x) => `${(100 * x).toFixed(1)}%`;
    const { calls, references } = l4.resolution;
    console.log(`  L4 cross-file, 1 core:       ${fmt((loc / l4.ms) * 1000)} LOC/s   peak RSS ${l4.maxRssMb} MB   (${l4.stats.importsResolved}/${l4.stats.imports} imports resolved, ${l4.stats.importsExternal} external)`);
    // The whole-project value-flow fixpoint inside that L4 run (solving alone: facts loaded, answers not yet written).
    const solve = l4.stats.flow?.solve;
    if (solve) console.log(`  value-flow fixpoint, 1 core: ${(solve.ms / 1000).toFixed(3)} s = ${(solve.ms / cold.ms).toFixed(2)}× L1 cold   (${fmt(solve.nodes)} nodes, ${fmt(solve.objects)} objects, ${fmt(solve.steps)} steps, ${fmt(solve.bounds)} bounds hit; L4 in all ${(l4.ms / cold.ms).toFixed(2)}× L1 cold)`);
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
    if (values.l3) await benchL3(c, out, tmp, loc);
    console.log(`  IR: ${fmt(cold.summary.nodes)} nodes, ${fmt(cold.summary.edges)} edges; ${cold.summary.syntaxErrorFiles} files with syntax errors, ${cold.summary.failedFiles} failed`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * L3 on the corpus (with, then without Pyright's diagnostics) and scip-python on the same corpus, in this run:
 * open call sites before/after, L3 time as a ratio to scip-python's (target ≤ 0.25×), Pyright's peak RSS (≤ 1.5 GB).
 */
async function benchL3(c, out, tmp, loc) {
  // Every file asked afresh in each run (no reuse of the previous run's answers).
  const l3 = (args) => {
    fs.rmSync(path.join(out, 'l3'), { recursive: true, force: true });
    return runPhase('l3', { dir: c.dir, out, ...args });
  };
  const before = l3({ diagnostics: 'false', mode: 'unresolved', servers: 1 });
  const withDiag = l3({ diagnostics: 'true' });
  const noDiag = l3({ diagnostics: 'false' });
  let scip;
  try {
    const bin = installScipPython(tmp);
    const env = path.join(tmp, 'scip-env.json');
    // An empty environment: scip-python would otherwise run pip to list installed packages.
    fs.writeFileSync(env, '[]');
    scip = await runSampled(process.execPath, [bin, 'index', '--project-name', c.name, '--project-version', '0', '--cwd', c.dir, '--output', path.join(tmp, 'index.scip'), '--environment', env, '--quiet']);
  } catch (e) {
    console.log(`  scip-python: not measured (${String(e.message ?? e).split('\n')[0]})`);
  }
  const sites = (r) => {
    const t = r.totals;
    return `sites asked ${fmt(t.sites)}, answered ${fmt(t.answered)} (${fmt(t.resolvedInCorpus)} in the corpus, ${fmt(t.external)} external); open call sites ${fmt(t.openCallsBefore)} → ${fmt(t.openCallsAfter)} (${(100 * (1 - t.openCallsAfter / Math.max(1, t.openCallsBefore))).toFixed(1)}% fewer)`;
  };
  console.log(`  L3 (Pyright), every open site, one server:  ${sites(before)}`);
  console.log(`  L3 (Pyright), default (selective sites):    ${sites(noDiag)}`);
  // Wall time and CPU time against scip-python's: on a busy machine CPU time is the steadier ratio.
  for (const [label, r] of [['every open site, 1 server, no diag.', before], ['default, with diagnostics', withDiag], ['default, without diagnostics', noDiag]]) {
    const ratio = scip ? `   ${(r.ms / scip.ms).toFixed(2)}× scip-python` : '';
    const cpu = r.pyrightCpuMs !== undefined ? `, Pyright CPU ${(r.pyrightCpuMs / 1000).toFixed(1)} s${scip?.cpuMs ? ` (${(r.pyrightCpuMs / scip.cpuMs).toFixed(2)}× scip-python's)` : ''}` : '';
    const skipped = r.totals.skippedFiles ? `, ${r.totals.skippedFiles} files skipped by budget (${r.budget.exhausted})` : '';
    const ph = r.phases ? ` (inputs ${(r.phases.prepareMs / 1000).toFixed(1)} s, server start ${(r.phases.startMs / 1000).toFixed(1)} s, queries ${(r.phases.queriesMs / 1000).toFixed(1)} s)` : '';
    console.log(`  L3 ${label.padEnd(36)} ${(r.ms / 1000).toFixed(1)} s${ratio}${cpu}${ph}   ${r.servers ?? 0} server(s), Pyright peak RSS ${r.pyrightPeakRssMb ?? '-'} MB, L3 process ${r.maxRssMb} MB; ${fmt(r.diagnostics)} diagnostics${skipped}`);
  }
  if (scip) console.log(`  scip-python 0.6.6 full index: ${(scip.ms / 1000).toFixed(1)} s, CPU ${(scip.cpuMs / 1000).toFixed(1)} s, ${fmt((loc / scip.ms) * 1000)} LOC/s   peak RSS ${scip.peakRssMb} MB`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
