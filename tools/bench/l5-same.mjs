#!/usr/bin/env node
/**
 * Checks that two builds of the engine give L5 records of the same content: for every Python file of the corpora,
 * each build analyses the file (L5's own per-file entry point), encodes and compresses its FileFlow and facts records
 * as L5 stores them, then decodes them; the decoded values must be deeply equal between the builds, and equal to what
 * the build analysed (the codec's round trip). Prints the stored (compressed) bytes of each build.
 *
 *   node tools/bench/l5-same.mjs <baseline repo or engine package dir> [corpus dir ...]
 *
 * The baseline is another checkout's built engine (e.g. a `git worktree` of main after `npx tsc -b`); the build under
 * test is this checkout's. With no corpus, this machine's standard library and Debian's django (when unpacked where
 * `npm run bench` puts it) are checked.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';

/** A record as stored: a field the analysis holds as `undefined` is absent once encoded (as in JSON). */
function withoutAbsent(v) {
  if (Array.isArray(v)) return v.map(withoutAbsent);
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, withoutAbsent(x)]));
}

const require = createRequire(import.meta.url);
const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../packages/engine');

function engineAt(dir) {
  const pkg = fs.existsSync(path.join(dir, 'dist/layers')) ? dir : path.join(dir, 'packages/engine');
  const d = path.join(pkg, 'dist');
  return {
    dir: d,
    task: require(path.join(d, 'layers/l5-flow/file-task.js')),
    codec: require(path.join(d, 'layers/l5-flow/codec/index.js')),
    pack: require(path.join(d, 'util/pack.js')),
    parser: require(path.join(d, 'lang/python/parser.js')),
    hash: require(path.join(d, 'util/hash.js')),
  };
}

function defaultCorpora() {
  const out = [];
  try {
    out.push(execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim());
  } catch {}
  for (const d of ['/usr/lib/python3/dist-packages/django', path.join(os.tmpdir(), 'codegraph-bench-debs/python3-django-unpacked/usr/lib/python3/dist-packages/django')]) {
    if (fs.existsSync(d)) {
      out.push(d);
      break;
    }
  }
  return out;
}

function* pyFiles(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !e.isSymbolicLink()) {
      if (e.name !== 'site-packages') yield* pyFiles(p);
    } else if (e.isFile() && e.name.endsWith('.py')) yield p;
  }
}

/** The records a build stores for a file, decoded back; or the error it reported. */
function records(e, bytes, file, module) {
  let analysed;
  try {
    analysed = e.task.analyseSource(bytes, file, module);
  } catch (err) {
    return { error: String(err?.message ?? err) };
  }
  const flowRaw = e.codec.encodeFlowRecord(analysed.flow);
  const factsRaw = e.codec.encodeFactsRecord(analysed.facts ?? {});
  const stored = e.pack.storeRecord(flowRaw, e.codec.L5_RECORD_QUALITY).stored.length + e.pack.storeRecord(factsRaw, e.codec.L5_RECORD_QUALITY).stored.length;
  return { analysed: { flow: analysed.flow, facts: analysed.facts ?? {} }, decoded: { flow: e.codec.decodeFlowRecord(flowRaw), facts: e.codec.decodeFactsRecord(factsRaw) }, stored };
}

const [baseDir, ...dirs] = process.argv.slice(2);
if (!baseDir) throw new Error('usage: l5-same.mjs <baseline repo or engine package dir> [corpus dir ...]');
const builds = [engineAt(path.resolve(baseDir)), engineAt(here)];
for (const b of builds) {
  await b.parser.initPythonParser();
  await b.hash.initHash();
}
let files = 0;
let differ = 0;
let roundTrip = 0;
const stored = [0, 0];
let sourceBytes = 0;
for (const dir of dirs.length ? dirs : defaultCorpora()) {
  for (const abs of pyFiles(dir)) {
    const bytes = fs.readFileSync(abs);
    const file = path.relative(path.dirname(dir), abs);
    const module = file.replace(/\.py$/, '').replace(/\/__init__$/, '').replace(/\//g, '.');
    const [a, b] = builds.map((e) => records(e, bytes, file, module));
    files++;
    sourceBytes += bytes.length;
    if (a.error || b.error) {
      if (a.error !== b.error) {
        differ++;
        console.log(`DIFFERENT ${abs}: ${a.error ?? 'ok'} vs ${b.error ?? 'ok'}`);
      }
      continue;
    }
    stored[0] += a.stored;
    stored[1] += b.stored;
    if (!isDeepStrictEqual(a.decoded, b.decoded)) {
      differ++;
      console.log(`DIFFERENT ${abs}`);
    }
    if (!isDeepStrictEqual(b.decoded, withoutAbsent(b.analysed))) {
      roundTrip++;
      console.log(`ROUND TRIP ${abs}: decoded records differ from the analysis`);
    }
  }
}
const ratio = (n) => `${(n / 1e6).toFixed(2)} MB (${(n / sourceBytes).toFixed(3)}× source)`;
console.log(`${files} files: ${differ} with different records, ${roundTrip} not round-tripping; stored baseline ${ratio(stored[0])}, this build ${ratio(stored[1])} (${((stored[1] / stored[0] - 1) * 100).toFixed(2)}%)`);
process.exit(differ || roundTrip ? 1 : 0);
