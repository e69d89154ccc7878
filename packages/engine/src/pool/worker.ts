/** Worker-thread entry: loads the hasher and grammar once, then runs batches of per-file tasks (L1, L5, or both on one parse). */
import workerpool from 'workerpool';
import { initFileWork, processFile, type FileResult, type FileTask } from '../layers/l1-structure/file-task';
import * as fileTask from '../layers/l1-structure/file-task';
import { processFlowFile, type FlowResult, type FlowTask } from '../layers/l5-flow/file-task';
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

async function indexBatch(tasks: FileTask[]): Promise<FileResult[]> {
  await ready;
  const out = tasks.map((t) => processFile(t));
  exitIfParserDamaged();
  return out;
}

/** L1's extraction and L5's analysis on one parse per file (layers/l5-flow/staged.ts). */
async function indexFlowBatch(tasks: FileTask[]): Promise<FileResult[]> {
  await ready;
  const out = tasks.map(processFileWithFlow);
  exitIfParserDamaged();
  return out;
}

async function flowBatch(tasks: FlowTask[]): Promise<FlowResult[]> {
  await ready;
  const out = tasks.map(processFlowFile);
  exitIfParserDamaged();
  return out;
}

workerpool.worker({ indexBatch, indexFlowBatch, flowBatch });
