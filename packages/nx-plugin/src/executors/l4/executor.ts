import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { runL4 } from '@codegraph/engine';
import { projectPaths, pythonDependencies, type LayerExecutorOptions } from '../context';

/**
 * `codegraph-l4`: cross-file resolution of this project against itself and the Python projects it depends on
 * (their L1 outputs, guaranteed fresh by the target's `dependsOn`).
 */
export default async function l4Executor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const deps = pythonDependencies(options, context);
  // Dependency flow summaries are shared by every project's L4 outside the Nx outputs (no task may write another
  // project's outputs, nor keep a copy of its dependencies'): beside Nx's own workspace data, which every Nx
  // workspace git-ignores (so no task hash sees it), which is the workspace's own (node_modules may be shared or
  // linked between checkouts) and which `nx reset` clears.
  const summaryStore = path.join(context.root, '.nx', 'workspace-data', 'codegraph', 'flow-summaries');
  const s = await runL4({ root: p.root, project: { name: p.projectName, outDir: p.outDir }, deps, summaryStore });
  console.log(
    `codegraph l4 ${p.projectName}: ${s.files} files (${s.resolvedFiles} resolved, ${s.reusedFiles} reused), imports ${s.importsResolved}/${s.imports} resolved (${s.importsExternal} external), ` +
      `edges ${s.edgesResolved}/${s.edgesConsidered} completed, against ${deps.length} dependencies, ${s.ms} ms`,
  );
  if (s.unreadable?.length) {
    // Damaged or missing L1 records (a torn cache entry, say): said, with the way out, rather than an answer quietly short.
    const shown = s.unreadable.slice(0, 5).join(', ') + (s.unreadable.length > 5 ? `, … (${s.unreadable.length - 5} more, in l4/manifest.json)` : '');
    console.warn(`codegraph l4 ${p.projectName}: ${s.unreadable.length} files' L1 output could not be read, so what they define is missing: ${shown}. Run their project's codegraph-l1 again with --skip-nx-cache.`);
  }
  return { success: true };
}
