/**
 * Indexes a workspace of Python projects with the engine's layer functions, exactly as the Nx targets do
 * (L0, L1, L2, L4 against the projects each one depends on, summary, then the repo federation), without Nx. Used by
 * tests and benchmarks to get real layer outputs quickly; the layout is the plugin's: `.codegraph/projects/<root>`
 * and `.codegraph/repo`.
 */
import * as path from 'node:path';
import { runL0, runL1, runL2, runL4, summarizeProject, writeJsonAtomicSync, summaryPath, writeRepoIndex, type FederatedProject } from '@codegraph/engine';

export interface WorkspaceProject {
  name: string;
  /** Project directory relative to the workspace root. */
  root: string;
  /** Names of the projects it imports from (transitively closed by the caller when it matters). */
  deps?: string[];
}

export const projectOut = (ws: string, root: string) => path.join(ws, '.codegraph', 'projects', root);
export const repoOut = (ws: string) => path.join(ws, '.codegraph', 'repo');

export async function indexWorkspace(ws: string, projects: readonly WorkspaceProject[], o: { workers?: number } = {}): Promise<FederatedProject[]> {
  const fed: FederatedProject[] = projects.map((p) => ({ name: p.name, root: p.root, outDir: projectOut(ws, p.root) }));
  for (const p of projects) {
    const outDir = projectOut(ws, p.root);
    const projectDir = path.join(ws, p.root);
    await runL0({ root: ws, projectDir, outDir });
    await runL1({ root: ws, projectDir, outDir, workers: o.workers ?? 1 });
  }
  for (const p of projects) {
    const outDir = projectOut(ws, p.root);
    await runL2({ root: ws, project: { name: p.name, outDir } });
    const deps = (p.deps ?? []).map((d) => ({ name: d, outDir: projectOut(ws, projects.find((q) => q.name === d)!.root) }));
    await runL4({ root: ws, project: { name: p.name, outDir }, deps });
    writeJsonAtomicSync(summaryPath(outDir), summarizeProject(p.name, outDir));
  }
  await writeRepoIndex({ projects: fed, outDir: repoOut(ws), root: ws });
  return fed;
}

/** The bundled example's projects (examples/shop) and what each imports. */
export const SHOP_PROJECTS: WorkspaceProject[] = [
  { name: 'shop-core', root: 'libs/core' },
  { name: 'shop-payments', root: 'libs/payments', deps: ['shop-core'] },
  { name: 'shop-api', root: 'apps/api', deps: ['shop-core', 'shop-payments'] },
];
