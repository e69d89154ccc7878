/**
 * Composition of the layers for one project, as both the CLI and build-tool adapters run them. Each layer is also
 * callable on its own (the Nx plugin runs them as separate cacheable targets).
 */
import * as path from 'node:path';
import { runL0 } from './layers/l0-fastpath/inventory';
import { runL1 } from './layers/l1-structure/run';
import { flowStage } from './layers/l5-flow/staged';
import { summarizeProject, type Summary } from './layers/summary/summary';

export interface IndexDirectoryOptions {
  dir: string;
  outDir: string;
  /** Root that paths and ids are relative to; defaults to `dir`. */
  root?: string;
  workers?: number;
  maxFileBytes?: number;
  excludeDirs?: readonly string[];
  /** L1 progress: files parsed so far of those to parse (reused files are not counted). */
  onProgress?: (done: number, total: number) => void;
  /** Directory names skipped anywhere (default DEFAULT_EXCLUDED_DIRS). */
  excludeNames?: readonly string[];
  /** Globs of files skipped, relative to `dir` (minimatch; e.g. `**\/test_*.py`). */
  excludeFiles?: readonly string[];
  /** Hash every file instead of trusting mtime+size (see L0Options.verifyHashes). */
  verifyHashes?: boolean;
  fileTimeoutMs?: number;
  workerMemoryMb?: number;
  /** L5 runs next: do its per-file analysis on L1's parse (layers/l5-flow/staged.ts). */
  stageFlow?: boolean;
}

export async function indexDirectory(o: IndexDirectoryOptions): Promise<Summary> {
  const root = o.root ?? o.dir;
  const inventory = await runL0({
    root,
    projectDir: o.dir,
    outDir: o.outDir,
    excludeDirs: o.excludeDirs,
    excludeNames: o.excludeNames,
    excludeFiles: o.excludeFiles,
    verifyHashes: o.verifyHashes,
  });
  await runL1({
    root,
    projectDir: o.dir,
    outDir: o.outDir,
    inventory,
    workers: o.workers,
    maxFileBytes: o.maxFileBytes,
    fileTimeoutMs: o.fileTimeoutMs,
    workerMemoryMb: o.workerMemoryMb,
    onProgress: o.onProgress,
    ...(o.stageFlow ? { stage: flowStage(o.outDir) } : {}),
  });
  return summarizeProject(path.basename(o.dir) || o.dir, o.outDir);
}
