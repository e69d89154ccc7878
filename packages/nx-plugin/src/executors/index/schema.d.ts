export interface Schema {
  outputDir?: string;
}
