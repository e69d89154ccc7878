/**
 * The worker-thread pool for per-file work, sized to the machine's cores. Work goes out in small batches to
 * amortise messaging; results come back as per-file summaries.
 *
 * One hostile file must not cost its batch-mates: each worker has a heap ceiling (`resourceLimits`) and a wall-clock
 * ceiling per batch; a batch whose worker died or hung is retried one file per task, so only the file that kills a
 * worker on its own is reported as failed (and it is not `transient`: it failed alone, on a fresh worker).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import workerpool from 'workerpool';
import type { FileResult, FileTask } from '../layers/l1-structure/file-task';

export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

export interface FilePoolOptions {
  /** V8 heap ceiling of each worker thread (MB). Wasm memory (tree-sitter) is outside it and bounded by wasm. */
  workerMemoryMb?: number;
  /** A batch taking longer than this per file (ms) has its worker terminated; the files are retried one by one. */
  fileTimeoutMs?: number;
}

export const DEFAULT_WORKER_MEMORY_MB = 2048;
/**
 * Young generation of every worker (MB), whatever its heap ceiling. Per-file work makes short-lived garbage by the
 * megabyte; at the 16 MB a 512 MB ceiling used to imply, L1+L5 on the stdlib ran 836 scavenges (6.8 s of GC) against
 * 237 (2.0 s) at 64 MB, and survivors promoted early made 2× the full collections. Semi-spaces are committed as they
 * fill: sympy's cold L5 (two workers) peaked at 635–662 MB against 494–503 MB at 16 MB.
 */
export const WORKER_YOUNG_GENERATION_MB = 64;
/** Per-file budget enforced inside the worker (parse + extraction); the pool's own ceiling is a multiple of it. */
export const DEFAULT_FILE_TIMEOUT_MS = 20_000;

/** What a pool runs: the worker function's name, and the result standing for a file whose worker failed. */
export interface PoolTaskKind<T extends { file: string }, R extends { transient?: boolean }> {
  method: 'indexBatch' | 'flowBatch' | 'indexFlowBatch';
  failure: (t: T, message: string) => R;
}

/** A pool of worker threads running one kind of per-file task (L1 extraction, L5 flow analysis). */
export class TaskPool<T extends { file: string }, R extends { transient?: boolean }> {
  private pool: workerpool.Pool;
  private readonly fileTimeoutMs: number;

  constructor(
    private readonly kind: PoolTaskKind<T, R>,
    workers = defaultWorkers(),
    opts: FilePoolOptions = {},
  ) {
    this.fileTimeoutMs = opts.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS;
    const mb = opts.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB;
    this.pool = workerpool.pool(path.join(__dirname, 'worker.js'), {
      maxWorkers: workers,
      workerType: 'thread',
      workerThreadOpts: { resourceLimits: { maxOldGenerationSizeMb: mb, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } },
    });
  }

  private exec(batch: T[]): Promise<R[]> {
    // The in-worker budget stops slow parses cleanly; this ceiling catches what it cannot (a stuck worker).
    const ceiling = batch.length * this.fileTimeoutMs * 2 + 30_000;
    const p = this.pool.exec(this.kind.method, [batch]).timeout(ceiling);
    // A native promise: workerpool's own does not adopt promises returned from its handlers.
    return new Promise<R[]>((resolve, reject) =>
      p.then(resolve as (r: unknown) => void, (err: unknown) => {
        setImmediate(() => this.resume());
        reject(err);
      }),
    );
  }

  /**
   * workerpool 10.0.3 resumes its queue after a task only once the crashed worker's terminate() calls back, which
   * never happens for a thread that died (out of memory): queued tasks would wait forever. A new exec() resumes it;
   * so does its internal `_next`, which we call after every failure.
   */
  private resume(): void {
    (this.pool as unknown as { _next?: () => void })._next?.();
  }

  /** Runs every task; `onBatch` sees each batch's results as soon as they are back (L1 journals them, reports progress). */
  async run(tasks: T[], batchSize: number, onBatch?: (results: R[]) => void): Promise<R[]> {
    const batches: Promise<R[]>[] = [];
    for (let i = 0; i < tasks.length; i += batchSize) {
      const batch = tasks.slice(i, i + batchSize);
      batches.push(
        this.exec(batch)
          .then((rs) => this.retryTransient(batch, rs), () => this.isolate(batch))
          .then((results) => {
            onBatch?.(results);
            return results;
          }),
      );
    }
    return (await Promise.all(batches)).flat();
  }

  /** The batch's worker died or hung: run each file alone, so only a file that fails alone is reported. */
  private isolate(batch: T[]): Promise<R[]> {
    return Promise.all(batch.map((t) => this.exec([t]).then((rs) => rs[0]!, (err: Error) => this.failed(t, err))));
  }

  /** Files failed for another file's sake (parser unrecoverable in their worker): once more, each on its own. */
  private async retryTransient(batch: T[], rs: R[]): Promise<R[]> {
    if (!rs.some((r) => r.transient)) return rs;
    return Promise.all(
      rs.map(async (r, i) => {
        if (!r.transient) return r;
        const t = batch[i]!;
        try {
          return (await this.exec([t]))[0]!;
        } catch (err) {
          return { ...this.failed(t, err as Error), transient: true };
        }
      }),
    );
  }

  private failed(t: T, err: Error): R {
    return this.kind.failure(t, `worker failed on this file alone: ${err.message}`);
  }

  async close(): Promise<void> {
    await this.pool.terminate();
  }
}

/** L1's tasks: extraction of files into IR. */
export const L1_TASKS: PoolTaskKind<FileTask, FileResult> = { method: 'indexBatch', failure: l1Failure };

/** The L1 pool. */
export class FilePool extends TaskPool<FileTask, FileResult> {
  constructor(workers = defaultWorkers(), opts: FilePoolOptions = {}) {
    super(L1_TASKS, workers, opts);
  }
}

export function l1Failure(t: FileTask, message: string): FileResult {
  return {
    file: t.file,
    module: t.module,
    loc: 0,
    syntaxErrors: 0,
    nodes: {},
    edges: {},
    diagnostics: [{ severity: 'error', code: 'worker-failed', message }],
    error: message,
  };
}
