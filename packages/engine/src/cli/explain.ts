/**
 * `codegraph explain <file>:<line>:<col>` — why a call resolves to what it does: the value-flow chain behind it.
 *
 * Runs the value-flow fixpoint over the index's facts (the project and, in a federation, every other project), finds
 * the call site at that position (1-based line and column, as editors show them; the call's name or any character of
 * its callee), and prints, for each object called there, the first reason it reached each variable on the way back
 * to where it was defined: `main.py:12:5 call h() → main.g: h ← main.apply.h ← arg at main.py:20:1 ← main.g (defined)`.
 */
import * as path from 'node:path';
import { initHash } from '../util/hash';
import { buildSymbolTable } from '../layers/l4-resolve/run';
import { Resolver } from '../layers/l4-resolve/resolver';
import { ValueFlow } from '../layers/l4-resolve/valueflow';
import { O } from '../layers/l4-resolve/valueflow/solver';
import { L1Reader } from '../layers/l1-structure/stream';
import type { IndexFolder } from './export';

export interface ExplainResult {
  site?: { file: string; line: number; col: number; text: string };
  /**
   * One entry per object called at the site: the variables it went through, nearest first, and whether the chain ends
   * at a definition in the index or at a name from outside it (an import of a module that is not indexed).
   */
  chains: Array<{ target: string; steps: string[]; external: boolean }>;
}

export async function explainAt(folder: IndexFolder, file: string, line: number, col: number): Promise<ExplainResult> {
  await initHash();
  // A path as the user sees it (relative to the current folder, or absolute) → relative to the index root.
  const rel = path.relative(folder.root, path.resolve(file));
  const relPath = rel.split(path.sep).join('/');
  const project = folder.projects.find((p) => {
    try {
      const l1 = L1Reader.open(p.outDir);
      const has = l1.refs.some((r) => r.file === relPath);
      l1.close();
      return has;
    } catch {
      return false;
    }
  });
  if (!project) return { chains: [] };
  const deps = folder.projects.filter((p) => p !== project);
  const table = buildSymbolTable(project, deps);
  const vf = await ValueFlow.build(folder.root, project, deps, new Resolver(table), { provenance: true });
  try {
    const s = vf.solver;
    const fileIdx = s.files.indexOf(relPath);
    // The site on that line whose span contains the column (0-based inside), the narrowest one.
    let best = -1;
    for (let i = 0; i < s.sites.length; i++) {
      const [f, l, c, el, ec] = s.sites[i]!;
      if (f !== fileIdx || l !== line - 1) continue;
      const end = el === l ? ec! : Infinity;
      if (col - 1 < c! || col - 1 > end) continue;
      if (best < 0 || ec! - c! < s.sites[best]![4]! - s.sites[best]![2]!) best = i;
    }
    if (best < 0) return { chains: [] };
    const [, l, c] = s.sites[best]!;
    const out: ExplainResult = { site: { file: relPath, line: l! + 1, col: c! + 1, text: '' }, chains: [] };
    const callee = s.calleeNodeOf(best);
    if (callee === undefined) return out;
    for (const o of s.objectsOf(callee)) {
      // Temporaries (unnamed expression values) are links of the chain, not steps worth printing.
      const chain = s.provenance(callee, o).filter(({ node, site }) => site !== undefined || !s.nodeLabel(node).startsWith('(expression'));
      const steps = chain.map(({ node, site, passThrough }) => {
        const label = s.nodeLabel(node);
        if (site === undefined) return label;
        const [sf, sl, sc] = s.sites[site]!;
        const at = `${s.files[sf!]}:${sl! + 1}:${sc! + 1}`;
        // A pure pass-through's result is the call's own argument: the call is the step, not its temporary.
        if (passThrough) return `${passThrough}(…) at ${at} returns its argument`;
        return `${label} ← arg at ${at}`;
      });
      out.chains.push({ target: s.describe(o), steps, external: s.kindOf(o) === O.Ext });
    }
    return out;
  } finally {
    vf.close();
  }
}

/** The text `codegraph explain` prints. */
export function formatExplain(r: ExplainResult, where: string): string {
  if (!r.site) return `codegraph explain: no call at ${where}\n`;
  const head = `${r.site.file}:${r.site.line}:${r.site.col}`;
  if (!r.chains.length) return `${head} call → nothing known flows into the callee\n`;
  return r.chains
    .map((ch) => {
      const end = ch.external ? 'outside the index' : 'defined';
      // No variable on the way: the callee names the target itself (`os.getcwd()` after `import os`).
      return ch.steps.length ? `${head} call → ${ch.target}: ${ch.steps.join(' ← ')} (${end})\n` : `${head} call → ${ch.target} (${end})\n`;
    })
    .join('');
}
