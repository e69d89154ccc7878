/**
 * The per-file unit of L1 work, run on a worker thread (or in-process for a handful of files): read the bytes,
 * hash them, extract the IR, write it as a content-addressed JSON-lines shard. Only a small summary goes back to
 * the main thread, so no per-node objects cross threads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countKinds, type Diagnostic, type EdgeCounts, type FileIr, type NodeCounts } from '../../ir/model';
import { ExtractTimeoutError, extractPython, ParserDamagedError } from '../../lang/python/extract';
import { initPythonParser, ParserTrapError, ParserUnrecoverableError, ParseTimeoutError } from '../../lang/python/parser';
import { readConfined } from '../../project/discover';
import { writeFileAtomicSync } from '../../util/atomic';
import { hashBytes, hashString, initHash } from '../../util/hash';

export interface FileTask {
  abs: string;
  file: string;
  module: string;
  /** Engine fingerprint + options: part of every key. */
  keyPrefix: string;
  irDir: string;
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
  /** Size in bytes of the shard written. */
  bytes?: number;
}

/** First line of every shard: what the file is and counts, so a shard can be reused without re-reading it. */
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
  /** xxh64 of everything after the header line; readers verify it and rebuild on mismatch. */
  checksum: string;
}

const MAX_DIAGNOSTICS = 50;

export function fileKey(prefix: string, file: string, module: string, contentHash: string): string {
  return hashString(`${prefix}\0${file}\0${module}\0${contentHash}`);
}

export function shardPath(irDir: string, key: string): string {
  return path.join(irDir, `${key}.jsonl`);
}

export async function initFileWork(): Promise<void> {
  await initHash();
  await initPythonParser();
}

export function serializeShard(ir: FileIr, key: string): { text: string; header: ShardHeader } {
  const body = shardBody(ir);
  const header = shardHeader(ir, key, hashString(body));
  return { text: JSON.stringify(header) + '\n' + body, header };
}

/** The shard as the bytes written: the body is UTF-8-encoded once, and its checksum is taken over those bytes. */
export function encodeShard(ir: FileIr, key: string): { data: Buffer; header: ShardHeader } {
  const body = Buffer.from(shardBody(ir), 'utf8');
  // hashBytes of the UTF-8 bytes is the same xxh64 that hashString(body) computes (it encodes to UTF-8 too).
  const header = shardHeader(ir, key, hashBytes(body));
  return { data: Buffer.concat([Buffer.from(JSON.stringify(header) + '\n', 'utf8'), body]), header };
}

function shardBody(ir: FileIr): string {
  const lines: string[] = [];
  for (const n of ir.nodes) lines.push(JSON.stringify(n));
  for (const e of ir.edges) lines.push(JSON.stringify(e));
  return lines.join('\n') + '\n';
}

function shardHeader(ir: FileIr, key: string, checksum: string): ShardHeader {
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
    checksum,
  };
}

export function processFile(t: FileTask): FileResult {
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
    const ir = extractPython(t.file, t.module, bytes, { timeoutMs: t.timeoutMs });
    const { data, header } = encodeShard(ir, key);
    writeFileAtomicSync(shardPath(t.irDir, key), data, { fsync: false });
    return {
      ...base,
      hash,
      key,
      loc: ir.loc,
      syntaxErrors: ir.syntaxErrors,
      nodes: header.nodes,
      edges: header.edges,
      diagnostics: header.diagnostics,
      bytes: data.length,
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
