/**
 * Source decoding as Python does it (PEP 263 / PEP 3120): a UTF-8 BOM, else a coding cookie in the first two
 * lines, else UTF-8. Bytes that do not decode are never dropped silently: we fall back to latin-1 (which maps every
 * byte) and report a diagnostic, so the file is still indexed and the problem is visible.
 *
 * Beyond what CPython reads (each with a diagnostic, so the file still indexes as its author sees it in an editor):
 * UTF-32 and UTF-16 files, by BOM or, without one, by the tell-tale NUL byte every other (or three in four) bytes;
 * NUL characters left in the text are replaced by spaces — CPython rejects such files, and tree-sitter's error
 * recovery over NUL-laden text is slow — keeping every offset unchanged.
 */
import { TextDecoder } from 'node:util';
import type { Diagnostic } from '../../ir/model';

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** Python codec names → WHATWG encoding labels understood by TextDecoder. */
function whatwgLabel(pyName: string): string {
  const n = pyName.toLowerCase().replace(/_/g, '-');
  if (n === 'utf8' || n.startsWith('utf-8')) return 'utf-8';
  if (n === 'latin-1' || n === 'latin1' || n === 'l1' || n === 'iso-8859-1' || n === 'iso8859-1') return 'latin1';
  if (n === 'ascii' || n === 'us-ascii') return 'utf-8';
  if (/^cp125\d$/.test(n)) return 'windows-' + n.slice(2);
  if (/^iso8859-\d+$/.test(n)) return 'iso-8859-' + n.slice(8);
  if (n === 'euc-jp' || n === 'shift-jis' || n === 'gbk' || n === 'gb2312' || n === 'big5' || n === 'koi8-r') return n.replace('shift-jis', 'shift_jis');
  return n;
}

export interface Decoded {
  text: string;
  encoding: string;
  diagnostics: Diagnostic[];
}

export function decodePythonSource(bytes: Uint8Array): Decoded {
  const wide = decodeWide(bytes);
  const d = wide ?? decodeNarrow(bytes);
  return replaceNuls(d);
}

/** UTF-32 / UTF-16 by BOM (UTF-32's BOM starts with UTF-16 LE's, so it is tested first), else by NUL pattern. */
function decodeWide(bytes: Uint8Array): Decoded | undefined {
  const b = bytes;
  const n = b.length;
  if (n >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return utf32(b.subarray(4), true, 'utf-32le', 'BOM');
  if (n >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return utf32(b.subarray(4), false, 'utf-32be', 'BOM');
  if (n >= 2 && b[0] === 0xff && b[1] === 0xfe) return utf16(b.subarray(2), 'utf-16le', 'BOM');
  if (n >= 2 && b[0] === 0xfe && b[1] === 0xff) return utf16(b.subarray(2), 'utf-16be', 'BOM');
  // No BOM: ASCII-heavy source in a wide encoding has NUL bytes at fixed positions. Look at the first 4 KiB.
  const m = Math.min(n, 4096) & ~3;
  if (m < 8) return undefined;
  const nul = [0, 0, 0, 0];
  for (let i = 0; i < m; i++) if (b[i] === 0) nul[i & 3]!++;
  const q = m / 4;
  const full = (k: number) => nul[k]! >= q * 0.9;
  const none = (k: number) => nul[k]! <= q * 0.1;
  if (none(0) && full(1) && full(2) && full(3)) return utf32(b, true, 'utf-32le', 'NUL pattern');
  if (full(0) && full(1) && full(2) && none(3)) return utf32(b, false, 'utf-32be', 'NUL pattern');
  if (none(0) && none(2) && full(1) && full(3)) return utf16(b, 'utf-16le', 'NUL pattern');
  if (full(0) && full(2) && none(1) && none(3)) return utf16(b, 'utf-16be', 'NUL pattern');
  return undefined;
}

function wideNote(encoding: string, how: string): Diagnostic {
  return {
    severity: 'warning',
    code: 'wide-encoding',
    message: `source is ${encoding.toUpperCase()} (by ${how}), which CPython does not read as source; decoded for indexing`,
  };
}

function utf16(body: Uint8Array, label: 'utf-16le' | 'utf-16be', how: string): Decoded {
  const diagnostics = [wideNote(label, how)];
  try {
    return { text: new TextDecoder(label, { fatal: true }).decode(body), encoding: label, diagnostics };
  } catch {
    diagnostics.push({ severity: 'warning', code: 'decode-error', message: `bytes are not valid ${label}; invalid units read as U+FFFD` });
    return { text: new TextDecoder(label).decode(body), encoding: label, diagnostics };
  }
}

function utf32(body: Uint8Array, le: boolean, label: string, how: string): Decoded {
  const diagnostics = [wideNote(label, how)];
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const parts: string[] = [];
  let chunk: number[] = [];
  let bad = 0;
  for (let i = 0; i + 4 <= body.length; i += 4) {
    let cp = view.getUint32(i, le);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      cp = 0xfffd;
      bad++;
    }
    chunk.push(cp);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  if (bad || body.length % 4) {
    diagnostics.push({ severity: 'warning', code: 'decode-error', message: `bytes are not valid ${label}; ${bad} invalid code points read as U+FFFD` });
  }
  return { text: parts.join(''), encoding: label, diagnostics };
}

/** NUL characters become spaces: same length, so spans still match the file. */
function replaceNuls(d: Decoded): Decoded {
  const first = d.text.indexOf('\0');
  if (first < 0) return d;
  let count = 0;
  for (let i = first; i >= 0; i = d.text.indexOf('\0', i + 1)) count++;
  d.diagnostics.push({
    severity: 'warning',
    code: 'nul-bytes',
    message: `source contains ${count} NUL character(s), which CPython rejects; read as spaces for indexing`,
  });
  return { ...d, text: d.text.replaceAll('\0', ' ') };
}

function decodeNarrow(bytes: Uint8Array): Decoded {
  const diagnostics: Diagnostic[] = [];
  let start = 0;
  let encoding = 'utf-8';
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    start = 3;
  } else {
    // Only the first two lines may carry the cookie; decode them as latin-1 to look without failing.
    let end = 0;
    let lines = 0;
    while (end < bytes.length && end < 512 && lines < 2) if (bytes[end++] === 0x0a) lines++;
    const head = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1').split('\n');
    for (let i = 0; i < Math.min(2, head.length); i++) {
      const m = COOKIE.exec(head[i]!);
      if (m) {
        encoding = m[1]!;
        break;
      }
      // A non-comment, non-blank first line ends the search (PEP 263).
      if (!/^[ \t\f]*(#.*)?\r?$/.test(head[i]!)) break;
    }
  }
  const body = bytes.subarray(start);
  let label = whatwgLabel(encoding);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    diagnostics.push({ severity: 'warning', code: 'unknown-encoding', message: `unknown source encoding '${encoding}', read as UTF-8` });
    label = 'utf-8';
    decoder = new TextDecoder(label, { fatal: true });
  }
  try {
    return { text: decoder.decode(body), encoding: label, diagnostics };
  } catch {
    diagnostics.push({
      severity: 'warning',
      code: 'decode-error',
      message: `bytes are not valid ${label}; indexed as latin-1 so nothing is dropped`,
    });
    return { text: Buffer.from(body).toString('latin1'), encoding: 'latin1', diagnostics };
  }
}
