/** L2 occurrences: SCIP-compatible definition/reference occurrences and `index.scip`, from L1 shards. */
export { runL2, writeRepoScip, writeProjectScip, l2Dir, docsPackPath, l2ManifestPath, l2StatsPath, type L2Options, type L2Stats, type L2Manifest, type RepoScipOptions, type ProjectScipOptions } from './run';
export { mergeScip, scipRange, projectRootUri } from './scip';
export { buildDocument, L2_FORMAT, ROLE, KIND, type L2Doc } from './document';
export { packagePrefix, escapeName, guessDescriptor, type PackageRef } from './symbols';
