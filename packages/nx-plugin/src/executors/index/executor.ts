import type { ExecutorContext } from '@nx/devkit';
import { formatSummary, summarizeProject } from '@codegraph/engine';
import { projectPaths, type LayerExecutorOptions } from '../context';

/** `codegraph-index` of one project: the summary of all its layers. */
export default async function indexExecutor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  console.log(formatSummary(summarizeProject(p.projectName, p.outDir)));
  return { success: true };
}
