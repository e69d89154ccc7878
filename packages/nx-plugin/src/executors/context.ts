/** What every codegraph executor needs from Nx's context: the workspace root and the project's directory. */
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { projectOutDir } from '../utils/options';

export interface LayerExecutorOptions {
  outputDir?: string;
  /** Nested project directories (relative to the workspace root) that this project must not index. */
  excludeDirs?: string[];
  workers?: number;
}

export interface ProjectPaths {
  root: string;
  projectName: string;
  projectRoot: string;
  projectDir: string;
  outDir: string;
  excludeDirs: string[];
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
  };
}
