/**
 * The per-file unit of L1 work, run on a worker thread (or in-process for a handful of files): read the bytes,
 * hash them, extract the IR, encode it compactly (compact.ts) with its interface (interface.ts) and compress both.
 * What goes back to the main thread is a small summary and two compressed records, which the main thread appends
 * to the project's packs: no per-node objects cross threads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countKinds, type Diagnostic, type EdgeCounts, type FileIr, type NodeCounts } from '../../ir/model';
import { ExtractTimeoutError, extractPython, ParserDamagedError } from '../../lang/python/extract';
import type { Decoded } from '../../lang/python/decode';
import { initPythonParser, ParserTrapError, ParserUnrecoverableError, ParseTimeoutError, type SyntaxNode } from '../../lang/python/parser';
import { readConfined } from '../../project/discover';
import { hashBytes, hashString, initHash } from '../../util/hash';
import { storeRecord, type StoredRecord } from '../../util/pack';
import { encodeCompact } from './compact';
import { factsHash, factsOfRecords } from './interface';

export interface FileTask {
  abs: string;
  file: string;
  module: string;
  /** Engine fingerprint + options: part of every key. */
  keyPrefix: string;
  maxFileBytes: number;
  /** Parse + extraction budget for this file (ms); past it the file fails with a diagnostic. */
  timeoutMs?: number;
}

export interface FileResult {
  file: string;
  module: string;
  hash?: string;
  key?: string;
  loc: number;
  syntaxErrors: number;
  nodes: NodeCounts;
  edges: EdgeCounts;
  diagnostics: Diagnostic[];
  /** Set when the file could not be indexed at all (not for syntax errors, which still yield IR). */
  error?: string;
  /**
   * The failure says nothing about this file's content (its worker died with a batch-mate, the parser was damaged
   * beyond repair by another file): never negative-cached, retried on the next run (the pool retries it once).
   */
  transient?: boolean;
  vanished?: boolean;
  /** The IR record (header line + compact lines) and the interface record, compressed, for the packs. */
  ir?: StoredRecord;
  facts?: StoredRecord;
  /** Hash of the file's interface (interface.ts). */
  iface?: string;
  /** What a TreeSidecar made of the same parse; opaque to L1 (see L1Options.stage). */
  sidecar?: unknown;
  /** The file's worker died while it also ran a stage's work: L1 indexes it again on its own (see L1Stage). */
  retryWithoutStage?: boolean;
}

/**
 * Per-file work of a later layer done on L1's parse, so the file is parsed once for both (see L1Options.stage):
 * called with the tree once the IR is extracted, in the worker; what it returns rides back on the file's result.
 * It must not throw for a file L1 indexes: its own failures are its own (return undefined, the layer redoes the file).
 */
export type TreeSidecar = (decoded: Decoded, root: SyntaxNode, key: string, task: FileTask) => unknown;

/** First line of every IR record: what the file is and its counts, so a manifest entry can be rebuilt from a record. */
export interface ShardHeader {
  ir: 'file';
  schema: number;
  file: string;
  module: string;
  key: string;
  loc: number;
  syntax_errors: number;
  nodes: NodeCounts;
  edges: EdgeCounts;
  diagnostics: Diagnostic[];
}

const MAX_DIAGNOSTICS = 50;

export function fileKey(prefix: string, file: string, module: string, contentHash: string): string {
  return hashString(`${prefix}\0${file}\0${module}\0${contentHash}`);
}

export async function initFileWork(): Promise<void> {
  await initHash();
  await initPythonParser();
}

/** The IR record of a file: its header line, then its records in compact form. */
export function encodeIrRecord(ir: FileIr, key: string): { text: string; header: ShardHeader } {
  const header = shardHeader(ir, key);
  return { text: JSON.stringify(header) + '\n' + encodeCompact(ir.file, ir.nodes, ir.edges), header };
}

function shardHeader(ir: FileIr, key: string): ShardHeader {
  return {
    ir: 'file',
    schema: 1,
    file: ir.file,
    module: ir.module,
    key,
    loc: ir.loc,
    syntax_errors: ir.syntaxErrors,
    nodes: countKinds(ir.nodes, 'node'),
    edges: countKinds(ir.edges, 'edge'),
    diagnostics: ir.diagnostics.slice(0, MAX_DIAGNOSTICS),
  };
}

export function processFile(t: FileTask, sidecar?: TreeSidecar): FileResult {
  const base: FileResult = { file: t.file, module: t.module, loc: 0, syntaxErrors: 0, nodes: {}, edges: {}, diagnostics: [] };
  let bytes: Buffer;
  try {
    const st = fs.statSync(t.abs);
    if (st.size > t.maxFileBytes) {
      return { ...base, error: `file too large (${st.size} bytes > ${t.maxFileBytes})` };
    }
    // Re-checked at read time: the path may have become a symlink out of the root since L0 saw it.
    bytes = readConfined(t.abs.slice(0, t.abs.length - t.file.length), t.abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ...base, vanished: code === 'ENOENT', error: (err as Error).message };
  }
  const hash = hashBytes(bytes);
  const key = fileKey(t.keyPrefix, t.file, t.module, hash);
  try {
    if (parserUnrecoverable) return { ...base, hash, key, transient: true, error: 'parser unrecoverable in this worker' };
    let side: unknown;
    const alsoWithTree = sidecar && ((decoded: Decoded, root: SyntaxNode) => void (side = sidecar(decoded, root, key, t)));
    const ir = extractPython(t.file, t.module, bytes, { timeoutMs: t.timeoutMs, alsoWithTree });
    const { text, header } = encodeIrRecord(ir, key);
    const facts = factsOfRecords(ir.nodes, ir.edges);
    return {
      ...base,
      hash,
      key,
      loc: ir.loc,
      syntaxErrors: ir.syntaxErrors,
      nodes: header.nodes,
      edges: header.edges,
      diagnostics: header.diagnostics,
      ir: storeRecord(text),
      facts: storeRecord(JSON.stringify(facts)),
      iface: factsHash(facts),
      ...(side !== undefined ? { sidecar: side } : {}),
    };
  } catch (err) {
    return failure({ ...base, hash, key }, err);
  }
}

/** Set in a worker whose parser cannot be repaired: the pool must replace the thread. */
export let parserUnrecoverable = false;

/** A failed file, with a diagnostic that says which guard stopped it. */
function failure(r: FileResult, err: unknown): FileResult {
  const message = (err as Error)?.message ?? String(err);
  let code = 'extraction-failed';
  if (err instanceof ParseTimeoutError || err instanceof ExtractTimeoutError) code = 'time-budget';
  else if (err instanceof ParserTrapError) code = 'parser-trap';
  else if (err instanceof ParserDamagedError) code = 'parser-damaged';
  else if (err instanceof ParserUnrecoverableError) {
    parserUnrecoverable = true;
    return { ...r, transient: true, error: `parser unrecoverable: ${message}` };
  }
  const diagnostics = [{ severity: 'error' as const, code, message }];
  return { ...r, diagnostics, error: `${code === 'extraction-failed' ? 'extraction failed' : code}: ${message}` };
}
