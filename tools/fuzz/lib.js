/**
 * The fuzz harness behind `npm run fuzz` and the short deterministic run in jest (hostile-fuzz.test.ts).
 *
 * Makes hostile Python files from real stdlib files (byte mutations, deep nesting, huge lines, UTF-16/32 with and
 * without BOM, latin-1, NUL bytes, unterminated strings), and runs each through the real L1 file processing on the
 * worker pool, followed in the same worker by a canary: a known good file that must give exactly its baseline
 * IR record. Reports crashes (a worker dying, an unexpected exception), hangs past the budget, poisoned successors
 * (a canary that differs) and silently missing files (no IR record and no error).
 *
 * Plain CommonJS so that jest and node load it as is; it uses the built engine (`npm run build` first).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const engine = require('@codegraph/engine');

/** mulberry32: small, fast, good enough for reproducible test inputs. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

function stdlibFiles() {
  const root = execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'site-packages' || e.name === '__pycache__') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

function utf32(text, le) {
  const cps = Array.from(text, (c) => c.codePointAt(0));
  const b = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => (le ? b.writeUInt32LE(cp, i * 4) : b.writeUInt32BE(cp, i * 4)));
  return b;
}

/** The generators: each takes (random, a real source as bytes) and returns hostile bytes. */
const GENERATORS = {
  mutate(r, src) {
    const b = Buffer.from(src);
    const n = 1 + r.int(20);
    const parts = [b];
    for (let i = 0; i < n; i++) {
      const cur = Buffer.concat(parts.splice(0));
      const at = r.int(cur.length + 1);
      switch (r.int(4)) {
        case 0: // flip bytes
          for (let k = 0; k < 1 + r.int(8) && at + k < cur.length; k++) cur[at + k] = r.int(256);
          parts.push(cur);
          break;
        case 1: // delete a span
          parts.push(Buffer.concat([cur.subarray(0, at), cur.subarray(Math.min(cur.length, at + r.int(200)))]));
          break;
        case 2: // duplicate a span
          parts.push(Buffer.concat([cur.subarray(0, at), cur.subarray(at, at + r.int(2000)), cur.subarray(at)]));
          break;
        default: // insert Python punctuation
          parts.push(Buffer.concat([cur.subarray(0, at), Buffer.from(r.pick(['(', ')', '[', ':', '\n    ', '"""', "'", 'f"{', '\\', 'lambda:', '@', '\t'])), cur.subarray(at)]));
      }
    }
    return Buffer.concat(parts);
  },
  deepIfs(r) {
    const levels = 100 + r.int(600);
    const lines = [];
    for (let i = 0; i < levels; i++) lines.push(' '.repeat(i) + 'if x:');
    lines.push(' '.repeat(levels) + (r.next() < 0.7 ? 's = "abc"' : 'pass'));
    return Buffer.from(lines.join('\n') + '\n');
  },
  deepExpr(r) {
    const n = 1000 + r.int(20000);
    const [open, close] = r.pick([['(', ')'], ['[', ']'], ['{', '}'], ['f(', ')'], ['lambda: ', ''], ['not ', '']]);
    return Buffer.from(`x = ${open.repeat(n)}1${close.repeat(n)}\n`);
  },
  deepDefs(r) {
    const n = 50 + r.int(400);
    let s = '';
    for (let i = 0; i < n; i++) s += `${' '.repeat(i)}${r.next() < 0.5 ? 'def' : 'class'} n${i}${r.next() < 0.5 ? '()' : '(x)'}:\n`;
    return Buffer.from(s + ' '.repeat(n) + 'pass\n');
  },
  hugeLine(r, src) {
    const n = 20000 + r.int(100000);
    const text = src.toString('latin1');
    return Buffer.from(text + `\nBIG = [${Array.from({ length: n }, (_, i) => (i % 3 ? `a${i}` : `"s${i}"`)).join(', ')}]\n`, 'latin1');
  },
  encoding(r, src) {
    const text = src.toString('utf8');
    switch (r.int(7)) {
      case 0: return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      case 1: return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
      case 2: return Buffer.from(text, 'utf16le');
      case 3: return Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(text, true)]);
      case 4: return utf32(text, r.next() < 0.5);
      case 5: return Buffer.from('# -*- coding: latin-1 -*-\n' + text, 'latin1');
      default: return Buffer.from(text, 'latin1'); // latin-1 bytes without a cookie
    }
  },
  nuls(r, src) {
    const b = Buffer.from(src);
    const n = 1 + r.int(Math.max(1, b.length >> 4));
    for (let i = 0; i < n; i++) b[r.int(b.length)] = 0;
    return b;
  },
  unterminated(r, src) {
    const text = src.toString('latin1');
    let out = text;
    for (let i = 0; i < 1 + r.int(20); i++) {
      const at = r.int(out.length + 1);
      out = out.slice(0, at) + r.pick(['"', "'", '"""', "'''", 'f"', 'rb"', 'f"{x:{']) + out.slice(at);
    }
    return Buffer.from(out, 'latin1');
  },
};

/** Failures that are handled guards (a diagnostic, the file skipped), not crashes. */
const HANDLED = /^(time-budget|parser-trap|parser-damaged|file too large)/;

/**
 * Runs `files` hostile files (deterministic for a seed) through the worker pool with a canary after each.
 * Returns the figures; `onProgress` is called every 100 files.
 */
async function runFuzz({ files, seed, workers = 2, budgetMs = 5000, workDir, onProgress, sources }) {
  await engine.initHash();
  const corpus = sources ?? stdlibFiles();
  const dir = workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cg-fuzz-'));
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  const keyPrefix = 'fuzz';
  const task = (file) => ({ abs: path.join(dir, 'src', file), file, module: file.replace(/\.py$/, ''), keyPrefix, maxFileBytes: 8 << 20, timeoutMs: budgetMs });

  // The canary and its baseline IR record, computed in process on a fresh parser.
  const canarySrc = fs.readFileSync(corpus.find((p) => p.endsWith(`${path.sep}json${path.sep}decoder.py`)) ?? corpus[0]);
  fs.writeFileSync(path.join(dir, 'src', 'canary.py'), canarySrc);
  await engine.initPythonParser();
  const base = engine.processFile(task('canary.py'));
  if (base.error) throw new Error(`canary failed on a fresh parser: ${base.error}`);
  const baseShard = Buffer.from(base.ir.stored); // the canary's IR record: deterministic bytes for the same input

  const names = Object.keys(GENERATORS);
  const stats = { files: 0, ok: 0, handled: 0, crashes: [], hangs: [], poisoned: [], missing: [], byGenerator: {}, maxMs: 0, ms: 0 };
  const pool = new engine.FilePool(workers, { fileTimeoutMs: budgetMs });
  const t0 = performance.now();
  // Each unit is one hostile file then the canary, in one batch: the same worker runs them in that order.
  const one = async (i) => {
    // One random stream per file, from (seed, index): the same files whatever order the lanes run in.
    const r = rng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    const gen = names[i % names.length];
    const src = fs.readFileSync(corpus[r.int(corpus.length)]);
    const bytes = GENERATORS[gen](r, src);
    const file = `f${String(i).padStart(6, '0')}_${gen}.py`;
    fs.writeFileSync(path.join(dir, 'src', file), bytes);
    const t = performance.now();
    const [res, canary] = await pool.run([task(file), task('canary.py')], 2);
    const ms = performance.now() - t;
    stats.files++;
    stats.maxMs = Math.max(stats.maxMs, ms);
    const g = (stats.byGenerator[gen] ??= { files: 0, ok: 0, handled: 0 });
    g.files++;
    // A hang: more than the budget for both files plus a generous allowance for a loaded machine.
    if (ms > 2 * budgetMs + 10_000) stats.hangs.push({ file, ms: Math.round(ms) });
    if (!res || res.file !== file) stats.missing.push({ file, why: 'no result' });
    else if (res.error) {
      if (HANDLED.test(res.error) && res.diagnostics.length > 0) {
        stats.handled++;
        g.handled++;
      } else stats.crashes.push({ file, error: res.error });
    } else if (!res.key || !res.ir) stats.missing.push({ file, why: 'no IR record and no error' });
    else if (!res.nodes.File || !res.nodes.Module) stats.missing.push({ file, why: 'IR without File/Module' });
    else {
      stats.ok++;
      g.ok++;
    }
    const cOk = canary && !canary.error && canary.key === base.key && canary.ir !== undefined && Buffer.from(canary.ir.stored).equals(baseShard);
    if (!cOk) stats.poisoned.push({ after: file, error: canary?.error });
    // Keep the disk small: hostile files are not needed once checked.
    fs.rmSync(path.join(dir, 'src', file), { force: true });
    if (onProgress && stats.files % 100 === 0) onProgress(stats);
  };
  try {
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < files; i = next++) await one(i);
    };
    await Promise.all(Array.from({ length: workers }, lane));
  } finally {
    await pool.close();
    if (!workDir) fs.rmSync(dir, { recursive: true, force: true });
  }
  stats.ms = Math.round(performance.now() - t0);
  stats.maxMs = Math.round(stats.maxMs);
  return stats;
}

module.exports = { runFuzz, GENERATORS, rng, stdlibFiles };
