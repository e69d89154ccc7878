/**
 * Runs per-file tasks the way every parsing layer wants: in-process when there are too few to pay for threads,
 * otherwise on a TaskPool, biggest files first (so one straggler does not finish alone at the end), in small
 * batches (so both cores stay busy), reporting each batch as it comes back.
 */
import * as fs from 'node:fs';
import { defaultWorkers, TaskPool, type FilePoolOptions, type PoolTaskKind } from './pool';

export interface RunTasksOptions extends FilePoolOptions {
  workers?: number;
  /** Below this many tasks, work in-process: starting threads would cost more than it saves (default 16). */
  inProcessBelow?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function runFileTasks<T extends { file: string; abs: string }, R extends { transient?: boolean }>(
  kind: PoolTaskKind<T, R>,
  inProcess: { init: () => Promise<void>; run: (t: T) => R },
  todo: T[],
  opts: RunTasksOptions,
  onBatch: (results: R[]) => void,
): Promise<R[]> {
  if (todo.length === 0) return [];
  let done = 0;
  const progress = (n: number) => opts.onProgress?.((done += n), todo.length);
  const workers = Math.min(opts.workers ?? defaultWorkers(), todo.length);
  if (workers <= 1 || todo.length < (opts.inProcessBelow ?? 16)) {
    await inProcess.init();
    const out: R[] = [];
    for (const t of todo) {
      const r = inProcess.run(t);
      out.push(r);
      onBatch([r]);
      progress(1);
    }
    return out;
  }
  const sized = todo.map((t) => ({ t, size: safeSize(t.abs) })).sort((a, b) => b.size - a.size);
  const batchSize = Math.max(1, Math.min(16, Math.floor(todo.length / (workers * 16))));
  const pool = new TaskPool(kind, workers, { workerMemoryMb: opts.workerMemoryMb, fileTimeoutMs: opts.fileTimeoutMs });
  try {
    return await pool.run(
      sized.map((s) => s.t),
      batchSize,
      (results) => {
        onBatch(results);
        progress(results.length);
      },
    );
  } finally {
    await pool.close();
  }
}

function safeSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}
