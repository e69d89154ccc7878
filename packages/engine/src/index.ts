/** Public API of the codegraph engine. Nothing here knows about Nx or any other build tool. */
export * from './ir/model';
export { initHash, hashString, hashBytes } from './util/hash';
export { writeFileAtomicSync, writeJsonAtomicSync, readJsonOrUndefined } from './util/atomic';
export { lineStarts, lineAt } from './util/lines';
export { ENGINE_VERSION, IR_SCHEMA, engineFingerprint, listFiles } from './version';
export type { LanguageFrontEnd, ExtractInput } from './lang/language';
export { extractPython, countLines, MAX_SCOPE_DEPTH, ParserDamagedError, ExtractTimeoutError, type ExtractOptions } from './lang/python/extract';
export {
  initPythonParser,
  parsePython,
  checkParser,
  parserReplacements,
  deepestIndentation,
  MAX_INDENT_LEVELS,
  ParseTimeoutError,
  ParserTrapError,
  ParserUnrecoverableError,
} from './lang/python/parser';
export { decodePythonSource } from './lang/python/decode';
export { extractImports, importsOfTree, type PythonImport } from './lang/python/imports';
export { detectLayout, moduleNameFor, type ProjectLayout } from './project/layout';
export { discoverFiles, DEFAULT_EXCLUDED_DIRS, BUILD_OUTPUT_DIRS, readConfined, type Skipped } from './project/discover';
export { FilePool, DEFAULT_FILE_TIMEOUT_MS, DEFAULT_WORKER_MEMORY_MB, type FilePoolOptions } from './pool/pool';
export { processFile, type FileTask, type FileResult } from './layers/l1-structure/file-task';
export { runL0, inventoryPath, type Inventory, type InventoryEntry, type LayerStats, type L0Options } from './layers/l0-fastpath/inventory';
export { runL1, manifestPath, l1Dir, irPackPath, factsPackPath, type L1Manifest, type L1Options, type L1Stage, type ManifestEntry } from './layers/l1-structure/run';
export type { ShardHeader } from './layers/l1-structure/file-task';
export { readFileIr, type ShardRecords } from './layers/l1-structure/read';
export { encodeCompact, decodeCompact } from './layers/l1-structure/compact';
export { factsOf, factsOfRecords, factsHash, type FileFacts } from './layers/l1-structure/interface';
export { PackReader, PackWriter, salvagePack, storeRecord, type StoredRecord } from './util/pack';
export { summarizeProject, mergeSummaries, formatSummary, formatRepoSummary, summaryPath, type Summary, type RepoSummary, type IndexTotals } from './layers/summary/summary';
export { indexDirectory, type IndexDirectoryOptions } from './pipeline';
export * from './cross-file';
export * from './layers/l2-occurrences';
export * from './layers/l9-packages';
export * from './layers/l5-flow';
export * from './lang/python/flow';
export * from './layers/l8-diagnostics';
export * from './layers/l3-types';
