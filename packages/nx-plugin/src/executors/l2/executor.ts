import type { ExecutorContext } from '@nx/devkit';
import { runL2 } from '@codegraph/engine';
import { projectPaths, type LayerExecutorOptions } from '../context';

/**
 * `codegraph-l2`: SCIP occurrences per file, from its own L1 output only — so an edit in a dependency never re-runs
 * it. An `index.scip` (with cross-project symbols linked) is an export: `codegraph export --format scip`.
 */
export default async function l2Executor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const s = await runL2({ root: p.root, project: { name: p.projectName, outDir: p.outDir } });
  console.log(
    `codegraph l2 ${p.projectName}: ${s.files} files, ${s.computed} computed, ${s.reused} reused, ${s.occurrences} occurrences, ` +
      `docs.pack ${s.bytes} bytes, ${s.ms} ms`,
  );
  if (s.missing) console.warn(`  ${s.missing} files had no readable L1 record`);
  return { success: true };
}
