// What keeps a project's calls unresolved: every call site L4 leaves unresolved and not external (no builtin, no
// module outside the index), grouped by the shape of its callee expression as L1 wrote it, with samples — the
// "main remaining causes" of a resolution share.
//
//   node tools/bench-vfscale/unresolved.mjs <project outDir> [samples per shape, default 3]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const engine = require('../../packages/engine/dist/index.js');
const [outDir, samples = '3'] = process.argv.slice(2);
await engine.initHash();
const open = new Set();
for (const l of engine.readResolved(outDir)) if (l.edge === 'CALLS' && l.unresolved && !l.external && !l.target) open.add(l.id);
const manifest = JSON.parse(fs.readFileSync(path.join(outDir, 'l1', 'manifest.json'), 'utf8'));
/** The shape of a callee expression: what value flow would have to know to resolve it. */
const shape = (c) => {
  if (c.includes('(') && /\)\s*(\.\w+)?$/.test(c.replace(/\[[^\]]*\]/g, ''))) return 'the result of a call, called (f()() or f().m())';
  if (/\]$/.test(c) || /\]\.\w+$/.test(c)) return 'a subscript (x[k]() or x[k].m())';
  if (/^super\(/.test(c)) return 'super()';
  if (/^(self|cls)\.\w+$/.test(c)) return 'self.m() / cls.m()';
  if (/^(self|cls)\.\w+\.\w+$/.test(c)) return 'self.attr.m()';
  if (/^(self|cls)\./.test(c)) return 'self.a.b.m() (deeper)';
  if (/^[a-z_]\w*$/.test(c)) return 'a bare name (parameter, local or global)';
  if (/^[A-Z]\w*$/.test(c)) return 'a bare Capitalized name';
  if (/^[a-z_]\w*\.\w+$/.test(c)) return 'x.m() on a local, parameter or module';
  if (/^[A-Z]\w*\.\w+$/.test(c)) return 'C.m() on a Capitalized name';
  if (/^\w+(\.\w+){2,}$/.test(c)) return 'a.b.m() (dotted, not self)';
  return 'other';
};
const groups = new Map();
let total = 0;
for (const file of Object.keys(manifest.files)) {
  const ir = engine.readFileIr(outDir, file);
  for (const e of ir.edges) {
    if (e.edge !== 'CALLS' || !open.has(e.id)) continue;
    total++;
    const k = shape(e.callee ?? '');
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { n: 0, ex: [] }));
    g.n++;
    if (g.ex.length < +samples && Math.random() < 0.05) g.ex.push(`${file}:${e.span[0] + 1}  ${e.callee}`);
  }
}
console.log(`${total} call sites unresolved and not external (${open.size} L4 lines)`);
for (const [k, g] of [...groups].sort((a, b) => b[1].n - a[1].n)) {
  console.log(`${String(g.n).padStart(6)}  ${((g.n / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  for (const x of g.ex) console.log(`          ${x}`);
}
