/**
 * A prepare worker (prepare-pool.ts): opens the project's layer outputs once, then answers `{ seq, ref, key }` with
 * that file's PreparedFile (or the error's message). Loads only what preparing needs — not SQLite, not the MCP server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initHash } from '@codegraph/engine';
import { L7Inputs } from './inputs';
import { prepareFile } from './prepare';
import type { PrepareRequest, PrepareResponse, PrepareWorkerData } from './prepare-pool';

const data = workerData as PrepareWorkerData;
const port = parentPort!;
const ready = initHash().then(() => L7Inputs.open(data.outDir, data.project));

port.on('message', (req: PrepareRequest) => {
  void ready
    .then((inputs) => {
      const p = prepareFile(inputs.input(req.ref, req.key), data.root);
      // The code text and blobs are copied by the structured clone; typed arrays of sites move without a copy.
      port.postMessage({ seq: req.seq, file: p } satisfies PrepareResponse, p.occ ? [p.occ.sites.buffer as ArrayBuffer] : []);
    })
    .catch((err: unknown) => port.postMessage({ seq: req.seq, error: err instanceof Error ? err.message : String(err) } satisfies PrepareResponse));
});
