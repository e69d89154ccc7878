import type { ExecutorContext } from '@nx/devkit';
import { runL5 } from '@codegraph/engine';
import { projectPaths, type LayerExecutorOptions } from '../context';

/**
 * `codegraph-l5`: control flow, dominators and SSA per scope, and the value-flow facts L4 reads — per file, keyed by
 * its L1 key, so only files L1 re-parsed are analysed again.
 */
export default async function l5Executor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const m = await runL5({ root: p.root, outDir: p.outDir, workers: options.workers });
  const s = m.stats;
  console.log(
    `codegraph l5 ${p.projectName}: ${s.files} files, ${s.processed} analysed${s.sharedParse ? ` (${s.sharedParse} on L1's parse)` : ''}, ${s.reused} reused, ${s.failed} failed; ` +
      `${m.totals.scopes} scopes, ${m.totals.blocks} blocks, ${m.totals.defs} SSA definitions, ${m.totals.phis} phis, ${s.ms} ms`,
  );
  for (const [file, error] of Object.entries(m.failed)) console.warn(`  no flow for ${file}: ${error}`);
  return { success: true };
}
