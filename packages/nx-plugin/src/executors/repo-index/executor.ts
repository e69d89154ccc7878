import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { formatSummary, mergeRepo, mergeSummaries, packagesPath, readJsonOrUndefined, summaryPath, writeJsonAtomicSync, writeRepoScip, type Summary } from '@codegraph/engine';
import type { PackagesReport } from '@codegraph/engine';
import { scipPackage } from '../context';
import { projectOutDir, repoOutDir } from '../../utils/options';

export interface RepoIndexOptions {
  outputDir?: string;
  /** The Python projects to aggregate (filled in by the plugin). */
  projects?: string[];
}

/** `repo:codegraph-index`: merges every project's index into the repo summary. */
export default async function repoIndexExecutor(options: RepoIndexOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const outputDir = options.outputDir ?? '.codegraph';
  const projects = context.projectsConfigurations?.projects ?? {};
  const parts: Summary[] = [];
  const listed: { name: string; root: string; out: string }[] = [];
  const outs: { name: string; outDir: string; package: { name: string; version: string } }[] = [];
  for (const name of options.projects ?? []) {
    const root = projects[name]?.root;
    if (root === undefined) continue;
    const out = projectOutDir(context.root, outputDir, root);
    const s = readJsonOrUndefined<Summary>(summaryPath(out));
    if (!s) {
      console.error(`codegraph: project ${name} has no index summary (${summaryPath(out)})`);
      return { success: false };
    }
    parts.push(s);
    listed.push({ name, root, out: path.relative(context.root, out) });
    outs.push({ name, outDir: out, package: scipPackage({ root: context.root, projectDir: path.join(context.root, root), projectName: name }) });
  }
  const repo = mergeSummaries(context.projectName ?? 'repo', parts);
  const dir = repoOutDir(context.root, outputDir);
  writeJsonAtomicSync(path.join(dir, 'projects.json'), listed);
  writeJsonAtomicSync(path.join(dir, 'summary.json'), repo);
  const merged = await mergeRepo({ projects: outs, outDir: dir });
  const scip = await writeRepoScip({ root: context.root, projects: outs, out: path.join(dir, 'index.scip') });
  console.log(formatSummary(repo));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const { calls, references } = merged.resolution;
  console.log(
    `  cross-file (L4): ${merged.edgesResolvedByL4} edges completed, ${merged.crossProjectEdges} across projects; ` +
      `call sites resolved ${pct(calls.fraction)} (${pct(calls.fractionInternal)} of non-external), references ${pct(references.fraction)}; ` +
      `${merged.cycles} import cycles`,
  );
  console.log(`  repo graph: ${path.relative(context.root, dir)}/graph.jsonl (${merged.nodes} nodes, ${merged.edges} edges)`);
  console.log(`  repo SCIP: ${path.relative(context.root, dir)}/index.scip (${scip.documents} documents, ${scip.occurrences} occurrences, ${scip.externalSymbols} external symbols)`);
  for (const p of parts) console.log(`  - ${p.name}: ${p.files} files, ${p.loc} LOC, ${p.nodes} nodes, ${p.edges} edges`);
  // L9 findings, one line per project that has any.
  for (const o of outs) {
    const r = readJsonOrUndefined<PackagesReport>(packagesPath(o.outDir));
    if (!r || (r.undeclared.length === 0 && r.unused.length === 0)) continue;
    const undeclared = r.undeclared.map((u) => (u.testOnly ? `${u.name} (tests)` : u.name)).join(', ');
    const unused = r.unused.map((u) => u.dist).join(', ');
    console.log(`  packages ${o.name}: ${undeclared ? `imported but undeclared: ${undeclared}` : ''}${undeclared && unused ? '; ' : ''}${unused ? `declared but unused: ${unused}` : ''}`);
  }
  return { success: true };
}
