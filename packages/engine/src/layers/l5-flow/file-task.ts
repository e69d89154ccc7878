/**
 * The per-file unit of L5 work, run on a worker thread (or in-process for a handful of files): read the file L1
 * indexed, check it is still the content L1 saw, parse it, build its control flow and SSA (lang/python/flow) and its
 * value-flow facts (lang/python/valueflow), and compress both for the main thread to pack.
 */
import { buildFileFlowFlat, type FileFlow } from '../../lang/python/flow';
import { extractFlowFactsFlat, flattenForFlow, withinFlowBudget, type FlowFacts } from '../../lang/python/valueflow';
import { ParserDamagedError, withParsedPython } from '../../lang/python/parse-file';
import type { Decoded } from '../../lang/python/decode';
import { ParserTrapError, ParserUnrecoverableError, ParseTimeoutError, type SyntaxNode } from '../../lang/python/parser';
import { readConfined } from '../../project/discover';
import { hashBytes } from '../../util/hash';
import { storeRecord, type StoredRecord } from '../../util/pack';
import { encodeFactsRecord, encodeFlowRecord, L5_RECORD_QUALITY } from './codec';

export interface FlowTask {
  abs: string;
  file: string;
  module: string;
  /** The file's content hash as L1 saw it: the positions in both layers must refer to the same text. */
  hash: string;
  /** The L5 key of the file's records. */
  key: string;
  timeoutMs?: number;
}

/** Sizes of a file's L5 output, summed into the manifest's totals. */
export interface FlowCounts {
  scopes: number;
  blocks: number;
  edges: number;
  defs: number;
  phis: number;
  uses: number;
  /** Scopes a budget left out (see FileFlow.skipped). */
  skipped: number;
  /** Value-flow constraints left out by the size budget (valueflow withinFlowBudget); absent when none. */
  flowOmitted?: number;
}

export interface FlowResult {
  file: string;
  key: string;
  counts?: FlowCounts;
  flow?: StoredRecord;
  facts?: StoredRecord;
  error?: string;
  /** Says nothing about this file (the file changed since L1, its worker died with a batch-mate): retried next run. */
  transient?: boolean;
}

/**
 * Heap ceiling of an L5 worker (MB), unless the caller sets one. Not L1's 2048: V8 lets a heap grow to up to 4× what
 * its last full collection kept when the ceiling is 2 GB or more, and ~1.4× at 512 MB, and that slack was most of
 * sympy's cold L5 peak (a worker committed 485 MB for 78 MB live; whole step 880–930 MiB, 620 at 512). The largest
 * file measured, sympy's 1.5 MB test_trinomials.py, needs 192–256 MB of heap alone (it runs out at 192); the ceiling
 * is twice that. A file above it still ends with a diagnostic: its worker dies and it is retried alone.
 */
export const FLOW_WORKER_MEMORY_MB = 512;

export function countFlow(flow: FileFlow): FlowCounts {
  const c: FlowCounts = { scopes: flow.scopes.length, blocks: 0, edges: 0, defs: 0, phis: 0, uses: 0, skipped: flow.skipped?.length ?? 0 };
  for (const s of flow.scopes) {
    c.blocks += s.blocks.length;
    c.edges += s.edges.length;
    c.uses += s.uses.length;
    for (const d of s.defs) if (d.kind === 'phi') c.phis++;
    else c.defs++;
  }
  return c;
}

/**
 * One file's control flow and value-flow facts (within the per-file budget), parsed with the guards every parsing
 * layer uses (parse-file.ts). `facts` is undefined when the file was not parsed (too deeply indented to be safe).
 * L5 runs it on workers; L4 runs it for a file L5 did not analyse.
 */
export function analyseSource(bytes: Uint8Array, file: string, module: string, timeoutMs?: number): { flow: FileFlow; facts: FlowFacts | undefined } {
  return withParsedPython(bytes, { timeoutMs }, (decoded, root) => (root ? analyseTree(decoded, root, file, module) : { flow: { scopes: [] }, facts: undefined }));
}

/** analyseSource on a tree someone else parsed (L1's worker: see staged.ts). */
export function analyseTree(decoded: Decoded, root: SyntaxNode, file: string, module: string): { flow: FileFlow; facts: FlowFacts } {
  // One flat copy of the tree for both builders (valid until the next flatten on this thread).
  const view = flattenForFlow(root, decoded.text);
  const flow = buildFileFlowFlat(view.tree, view.text, view.grammar);
  const facts = withinFlowBudget(extractFlowFactsFlat(view, { path: file, module, isPackage: file.endsWith('__init__.py') }, flow));
  return { flow, facts };
}

/** A file's L5 records as the packs store them, and its counts for the manifest. */
export function flowRecords(flow: FileFlow, facts: FlowFacts | undefined): { counts: FlowCounts; flow: StoredRecord; facts: StoredRecord } {
  const omitted = facts?.omitted;
  return {
    counts: { ...countFlow(flow), ...(omitted ? { flowOmitted: omitted } : {}) },
    flow: storeRecord(encodeFlowRecord(flow), L5_RECORD_QUALITY),
    facts: storeRecord(encodeFactsRecord(facts ?? {}), L5_RECORD_QUALITY),
  };
}

export function processFlowFile(t: FlowTask): FlowResult {
  const base: FlowResult = { file: t.file, key: t.key };
  let bytes: Buffer;
  try {
    bytes = readConfined(t.abs.slice(0, t.abs.length - t.file.length), t.abs);
  } catch (err) {
    return { ...base, transient: true, error: `unreadable since L1: ${(err as Error).message}` };
  }
  if (hashBytes(bytes) !== t.hash) return { ...base, transient: true, error: 'changed since L1 indexed it: run L1 again' };
  if (parserUnrecoverable) return { ...base, transient: true, error: 'parser unrecoverable in this worker' };
  try {
    const { flow, facts } = analyseSource(bytes, t.file, t.module, t.timeoutMs);
    return { ...base, ...flowRecords(flow, facts) };
  } catch (err) {
    return failure(base, err);
  }
}

/** Set in a worker whose parser cannot be repaired: the pool must replace the thread. */
export let parserUnrecoverable = false;

function failure(r: FlowResult, err: unknown): FlowResult {
  const message = (err as Error)?.message ?? String(err);
  if (err instanceof ParserUnrecoverableError) {
    parserUnrecoverable = true;
    return { ...r, transient: true, error: `parser unrecoverable: ${message}` };
  }
  const code =
    err instanceof ParseTimeoutError ? 'time-budget' : err instanceof ParserTrapError ? 'parser-trap' : err instanceof ParserDamagedError ? 'parser-damaged' : 'flow-failed';
  return { ...r, error: `${code}: ${message}` };
}

/** For the pool: a file whose worker died. */
export function flowWorkerFailure(t: FlowTask, message: string): FlowResult {
  return { file: t.file, key: t.key, error: message };
}
