import type { LayerExecutorOptions } from '../context';

export interface Schema extends LayerExecutorOptions {
  /** `selective` (default): the open sites Pyright types cheaply; `unresolved`: every site L4 left open; `all`: every call/base/decorator site. */
  mode?: 'selective' | 'unresolved' | 'all';
  /** Wall-time budget of the project's Pyright work, ms (default 600000). */
  timeBudgetMs?: number;
  /** RSS budget of the Pyright process, MB (default 1536). */
  memoryBudgetMb?: number;
  /** Pyright servers side by side, sharing the memory budget (default 1). */
  servers?: number;
  /** Collect Pyright's diagnostics (a full check of each opened file; default false). */
  diagnostics?: boolean;
  /** The Python environment Pyright reads (never runs, unless `pythonPath` is set). */
  python?: { pythonPath?: string; venvPath?: string; venv?: string; extraPaths?: string[] };
}
