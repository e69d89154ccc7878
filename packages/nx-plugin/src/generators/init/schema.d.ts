export interface Schema {
  skipFormat?: boolean;
  outputDir?: string;
}
