export {
  runL3,
  sourceRootsOf,
  l3Dir,
  typesPackPath,
  l3ManifestPath,
  l3DiagnosticsPath,
  L3_FORMAT,
  DEFAULT_L3_TIME_BUDGET_MS,
  DEFAULT_L3_MEMORY_MB,
  type L3Options,
  type L3Manifest,
  type L3FileEntry,
  type L3FileRecord,
  type L3Counts,
  type L3Mode,
  type PythonEnv,
} from './run';
export { L3Overlay, withTypes } from './overlay';
export { pyrightServerEntry, pyrightVersion } from './pyright-package';
export type { L3Diagnostic } from './diagnostics';
export { selectSites, openCallCount, Scopes, SELECTIVE_RECEIVERS, type ReceiverKind, type Site } from './sites';
export { l3RateDelta } from './rates';
