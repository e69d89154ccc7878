/** Cross-file layers: L4 (resolution across files and projects), L9 (package analysis), and the repo federation. */
export {
  runL4,
  buildSymbolTable,
  interfaceDigest,
  readResolved,
  forEachResolved,
  depsOf,
  l4Dir,
  resolvedPackPath,
  l4ManifestPath,
  depsPath,
  l4StatsPath,
  L4_FORMAT,
  type L4Options,
  type L4Stats,
  type L4Line,
  type L4Manifest,
  type L4FileEntry,
} from './layers/l4-resolve/run';
export { SymbolTable, importBinding, type Binding, type DefRec, type ModRec, type FileRec } from './layers/l4-resolve/symbols';
export { Resolver, viaOf, type Res } from './layers/l4-resolve/resolver';
export { tarjanScc, kahnOrder } from './layers/l4-resolve/graph';
export type { DepsJson } from './layers/l4-resolve/deps';
export { L1Reader, type ProjectOut, type ShardRef, type IrRecord } from './layers/l1-structure/stream';
export { resolutionStats, type ResolutionStats, type RateStats } from './layers/l4-resolve/stats';
export { graphEdges, graphCounts, parseL4Lines, indexL4Lines, isResolved, type GraphEdge, type GraphCounts, type L4Completions } from './layers/l4-resolve/complete';
export {
  writeRepoIndex,
  readFederation,
  exportGraph,
  repoProjectsPath,
  repoDepsPath,
  repoResolutionPath,
  type FederatedProject,
  type RepoIndexOptions,
  type RepoIndexStats,
  type RepoProjectsJson,
  type GraphExportStats,
} from './layers/repo/merge';
