import type { ExecutorContext } from '@nx/devkit';
import { runL1 } from '@codegraph/engine';
import { projectPaths, type LayerExecutorOptions } from '../context';

/** `codegraph-l1`: structural IR; reuses every file whose content key is unchanged and parses only the rest. */
export default async function l1Executor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const m = await runL1({ root: p.root, projectDir: p.projectDir, outDir: p.outDir, workers: options.workers, excludeDirs: p.excludeDirs, excludeFiles: p.excludeFiles });
  const s = m.stats;
  console.log(
    `codegraph l1 ${p.projectName}: ${s.files} files, ${s.processed} parsed, ${s.reused} reused, ${s.failed} failed, ` +
      `${m.totals.syntaxErrorFiles} with syntax errors, ${s.ms} ms`,
  );
  for (const [, f] of Object.entries(m.failed)) console.warn(`  failed: ${f.file}: ${f.error}`);
  return { success: true };
}
