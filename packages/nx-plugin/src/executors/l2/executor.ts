import type { ExecutorContext } from '@nx/devkit';
import { runL2 } from '@codegraph/engine';
import { projectPaths, scipPackage, type LayerExecutorOptions } from '../context';

/**
 * `codegraph-l2`: SCIP occurrences and the project's `index.scip`, from its own L1 output only — so an edit in a
 * dependency never re-runs it. Cross-project symbols are linked in the repo's `index.scip`.
 */
export default async function l2Executor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const s = await runL2({ root: p.root, project: { name: p.projectName, outDir: p.outDir }, package: scipPackage(p) });
  console.log(
    `codegraph l2 ${p.projectName}: ${s.files} files, ${s.computed} computed, ${s.reused} reused, ${s.occurrences} occurrences, ` +
      `${s.symbols} symbols, index.scip ${s.bytes} bytes, ${s.ms} ms`,
  );
  if (s.missing) console.warn(`  ${s.missing} files had no readable L1 shard`);
  return { success: true };
}
