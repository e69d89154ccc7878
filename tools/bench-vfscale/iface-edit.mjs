// An interface edit of django (bench:nx's "signature edit": `def zz_bench(): pass` appended to django/utils/text.py,
// then restored) and the L4 that follows it, for one or more engines interleaved, each L4 in its own process; then
// each engine's last L4 checked byte for byte against a cold L4 of the same inputs.
//
//   node tools/bench-vfscale/prepare.mjs /tmp/codegraph-bench-nx/projects /tmp/x/ws     # L0/L1/L5 of stdlib + django
//   node tools/bench-vfscale/iface-edit.mjs /tmp/x/ws /tmp/x/runs <rounds> <label>=<engine dist/index.js> ...
//
// Each engine gets its own copy of the workspace (sources and outputs; django re-indexed by that engine, its
// fingerprint being in every L1 key): cold L4 of django (stdlib's summaries derived once into that copy's store), then per round an edit (or the restore) re-indexed with L1/L5 of django and
// L4 once per engine. Prints one JSON line per L4.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const EDIT_FILE = 'django/django/utils/text.py';
const COMPARED = ['resolved.pack', 'manifest.json', 'deps.json', 'inputs.pack', 'flow-answers.pack', 'flow.pack'];
const self = new URL(import.meta.url).pathname;

if (process.argv[2] === '--step') {
  // node iface-edit.mjs --step <engine> <root> <l4|reindex> [outDir]
  const [, , , enginePath, root, action, outArg] = process.argv;
  const engine = createRequire(import.meta.url)(enginePath);
  await engine.initHash();
  const out = (p) => path.join(root, '.out', p);
  const t0 = performance.now();
  if (action === 'reindex') {
    await engine.indexDirectory({ dir: path.join(root, 'django'), outDir: out('django'), root, workers: 1 });
    await engine.runL5({ root, outDir: out('django'), workers: 1 });
    console.log(JSON.stringify({ reindexMs: Math.round(performance.now() - t0) }));
  } else {
    const s = await engine.runL4({ root, project: { name: 'django', outDir: outArg ?? out('django') }, deps: [{ name: 'stdlib', outDir: out('stdlib') }] });
    const f = s.flow;
    console.log(JSON.stringify({
      ms: Math.round(performance.now() - t0), l4ms: s.ms, resolved: s.resolvedFiles, reused: s.reusedFiles,
      solveMs: f?.solve?.ms, sourceMs: f?.source?.ms, answersReused: f?.answersReused ?? false, table: f?.inputs?.table,
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    }));
  }
  process.exit(0);
}

const [wsRoot, runs, roundsArg = '3', ...engineArgs] = process.argv.slice(2);
const rounds = Number(roundsArg);
const engines = engineArgs.map((a) => {
  const eq = a.indexOf('=');
  return { label: a.slice(0, eq), engine: path.resolve(a.slice(eq + 1)), root: path.join(runs, a.slice(0, eq)) };
});
const step = (e, action, outDir) => {
  const args = [self, '--step', e.engine, e.root, action, ...(outDir ? [outDir] : [])];
  const line = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  return JSON.parse(line);
};
const report = (e, what, r) => console.log(JSON.stringify({ engine: e.label, what, load: os1(), ...r }));
const os1 = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

for (const e of engines) {
  fs.rmSync(e.root, { recursive: true, force: true });
  fs.cpSync(wsRoot, e.root, { recursive: true });
  // django's L1 keys with this engine's fingerprint (else the first edit re-keys every file).
  step(e, 'reindex');
}
for (const e of engines) report(e, 'cold', step(e, 'l4'));
// A first run over unchanged inputs: the summaries are in the store, the answers reused (what a warm state is).
for (const e of engines) report(e, 'nothing changed', step(e, 'l4'));
const original = fs.readFileSync(path.join(wsRoot, EDIT_FILE), 'utf8');
const edited = `${original.endsWith('\n') ? original : original + '\n'}\n\ndef zz_bench():\n    pass\n`;
for (let i = 0; i < rounds; i++) {
  const what = i % 2 === 0 ? 'signature edit' : 'restore';
  for (const e of engines) {
    fs.writeFileSync(path.join(e.root, EDIT_FILE), i % 2 === 0 ? edited : original);
    step(e, 'reindex');
  }
  for (const e of engines) report(e, what, step(e, 'l4'));
}
// The last state from scratch: a copy of the outputs without l4/, L4 cold, the same bytes expected.
for (const e of engines) {
  const cold = path.join(e.root, '.out', 'django-cold');
  fs.rmSync(cold, { recursive: true, force: true });
  fs.cpSync(path.join(e.root, '.out', 'django'), cold, { recursive: true });
  fs.rmSync(path.join(cold, 'l4'), { recursive: true });
  const r = step(e, 'l4', cold);
  const differ = COMPARED.filter((f) => {
    const a = path.join(e.root, '.out', 'django', 'l4', f);
    const b = path.join(cold, 'l4', f);
    return fs.existsSync(a) !== fs.existsSync(b) || (fs.existsSync(a) && !fs.readFileSync(a).equals(fs.readFileSync(b)));
  });
  report(e, 'cold of the last state', { ...r, compared: COMPARED.length, differ });
}
