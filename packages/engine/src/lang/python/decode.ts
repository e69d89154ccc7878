/**
 * Source decoding as Python does it (PEP 263 / PEP 3120): a UTF-8 BOM, else a coding cookie in the first two
 * lines, else UTF-8. Bytes that do not decode are never dropped silently: we fall back to latin-1 (which maps every
 * byte) and report a diagnostic, so the file is still indexed and the problem is visible.
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
