// Call targets L4 found in one output and not the other: node compare.mjs <outDirA> <outDirB> [samples]
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const engine = require('../../packages/engine/dist/index.js');
const [a, b, n = '15'] = process.argv.slice(2);
await engine.initHash();
const targets = (dir) => {
  const out = new Map();
  for (const l of engine.readResolved(dir)) {
    if (l.unresolved || (l.edge !== 'CALLS' && l.edge !== 'INSTANTIATES')) continue;
    const site = l.of ?? l.id;
    const key = `${site}\t${l.target}`;
    out.set(key, `${l.via}\t${l.file ?? ''}\t${l.target}`);
  }
  return out;
};
const ta = targets(a);
const tb = targets(b);
const only = (x, y) => [...x.keys()].filter((k) => !y.has(k));
const oa = only(ta, tb);
const ob = only(tb, ta);
const byVia = (keys, m) => keys.reduce((acc, k) => ((acc[m.get(k).split('\t')[0]] = (acc[m.get(k).split('\t')[0]] ?? 0) + 1), acc), {});
console.log(`targets: A ${ta.size}, B ${tb.size}; only in A ${oa.length} ${JSON.stringify(byVia(oa, ta))}; only in B ${ob.length} ${JSON.stringify(byVia(ob, tb))}`);
const top = (keys, m) => {
  const c = new Map();
  for (const k of keys) { const t = m.get(k).split('\t')[2]; c.set(t, (c.get(t) ?? 0) + 1); }
  return [...c].sort((x, y) => y[1] - x[1]).slice(0, +n).map(([t, k]) => `${k} ${t}`).join('\n  ');
};
console.log(`only in A, top targets:\n  ${top(oa, ta)}`);
console.log(`only in B, top targets:\n  ${top(ob, tb)}`);
