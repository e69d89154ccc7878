/**
 * Search over code text (bodies, comments, docstrings): the `code` FTS5 table holds every word of each source file
 * in one row per file without positions (`detail=none`: ~1 MB for the stdlib), so it only says which files hold
 * every word. Those files are then read — checked against the content hash the index was built from, an edited file
 * being a stale index — and each line that holds a searched term is credited to the innermost symbol around it
 * (a definition from its first decorator to its last line, a module- or class-level name, else the module).
 *
 * A term is matched as the user typed it (`retry_after`, case-insensitive), bounded by characters that are not
 * letters or digits, as the FTS tokenizer splits words: `after` is found in `retry_after`, not in `hereafter`.
 */
import type Database from 'better-sqlite3';
import { decodePythonSource, lineAt, lineStarts } from '@codegraph/engine';
import { readSourceBytes } from '../chunks/source';
import { staleError } from '../chunks/on-demand';
import { decodeIds, decodeSpans, K, type SymbolSpan } from '../l7/codec';

export interface CodeHit {
  /** The symbol's database id (in its project's database), and its file. */
  id: number;
  file: string;
  /** Lines of the symbol (its own, not its nested definitions') holding a term. */
  lines: number;
  /** How many of the terms those lines hold. */
  terms: number;
  /** The first such line (0-based) and its text, trimmed. */
  first: number;
  text: string;
}

/**
 * At most this many files, and about this many bytes, are read per query and project: the FTS says which files hold
 * the words, not how well they match, and reading is what a code search costs (measured on the stdlib: 16 files
 * put the p99 of the benchmark's searches over 50 ms on a loaded machine).
 */
export const MAX_FILES = 8;
export const MAX_BYTES = 512 * 1024;

/**
 * The terms of a query as typed (identifier runs: `retry_after`, `Money`, `times`). Beside longer ones, terms of one
 * or two characters (`is`, `a`) are left out: they occur on most lines of the files they are in, and finding them
 * all made a query like `is dataclass instance` cost tens of milliseconds for nothing.
 */
export function codeTerms(text: string): string[] {
  const terms = [...new Set((text.match(/[\p{L}\p{N}_]+/gu) ?? []).map((t) => t.replace(/^_+|_+$/g, '')).filter(Boolean))];
  const long = terms.filter((t) => t.length > 2);
  return long.length ? long : terms;
}

/** The FTS5 query for terms: every word of every term (the tokenizer splits `retry_after` into two). */
export function codeMatch(terms: readonly string[]): string {
  const words = [...new Set(terms.flatMap((t) => t.split(/[^\p{L}\p{N}]+/u)).filter(Boolean))];
  return words.map((w) => `"${w}"`).join(' AND ');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface SymSpan extends SymbolSpan {
  id: number;
}

/**
 * The symbols of one project whose code holds any of the terms, in files holding all of them (the caller ranks);
 * files are read until `want` symbols hold every term, or MAX_FILES, or MAX_BYTES. `root` is the index root the
 * database's paths are relative to.
 */
export function searchCode(db: Database.Database, root: string, terms: readonly string[], want: number): CodeHit[] {
  if (!terms.length) return [];
  const match = codeMatch(terms);
  if (!match) return [];
  const ascii = terms.every((t) => /^[\x00-\x7f]*$/.test(t));
  const lowered = terms.map((t) => t.toLowerCase());
  const res = terms.map((t) => new RegExp(`(?<![\\p{L}\\p{N}])${escape(t)}(?![\\p{L}\\p{N}])`, 'giu'));
  // Library code before tests, then by path: a stable order when more files match than are read.
  const files = db
    .prepare('SELECT f.id, f.path, f.hash FROM code c JOIN files f ON f.id = c.rowid WHERE code MATCH ? ORDER BY f.is_test, f.path LIMIT ?')
    .all(match, MAX_FILES) as Array<{ id: number; path: string; hash: string }>;
  const symbolsOf = db.prepare('SELECT ids, spans FROM file_symbols WHERE file = ?');
  const spansOf = (file: number): SymSpan[] => {
    const r = symbolsOf.get(file) as { ids: Buffer; spans: Buffer } | undefined;
    if (!r) return [];
    const ids = decodeIds(r.ids);
    return decodeSpans(r.spans).map((s, i) => ({ ...s, id: ids[i]! }));
  };
  const hits: CodeHit[] = [];
  let complete = 0;
  let read = 0;
  for (const f of files) {
    if (complete >= want || read >= MAX_BYTES) break;
    const src = readSourceBytes(root, f.path, f.hash);
    if (!src.ok) throw staleError(src.reason);
    read += src.bytes.length;
    // ASCII terms are looked for in the bytes read as latin1 — one character per byte, so offsets are byte offsets
    // and lines the same — which costs a fraction of decoding (the matched lines alone are decoded, as UTF-8).
    const text = ascii ? src.bytes.toString('latin1') : decodePythonSource(src.bytes).text;
    // Where each term occurs (the FTS matched its words anywhere in the file, not necessarily together): the lines.
    const low = ascii ? text.toLowerCase() : '';
    const at = ascii ? lowered.map((t) => occurrences(low, t)) : res.map((re) => [...text.matchAll(re)].map((m) => m.index!));
    if (!at.some((x) => x.length)) continue;
    const starts = lineStarts(text);
    const found = new Map<number, boolean[]>();
    at.forEach((offsets, j) => {
      for (const o of offsets) {
        const line = lineAt(starts, o);
        let seen = found.get(line);
        if (!seen) found.set(line, (seen = terms.map(() => false)));
        seen[j] = true;
      }
    });
    const owners = ownersOf(spansOf(f.id), starts.length);
    const byId = new Map<number, { lines: number; seen: boolean[]; first: number }>();
    for (const line of [...found.keys()].sort((a, b) => a - b)) {
      const owner = owners[line];
      if (owner === undefined) continue;
      let h = byId.get(owner);
      if (!h) byId.set(owner, (h = { lines: 0, seen: terms.map(() => false), first: line }));
      h.lines++;
      found.get(line)!.forEach((x, j) => (h.seen[j] ||= x));
    }
    for (const [id, h] of byId) {
      const n = h.seen.filter(Boolean).length;
      if (n === res.length) complete++;
      const [from, to] = [starts[h.first]!, starts[h.first + 1] ?? text.length];
      hits.push({ id, file: f.path, lines: h.lines, terms: n, first: h.first, text: (ascii ? src.bytes.subarray(from, to).toString('utf8') : text.slice(from, to)).trim() });
    }
  }
  return hits;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Where `term` (lower case) occurs in `low` (a lower-cased latin1 text: one character per byte, the same length)
 * between characters that are not letters or digits. indexOf finds candidates at native speed; a regex with
 * lookbehind would test every position of the file.
 */
function occurrences(low: string, term: string): number[] {
  const out: number[] = [];
  for (let i = low.indexOf(term); i >= 0; i = low.indexOf(term, i + 1)) {
    if (i > 0 && WORD_CHAR.test(low[i - 1]!)) continue;
    const after = low[i + term.length];
    if (after !== undefined && WORD_CHAR.test(after)) continue;
    out.push(i);
  }
  return out;
}

/**
 * The symbol each line belongs to: the smallest span (decorators included) holding it, else the module. Spans are
 * painted largest first, so nested ones overwrite their parents: one pass, however many lines match.
 */
function ownersOf(syms: readonly SymSpan[], n: number): Array<number | undefined> {
  const owners = new Array<number | undefined>(n).fill(syms.find((s) => s.kind === K.Module)?.id);
  const spans = syms.filter((s) => s.kind !== K.Module).map((s) => ({ id: s.id, start: s.start, end: Math.min(s.end, n - 1) }));
  spans.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const s of spans) for (let i = s.start; i <= s.end; i++) owners[i] = s.id;
  return owners;
}
