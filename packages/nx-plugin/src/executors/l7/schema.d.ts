export interface Schema {
  outputDir?: string;
  excludeDirs?: string[];
  /** In a batch: run this step in a child process of its own (default: true for l4 and l7, for l5 without a previous run, false otherwise). */
  inChildProcess?: boolean;
}
