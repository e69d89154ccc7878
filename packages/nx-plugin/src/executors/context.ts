/** What every codegraph executor needs from Nx's context: the workspace root and the project's directory. */
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { detectLayout } from '@codegraph/engine';
// Not from plugins/dependencies: that module loads @nx/devkit (~0.4 s), which an executor never needs.
import { projectOutDir, PYTHON_TAG } from '../utils/options';

export interface LayerExecutorOptions {
  outputDir?: string;
  /** Nested project directories (relative to the workspace root) that this project must not index. */
  excludeDirs?: string[];
  /** Globs of Python files this project must not index, relative to its root (from the workspace's named input). */
  excludeFiles?: string[];
  workers?: number;
}

export interface ProjectPaths {
  root: string;
  projectName: string;
  projectRoot: string;
  projectDir: string;
  outDir: string;
  excludeDirs: string[];
  excludeFiles: string[];
}

export function projectPaths(options: LayerExecutorOptions, context: ExecutorContext): ProjectPaths {
  const projectName = context.projectName;
  const project = projectName ? context.projectsConfigurations?.projects[projectName] : undefined;
  if (!projectName || !project) throw new Error('codegraph: executor must run for a project');
  const root = context.root;
  return {
    root,
    projectName,
    projectRoot: project.root,
    projectDir: path.join(root, project.root),
    outDir: projectOutDir(root, options.outputDir ?? '.codegraph', project.root),
    excludeDirs: (options.excludeDirs ?? []).map((d) => path.join(root, d)),
    excludeFiles: options.excludeFiles ?? [],
  };
}

/** A Python project as the cross-file layers see it: its name and where its layer outputs are. */
export interface ProjectOutRef {
  name: string;
  outDir: string;
}

/**
 * The Python projects this one depends on (transitively unless told otherwise) in the project graph Nx built from Python imports and
 * declared dependencies (createDependencies): a name re-exported through B from C needs C's symbols too.
 */
export function pythonDependencies(options: LayerExecutorOptions, context: ExecutorContext, transitive = true): ProjectOutRef[] {
  const graph = context.projectGraph;
  const start = context.projectName;
  if (!graph || !start) return [];
  const seen = new Set<string>([start]);
  const queue = [start];
  const out: ProjectOutRef[] = [];
  while (queue.length) {
    for (const d of graph.dependencies[queue.shift()!] ?? []) {
      if (seen.has(d.target)) continue;
      seen.add(d.target);
      const node = graph.nodes[d.target];
      if (!node || !node.data.tags?.includes(PYTHON_TAG)) continue;
      if (transitive) queue.push(d.target);
      out.push({ name: d.target, outDir: projectOutDir(context.root, options.outputDir ?? '.codegraph', node.data.root) });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The SCIP package of a project: its declared distribution name and version (else the Nx name and `.`). */
export function scipPackage(p: { root: string; projectDir: string; projectName: string }): { name: string; version: string } {
  const layout = detectLayout(p.root, p.projectDir);
  return { name: layout.name ?? p.projectName, version: layout.version ?? '.' };
}
