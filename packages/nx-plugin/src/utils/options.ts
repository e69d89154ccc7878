/** Plugin options (nx.json `plugins[].options`) and the output layout they imply. Shared by plugin and executors. */
import * as path from 'node:path';

/** The tag of every project the plugin infers; executors find Python dependencies in the project graph by it. */
export const PYTHON_TAG = 'codegraph:python';

export interface CodegraphPluginOptions {
  /** Prefix of every inferred target: `<prefix>-l0`, `<prefix>-l1`, `<prefix>-index`. Default `codegraph`. */
  targetPrefix?: string;
  /** Name of the root project that aggregates the repo. Default `repo`. */
  repoProjectName?: string;
  /** Output folder relative to the workspace root. Default `.codegraph`. */
  outputDir?: string;
}

export interface ResolvedOptions {
  targetPrefix: string;
  repoProjectName: string;
  outputDir: string;
}

export function resolveOptions(o: CodegraphPluginOptions | undefined): ResolvedOptions {
  return {
    targetPrefix: o?.targetPrefix ?? 'codegraph',
    repoProjectName: o?.repoProjectName ?? 'repo',
    outputDir: (o?.outputDir ?? '.codegraph').replace(/\/+$/, ''),
  };
}

/** Where a project's layer outputs live: `<outputDir>/projects/<projectRoot>`. */
export function projectOutDir(workspaceRoot: string, outputDir: string, projectRoot: string): string {
  return path.join(workspaceRoot, outputDir, 'projects', projectRoot);
}

export function repoOutDir(workspaceRoot: string, outputDir: string): string {
  return path.join(workspaceRoot, outputDir, 'repo');
}
