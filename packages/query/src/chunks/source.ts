/**
 * The source text chunks are cut from. Spans in the IR are (0-based line, UTF-16 column) positions in the text L1
 * decoded, so the text must be decoded the same way (PEP 263, engine's decodePythonSource) and be the very bytes L1
 * indexed: a file edited since L1 ran would give chunks cut at stale positions, so its hash is checked first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodePythonSource, hashBytes } from '@codegraph/engine';

export interface SourceText {
  /** Lines without their terminators: rows as tree-sitter counts them (split at `\n`, a trailing `\r` dropped). */
  lines: string[];
}

export type SourceResult = { ok: true; source: SourceText } | { ok: false; reason: string };

/** Reads `file` (relative to `root`) and checks it against the content hash L1 recorded for it. Requires initHash(). */
export function readSource(root: string, file: string, expectedHash: string): SourceResult {
  const r = readSourceText(root, file, expectedHash);
  return r.ok ? { ok: true, source: { lines: splitLines(r.text) } } : r;
}

/** `readSource` without the split into lines. */
export function readSourceText(root: string, file: string, expectedHash: string): { ok: true; text: string } | { ok: false; reason: string } {
  const r = readSourceBytes(root, file, expectedHash);
  return r.ok ? { ok: true, text: decodePythonSource(r.bytes).text } : r;
}

/** The file's bytes, checked against L1's content hash, not decoded. */
export function readSourceBytes(root: string, file: string, expectedHash: string): { ok: true; bytes: Buffer } | { ok: false; reason: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(root, file));
  } catch (err) {
    return { ok: false, reason: `cannot read ${file}: ${(err as Error).message}` };
  }
  if (hashBytes(bytes) !== expectedHash) return { ok: false, reason: `${file} changed since L1 indexed it (re-run L1)` };
  return { ok: true, bytes };
}

export function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
