#!/usr/bin/env node
/**
 * The monorepo-scale benchmark, through Nx as a user runs it: the machine's Python stdlib, Debian's python3-django
 * and python3-sympy as three projects of one Nx workspace (~4,100 files, ~1.7M lines), the plugin installed from
 * `npm pack` tarballs of this repo, and `nx run repo:codegraph-index` timed with its peak RSS (largest process, from
 * GNU time's %M or getrusage of the children) in these runs, all in one invocation:
 *
 *   cold (outputs and .nx removed) · warm (nothing changed) · body-only edit of django/utils/text.py (a `pass` line
 *   in a function body) and its restore · exported-signature edit (a new top-level `def zz_bench`) and its restore
 *
 * plus the yardstick measured in the same run: single-core web-tree-sitter parse-only time over every file
 * (tools/bench/parse-only.mjs). It prints a markdown table, the sizes of outputs and Nx cache, and the goals met or
 * not; `--json <path>` writes everything as JSON. The machine is shared: compare ratios, and read the load average.
 *
 *   npm run bench:nx                              # default work dir /tmp/codegraph-bench-nx, reused when intact
 *   npm run bench:nx -- --fresh --json /tmp/bench-nx.json --check-outputs
 *
 * Flags: --dir <path> (work dir) · --fresh (rebuild it) · --projects stdlib,django,sympy · --deb-cache <path> (where
 * the .debs go, default /tmp/codegraph-bench-debs) · --check-outputs (after the signature edit, restore and re-run
 * with the Nx cache skipped, so the engine updates the edited outputs incrementally, then compare a digest of every
 * output file with the cold run's; run-specific fields are excluded, see RUN_SPECIFIC_KEYS) · --batch (repeat the
 * runs with `nx run --batch` when the installed plugin has a batch implementation) · --keep (keep `.codegraph` and
 * the Nx cache at the end; by default they are deleted — several GB — and only sources and node_modules are kept)
 * · --npx (time `npx nx …`; by default the runs call node_modules/.bin/nx, the binary npx resolves to, and npx's own
 * start-up — npm's, ~0.3–1.6 s on a busy 2-core machine — is measured once and printed beside the table)
 * · --no-isolate (NX_ISOLATE_PLUGINS=false: Nx loads plugins in its own process; without the daemon it otherwise
 * starts one worker process per plugin on every command, ~1 s of a warm run on 2 cores).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const { l7Digest } = createRequire(import.meta.url)('@codegraph/query');

const here = path.dirname(new URL(import.meta.url).pathname);
const repoRoot = path.resolve(here, '../..');
const NX_VERSION = '24.0.0';
const ALL_PROJECTS = ['stdlib', 'django', 'sympy'];
const EDIT_FILE = 'projects/django/django/utils/text.py';
const SETUP_MARKER = '.bench-nx.json';
const SETUP_FORMAT = 1;
/** Output JSON keys whose values depend on the run, not on the code indexed: timings (`ms`), file mtimes (l0
 * inventory), negative-cache timestamps (l1 manifest `failed`), and the counters saying how a run got its result
 * rather than what it is (`stats` blocks; `computed`/`reused`/`processed` in l2/stats.json and summary `layers`;
 * `resolvedFiles`/`reusedFiles` in l4/stats.json; its `flow` block: how the value-flow answers were obtained — solved,
 * reused whole, dependency summaries solved or read from their cache — whose results are the compared packs). */
const RUN_SPECIFIC_KEYS = new Set(['ms', 'mtimeMs', 'at', 'expires', 'stats', 'computed', 'reused', 'processed', 'resolvedFiles', 'reusedFiles', 'flow']);
const GOALS = { warmS: 1.5, bodyEditS: 2, signatureEditS: 5, coldLinesPerS: 60_000, outputsToSource: 2, peakRssMb: 1024 };

class BenchError extends Error {}

// ------------------------------------------------------------------ small helpers
const log = (msg) => console.log(`[bench-nx] ${msg}`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mb = (bytes) => bytes / 1024 / 1024;

function sh(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20, ...opts });
  } catch (e) {
    const detail = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new BenchError(`${cmd} ${args.join(' ')} failed (${e.status ?? e.code}):\n${detail}`);
  }
}

function commandExists(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every regular file under `dir` (symlinks followed to files, not to directories), relative paths. */
function walkFiles(dir, keep = () => true, skipDir = () => false) {
  const out = [];
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const r = rel ? path.join(rel, e.name) : e.name;
      if (e.isDirectory()) {
        if (!skipDir(r)) stack.push(r);
      } else if (e.isFile() || (e.isSymbolicLink() && fs.statSync(path.join(dir, r), { throwIfNoEntry: false })?.isFile())) {
        if (keep(r)) out.push(r);
      }
    }
  }
  return out.sort();
}

function dirUsage(dir) {
  let bytes = 0;
  let files = 0;
  if (!fs.existsSync(dir)) return { bytes, files };
  for (const f of walkFiles(dir)) {
    bytes += fs.statSync(path.join(dir, f)).size;
    files++;
  }
  return { bytes, files };
}

function writeAtomic(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

// ------------------------------------------------------------------ workspace set-up
function stdlibDir() {
  try {
    return sh('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])']).trim();
  } catch {
    return undefined;
  }
}

/** The package folder of python3-<pkg> unpacked from its .deb (apt-get download + dpkg -x), or undefined. */
function debianPackage(pkg, debCache) {
  fs.mkdirSync(debCache, { recursive: true });
  const name = `python3-${pkg}`;
  const findDeb = () => fs.readdirSync(debCache).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  let deb = findDeb();
  if (!deb) {
    try {
      sh('apt-get', ['download', name], { cwd: debCache });
      deb = findDeb();
    } catch (e) {
      log(`${pkg}: apt-get download ${name} failed: ${e.message.split('\n').slice(-1)[0]}`);
    }
  }
  if (deb) {
    const unpacked = path.join(debCache, `${name}-unpacked`);
    const src = path.join(unpacked, 'usr/lib/python3/dist-packages', pkg);
    if (!fs.existsSync(src)) {
      fs.rmSync(unpacked, { recursive: true, force: true });
      sh('dpkg', ['-x', path.join(debCache, deb), unpacked]);
    }
    if (fs.existsSync(src)) return { dir: src, from: deb };
  }
  const installed = `/usr/lib/python3/dist-packages/${pkg}`;
  if (fs.existsSync(installed)) return { dir: installed, from: `${installed} (installed package)` };
  return undefined;
}

/** Copies the regular files under `src` (Debian's packages hold dangling symlinks to /usr/share: skipped). */
function copyFiles(src, dst, keep, skipDir) {
  const files = walkFiles(src, keep, skipDir);
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dst, f)), { recursive: true });
    fs.copyFileSync(path.join(src, f), path.join(dst, f));
  }
  return files;
}

function pyproject(name, version, extra = '') {
  return `[project]\nname = "${name}"\nversion = "${version}"\n${extra}`;
}

/** Copies each project's sources in; returns the projects actually present (a missing .deb skips its project). */
function buildSources(dir, wanted, debCache) {
  const present = [];
  for (const p of wanted) {
    const root = path.join(dir, 'projects', p);
    if (p === 'stdlib') {
      const std = stdlibDir();
      if (!std) {
        log('stdlib: skipped (no python3 on PATH)');
        continue;
      }
      const files = copyFiles(std, path.join(root, 'lib'), (r) => r.endsWith('.py'), (r) => r === 'site-packages' || r.endsWith('__pycache__'));
      fs.writeFileSync(path.join(root, 'pyproject.toml'), pyproject('stdlib', '3.0.0', '\n[tool.setuptools]\npackage-dir = {"" = "lib"}\n'));
      log(`stdlib: ${files.length} .py files from ${std}`);
    } else {
      const found = debianPackage(p, debCache);
      if (!found) {
        log(`${p}: SKIPPED — python3-${p} could not be downloaded (apt-get download python3-${p}) nor found installed`);
        continue;
      }
      copyFiles(found.dir, path.join(root, p));
      const version = /_(?:\d+%3a)?([0-9][^-_]*)/.exec(found.from)?.[1] ?? '0.0.0';
      fs.writeFileSync(path.join(root, 'pyproject.toml'), pyproject(p, version));
      log(`${p}: copied from ${found.from}`);
    }
    present.push(p);
  }
  return present;
}

function countPy(dir) {
  return walkFiles(path.join(dir, 'projects'), (r) => r.endsWith('.py')).length;
}

function git(dir, args) {
  return sh('git', ['-c', 'user.name=codegraph-bench', '-c', 'user.email=bench@codegraph.invalid', ...args], { cwd: dir });
}

function commitAll(dir, message) {
  git(dir, ['add', '-A']);
  if (git(dir, ['status', '--porcelain']).trim()) git(dir, ['commit', '-q', '--no-verify', '-m', message]);
}

function readMarker(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, SETUP_MARKER), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Reuses the work dir when its marker matches and its sources are as committed (leftover edits are undone). */
function reusable(dir, wanted) {
  const m = readMarker(dir);
  if (!m || m.format !== SETUP_FORMAT || !m.complete || !fs.existsSync(path.join(dir, '.git'))) return undefined;
  if (m.requested.join(',') !== wanted.join(',')) {
    log(`work dir was built for --projects ${m.requested.join(',')}: rebuilding`);
    return undefined;
  }
  if (git(dir, ['status', '--porcelain', '--', 'projects']).trim()) {
    log('work dir: sources differ from their commit (an interrupted run?): restoring them from git');
    git(dir, ['checkout', '-q', '--', 'projects']);
    git(dir, ['clean', '-fdq', '--', 'projects']);
  }
  if (countPy(dir) !== m.pyFiles) return undefined;
  return m;
}

function setUpWorkspace(dir, wanted, { fresh, debCache }) {
  let marker = fresh ? undefined : reusable(dir, wanted);
  if (marker) {
    log(`reusing ${dir} (${marker.projects.join(', ')}; ${fmt(marker.pyFiles)} .py files)`);
  } else {
    log(`building the workspace in ${dir}`);
    // Only a folder this benchmark made (its marker, even from an interrupted set-up) or an empty one is replaced.
    const existing = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    if (existing.length && !existing.includes(SETUP_MARKER)) {
      throw new BenchError(`--dir ${dir} exists, is not empty and was not made by this benchmark: refusing to delete it`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    writeAtomic(path.join(dir, SETUP_MARKER), JSON.stringify({ format: SETUP_FORMAT, complete: false }));
    const projects = buildSources(dir, wanted, debCache);
    if (projects.length === 0) throw new BenchError('no project could be set up: nothing to benchmark');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'codegraph-bench-nx', version: '0.0.0', private: true }, null, 2) + '\n');
    fs.writeFileSync(path.join(dir, 'nx.json'), JSON.stringify({ plugins: [{ plugin: '@codegraph/nx' }] }, null, 2) + '\n');
    // Everything the benchmark adds besides sources is git-ignored, so Nx hashes none of it.
    fs.writeFileSync(path.join(dir, '.gitignore'), ['node_modules', '.nx', '.codegraph', '*.tgz', SETUP_MARKER, 'bench-logs', ''].join('\n'));
    git(dir, ['init', '-q', '-b', 'main']);
    commitAll(dir, 'bench workspace sources');
    marker = { format: SETUP_FORMAT, complete: true, requested: wanted, projects, pyFiles: countPy(dir), tarballs: {} };
    writeAtomic(path.join(dir, SETUP_MARKER), JSON.stringify(marker, null, 2));
  }
  installPlugin(dir, marker);
  return marker;
}

/** `npm pack` of this repo's engine, query package and plugin (built first), installed in the workspace when their bytes changed. */
function installPlugin(dir, marker) {
  log('building this repo (tsc -b) and packing @codegraph/engine, @codegraph/query and @codegraph/nx');
  sh(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: repoRoot });
  const tarballs = {};
  for (const pkg of ['packages/engine', 'packages/query', 'packages/nx-plugin']) {
    const out = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', dir], { cwd: path.join(repoRoot, pkg) }));
    const file = out[0].filename.replace(/^@/, '').replace('/', '-');
    const bytes = fs.readFileSync(path.join(dir, file));
    tarballs[file] = crypto.createHash('sha256').update(bytes).digest('hex');
  }
  const installed = fs.existsSync(path.join(dir, 'node_modules/@codegraph/nx/package.json')) && fs.existsSync(path.join(dir, 'node_modules/nx/package.json'));
  if (installed && JSON.stringify(marker.tarballs) === JSON.stringify(tarballs)) {
    log('plugin tarballs unchanged since the last install: reusing node_modules');
    return;
  }
  // Same name and version with new bytes: remove the old copies so npm cannot keep them.
  fs.rmSync(path.join(dir, 'node_modules/@codegraph'), { recursive: true, force: true });
  log(`npm i -D nx@${NX_VERSION} ${Object.keys(tarballs).join(' ')}`);
  // All tarballs in one install: the plugin depends on @codegraph/engine and @codegraph/query 0.1.0, which are not on
  // the registry. (@codegraph/query compiles better-sqlite3 when installed.)
  sh('npm', ['i', '-D', '--no-audit', '--no-fund', `nx@${NX_VERSION}`, ...Object.keys(tarballs).map((f) => `./${f}`)], { cwd: dir });
  commitAll(dir, 'install nx and the codegraph plugin');
  marker.tarballs = tarballs;
  writeAtomic(path.join(dir, SETUP_MARKER), JSON.stringify(marker, null, 2));
}

// ------------------------------------------------------------------ measuring
/** Set by --no-isolate: Nx loads plugins in its own process instead of one worker process per plugin. */
let inProcessPlugins = false;

function nxEnv(dir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_')));
  return {
    ...env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_CACHE_DIRECTORY: path.join(dir, '.nx/cache'),
    FORCE_COLOR: '0',
    ...(inProcessPlugins ? { NX_ISOLATE_PLUGINS: 'false' } : {}),
  };
}

/** How peak RSS of the largest process is read: GNU time if present (installed when possible), else python3. */
function rssProbe() {
  if (!fs.existsSync('/usr/bin/time') && process.getuid?.() === 0 && commandExists('apt-get')) {
    try {
      sh('apt-get', ['install', '-y', '-q', 'time']);
    } catch {
      /* fall back below */
    }
  }
  if (fs.existsSync('/usr/bin/time')) return { name: 'GNU time %M', wrap: (out, argv) => ['/usr/bin/time', ['-f', '%e %M', '-o', out, ...argv]] };
  if (commandExists('python3')) {
    // ru_maxrss of RUSAGE_CHILDREN: the largest waited-for descendant, in KB on Linux.
    const py = 'import resource,subprocess,sys;r=subprocess.call(sys.argv[2:]);open(sys.argv[1],"w").write("0 %d"%resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);sys.exit(r)';
    return { name: 'getrusage(RUSAGE_CHILDREN) via python3', wrap: (out, argv) => ['python3', ['-c', py, out, ...argv]] };
  }
  return { name: 'none (peak RSS not measured)', wrap: (_out, argv) => [argv[0], argv.slice(1)] };
}

function parseNxTasks(output) {
  const ran = /Successfully ran target \S+ for project \S+(?: and (\d+) tasks? (?:it|they) depends? on)?/.exec(output);
  const total = ran ? 1 + Number(ran[1] ?? 0) : undefined;
  const cachedMatch = /Nx read the output from the cache instead of running the command for (\d+) out of (\d+) tasks?/.exec(output);
  const cached = cachedMatch ? Number(cachedMatch[1]) : 0;
  // Which projects had a task executed (not restored): `✔  nx run p:t` lines without a cache tag, and the
  // requested task itself, whose output Nx prints after `> nx run p:t` (with `[local cache]` when restored).
  const executed = new Set();
  for (const m of output.matchAll(/^\s*(?:✔|>)\s+nx run ([^:\s]+):\S+(.*)$/gm)) if (!/cache\]/.test(m[2])) executed.add(m[1]);
  return { total, cached, run: total === undefined ? undefined : total - cached, projectsRun: [...executed].sort() };
}

async function timedNx(ctx, label, extraArgs = []) {
  const { dir, probe } = ctx;
  const logFile = path.join(dir, 'bench-logs', `${String(++ctx.seq).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-')}.log`);
  const timeOut = `${logFile}.time`;
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const [cmd, args] = probe.wrap(timeOut, [...ctx.nxCommand, 'run', 'repo:codegraph-index', ...extraArgs]);
  const load = os.loadavg()[0];
  const start = performance.now();
  const { code, output } = await new Promise((resolve, reject) => {
    // Its own process group, so an interrupt can stop Nx and every task process it forked, not only its parent.
    const child = spawn(cmd, args, { cwd: dir, env: nxEnv(dir), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    ctx.child = child;
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, output: text }));
  }).finally(() => (ctx.child = undefined));
  const wallS = (performance.now() - start) / 1000;
  fs.writeFileSync(logFile, output);
  if (code !== 0) {
    throw new BenchError(`run "${label}" failed (exit ${code}); log: ${logFile}\n${output.trim().split('\n').slice(-25).join('\n')}`);
  }
  let peakRssMb;
  try {
    const last = fs.readFileSync(timeOut, 'utf8').trim().split('\n').pop();
    peakRssMb = Number(last.split(' ')[1]) / 1024 || undefined;
  } catch {
    peakRssMb = undefined;
  }
  const tasks = parseNxTasks(output);
  const row = { run: label, wallS, peakRssMb, tasksRun: tasks.run, tasksCached: tasks.cached, tasksTotal: tasks.total, projectsRun: tasks.projectsRun, load1: load, log: logFile };
  log(`${label}: ${wallS.toFixed(2)} s, peak RSS ${peakRssMb ? fmt(peakRssMb) : '?'} MB, tasks run ${tasks.run ?? '?'} / cached ${tasks.cached} (load ${load.toFixed(2)})`);
  ctx.rows.push(row);
  return row;
}

function npxOverhead(dir, nxBin) {
  const median = (argv) => {
    const times = [0, 1, 2].map(() => {
      const t = performance.now();
      sh(argv[0], [...argv.slice(1), '--version'], { cwd: dir, env: nxEnv(dir) });
      return (performance.now() - t) / 1000;
    });
    return times.sort((a, b) => a - b)[1];
  };
  return median(['npx', 'nx']) - median([nxBin]);
}

async function parseOnly(dir) {
  const files = walkFiles(path.join(dir, 'projects'), (r) => r.endsWith('.py')).map((r) => path.join(dir, 'projects', r));
  const list = path.join(dir, 'bench-logs', 'files.json');
  fs.mkdirSync(path.dirname(list), { recursive: true });
  fs.writeFileSync(list, JSON.stringify(files));
  log(`parse-only yardstick over ${fmt(files.length)} files (one core, web-tree-sitter)`);
  const script = path.join(repoRoot, 'tools/bench/parse-only.mjs');
  const result = JSON.parse(sh(process.execPath, [script, list], { cwd: repoRoot }));
  log(`parse-only: ${(result.ms / 1000).toFixed(2)} s, ${fmt((result.lines / result.ms) * 1000)} lines/s, peak RSS ${result.maxRssMb} MB`);
  return result;
}

// ------------------------------------------------------------------ outputs
const LAYERS = ['l0', 'l1', 'l2', 'l4', 'l5', 'l7', 'l9'];

function outputSizes(dir) {
  const root = path.join(dir, '.codegraph');
  const byLayer = Object.fromEntries([...LAYERS, 'summary', 'repo', 'other'].map((l) => [l, { bytes: 0, files: 0 }]));
  for (const rel of fs.existsSync(root) ? walkFiles(root) : []) {
    const parts = rel.split(path.sep);
    // projects/<projectRoot…>/<layer>/…: the layer is the first path part after the project root that names one.
    const layer = parts[0] === 'repo' ? 'repo' : (parts.find((p, i) => i > 0 && LAYERS.includes(p)) ?? (parts.at(-1) === 'summary.json' ? 'summary' : 'other'));
    byLayer[layer].bytes += fs.statSync(path.join(root, rel)).size;
    byLayer[layer].files++;
  }
  const total = Object.values(byLayer).reduce((a, b) => ({ bytes: a.bytes + b.bytes, files: a.files + b.files }), { bytes: 0, files: 0 });
  return { ...total, byLayer };
}

function dropRunSpecific(value) {
  if (Array.isArray(value)) return value.map(dropRunSpecific);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !RUN_SPECIFIC_KEYS.has(k)).map(([k, v]) => [k, dropRunSpecific(v)]));
  }
  return value;
}

/**
 * path → sha1 of every output file; `.json` files are hashed without their run-specific keys, and L7's `.sqlite`
 * databases by their logical content (@codegraph/query's l7Digest): an incremental L7 run holds the same index as a
 * cold one but not the same bytes (file ids, page and FTS5 segment order), and a byte-identical file would mean
 * rewriting the whole database after each incremental run.
 */
function outputDigest(dir) {
  const root = path.join(dir, '.codegraph');
  const digest = new Map();
  for (const rel of walkFiles(root)) {
    const bytes = fs.readFileSync(path.join(root, rel));
    let content = bytes;
    if (rel.endsWith('.sqlite')) content = l7Digest(path.join(root, rel));
    else if (rel.endsWith('.json')) {
      try {
        content = JSON.stringify(dropRunSpecific(JSON.parse(bytes.toString('utf8'))));
      } catch {
        /* not JSON after all: compare its bytes */
      }
    }
    digest.set(rel, crypto.createHash('sha1').update(content).digest('hex'));
  }
  return digest;
}

/** L1 files reused / processed by the last run, over every project: shows the check run was incremental. */
function l1Reuse(dir) {
  const root = path.join(dir, '.codegraph/projects');
  const sum = { reused: 0, processed: 0 };
  for (const rel of walkFiles(root, (r) => path.basename(r) === 'summary.json')) {
    const l1 = JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8')).lastRun?.find((l) => l.layer === 'l1');
    sum.reused += l1?.reused ?? 0;
    sum.processed += l1?.processed ?? 0;
  }
  return sum;
}

function compareDigests(expected, actual) {
  const diffs = [];
  for (const [p, h] of expected) if (actual.get(p) !== h) diffs.push(actual.has(p) ? `changed: ${p}` : `missing: ${p}`);
  for (const p of actual.keys()) if (!expected.has(p)) diffs.push(`extra: ${p}`);
  return diffs;
}

// ------------------------------------------------------------------ edits
function bodyOnlyEdit(text) {
  // A `pass` line appended to the body of the file's last top-level function: no exported symbol changes.
  const lines = text.split('\n');
  let def = -1;
  for (let i = lines.length - 1; i >= 0; i--) if (/^def \w+\(/.test(lines[i])) { def = i; break; }
  if (def < 0) throw new BenchError(`${EDIT_FILE}: no top-level function to edit`);
  let last = def;
  for (let i = def + 1; i < lines.length && (lines[i] === '' || /^\s/.test(lines[i])); i++) if (lines[i].trim()) last = i;
  lines.splice(last + 1, 0, '    pass  # codegraph bench: body-only edit');
  return lines.join('\n');
}

function signatureEdit(text) {
  return `${text.endsWith('\n') ? text : text + '\n'}\n\ndef zz_bench():\n    pass\n`;
}

async function withEdit(ctx, label, transform, afterRestore) {
  const file = path.join(ctx.dir, EDIT_FILE);
  const original = fs.readFileSync(file);
  const edited = transform(original.toString('utf8'));
  if (edited === original.toString('utf8')) throw new BenchError(`${label}: the edit changed nothing`);
  const restore = () => fs.writeFileSync(file, original);
  ctx.pendingRestore = restore;
  try {
    fs.writeFileSync(file, edited);
    await timedNx(ctx, label, ctx.extraArgs);
  } finally {
    restore();
    ctx.pendingRestore = undefined;
  }
  await afterRestore();
}

// ------------------------------------------------------------------ report
function markdownTable(rows, parseMs) {
  const head = '| run | wall s | × parse-only time | peak RSS MB | tasks run / cached |\n|---|---:|---:|---:|---|';
  const body = rows.map(
    (r) =>
      `| ${r.run} | ${r.wallS.toFixed(2)} | ${(r.wallS / (parseMs / 1000)).toFixed(2)} | ${r.peakRssMb ? fmt(r.peakRssMb) : '?'} | ${r.tasksRun ?? '?'} / ${r.tasksCached ?? '?'} |`,
  );
  return [head, ...body].join('\n');
}

function checkGoals(result) {
  const byRun = (name) => result.runs.find((r) => r.run === name);
  const peak = Math.max(...result.runs.map((r) => r.peakRssMb ?? 0));
  const g = [];
  const add = (goal, value, met, shown) => g.push({ goal, value, met, shown });
  const warm = byRun('warm');
  const body = byRun('body-only edit');
  const sig = byRun('signature edit');
  const cold = byRun('cold');
  if (warm) add(`warm ≤ ${GOALS.warmS} s`, warm.wallS, warm.wallS <= GOALS.warmS, `${warm.wallS.toFixed(2)} s`);
  if (body) add(`body-only edit ≤ ${GOALS.bodyEditS} s`, body.wallS, body.wallS <= GOALS.bodyEditS, `${body.wallS.toFixed(2)} s`);
  if (sig) add(`signature edit ≤ ${GOALS.signatureEditS} s`, sig.wallS, sig.wallS <= GOALS.signatureEditS, `${sig.wallS.toFixed(2)} s`);
  if (cold) add(`cold ≥ ${fmt(GOALS.coldLinesPerS)} lines/s`, result.coldLinesPerS, result.coldLinesPerS >= GOALS.coldLinesPerS, `${fmt(result.coldLinesPerS)} lines/s`);
  add(`outputs ≤ ${GOALS.outputsToSource}× source`, result.outputsToSource, result.outputsToSource <= GOALS.outputsToSource, `${result.outputsToSource.toFixed(1)}×`);
  if (peak > 0) add(`peak RSS ≤ ${GOALS.peakRssMb} MB`, peak, peak <= GOALS.peakRssMb, `${fmt(peak)} MB`);
  return g;
}

function printReport(result) {
  const w = result.workspace;
  console.log(`\n## codegraph through Nx — ${w.projects.join(' + ')}: ${fmt(w.files)} files, ${fmt(w.lines)} lines, ${(mb(w.sourceBytes)).toFixed(1)} MB of .py`);
  console.log(`machine: ${result.machine.cores} cores, node ${result.machine.node}, nx ${NX_VERSION}; load average at start ${result.machine.loadStart.map((l) => l.toFixed(2)).join(' ')}, at end ${result.machine.loadEnd.map((l) => l.toFixed(2)).join(' ')}; peak RSS by ${result.machine.rssProbe}`);
  console.log(`runs time \`${result.nxCommand} run repo:codegraph-index\`; \`npx nx\` would add ${result.npxOverheadS.toFixed(2)} s each (npm start-up, measured)`);
  console.log(`parse-only yardstick (one core, web-tree-sitter): ${(result.parseOnly.ms / 1000).toFixed(2)} s, ${fmt(result.parseOnly.linesPerS)} lines/s, peak RSS ${result.parseOnly.maxRssMb} MB\n`);
  console.log(markdownTable(result.runs, result.parseOnly.ms));
  for (const r of result.runs.filter((r) => /edit/.test(r.run) && r.tasksRun)) console.log(`${r.run}: tasks executed in ${r.projectsRun.join(', ')}`);
  const o = result.outputs;
  console.log(`\ncold: ${fmt(result.coldLinesPerS)} lines/s (${(result.coldLinesPerS / result.parseOnly.linesPerS).toFixed(2)} of parse-only speed)`);
  console.log(`outputs (.codegraph): ${mb(o.bytes).toFixed(1)} MB in ${fmt(o.files)} files = ${result.outputsToSource.toFixed(2)}× the source`);
  console.log(`  ${Object.entries(o.byLayer).filter(([, v]) => v.files).map(([k, v]) => `${k} ${mb(v.bytes).toFixed(1)} MB / ${fmt(v.files)} files`).join(' · ')}`);
  console.log(`Nx cache (.nx/cache): after cold ${mb(result.nxCache.afterCold.bytes).toFixed(1)} MB / ${fmt(result.nxCache.afterCold.files)} files; at end ${mb(result.nxCache.atEnd.bytes).toFixed(1)} MB / ${fmt(result.nxCache.atEnd.files)} files`);
  if (result.check) {
    const c = result.check;
    console.log(`\noutputs check (JSON keys ignored: ${[...RUN_SPECIFIC_KEYS].join(', ')}):`);
    for (const s of c.steps) {
      const verdict = s.ok ? `${fmt(s.files)} files identical` : `${s.diffs.length} differences, e.g. ${s.diffs.slice(0, 5).join('; ')}`;
      console.log(`  ${s.ok ? 'OK  ' : 'DIFF'} ${s.what} (L1 reused ${fmt(s.l1.reused)} files, parsed ${fmt(s.l1.processed)}): ${verdict}`);
    }
  }
  console.log('\ngoals:');
  for (const g of result.goals) console.log(`  ${g.met ? 'met    ' : 'NOT met'}  ${g.goal}: ${g.shown}`);
}

// ------------------------------------------------------------------ main
async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: '/tmp/codegraph-bench-nx' },
      fresh: { type: 'boolean', default: false },
      projects: { type: 'string', default: ALL_PROJECTS.join(',') },
      'deb-cache': { type: 'string', default: '/tmp/codegraph-bench-debs' },
      json: { type: 'string' },
      'check-outputs': { type: 'boolean', default: false },
      batch: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      npx: { type: 'boolean', default: false },
      'no-isolate': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    const header = fs.readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0];
    console.log(header.replace(/^#!.*\n\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
    return;
  }
  const wanted = values.projects.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((p) => !ALL_PROJECTS.includes(p));
  if (unknown.length || wanted.length === 0) throw new BenchError(`--projects: expected some of ${ALL_PROJECTS.join(',')}, got ${values.projects}`);
  const dir = path.resolve(values.dir);
  if (dir === '/' || dir === os.homedir() || repoRoot.startsWith(dir)) throw new BenchError(`--dir ${dir}: refusing to use this folder as a work dir`);
  for (const tool of ['git', 'npm', 'npx']) if (!commandExists(tool)) throw new BenchError(`${tool} not found on PATH`);

  const loadStart = os.loadavg();
  const marker = setUpWorkspace(dir, wanted, { fresh: values.fresh, debCache: path.resolve(values['deb-cache']) });
  if (!marker.projects.includes('django')) log(`note: django is not set up, so the edit runs (${EDIT_FILE}) are skipped`);

  const probe = rssProbe();
  // npx costs npm's start-up (measured below), not Nx's or codegraph's: the runs call the binary npx resolves to.
  const nxBin = path.join(dir, 'node_modules/.bin/nx');
  inProcessPlugins = values['no-isolate'];
  if (inProcessPlugins) log('NX_ISOLATE_PLUGINS=false: plugins load in the Nx process (no plugin worker processes)');
  const ctx = { dir, probe, rows: [], seq: 0, extraArgs: [], pendingRestore: undefined, nxCommand: values.npx ? ['npx', 'nx'] : [nxBin] };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      try {
        if (ctx.child) process.kill(-ctx.child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      ctx.pendingRestore?.();
      console.error(`bench-nx: interrupted (${signal})${ctx.pendingRestore ? `; ${EDIT_FILE} restored` : ''}`);
      process.exit(130);
    });
  }
  const parse = await parseOnly(dir);
  parse.linesPerS = (parse.lines / parse.ms) * 1000;

  const editable = fs.existsSync(path.join(dir, EDIT_FILE));
  // Cold means no outputs and no .nx at all (cache and workspace data: the project graph is computed again too).
  const clean = () => {
    fs.rmSync(path.join(dir, '.nx'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, '.codegraph'), { recursive: true, force: true });
  };
  const npxOverheadS = npxOverhead(dir, nxBin);
  log(`npx start-up overhead (npx nx --version minus nx --version, median of 3): ${npxOverheadS.toFixed(2)} s`);
  const result = { npxOverheadS, nxCommand: values.npx ? 'npx nx' : 'node_modules/.bin/nx', machine: { cores: os.cpus().length, node: process.version, rssProbe: probe.name, loadStart }, workspace: { projects: marker.projects, dir, files: parse.files, lines: parse.lines, sourceBytes: parse.bytes }, parseOnly: parse };

  let batchSupported = false;
  if (values.batch) {
    const executors = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/@codegraph/nx/executors.json'), 'utf8')).executors;
    batchSupported = Object.values(executors).some((e) => e.batchImplementation);
    if (!batchSupported) log('--batch: the installed @codegraph/nx has no batchImplementation in executors.json: batch runs skipped');
  }

  try {
    const series = async (suffix, extraArgs) => {
      ctx.extraArgs = extraArgs;
      clean();
      await timedNx(ctx, `cold${suffix}`, extraArgs);
      if (!suffix) {
        result.outputs = outputSizes(dir);
        result.nxCache = { afterCold: dirUsage(path.join(dir, '.nx/cache')) };
        if (values['check-outputs']) ctx.coldDigest = outputDigest(dir);
      }
      await timedNx(ctx, `warm${suffix}`, extraArgs);
      if (!editable) return;
      await withEdit(ctx, `body-only edit${suffix}`, bodyOnlyEdit, () => timedNx(ctx, `body-only edit restored${suffix}`, extraArgs));
      await withEdit(ctx, `signature edit${suffix}`, signatureEdit, async () => {
        if (suffix || !values['check-outputs']) return void (await timedNx(ctx, `signature edit restored${suffix}`, extraArgs));
        // The restore re-runs without the Nx cache, so the engine updates the edited outputs in place (per-file
        // reuse); those must equal the cold run's.
        await timedNx(ctx, 'signature edit restored, Nx cache skipped (check)', ['--skip-nx-cache']);
        const steps = [];
        const diffs = compareDigests(ctx.coldDigest, outputDigest(dir));
        steps.push({ what: 'incremental restore after the signature edit vs cold', ok: diffs.length === 0, files: ctx.coldDigest.size, diffs, l1: l1Reuse(dir) });
        result.check = { excludedJsonKeys: [...RUN_SPECIFIC_KEYS], steps };
      });
    };
    await series('', []);
    result.nxCache.atEnd = dirUsage(path.join(dir, '.nx/cache'));
    if (batchSupported) await series(' (batch)', ['--batch']);
  } finally {
    result.runs = ctx.rows;
    if (!values.keep) {
      log('removing .codegraph and the Nx cache (--keep keeps them)');
      clean();
    }
  }
  result.machine.loadEnd = os.loadavg();
  const cold = ctx.rows.find((r) => r.run === 'cold');
  result.coldLinesPerS = cold ? result.workspace.lines / cold.wallS : 0;
  result.outputsToSource = result.outputs.bytes / result.workspace.sourceBytes;
  result.goals = checkGoals(result);
  printReport(result);
  if (values.json) {
    writeAtomic(path.resolve(values.json), JSON.stringify(result, null, 2) + '\n');
    log(`JSON written to ${path.resolve(values.json)}`);
  }
  if (result.check && result.check.steps.some((s) => !s.ok)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e instanceof BenchError ? `bench-nx: ${e.message}` : e);
  process.exit(1);
});
