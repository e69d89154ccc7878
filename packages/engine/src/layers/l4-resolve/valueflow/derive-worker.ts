/** Worker-thread entry of UnitDeriver (derive-unit.ts): derives the units it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { initHash } from '../../../util/hash';
import { buildSymbolTable } from '../run';
import type { Symbols } from '../symbols';
import { deriveUnit, type DeriveReply, type DeriveWorkerInit, type UnitInput } from './derive-unit';

const init = workerData as DeriveWorkerInit;
const ready = initHash();
let table: Symbols | undefined;
// Units arrive one at a time (the deriver waits for each reply), so no two derivations share this thread.
parentPort!.on('message', async (unit: UnitInput) => {
  try {
    await ready;
    table ??= buildSymbolTable(init.tableProjects[0]!, init.tableProjects.slice(1));
    const got = await deriveUnit(init.root, init.project, unit, table);
    // The entry's buffer is moved to the caller, not copied.
    parentPort!.postMessage({ ok: true, unit: got } satisfies DeriveReply, [got.entry.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies DeriveReply);
  }
});
