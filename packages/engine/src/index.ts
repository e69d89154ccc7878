/** Public API of the codegraph engine. Nothing here knows about Nx or any other build tool. */
export * from './ir/model';
export { initHash, hashString, hashBytes } from './util/hash';
export { writeFileAtomicSync, writeJsonAtomicSync, readJsonOrUndefined } from './util/atomic';
export { ENGINE_VERSION, IR_SCHEMA, engineFingerprint, listFiles } from './version';
export type { LanguageFrontEnd, ExtractInput } from './lang/language';
export { extractPython, countLines } from './lang/python/extract';
export { initPythonParser } from './lang/python/parser';
export { decodePythonSource } from './lang/python/decode';
export { detectLayout, moduleNameFor, type ProjectLayout } from './project/layout';
export { discoverFiles, DEFAULT_EXCLUDED_DIRS } from './project/discover';
export { runL0, inventoryPath, type Inventory, type InventoryEntry, type LayerStats, type L0Options } from './layers/l0-fastpath/inventory';
export { runL1, manifestPath, l1Dir, type L1Manifest, type L1Options, type ManifestEntry } from './layers/l1-structure/run';
export { shardPath, type ShardHeader } from './layers/l1-structure/file-task';
export { readShard, verifyShard, type ShardRecords } from './layers/l1-structure/read';
export { summarizeProject, mergeSummaries, formatSummary, summaryPath, type Summary } from './layers/summary/summary';
export { indexDirectory, type IndexDirectoryOptions } from './pipeline';
export * from './cross-file';
export * from './layers/l2-occurrences';
