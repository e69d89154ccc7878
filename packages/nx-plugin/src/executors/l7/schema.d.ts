export interface Schema {
  outputDir?: string;
  excludeDirs?: string[];
}
