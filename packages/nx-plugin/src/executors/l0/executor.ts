import type { ExecutorContext } from '@nx/devkit';
import { runL0 } from '@codegraph/engine';
import { projectPaths, type LayerExecutorOptions } from '../context';

/** `codegraph-l0`: the file inventory with content hashes (the fast path every later layer keys on). */
export default async function l0Executor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const inv = await runL0({ root: p.root, projectDir: p.projectDir, outDir: p.outDir, excludeDirs: p.excludeDirs, excludeFiles: p.excludeFiles });
  const s = inv.stats;
  console.log(`codegraph l0 ${p.projectName}: ${s.files} files, ${s.processed} hashed, ${s.reused} unchanged (mtime+size), ${s.failed} unreadable, ${s.ms} ms`);
  for (const d of inv.diagnostics) console.warn(`  ${d.severity}: ${d.message}`);
  return { success: true };
}
