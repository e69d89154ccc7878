import type { ExecutorContext } from '@nx/devkit';
import { runL3 } from '@codegraph/engine';
import { projectPaths, pythonDependencies } from '../context';
import type { Schema } from './schema';

/**
 * `codegraph-l3`: Pyright's answers for the sites this project's L4 left open (its L4 and its dependencies' L1,
 * fresh through `dependsOn`). A run whose budget runs out still succeeds: the manifest counts what was skipped.
 */
export default async function l3Executor(options: Schema, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const deps = pythonDependencies(options, context);
  const m = await runL3({
    root: p.root,
    project: { name: p.projectName, outDir: p.outDir },
    deps,
    mode: options.mode,
    env: options.python,
    timeBudgetMs: options.timeBudgetMs,
    memoryBudgetMb: options.memoryBudgetMb,
    diagnostics: options.diagnostics,
    servers: options.servers,
  });
  const t = m.totals;
  console.log(
    `codegraph l3 ${p.projectName}: ${t.files} files (${t.requeried} queried, ${t.reused} reused, ${t.skippedFiles} skipped by budget), ` +
      `${t.answered}/${t.sites} sites answered (${t.resolvedInCorpus} in the corpus, ${t.external} external), open call sites ${t.openCallsBefore} → ${t.openCallsAfter}` +
      `${m.budget.exhausted ? `, budget exhausted (${m.budget.exhausted})` : ''}${m.pyrightPeakRssMb !== undefined ? `, Pyright peak ${m.pyrightPeakRssMb} MB` : ''}, ${m.ms} ms`,
  );
  return { success: true };
}
