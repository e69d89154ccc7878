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
  /**
   * L3, Pyright's types for what L4 left unresolved: a `codegraph-l3` target per project after its L4, which the
   * project's L7 and index then depend on. `true` asks about the sites L4 left open that Pyright types cheaply, `'all'` about every call site,
   * an object sets the mode, the budgets and the Python environment Pyright reads. Off by default: it starts one
   * Pyright server per project run (~3 s, ~130 MB on a small project; the budgets bound it on large ones) and
   * installs nothing more (pyright ships with the engine).
   * @default false
   */
  l3?: boolean | 'all' | L3PluginOptions;
}

/** The `l3` plugin option in full (the `codegraph-l3` executor's options). */
export interface L3PluginOptions {
  /**
   * `selective`: the sites L4 left open that Pyright types cheaply (bare names, import attributes, `self` methods,
   * annotated parameters; every open site inside annotated functions); `unresolved`: every site L4 left open.
   * @default 'selective'
   */
  mode?: 'selective' | 'unresolved' | 'all';
  /** Wall-time budget of a project's Pyright work, ms. @default 600000 */
  timeBudgetMs?: number;
  /** RSS budget of the Pyright process, MB. @default 1536 */
  memoryBudgetMb?: number;
  /** Pyright servers side by side, each on a share of the files, sharing the memory budget. @default 1 */
  servers?: number;
  /** Collect Pyright's diagnostics (`l3/diagnostics.json`, L8's `pyright/*` findings): a full check of each opened file, several times the cost. @default false */
  diagnostics?: boolean;
  /** The Python environment Pyright reads; without it, the workspace's projects and Pyright's bundled typeshed. */
  python?: { pythonPath?: string; venvPath?: string; venv?: string; extraPaths?: string[] };
  /** @default '<targetPrefix>-l3' */
  targetName?: string;
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
  /** L3's target name and executor options, when it is on. */
  l3?: { targetName: string; options: Omit<L3PluginOptions, 'targetName'> };
}

function resolveL3(o: CodegraphPluginOptions['l3'], prefix: string): ResolvedOptions['l3'] {
  if (o === undefined || o === false) return undefined;
  const full: L3PluginOptions = o === true ? {} : o === 'all' ? { mode: 'all' } : o;
  const { targetName, ...options } = full;
  return { targetName: targetName ?? `${prefix}-l3`, options };
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
    ...(o?.l3 !== undefined && o.l3 !== false ? { l3: resolveL3(o.l3, targetPrefix) } : {}),
  };
}

/** Where a project's layer outputs live: `<outputDir>/projects/<projectRoot>`. */
export function projectOutDir(workspaceRoot: string, outputDir: string, projectRoot: string): string {
  return path.join(workspaceRoot, outputDir, 'projects', projectRoot);
}

export function repoOutDir(workspaceRoot: string, outputDir: string): string {
  return path.join(workspaceRoot, outputDir, 'repo');
}
