/**
 * The worker-thread pool for per-file work, sized to the machine's cores. Work goes out in small batches to
 * amortise messaging; results come back as per-file summaries.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import workerpool from 'workerpool';
import type { FileResult, FileTask } from '../layers/l1-structure/file-task';

export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

export class FilePool {
  private pool: workerpool.Pool;

  constructor(workers = defaultWorkers()) {
    this.pool = workerpool.pool(path.join(__dirname, 'worker.js'), { maxWorkers: workers, workerType: 'thread' });
  }

  /** Runs every task; `onBatch` sees each batch's results as soon as they are back (L1 journals them, reports progress). */
  async run(tasks: FileTask[], batchSize: number, onBatch?: (results: FileResult[]) => void): Promise<FileResult[]> {
    const batches: Promise<FileResult[]>[] = [];
    for (let i = 0; i < tasks.length; i += batchSize) {
      const batch = tasks.slice(i, i + batchSize);
      batches.push(
        (this.pool.exec('indexBatch', [batch]) as Promise<FileResult[]>)
          .catch((err: Error) =>
            // A worker that died (e.g. out of memory on a pathological file) fails only its own batch.
            batch.map((t) => ({ file: t.file, module: t.module, loc: 0, syntaxErrors: 0, nodes: {}, edges: {}, diagnostics: [], error: `worker failed: ${err.message}` })),
          )
          .then((results) => {
            onBatch?.(results);
            return results;
          }),
      );
    }
    return (await Promise.all(batches)).flat();
  }

  async close(): Promise<void> {
    await this.pool.terminate();
  }
}
