/** Worker-thread entry: loads the hasher and grammar once, then indexes batches of files. */
import workerpool from 'workerpool';
import { initFileWork, processFile, type FileResult, type FileTask } from '../layers/l1-structure/file-task';
import * as fileTask from '../layers/l1-structure/file-task';

const ready = initFileWork();

async function indexBatch(tasks: FileTask[]): Promise<FileResult[]> {
  await ready;
  const out = tasks.map(processFile);
  // A parser that a fresh replacement could not repair means the wasm instance is damaged: end this thread once
  // the results are sent, and the pool starts a new one (the pool retries the files marked transient).
  if (fileTask.parserUnrecoverable) setTimeout(() => process.exit(1), 50);
  return out;
}

workerpool.worker({ indexBatch });
