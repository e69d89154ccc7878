export interface Schema {
  outputDir?: string;
  excludeDirs?: string[];
  /** Worker threads for per-file work, at least 1 (an integer). Default: one per core. */
  workers?: number;
}
