export interface Schema {
  outputDir?: string;
  projects?: string[];
}
