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
  const s = await runL4({ root: p.root, project: { name: p.projectName, outDir: p.outDir }, deps });
  console.log(
    `codegraph l4 ${p.projectName}: ${s.files} files (${s.resolvedFiles} resolved, ${s.reusedFiles} reused), imports ${s.importsResolved}/${s.imports} resolved (${s.importsExternal} external), ` +
      `edges ${s.edgesResolved}/${s.edgesConsidered} completed, against ${deps.length} dependencies, ${s.ms} ms`,
  );
  return { success: true };
}
