/** Plugin options (nx.json `plugins[].options`) and the output layout they imply. Shared by plugin and executors. */
import * as path from 'node:path';

/** The tag of every project the plugin infers; executors find Python dependencies in the project graph by it. */
export const PYTHON_TAG = 'codegraph:python';

/** The steps of a project's index, in layer order; each is one inferred target. */
export const LAYERS = ['l0', 'l1', 'l2', 'l5', 'l4', 'l7', 'l9', 'l8', 'index'] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * Options of the `@codegraph/nx` plugin, as written in nx.json:
 *
 * ```json
 * { "plugin": "@codegraph/nx", "options": { "targetNames": { "l1": "py-structure" } } }
 * ```
 */
export interface CodegraphPluginOptions {
  /**
   * Prefix of the default target names: `<prefix>-l0`, `<prefix>-l1`, …, `<prefix>-index`.
   * @default 'codegraph'
   */
  targetPrefix?: string;
  /**
   * The name of each inferred target, per layer; a layer left out keeps `<targetPrefix>-<layer>`.
   * `index` names both a project's index and the repo project's index.
   * @default { l0: 'codegraph-l0', l1: 'codegraph-l1', l2: 'codegraph-l2', l4: 'codegraph-l4', l5: 'codegraph-l5', l7: 'codegraph-l7', l8: 'codegraph-l8', l9: 'codegraph-l9', index: 'codegraph-index' }
   */
  targetNames?: Partial<Record<Layer, string>>;
  /**
   * Name of the root project that aggregates the repo.
   * @default 'repo'
   */
  repoProjectName?: string;
  /**
   * Output folder relative to the workspace root.
   * @default '.codegraph'
   */
  outputDir?: string;
  /**
   * The workspace named input (nx.json `namedInputs`) whose exclusions the targets honour — its negative
   * `{projectRoot}/…` patterns are left out of both the hash and the index (see utils/inputs.ts); `false` turns it off.
   * A workspace without this named input gets the plain inputs.
   * @default 'production'
   */
  namedInput?: string | false;
  /**
   * L8 diagnostics (`codegraph-l8`): the level of each rule — `off`, `note`, `warning` or `error`. Rules and their
   * defaults: `syntax-error` error, `unresolved-import` warning, `undefined-name` warning, `undeclared-dependency`
   * warning, `unused-dependency` note; `pyright` (every Pyright rule) or `pyright/<rule>`: Pyright's own severity.
   * The engine's rules table (`RULES`) is the source of truth; an unknown rule or level fails the l8 task.
   * @default { rules: {} }
   */
  diagnostics?: { rules?: Record<string, 'off' | 'note' | 'warning' | 'error'> };
}

export interface ResolvedOptions {
  targetPrefix: string;
  /** Every layer's target name, defaults filled in. */
  targetNames: Record<Layer, string>;
  repoProjectName: string;
  outputDir: string;
  namedInput: string | false;
  /** L8's per-rule levels (empty: the defaults). */
  diagnosticRules: Record<string, string>;
}

export function resolveOptions(o: CodegraphPluginOptions | undefined): ResolvedOptions {
  const targetPrefix = o?.targetPrefix ?? 'codegraph';
  const targetNames = Object.fromEntries(LAYERS.map((l) => [l, o?.targetNames?.[l] ?? `${targetPrefix}-${l}`])) as Record<Layer, string>;
  return {
    targetPrefix,
    targetNames,
    repoProjectName: o?.repoProjectName ?? 'repo',
    outputDir: (o?.outputDir ?? '.codegraph').replace(/\/+$/, ''),
    namedInput: o?.namedInput ?? 'production',
    diagnosticRules: { ...(o?.diagnostics?.rules ?? {}) },
  };
}

/** Where a project's layer outputs live: `<outputDir>/projects/<projectRoot>`. */
export function projectOutDir(workspaceRoot: string, outputDir: string, projectRoot: string): string {
  return path.join(workspaceRoot, outputDir, 'projects', projectRoot);
}

export function repoOutDir(workspaceRoot: string, outputDir: string): string {
  return path.join(workspaceRoot, outputDir, 'repo');
}
