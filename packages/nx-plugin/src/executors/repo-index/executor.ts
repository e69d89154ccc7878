import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { formatRepoSummary, mergeSummaries, packagesPath, readJsonOrUndefined, summaryPath, writeJsonAtomicSync, writeRepoIndex, writeRepoSarif, type Summary } from '@codegraph/engine';
import type { FederatedProject, PackagesReport } from '@codegraph/engine';
import { scipPackage } from '../context';
import { projectOutDir, repoOutDir } from '../../utils/options';

export interface RepoIndexOptions {
  outputDir?: string;
  /** The Python projects to aggregate (filled in by the plugin). */
  projects?: string[];
}

/**
 * `repo:codegraph-index`: the repo federation — a manifest naming every project's outputs, the repo-wide file
 * dependency graph and resolution rates, the repo summary, and the repo-wide SARIF of every project's L8 findings. Whole-repo graphs and SCIP indexes are exports
 * (`codegraph export`), so an edit in one project writes kilobytes here, not a copy of the repo.
 */
export default async function repoIndexExecutor(options: RepoIndexOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const outputDir = options.outputDir ?? '.codegraph';
  const projects = context.projectsConfigurations?.projects ?? {};
  const parts: Summary[] = [];
  const federation: FederatedProject[] = [];
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
    federation.push({ name, root, outDir: out, package: scipPackage({ root: context.root, projectDir: path.join(context.root, root), projectName: name }) });
  }
  const repo = mergeSummaries(context.projectName ?? 'repo', parts);
  const dir = repoOutDir(context.root, outputDir);
  writeJsonAtomicSync(path.join(dir, 'summary.json'), repo);
  const idx = await writeRepoIndex({ projects: federation, outDir: dir, root: context.root });
  console.log(formatRepoSummary(repo));
  console.log(
    `  ${idx.crossProjectImports} cross-project file imports, ${idx.cycles} import cycles; ` +
      `repo federation: ${path.relative(context.root, dir)}/projects.json (${idx.projects} projects, ${idx.files} files); whole-repo graph or SCIP: npx codegraph export --help`,
  );
  // Every project's L8 findings in one SARIF log, paths relative to the workspace root (what CI uploads).
  const diag = writeRepoSarif(federation, dir);
  const levels = { error: 0, warning: 0, note: 0 };
  for (const f of diag.findings) if (!f.suppressed) levels[f.level]++;
  console.log(
    `  diagnostics: ${levels.error} errors, ${levels.warning} warnings, ${levels.note} notes in ${diag.projects.length} projects` +
      `${diag.missing.length ? ` (no L8 output: ${diag.missing.join(', ')})` : ''}; SARIF: ${path.relative(context.root, dir)}/codegraph.sarif; npx codegraph check lists them`,
  );
  // L9 findings, one line per project that has any.
  for (const o of federation) {
    const r = readJsonOrUndefined<PackagesReport>(packagesPath(o.outDir));
    if (!r || (r.undeclared.length === 0 && r.unused.length === 0)) continue;
    const undeclared = r.undeclared.map((u) => (u.testOnly ? `${u.name} (tests)` : u.name)).join(', ');
    const unused = r.unused.map((u) => u.dist).join(', ');
    console.log(`  packages ${o.name}: ${undeclared ? `imported but undeclared: ${undeclared}` : ''}${undeclared && unused ? '; ' : ''}${unused ? `declared but unused: ${unused}` : ''}`);
  }
  return { success: true };
}
