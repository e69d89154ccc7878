import type { ExecutorContext } from '@nx/devkit';
import { buildL7, formatL7Stats } from '@codegraph/query';
import { projectPaths, type LayerExecutorOptions } from '../context';

/**
 * `codegraph-l7`: the project's retrieval index (`l7/index.sqlite`: symbols, resolved edges, occurrences, full-text)
 * from its own L1, L2 and L4 outputs and sources. Incremental: only the files whose layer records changed are
 * re-done, in a copy renamed over the previous database (queries and the MCP server never see a half-written one).
 */
export default async function l7Executor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const s = await buildL7({ root: p.root, project: { name: p.projectName, outDir: p.outDir } });
  console.log(`codegraph ${formatL7Stats(s)}`);
  return { success: true };
}
