/**
 * The thread a cold L7 build runs in (build.ts, buildL7): builds with the options it was given and answers with the
 * stats or the error. Its heap ceiling is what it is for (BUILDER_MEMORY_MB).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildHere, type BuildL7Options } from './build';

buildHere(workerData as BuildL7Options).then(
  (stats) => parentPort!.postMessage({ stats }),
  (err: unknown) => parentPort!.postMessage(err instanceof Error ? { error: err.message, stack: err.stack } : { error: String(err) }),
);
