/** Worker-thread entry: loads the hasher and grammar once, then indexes batches of files. */
import workerpool from 'workerpool';
import { initFileWork, processFile, type FileResult, type FileTask } from '../layers/l1-structure/file-task';

const ready = initFileWork();

async function indexBatch(tasks: FileTask[]): Promise<FileResult[]> {
  await ready;
  return tasks.map(processFile);
}

workerpool.worker({ indexBatch });
