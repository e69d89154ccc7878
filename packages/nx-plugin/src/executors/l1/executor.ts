import type { ExecutorContext } from '@nx/devkit';
import { flowStage, runL1 } from '@codegraph/engine';
import { projectPaths, type LayerExecutorOptions } from '../context';

/** `codegraph-l1`: structural IR; reuses every file whose content key is unchanged and parses only the rest. */
export default async function l1Executor(options: LayerExecutorOptions & { shareParse?: boolean }, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  // codegraph-l5 runs after this task (it depends on it): its analysis rides on this parse unless turned off.
  const stage = options.shareParse === false ? undefined : flowStage(p.outDir);
  const m = await runL1({ root: p.root, projectDir: p.projectDir, outDir: p.outDir, workers: options.workers, excludeDirs: p.excludeDirs, excludeFiles: p.excludeFiles, stage });
  const s = m.stats;
  console.log(
    `codegraph l1 ${p.projectName}: ${s.files} files, ${s.processed} parsed, ${s.reused} reused, ${s.failed} failed, ` +
      `${m.totals.syntaxErrorFiles} with syntax errors, ${s.ms} ms`,
  );
  for (const [, f] of Object.entries(m.failed)) console.warn(`  failed: ${f.file}: ${f.error}`);
  return { success: true };
}
