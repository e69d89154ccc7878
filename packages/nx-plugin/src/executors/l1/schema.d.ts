export interface Schema {
  outputDir?: string;
  excludeDirs?: string[];
  /** Globs of Python files to skip, relative to the project root (from the workspace's named input). */
  excludeFiles?: string[];
  /** Worker threads for per-file work, at least 1 (an integer). Default: one per core. */
  workers?: number;
  /** Layer l1: run L5's per-file analysis on L1's parse and stage it for L5 (default true). */
  shareParse?: boolean;
  /** In a batch: run this step in a child process of its own (default: true for l4 and l7, for l5 without a previous run, false otherwise). */
  inChildProcess?: boolean;
}
