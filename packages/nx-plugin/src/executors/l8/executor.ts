import type { ExecutorContext } from '@nx/devkit';
import { checkRuleConfig, runL8, type RuleConfig } from '@codegraph/engine';
import { projectPaths, pythonDependencies, type LayerExecutorOptions } from '../context';

export interface L8ExecutorOptions extends LayerExecutorOptions {
  /** Per-rule levels (the plugin's `diagnostics.rules` option). */
  rules?: Record<string, string>;
}

/**
 * `codegraph-l8`: the project's diagnostics (`l8/diagnostics.json`, `l8/codegraph.sarif`) from its L1, L4, L5 and L9
 * outputs and, when L3 ran, Pyright's. It reports; `codegraph check` decides whether CI fails.
 */
export default async function l8Executor(options: L8ExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const problems = checkRuleConfig(options.rules ?? {});
  if (problems.length) {
    console.error(`codegraph l8 ${p.projectName}: invalid diagnostics.rules: ${problems.join('; ')}`);
    return { success: false };
  }
  // The projects L4 resolved against: where an imported module's file is (to tell a dynamic module from a missing name).
  const deps = pythonDependencies(options, context);
  const d = await runL8({ root: p.root, outDir: p.outDir, project: p.projectName, deps, rules: options.rules as RuleConfig | undefined });
  const c = d.counts;
  const rules = Object.entries(d.byRule).map(([r, n]) => `${r} ${n}`).join(', ');
  console.log(
    `codegraph l8 ${p.projectName}: ${c.error} errors, ${c.warning} warnings, ${c.note} notes` +
      `${c.suppressed ? `, ${c.suppressed} suppressed` : ''}${rules ? ` (${rules})` : ''}, ${d.ms} ms; npx codegraph check lists them`,
  );
  if (d.stale.length) console.warn(`  ${d.stale.length} file(s) changed since L1 indexed them: positions may be off`);
  return { success: true };
}
