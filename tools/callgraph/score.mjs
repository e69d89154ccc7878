#!/usr/bin/env node
/**
 * Scores codegraph's call graph against the call-graph suite (tools/callgraph/cases, rules in README.md).
 *
 * Each case folder is indexed as one project by the engine's `codegraph index` command function (every layer the
 * CLI runs, so layers added to it are scored without a change here), its graph exported as JSON lines
 * (`exportGraph`, L4's completions applied), and the CALLS edges mapped to the callgraph.json vocabulary:
 * caller = the FQN of the edge's source node, callee = its `target`. Left out, as the suite records them neither:
 * edges with no target (unresolved), edges to classes (the case's own, builtin or stdlib ones: the suite records
 * the `__init__`/`__new__`/`__call__` a class call runs) and INSTANTIATES edges (same reason).
 *
 *   npm run callgraph                         # per-family table
 *   npm run callgraph -- --verbose            # + every missed and extra edge, per case
 *   npm run callgraph -- --json               # machine-readable
 *   npm run callgraph -- --family classes --case mro
 *   npm run callgraph -- --min-precision 95 --min-recall 50   # exit 1 below either (percent or 0..1)
 *   npm run callgraph -- --write-floor        # record the measured scores in floor.json
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const HERE = path.dirname(new URL(import.meta.url).pathname);
const CASES = path.join(HERE, 'cases');
const FLOOR = path.join(HERE, 'floor.json');
const VOCABULARY = JSON.parse(fs.readFileSync(path.join(HERE, 'builtins.json'), 'utf8'));
const CLASS_NAMES = new Set(VOCABULARY.classes);
const FUNCTION_KINDS = new Set(['Function', 'Method', 'Lambda']);

/** Every case folder (one holding callgraph.json) as { family, name, dir }, sorted. */
export function listCases(root = CASES) {
  const out = [];
  for (const family of fs.readdirSync(root).sort()) {
    const fdir = path.join(root, family);
    if (!fs.statSync(fdir).isDirectory()) continue;
    for (const name of fs.readdirSync(fdir).sort()) {
      const dir = path.join(fdir, name);
      if (fs.existsSync(path.join(dir, 'callgraph.json'))) out.push({ family, name, dir });
    }
  }
  return out;
}

const key = (a, b) => `${a} -> ${b}`;

function edgeSet(graph) {
  const s = new Set();
  for (const [caller, callees] of Object.entries(graph)) for (const c of callees) s.add(key(caller, c));
  return s;
}

/** Indexes one case with the engine and returns its nodes and the call edges in the suite's vocabulary. */
async function engineGraph(engine, indexCommand, dir, work) {
  const out = path.join(work, 'out');
  const jsonl = path.join(work, 'graph.jsonl');
  await indexCommand(dir, { out, quiet: true, progress: false, workers: 1 });
  await engine.exportGraph({ projects: [{ name: path.basename(dir), outDir: out }], out: jsonl });
  const nodes = new Map();
  const edges = [];
  for (const line of fs.readFileSync(jsonl, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line);
    if (r.node) nodes.set(r.id, r);
    else if (r.edge === 'CALLS') edges.push(r);
  }
  const functions = new Set();
  const classes = new Set();
  for (const n of nodes.values()) {
    if (FUNCTION_KINDS.has(n.node)) functions.add(n.fqn);
    else if (n.node === 'Class') classes.add(n.fqn);
  }
  const found = new Set();
  for (const e of edges) {
    const caller = nodes.get(e.src)?.fqn;
    const callee = e.target;
    if (!caller || !callee) continue; // unresolved: not an answer
    if (!functions.has(callee) && (classes.has(callee) || CLASS_NAMES.has(callee))) continue; // a class call
    found.add(key(caller, callee));
  }
  return { nodes, functions, classes, found };
}

function ratio(n, d) {
  return d === 0 ? 1 : n / d;
}

function tally(rows) {
  const t = { cases: rows.length, expected: 0, found: 0, truePositives: 0 };
  for (const r of rows) {
    t.expected += r.expected;
    t.found += r.found;
    t.truePositives += r.truePositives;
  }
  return { ...t, precision: ratio(t.truePositives, t.found), recall: ratio(t.truePositives, t.expected) };
}

/** Runs the suite; returns { cases: [...], families: {name: tally}, overall: tally }. */
export async function score({ root = CASES, family, match } = {}) {
  const engine = require('@codegraph/engine');
  const { indexCommand } = require('@codegraph/engine/dist/cli/index-command.js');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-callgraph-'));
  const rows = [];
  try {
    for (const c of listCases(root)) {
      if (family && c.family !== family) continue;
      if (match && !`${c.family}/${c.name}`.includes(match)) continue;
      const expected = edgeSet(JSON.parse(fs.readFileSync(path.join(c.dir, 'callgraph.json'), 'utf8')));
      const caseWork = path.join(work, `${c.family}-${c.name}`);
      fs.mkdirSync(caseWork);
      let g;
      let error;
      try {
        g = await engineGraph(engine, indexCommand, c.dir, caseWork);
      } catch (err) {
        // A case the engine cannot index scores nothing found, and says why; the other cases still run.
        error = String(err?.message ?? err);
        g = { functions: new Set(), classes: new Set(), found: new Set() };
      }
      fs.rmSync(caseWork, { recursive: true, force: true });
      const missed = [...expected].filter((e) => !g.found.has(e)).sort();
      const extra = [...g.found].filter((e) => !expected.has(e)).sort();
      rows.push({
        family: c.family,
        case: c.name,
        expected: expected.size,
        found: g.found.size,
        truePositives: expected.size - missed.length,
        missed,
        extra,
        definitions: { functions: [...g.functions].sort(), classes: [...g.classes].sort() },
        ...(error ? { error } : {}),
      });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const families = {};
  for (const f of [...new Set(rows.map((r) => r.family))].sort()) families[f] = tally(rows.filter((r) => r.family === f));
  return { cases: rows, families, overall: tally(rows) };
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;

function table(result) {
  const head = ['family', 'cases', 'expected', 'found', 'true pos.', 'precision', 'recall'];
  const line = (name, t) => [name, t.cases, t.expected, t.found, t.truePositives, pct(t.precision), pct(t.recall)];
  const rows = [head, ...Object.entries(result.families).map(([f, t]) => line(f, t)), line('overall', result.overall)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]) : String(v).padStart(widths[i]))).join('  ')).join('\n');
}

/** A threshold given as a percent (95) or a fraction (0.95). */
const threshold = (v) => (v === undefined ? undefined : Number(v) > 1 ? Number(v) / 100 : Number(v));

async function main() {
  const { values } = parseArgs({
    options: {
      verbose: { type: 'boolean', short: 'v' },
      json: { type: 'boolean' },
      family: { type: 'string' },
      case: { type: 'string' },
      cases: { type: 'string' },
      'min-precision': { type: 'string' },
      'min-recall': { type: 'string' },
      'write-floor': { type: 'boolean' },
    },
  });
  const t0 = performance.now();
  const result = await score({ root: values.cases ? path.resolve(values.cases) : CASES, family: values.family, match: values.case });
  const ms = Math.round(performance.now() - t0);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...result, ms }, null, 2)}\n`);
  } else {
    if (values.verbose) {
      for (const r of result.cases) {
        if (!r.missed.length && !r.extra.length && !r.error) continue;
        console.log(`${r.family}/${r.case}:`);
        if (r.error) console.log(`  error  ${r.error}`);
        for (const e of r.missed) console.log(`  missed ${e}`);
        for (const e of r.extra) console.log(`  extra  ${e}`);
      }
      console.log('');
    }
    for (const r of result.cases) if (r.error && !values.verbose) console.error(`${r.family}/${r.case}: could not be indexed: ${r.error}`);
    console.log(table(result));
    console.log(`\n${result.cases.length} cases scored in ${(ms / 1000).toFixed(1)} s`);
  }
  if (values['write-floor']) {
    const round = (x) => Math.floor(x * 10000) / 10000; // never above what was measured
    const floor = { overall: { precision: round(result.overall.precision), recall: round(result.overall.recall) }, families: {} };
    for (const [f, t] of Object.entries(result.families)) floor.families[f] = { precision: round(t.precision), recall: round(t.recall) };
    fs.writeFileSync(`${FLOOR}.tmp`, `${JSON.stringify(floor, null, 2)}\n`);
    fs.renameSync(`${FLOOR}.tmp`, FLOOR);
    if (!values.json) console.log(`floor written: ${path.relative(process.cwd(), FLOOR)}`);
  }
  const minP = threshold(values['min-precision']);
  const minR = threshold(values['min-recall']);
  const low = [];
  if (minP !== undefined && result.overall.precision < minP) low.push(`precision ${pct(result.overall.precision)} < ${pct(minP)}`);
  if (minR !== undefined && result.overall.recall < minR) low.push(`recall ${pct(result.overall.recall)} < ${pct(minR)}`);
  if (low.length) {
    console.error(`callgraph: ${low.join('; ')}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((err) => {
    console.error(err?.stack ?? String(err));
    process.exitCode = 1;
  });
}
