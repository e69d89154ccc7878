/** Cross-file layers: L4 (resolution across files and projects) and L9 (package analysis). */
export { runL4, buildSymbolTable, l4Dir, resolvedPath, depsPath, symbolsPath, l4StatsPath, type L4Options, type L4Stats, type L4Line } from './layers/l4-resolve/run';
export { SymbolTable, importBinding, type Binding, type DefRec, type ModRec, type FileRec } from './layers/l4-resolve/symbols';
export { Resolver, viaOf, type Res } from './layers/l4-resolve/resolver';
export { tarjanScc, kahnOrder } from './layers/l4-resolve/graph';
export type { DepsJson } from './layers/l4-resolve/deps';
export type { ProjectOut } from './layers/l1-structure/stream';
export { resolutionStats, type ResolutionStats, type RateStats } from './layers/l4-resolve/stats';
export { mergeRepo, repoGraphPath, repoDepsPath, repoResolutionPath, type RepoMergeOptions, type RepoMergeStats } from './layers/repo/merge';
