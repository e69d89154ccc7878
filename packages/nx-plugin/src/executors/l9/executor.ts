import type { ExecutorContext } from '@nx/devkit';
import { runL9 } from '@codegraph/engine';
import { projectPaths, pythonDependencies, type LayerExecutorOptions } from '../context';

/**
 * `codegraph-l9`: declared vs imported packages. The workspace projects it depends on directly (declaring a
 * workspace distribution makes it a project-graph dependency) tell which import names they provide
 * (`acme-core` → `core`); their L1 ran first (`dependsOn: ^l1`).
 */
export default async function l9Executor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const p = projectPaths(options, context);
  const r = await runL9({ root: p.root, projectDir: p.projectDir, outDir: p.outDir, name: p.projectName, workspace: pythonDependencies(options, context, false) });
  console.log(
    `codegraph l9 ${p.projectName}: ${r.declared.length} declared, ${r.imported.length} third-party imported, ` +
      `${r.undeclared.length} undeclared, ${r.optionalUndeclared.length} optional (guarded) and undeclared, ${r.unused.length} unused`,
  );
  for (const u of r.undeclared) console.log(`  undeclared: ${u.name} (${u.files.length} files${u.testOnly ? ', tests only' : ''})`);
  for (const u of r.unused) console.log(`  unused: ${u.dist} [${u.groups.join(', ')}]`);
  for (const d of r.diagnostics) console.warn(`  ${d.file}: ${d.message}`);
  return { success: true };
}
