#!/usr/bin/env node
/**
 * What the Nx task runner costs per codegraph task, and the bundled example's cold/warm times, measured in one run
 * (the machine is shared: only ratios within one run mean anything).
 *
 *   node packages/nx-plugin/bench/task-cost.mjs [--rounds N] [--variant label=/path/to/a/built/nx-plugin ...] [--skip label/mode]
 *
 * Each variant is a built copy of @codegraph/nx (default: this worktree's package) installed into its own temp copy
 * of examples/shop (own git repo, own Nx cache, no daemon — the e2e environment). For each variant and mode
 * (`default`: what `nx run` does with no flag; `forked`: `--batch=false`, one process per task):
 *   cold   `nx run repo:codegraph-index` in a fresh workspace (nothing cached, no .codegraph)
 *   warm   the same again: every task restored from the local cache
 *   skip   the same with --skip-nx-cache: every task executed, but the engine's own per-file reuse keeps the work small
 *   one    `nx run shop-core:codegraph-l0` cached / --skip-nx-cache: the fixed cost of one `nx run`
 * Per-task costs: cached = (warm − one cached) / (tasks − 1); executed = (skip − one skipped) / (tasks − 1).
 * Each figure is the median of --rounds runs (default 3), taken for every variant and mode in turn.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const nxBin = path.join(repoRoot, 'node_modules', '.bin', 'nx');
const TASKS = 19;

const args = process.argv.slice(2);
let rounds = 3;
const skipCombos = new Set();
const variants = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rounds') rounds = Number(args[++i]);
  else if (args[i] === '--skip') skipCombos.add(args[++i]); // e.g. baseline/forked, when a variant has no batch mode
  else if (args[i] === '--variant') {
    const [label, dir] = args[++i].split('=');
    variants.push({ label, dir: path.resolve(dir) });
  }
}
if (variants.length === 0) variants.push({ label: 'this', dir: path.resolve(here, '..') });

/** node_modules mirroring the repo's, with @codegraph/nx replaced by the variant. */
function nodeModulesFor(base, pluginDir) {
  const nm = path.join(base, 'node_modules');
  fs.mkdirSync(path.join(nm, '@codegraph'), { recursive: true });
  const src = path.join(repoRoot, 'node_modules');
  for (const e of fs.readdirSync(src)) if (e !== '@codegraph') fs.symlinkSync(path.join(src, e), path.join(nm, e));
  fs.symlinkSync(path.join(repoRoot, 'packages', 'engine'), path.join(nm, '@codegraph', 'engine'));
  fs.symlinkSync(pluginDir, path.join(nm, '@codegraph', 'nx'));
  return nm;
}

function workspace(pluginDir, extraFiles = {}) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-taskcost-'));
  const ws = path.join(base, 'ws');
  fs.cpSync(path.join(repoRoot, 'examples', 'shop'), ws, { recursive: true, filter: (s) => !/[/\\](\.codegraph|\.nx|node_modules)([/\\]|$)/.test(s) });
  for (const [rel, text] of Object.entries(extraFiles)) fs.writeFileSync(path.join(ws, rel), text);
  fs.symlinkSync(nodeModulesFor(base, pluginDir), path.join(ws, 'node_modules'), 'dir');
  const git = (a) => execFileSync('git', ['-c', 'user.email=b@b', '-c', 'user.name=b', ...a], { cwd: ws });
  git(['init', '-q', '-b', 'main']);
  git(['add', '-A']);
  git(['commit', '-qm', 'initial']);
  const env = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_ISOLATE_PLUGINS: 'false',
    NX_CACHE_DIRECTORY: path.join(base, 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: path.join(base, 'data'),
    NX_TUI: 'false',
    CI: 'true',
  };
  delete env.NX_BATCH_MODE;
  return { base, ws, env };
}

function timed(ws, env, argv) {
  const t0 = process.hrtime.bigint();
  const out = execFileSync(nxBin, argv, { cwd: ws, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const ran = (out.match(/^> nx run \S+$/gm) ?? []).length;
  const cached = (out.match(/\[(local|remote) cache\]/g) ?? []).length;
  return { s, ran, cached, out };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round3 = (k, x) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toFixed(3)) : x);

// Every (variant, mode) gets its own workspace; each measurement is taken for all of them in turn, `rounds` times
// (median), so the machine's load drifts over all of them alike.
const MODES = { default: [], forked: ['--batch=false'] };
const combos = [];
for (const v of variants)
  for (const [mode, flags] of Object.entries(MODES)) if (!skipCombos.has(`${v.label}/${mode}`)) combos.push({ label: `${v.label}/${mode}`, flags, ...workspace(v.dir) });
const all = (c, extra = []) => ['run', 'repo:codegraph-index', ...c.flags, ...extra];
const one = (c, extra = []) => ['run', 'shop-core:codegraph-l0', ...c.flags, ...extra];
const m = Object.fromEntries(combos.map((c) => [c.label, { cold: [], warm: [], oneCached: [], skip: [], oneSkip: [] }]));
const measure = (key, argv) => {
  for (let r = 0; r < rounds; r++)
    for (const c of combos) {
      const t = timed(c.ws, c.env, argv(c));
      if (key === 'warm' && t.cached !== TASKS) throw new Error(`${c.label}: warm run restored ${t.cached}/${TASKS} tasks`);
      m[c.label][key].push(t.s);
    }
};
for (const c of combos) timed(c.ws, c.env, ['show', 'projects']); // the project graph, as any earlier nx command builds it
for (const c of combos) m[c.label].cold.push(timed(c.ws, c.env, all(c)).s); // one cold run per workspace
measure('warm', (c) => all(c));
measure('oneCached', (c) => one(c));
measure('skip', (c) => all(c, ['--skip-nx-cache']));
measure('oneSkip', (c) => one(c, ['--skip-nx-cache']));
for (const c of combos) {
  const x = Object.fromEntries(Object.entries(m[c.label]).map(([k, v]) => [k, median(v)]));
  const row = { combo: c.label, ...x, perCachedTask: (x.warm - x.oneCached) / (TASKS - 1), perExecutedTask: (x.skip - x.oneSkip) / (TASKS - 1) };
  console.log(JSON.stringify(row, round3));
  fs.rmSync(c.base, { recursive: true, force: true });
}
