/**
 * The L7 database of one project (`<outDir>/l7/index.sqlite`): an index over the layer outputs, not a copy of them.
 * It holds what lookups need — symbols with their spans, signatures and docstrings, resolved edges and occurrences
 * as compact per-file lists (codec.ts), the file dependency graph, two FTS5 indexes without positions (qualified names per symbol; every
 * word of the source per file, without positions: query/code-search.ts reads the file to place a hit) — and per file the content keys of
 * the layer records it was built from, so a rebuild re-does only the files whose keys changed. Code text is never
 * stored: a chunk is read from the source file by its span and checked against its stored hash.
 * docs/ir.md ("L7") describes every table; keep the two in step and bump L7_SCHEMA when a table changes (readers
 * refuse other versions, the builder rebuilds from scratch).
 */
import * as path from 'node:path';

export const L7_SCHEMA = 5;
/** Bumped when what the builder writes for a file changes (part of every file's key). */
export const L7_FORMAT = 'l7-5.0';

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
  sl INTEGER NOT NULL, el INTEGER NOT NULL, parent INTEGER,
  signature TEXT, docstring TEXT, flags INTEGER NOT NULL, cstart INTEGER, chash INTEGER, csuffix TEXT);
CREATE TABLE file_symbols(file INTEGER PRIMARY KEY, ids BLOB NOT NULL, spans BLOB NOT NULL);
CREATE TABLE inbound(dst INTEGER PRIMARY KEY, sites BLOB NOT NULL);
CREATE TABLE outbound(file INTEGER PRIMARY KEY, calls BLOB NOT NULL);
CREATE TABLE occ(name INTEGER NOT NULL, file INTEGER NOT NULL, sites BLOB NOT NULL, PRIMARY KEY(name, file)) WITHOUT ROWID;
CREATE TABLE aliases(name TEXT NOT NULL, file INTEGER NOT NULL, fqn TEXT NOT NULL, PRIMARY KEY(name, file)) WITHOUT ROWID;
CREATE TABLE file_deps(src INTEGER NOT NULL, dst TEXT NOT NULL, dst_project TEXT);
CREATE TABLE file_externals(file INTEGER NOT NULL, module TEXT NOT NULL);
CREATE VIRTUAL TABLE search USING fts5(qual, content='', tokenize='unicode61', detail=none, columnsize=0);
CREATE VIRTUAL TABLE code USING fts5(text, content='', contentless_delete=1, tokenize='unicode61', detail=none);
`;

/** Created after a full build's bulk insert (one sorted pass, packed pages); an incremental build finds them there. */
export const INDEX_SQL = `
CREATE INDEX symbols_name ON symbols(name);
CREATE INDEX deps_src ON file_deps(src);
CREATE INDEX deps_dst ON file_deps(dst);
`;

/**
 * A symbol's FQN from `symbols.qual`, its file's module and its parent (`s`, `f` and `p` are the aliases of
 * `symbols`, `files` and the parent's `symbols` row, joined with LEFT JOIN — SYM_JOIN). `qual` is NULL when the FQN
 * follows from the names: a module's is the module; a top-level symbol's `<module>.<name>`; a member's its parent's
 * FQN (the parent's own qual, or `<module>.<parent name>` when that is NULL and the parent is top-level) plus
 * `.<name>`. Otherwise `qual` is the FQN without its module, or a whole FQN written `=<fqn>` when it does not start
 * with the module (none in the stdlib). Module paths and parent names repeated on every row were 4.7 MB of the
 * stdlib's database.
 */
export const fqnSql = (s = 's', f = 'f', p = 'p') =>
  `(CASE WHEN ${s}.qual IS NOT NULL THEN (CASE WHEN substr(${s}.qual, 1, 1) = '=' THEN substr(${s}.qual, 2) ELSE ${f}.module || '.' || ${s}.qual END)` +
  ` WHEN ${s}.kind = 0 THEN ${f}.module WHEN ${p}.id IS NULL OR ${p}.kind = 0 THEN ${f}.module || '.' || ${s}.name` +
  ` WHEN ${p}.qual IS NULL THEN ${f}.module || '.' || ${p}.name || '.' || ${s}.name` +
  ` WHEN substr(${p}.qual, 1, 1) = '=' THEN substr(${p}.qual, 2) || '.' || ${s}.name ELSE ${f}.module || '.' || ${p}.qual || '.' || ${s}.name END)`;

/** The joins fqnSql needs, after `FROM symbols s`. */
export const SYM_JOIN = 'JOIN files f ON f.id = s.file LEFT JOIN symbols p ON p.id = s.parent';

/** Where a symbol's FQN comes from, for `storedQual`: its module, and its parent's name and stored qual (if any). */
export interface QualContext {
  module: string;
  kind: string;
  name: string;
  /** Undefined for a symbol without a symbol parent (or whose parent is the module). */
  parent?: { name: string; qual: string | null; topLevel: boolean };
}

/** What `symbols.qual` holds for `fqn` (fqnSql reverses it): NULL when the names give it. */
export function storedQual(fqn: string, c: QualContext): string | null {
  if (c.kind === 'Module' && fqn === c.module) return null;
  if (!c.parent && fqn === `${c.module}.${c.name}`) return null;
  if (c.parent) {
    const parentFqn = c.parent.qual === null ? (c.parent.topLevel ? `${c.module}.${c.parent.name}` : undefined) : c.parent.qual.startsWith('=') ? c.parent.qual.slice(1) : `${c.module}.${c.parent.qual}`;
    if (parentFqn !== undefined && fqn === `${parentFqn}.${c.name}`) return null;
  }
  if (fqn === c.module) return `=${fqn}`;
  return fqn.startsWith(`${c.module}.`) ? fqn.slice(c.module.length + 1) : `=${fqn}`;
}

/**
 * A definition's signature as stored: without its keyword and name, which the row has (`def times(self, n)` of a
 * method `times` is `S, n)`): D `def <name>`, S `def <name>(self`, A `async def <name>`, C `class <name>`, or `=` and
 * the whole text. 1.1 MB of the stdlib's database.
 */
export function packSignature(sig: string, name: string): string {
  for (const [code, head] of [['S', `def ${name}(self`], ['D', `def ${name}`], ['A', `async def ${name}`], ['C', `class ${name}`]] as const) if (sig.startsWith(head)) return code + sig.slice(head.length);
  return `=${sig}`;
}

export function unpackSignature(stored: string, name: string): string {
  const head = { S: `def ${name}(self`, D: `def ${name}`, A: `async def ${name}`, C: `class ${name}`, '=': '' }[stored[0]!];
  return head === undefined ? stored : head + stored.slice(1);
}

/**
 * What the `search` FTS5 table indexes for a symbol: its FQN without its module (`Money.times`), a module's whole
 * name (module paths repeated on every symbol were a third of the index). The table keeps no copy and no
 * sizes (columnsize=0 excludes contentless_delete), so a row is deleted by giving this same text again.
 */
export const searchText = (kind: string, fqn: string, module: string): string => (kind !== 'Module' && fqn.startsWith(`${module}.`) ? fqn.slice(module.length + 1) : fqn);
