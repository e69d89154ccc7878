/** Worker-thread entry: loads the hasher and grammar once, then runs batches of per-file tasks (L1, L5, or both on one parse). */
import workerpool from 'workerpool';
import { initFileWork, processFile, type FileTask } from '../layers/l1-structure/file-task';
import * as fileTask from '../layers/l1-structure/file-task';
import { processFlowFile } from '../layers/l5-flow/file-task';
import * as flowTask from '../layers/l5-flow/file-task';
import { processFileWithFlow } from '../layers/l5-flow/staged';

const ready = initFileWork();

/**
 * A parser that a fresh replacement could not repair means the wasm instance is damaged: end this thread once the
 * results are sent, and the pool starts a new one (the pool retries the files marked transient).
 */
function exitIfParserDamaged(): void {
  if (fileTask.parserUnrecoverable || flowTask.parserUnrecoverable) setTimeout(() => process.exit(1), 50);
}

/** A worker method: runs one per-file function over a batch, once the grammar is loaded. */
function batchOf<T, R>(run: (t: T) => R): (tasks: T[]) => Promise<R[]> {
  return async (tasks) => {
    await ready;
    const out = tasks.map((t) => run(t));
    exitIfParserDamaged();
    return out;
  };
}

workerpool.worker({
  indexBatch: batchOf((t: FileTask) => processFile(t)),
  // L1's extraction and L5's analysis on one parse per file (layers/l5-flow/staged.ts).
  indexFlowBatch: batchOf(processFileWithFlow),
  flowBatch: batchOf(processFlowFile),
});
