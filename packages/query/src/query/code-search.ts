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
import { readSource } from '../chunks/source';
import { staleError } from '../chunks/on-demand';
import { decodeIds, K } from '../l7/codec';

export interface CodeHit {
  /** The symbol's database id (in its project's database). */
  id: number;
  /** Lines of the symbol (its own, not its nested definitions') holding a term. */
  lines: number;
  /** How many of the terms those lines hold. */
  terms: number;
  /** The first such line (0-based) and its text, trimmed. */
  first: number;
  text: string;
}

/** At most this many files are read per query and project: the FTS says which files, not how well they match. */
export const MAX_FILES = 64;

/** The terms of a query as typed (identifier runs: `retry_after`, `Money`, `times`). */
export function codeTerms(text: string): string[] {
  return [...new Set((text.match(/[\p{L}\p{N}_]+/gu) ?? []).map((t) => t.replace(/^_+|_+$/g, '')).filter(Boolean))];
}

/** The FTS5 query for terms: every word of every term (the tokenizer splits `retry_after` into two). */
export function codeMatch(terms: readonly string[]): string {
  const words = [...new Set(terms.flatMap((t) => t.split(/[^\p{L}\p{N}]+/u)).filter(Boolean))];
  return words.map((w) => `"${w}"`).join(' AND ');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface SymSpan {
  id: number;
  kind: number;
  sl: number;
  el: number;
  cstart: number | null;
}

/**
 * The symbols of one project whose code holds any of the terms, in files holding all of them (the caller ranks).
 * `root` is the index root the database's paths are relative to.
 */
export function searchCode(db: Database.Database, root: string, terms: readonly string[]): CodeHit[] {
  if (!terms.length) return [];
  const match = codeMatch(terms);
  if (!match) return [];
  const res = terms.map((t) => new RegExp(`(?<![\\p{L}\\p{N}])${escape(t)}(?![\\p{L}\\p{N}])`, 'iu'));
  // Library code before tests, then by path: a stable order when more files match than are read.
  const files = db
    .prepare('SELECT f.id, f.path, f.hash FROM code c JOIN files f ON f.id = c.rowid WHERE code MATCH ? ORDER BY f.is_test, f.path LIMIT ?')
    .all(match, MAX_FILES) as Array<{ id: number; path: string; hash: string }>;
  const idsOf = db.prepare('SELECT ids FROM file_symbols WHERE file = ?').pluck();
  const symbolsOf = (file: number): SymSpan[] => {
    const ids = decodeIds((idsOf.get(file) as Buffer | undefined) ?? Buffer.alloc(0));
    const out: SymSpan[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      out.push(...(db.prepare(`SELECT id, kind, sl, el, cstart FROM symbols WHERE id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as SymSpan[]));
    }
    return out;
  };
  const hits: CodeHit[] = [];
  for (const f of files) {
    const src = readSource(root, f.path, f.hash);
    if (!src.ok) throw staleError(src.reason);
    const syms = symbolsOf(f.id);
    const module = syms.find((s) => s.kind === K.Module);
    const byId = new Map<number, { lines: number; seen: boolean[]; first: number }>();
    const lines = src.source.lines;
    for (let i = 0; i < lines.length; i++) {
      const found = res.map((re) => re.test(lines[i]!));
      if (!found.some(Boolean)) continue;
      const owner = innermost(syms, i) ?? module;
      if (!owner) continue;
      let h = byId.get(owner.id);
      if (!h) byId.set(owner.id, (h = { lines: 0, seen: terms.map(() => false), first: i }));
      h.lines++;
      found.forEach((x, j) => (h.seen[j] ||= x));
    }
    for (const [id, h] of byId) hits.push({ id, lines: h.lines, terms: h.seen.filter(Boolean).length, first: h.first, text: lines[h.first]!.trim() });
  }
  return hits;
}

/** The smallest symbol span (decorators included) holding `line`, the module excepted. */
function innermost(syms: readonly SymSpan[], line: number): SymSpan | undefined {
  let best: SymSpan | undefined;
  for (const s of syms) {
    if (s.kind === K.Module) continue;
    const start = s.cstart ?? s.sl;
    if (line < start || line > s.el) continue;
    if (!best || s.el - start < best.el - (best.cstart ?? best.sl)) best = s;
  }
  return best;
}
