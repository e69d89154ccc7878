/**
 * The L7 database of one project (`<outDir>/l7/index.sqlite`): files, symbols, edges with L4's completions,
 * occurrences from L2, chunks, and an FTS5 index over names, docstrings and chunk text. docs/ir.md ("L7") describes
 * every table; keep the two in step and bump L7_SCHEMA when a table changes (readers refuse other versions).
 */
import * as path from 'node:path';

export const L7_SCHEMA = 2;

export const l7Dir = (outDir: string) => path.join(outDir, 'l7');
export const l7DbPath = (outDir: string) => path.join(l7Dir(outDir), 'index.sqlite');

export const SCHEMA_SQL = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, module TEXT NOT NULL, loc INTEGER NOT NULL, hash TEXT NOT NULL, is_test INTEGER NOT NULL, chunked INTEGER NOT NULL);
CREATE TABLE symbols(
  id TEXT PRIMARY KEY, fqn TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, file TEXT NOT NULL,
  sl INTEGER NOT NULL, sc INTEGER NOT NULL, el INTEGER NOT NULL, ec INTEGER NOT NULL,
  parent TEXT, signature TEXT, docstring TEXT, visibility TEXT NOT NULL, is_test INTEGER NOT NULL);
CREATE TABLE edges(
  src TEXT NOT NULL, dst TEXT, kind TEXT NOT NULL, target TEXT, callee TEXT, file TEXT NOT NULL,
  line INTEGER, col INTEGER, via TEXT, resolution TEXT, external TEXT, dst_file TEXT);
CREATE TABLE names(id INTEGER PRIMARY KEY, fqn TEXT NOT NULL UNIQUE);
CREATE TABLE occurrences(file INTEGER NOT NULL, sl INTEGER NOT NULL, sc INTEGER NOT NULL, el INTEGER NOT NULL, ec INTEGER NOT NULL, name INTEGER NOT NULL, roles INTEGER NOT NULL);
CREATE TABLE aliases(name TEXT PRIMARY KEY, fqn TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE file_deps(src TEXT NOT NULL, dst TEXT NOT NULL, dst_project TEXT);
CREATE TABLE file_externals(file TEXT NOT NULL, module TEXT NOT NULL);
CREATE TABLE chunks(
  rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, fqn TEXT NOT NULL, parent TEXT, file TEXT,
  sl INTEGER, sc INTEGER, el INTEGER, ec INTEGER, text TEXT NOT NULL, hash TEXT NOT NULL, visibility TEXT NOT NULL,
  is_test INTEGER NOT NULL, tokens INTEGER NOT NULL);
CREATE VIRTUAL TABLE search USING fts5(name, fqn, doc, text, content='', tokenize='unicode61');
`;

/**
 * Created after the bulk insert: building an index once is cheaper than maintaining it row by row. Only indexes a
 * query uses: each costs as much space as a column (measured on the stdlib, edges(target)/(file) and
 * occurrences(file) were 56 MB of a 506 MB database and served no query).
 */
export const INDEX_SQL = `
CREATE INDEX symbols_fqn ON symbols(fqn);
CREATE INDEX symbols_name ON symbols(name);
CREATE INDEX symbols_file ON symbols(file);
CREATE INDEX edges_src ON edges(src);
CREATE INDEX edges_dst ON edges(dst);
CREATE INDEX occ_name ON occurrences(name);
CREATE INDEX deps_src ON file_deps(src);
CREATE INDEX deps_dst ON file_deps(dst);
CREATE INDEX chunks_fqn ON chunks(fqn);
CREATE INDEX chunks_file ON chunks(file);
`;

/** Chunk kinds indexed for full-text search (the others repeat their text: file, skeleton, docstring, usage). */
export const SEARCHABLE_KINDS = new Set(['module', 'class', 'function', 'method', 'constant', 'variable']);
