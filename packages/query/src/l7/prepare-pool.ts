/**
 * Worker threads that prepare files' rows (prepare.ts) while the builder writes them: decoding L1/L2/L4 records and
 * deriving rows is most of a cold build, SQLite a sixth of it (measured on the stdlib), so with two cores the build
 * runs close to twice as fast. Results come back in any order; `prepare` returns each file's own promise.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ShardRef } from '@codegraph/engine';
import type { PreparedFile } from './prepare';

/**
 * Heap ceiling of a prepare worker (MB). Without one a worker gets the process's (4 GB here), and V8 then lets its
 * heap grow to 4× what its last full collection kept (~1.4× under 512 MB): 343 MB committed in sympy's build. The
 * largest file measured, sympy's test_trinomials.py, keeps ~230 MB live while prepared. A worker that runs out
 * dies; the builder then prepares that file and the rest itself.
 */
export const PREPARE_WORKER_MEMORY_MB = 512;

export interface PrepareWorkerData {
  root: string;
  outDir: string;
  project: string;
}
export interface PrepareRequest {
  seq: number;
  ref: ShardRef;
  key: string;
}
export type PrepareResponse = { seq: number; file: PreparedFile } | { seq: number; error: string };

export class PreparePool {
  private readonly workers: Array<{ worker: Worker; busy: number }> = [];
  private readonly waiting = new Map<number, { resolve: (p: PreparedFile) => void; reject: (e: Error) => void }>();
  private seq = 0;
  /** Set when a worker died: every later request fails at once (the builder prepares those files itself). */
  private broken: Error | undefined;

  constructor(size: number, data: PrepareWorkerData) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(path.join(__dirname, 'prepare-worker.js'), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: PREPARE_WORKER_MEMORY_MB } });
      const slot = { worker, busy: 0 };
      worker.on('message', (r: PrepareResponse) => {
        slot.busy--;
        const w = this.waiting.get(r.seq);
        this.waiting.delete(r.seq);
        if ('error' in r) w?.reject(new Error(r.error));
        else w?.resolve(r.file);
      });
      // A worker that dies (or exits) fails what was asked of the pool; the builder prepares those files itself.
      const fail = (err: Error) => {
        this.broken ??= err;
        this.failAll(err);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`codegraph: an L7 prepare worker exited (${code})`)));
      this.workers.push(slot);
    }
  }

  prepare(ref: ShardRef, key: string): Promise<PreparedFile> {
    if (this.broken) return Promise.reject(this.broken);
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      slot.busy++;
      slot.worker.postMessage({ seq, ref, key } satisfies PrepareRequest);
    });
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.failAll(new Error('codegraph: prepare pool closed'));
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
