/**
 * The L7 database of one project (`<outDir>/l7/index.sqlite`): an index over the layer outputs, not a copy of them.
 * It holds what lookups need — symbols with their spans, signatures and docstrings, resolved edges and occurrences
 * as compact per-file lists (codec.ts), the file dependency graph, two FTS5 indexes (symbol names per symbol; every
 * word of the source per file, without positions: query/code-search.ts reads the file to place a hit) — and per file the content keys of
 * the layer records it was built from, so a rebuild re-does only the files whose keys changed. Code text is never
 * stored: a chunk is read from the source file by its span and checked against its stored hash.
 * docs/ir.md ("L7") describes every table; keep the two in step and bump L7_SCHEMA when a table changes (readers
 * refuse other versions, the builder rebuilds from scratch).
 */
import * as path from 'node:path';

export const L7_SCHEMA = 4;
/** Bumped when what the builder writes for a file changes (part of every file's key). */
export const L7_FORMAT = 'l7-4.0';

export const l7Dir = (outDir: string) => path.join(outDir, 'l7');
export const l7DbPath = (outDir: string) => path.join(l7Dir(outDir), 'index.sqlite');

export const SCHEMA_SQL = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE files(
  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, module TEXT NOT NULL, loc INTEGER NOT NULL, hash TEXT NOT NULL,
  l1 TEXT NOT NULL, l2 TEXT, l4 TEXT, key TEXT NOT NULL, is_test INTEGER NOT NULL, chunked INTEGER NOT NULL,
  nsym INTEGER NOT NULL, nedge INTEGER NOT NULL, nocc INTEGER NOT NULL, nchunk INTEGER NOT NULL);
CREATE TABLE symbols(
  id INTEGER PRIMARY KEY, qual TEXT, name TEXT NOT NULL, kind INTEGER NOT NULL, file INTEGER NOT NULL,
  sl INTEGER NOT NULL, sc INTEGER NOT NULL, el INTEGER NOT NULL, ec INTEGER NOT NULL, parent INTEGER,
  signature TEXT, docstring TEXT, flags INTEGER NOT NULL, cstart INTEGER, chash INTEGER, csuffix TEXT);
CREATE TABLE inbound(dst INTEGER NOT NULL, file INTEGER NOT NULL, sites BLOB NOT NULL, PRIMARY KEY(dst, file)) WITHOUT ROWID;
CREATE TABLE outbound(src INTEGER PRIMARY KEY, file INTEGER NOT NULL, calls BLOB NOT NULL);
CREATE TABLE occ(name INTEGER NOT NULL, file INTEGER NOT NULL, sites BLOB NOT NULL, PRIMARY KEY(name, file)) WITHOUT ROWID;
CREATE TABLE aliases(name TEXT NOT NULL, file INTEGER NOT NULL, fqn TEXT NOT NULL, PRIMARY KEY(name, file)) WITHOUT ROWID;
CREATE TABLE file_deps(src INTEGER NOT NULL, dst TEXT NOT NULL, dst_project TEXT);
CREATE TABLE file_externals(file INTEGER NOT NULL, module TEXT NOT NULL);
CREATE VIRTUAL TABLE search USING fts5(name, qual, content='', contentless_delete=1, tokenize='unicode61', detail=column);
CREATE VIRTUAL TABLE code USING fts5(text, content='', contentless_delete=1, tokenize='unicode61', detail=none);
`;

/** Created after a full build's bulk insert (one sorted pass, packed pages); an incremental build finds them there. */
export const INDEX_SQL = `
CREATE INDEX symbols_name ON symbols(name);
CREATE INDEX symbols_file ON symbols(file);
CREATE INDEX deps_src ON file_deps(src);
CREATE INDEX deps_dst ON file_deps(dst);
`;

/**
 * A symbol's FQN from `symbols.qual` and its file's module (`s` and `f` are the aliases of `symbols` and `files`):
 * the module itself (NULL), `<module>.<qual>`, or a whole FQN written `=<fqn>` when it does not start with the
 * module (none in the stdlib). Module paths repeated on every row were 1.9 MB of the stdlib's database.
 */
export const fqnSql = (s = 's', f = 'f') =>
  `(CASE WHEN ${s}.qual IS NULL THEN ${f}.module WHEN substr(${s}.qual, 1, 1) = '=' THEN substr(${s}.qual, 2) ELSE ${f}.module || '.' || ${s}.qual END)`;

/** What `symbols.qual` holds for an FQN in a file of `module` (fqnSql reverses it). */
export function qualOf(fqn: string, module: string): string | null {
  if (fqn === module) return null;
  return fqn.startsWith(`${module}.`) ? fqn.slice(module.length + 1) : `=${fqn}`;
}
