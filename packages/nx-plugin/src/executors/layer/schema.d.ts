export interface Schema {
  layer: 'l0' | 'l1' | 'l2' | 'l4' | 'l9' | 'index' | 'repo-index';
  outputDir?: string;
  excludeDirs?: string[];
  workers?: number;
  projects?: string[];
}
