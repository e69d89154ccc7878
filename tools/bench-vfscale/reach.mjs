// How much of a solved fixpoint a fact change reaches — the measurement behind the incremental-fixpoint plan
// (docs/architecture.md, Known gaps). Runs one cold L4 of a project and, before the solver is released, takes the
// forward closure over the solved graph: copy edges (those of the facts and those handlers added) plus each
// handler's effects (the node a handler fired at → every node it added an edge or an object to). Seeds are the nodes
// one file's facts name (per file), or the nodes of one sampled constraint (a call, a copy/attribute/element read, an
// attribute store) — what a one-statement edit touches. "Work" is a node's set size × (1 + successors + handlers),
// the per-object propagation the solve does there.
//
//   node tools/bench-vfscale/prepare.mjs <projects> <root>          # L0/L1/L5 of stdlib + django first
//   node tools/bench-vfscale/reach.mjs <root> django <root>/.out/django-copy [sample rate, default 0.01] [dep name dep outDir]...
//
// It wraps private solver methods (node, newNode, addFacts, apply, addEdge, addObj, solve) from outside: a
// measurement tool, not product code; it stops with an error if one of them is renamed.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const engine = require('../../packages/engine/dist/index.js');
const { FlowSolver, MAX_SET } = require('../../packages/engine/dist/layers/l4-resolve/valueflow/solver.js');
const [root, name, outDir, rate = '0.01', ...rest] = process.argv.slice(2);
const deps = [];
for (let i = 0; i < rest.length; i += 2) deps.push({ name: rest[i], outDir: rest[i + 1] });
if (!deps.length) deps.push({ name: 'stdlib', outDir: `${root}/.out/stdlib` });
const P = FlowSolver.prototype;
for (const m of ['node', 'newNode', 'addFacts', 'apply', 'addEdge', 'addObj', 'solve']) {
  if (typeof P[m] !== 'function') throw new Error(`FlowSolver.${m} is gone: update reach.mjs`);
}
const SAMPLE = Number(rate);
const projectFile = (file) => file.startsWith(`${name}/`);
// Seeds: per file, every node its facts name; per sampled constraint, the variables it reads and writes.
const fileNodes = new Map();
const samples = [];
let curFile = null;
let varIds = [];
let depth = 0;
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const { node, newNode, addFacts, apply, addEdge, addObj, solve } = P;
const recordNode = (orig) => function (nm) {
  depth++;
  let n;
  try { n = orig.call(this, nm); } finally { depth--; }
  // The first vars.length top-level lookups of addFacts are its `vars` mapping, in order.
  if (curFile) { curFile.add(n); if (!depth) varIds.push(n); }
  return n;
};
P.node = recordNode(node);
P.newNode = recordNode(newNode);
P.addFacts = function (file, f) {
  curFile = new Set();
  varIds = [];
  fileNodes.set(file, curFile);
  try { return addFacts.call(this, file, f); } finally {
    curFile = null;
    if (projectFile(file)) for (const c of f.c) {
      if (random() > SAMPLE) continue;
      const op = c[0];
      const ix = [];
      if (op === 9 || op === 15) { // Call, Deco: result, callee, arguments
        ix.push(c[1], c[3]);
        if (Array.isArray(c[4])) for (const a of c[4]) ix.push(typeof a === 'number' ? a : a[1]); else ix.push(c[4]);
      } else if (op === 4 || op === 5 || op === 7) ix.push(c[1], c[2]); // Copy, Attr, Elem
      else if (op === 6) ix.push(c[1], c[3]); // Store
      else continue;
      samples.push({ kind: op === 9 || op === 15 ? 'call' : op === 6 ? 'store' : 'copy/attr/elem', seeds: ix.map((i) => varIds[i]) });
    }
  }
};
// Handler effects: while a handler applies at node n, every edge or object it adds depends on n.
let cur = -1;
const depFrom = [];
const depTo = [];
P.apply = function (n, id, o) { const prev = cur; cur = n; try { return apply.call(this, n, id, o); } finally { cur = prev; } };
P.addEdge = function (from, to, site) { if (cur >= 0) { depFrom.push(cur); depTo.push(to); } return addEdge.call(this, from, to, site); };
P.addObj = function (n, o, why) { if (cur >= 0 && cur !== n) { depFrom.push(cur); depTo.push(n); } return addObj.call(this, n, o, why); };

const pct = (x) => `${(x * 100).toFixed(1)}%`;
const quantiles = (rows, key) => [0.1, 0.25, 0.5, 0.75, 0.9].map((p) => `p${p * 100} ${pct(rows[Math.min(rows.length - 1, Math.floor(p * rows.length))][key])}`).join(', ');
P.solve = function () {
  const stats = solve.call(this);
  const N = this.pts.size;
  const extra = new Map();
  for (let i = 0; i < depFrom.length; i++) {
    let s = extra.get(depFrom[i]);
    if (!s) extra.set(depFrom[i], (s = new Set()));
    s.add(depTo[i]);
  }
  const work = new Float64Array(N);
  let total = 0, cappedWork = 0, capped = 0;
  for (let n = 0; n < N; n++) {
    work[n] = this.pts.length(n) * (1 + this.succ.length(n) + this.handlers.length(n));
    total += work[n];
    if (this.pts.length(n) >= MAX_SET) { capped++; cappedWork += work[n]; }
  }
  const mark = new Int32Array(N).fill(-1);
  let pass = 0;
  const closure = (seeds) => {
    pass++;
    const stack = [];
    for (const n of seeds) if (n !== undefined && mark[n] !== pass) { mark[n] = pass; stack.push(n); }
    let nodes = 0, w = 0, caps = 0;
    while (stack.length) {
      const n = stack.pop();
      nodes++;
      w += work[n];
      if (this.pts.length(n) >= MAX_SET) caps++;
      for (let j = 0; j < this.succ.length(n); j++) { const m = this.succ.at(n, j); if (mark[m] !== pass) { mark[m] = pass; stack.push(m); } }
      for (const m of extra.get(n) ?? []) if (mark[m] !== pass) { mark[m] = pass; stack.push(m); }
    }
    return { nodes: nodes / N, work: w / total, caps };
  };
  console.log(`${name}: ${N} nodes, ${stats.steps} steps, ${capped} sets at the cap (${pct(capped / N)} of nodes) doing ${pct(cappedWork / total)} of the work; ${depFrom.length} handler effects`);
  const files = [...fileNodes].filter(([f]) => projectFile(f)).map(([, seeds]) => closure(seeds)).sort((a, b) => a.work - b.work);
  console.log(`per file (${files.length}), work reached: ${quantiles(files, 'work')}; under 5%: ${files.filter((r) => r.work < 0.05).length}; no capped set: ${files.filter((r) => r.caps === 0).length}`);
  for (const kind of ['call', 'copy/attr/elem', 'store']) {
    const rows = samples.filter((s) => s.kind === kind).map((s) => closure(s.seeds)).sort((a, b) => a.work - b.work);
    if (!rows.length) continue;
    console.log(`one ${kind} (${rows.length} sampled), work reached: ${quantiles(rows, 'work')}; under 5%: ${pct(rows.filter((r) => r.work < 0.05).length / rows.length)}; no capped set: ${pct(rows.filter((r) => r.caps === 0).length / rows.length)}`);
  }
  return stats;
};
await engine.initHash();
await engine.runL4({ root, project: { name, outDir }, deps, flowSummaries: true });
