/**
 * What an L7 database holds, independent of how SQLite laid it out: an incremental build and a cold build of the
 * same inputs hold the same content but not the same bytes (file ids are assigned in build order, pages and FTS5
 * segments follow the order of the writes). Making the bytes equal would mean rewriting the whole database after
 * every incremental run — the cost incrementality avoids — so the benchmarks compare this digest instead.
 *
 * Rows are read with file ids replaced by paths, in a canonical order; the FTS5 tables keep no rows, so their terms
 * with the number of rows holding each (fts5vocab) stand for them.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { decodeInboundRow } from './codec';

const CONTENT: Record<string, string> = {
  meta: 'SELECT key, value FROM meta',
  files: 'SELECT path, module, loc, hash, l1, l2, l4, key, is_test, chunked, nsym, nedge, nocc, nchunk FROM files',
  symbols: 'SELECT s.id, s.qual, s.name, s.kind, f.path, s.sl, s.el, s.parent, s.signature, s.docstring, s.flags, s.cstart, s.chash, s.csuffix FROM symbols s JOIN files f ON f.id = s.file',
  file_symbols: 'SELECT f.path, hex(x.ids), hex(x.spans) FROM file_symbols x JOIN files f ON f.id = x.file',
  outbound: 'SELECT f.path, hex(o.calls) FROM outbound o JOIN files f ON f.id = o.file',
  occ: 'SELECT o.name, f.path, hex(o.sites) FROM occ o JOIN files f ON f.id = o.file',
  aliases: 'SELECT a.name, f.path, a.fqn FROM aliases a JOIN files f ON f.id = a.file',
  file_deps: 'SELECT f.path, d.dst, d.dst_project FROM file_deps d JOIN files f ON f.id = d.src',
  file_externals: 'SELECT f.path, x.module FROM file_externals x JOIN files f ON f.id = x.file',
  search: 'SELECT term, doc FROM temp.search_terms',
  code: 'SELECT term, doc FROM temp.code_terms',
};

const TABLE_ORDER = ['meta', 'files', 'symbols', 'file_symbols', 'inbound', ...Object.keys(CONTENT).filter((t) => !['meta', 'files', 'symbols', 'file_symbols'].includes(t))];

/** The logical content of the L7 database at `dbPath`, one sorted list of rows per table (JSON arrays). */
export function l7Content(dbPath: string): Record<string, string[]> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.exec("CREATE VIRTUAL TABLE temp.search_terms USING fts5vocab(main, 'search', 'row'); CREATE VIRTUAL TABLE temp.code_terms USING fts5vocab(main, 'code', 'row');");
    // `inbound` as it reads: one row per destination and referencing file (a stored row holds every file's sites).
    const paths = new Map((db.prepare('SELECT id, path FROM files').raw().all() as Array<[number, string]>).map(([id, p]) => [id, p]));
    const inbound: string[] = [];
    for (const [dst, sites] of db.prepare('SELECT dst, sites FROM inbound').raw().all() as Array<[number, Buffer]>)
      for (const [file, bytes] of decodeInboundRow(sites)) if (paths.has(file)) inbound.push(JSON.stringify([dst, paths.get(file), Buffer.from(bytes).toString('hex').toUpperCase()]));
    const content = Object.fromEntries([
      ['inbound', inbound.sort()],
      ...Object.entries(CONTENT).map(([table, sql]) => [
        table,
        db
          .prepare(sql)
          .raw()
          .all()
          .map((r) => JSON.stringify(r))
          .sort(),
      ]),
    ]) as Record<string, string[]>;
    return Object.fromEntries(TABLE_ORDER.map((t) => [t, content[t]!]));
  } finally {
    db.close();
  }
}

/** A hash of `l7Content`: equal for databases that hold the same index. */
export function l7Digest(dbPath: string): string {
  const h = createHash('sha1');
  for (const [table, rows] of Object.entries(l7Content(dbPath))) h.update(`${table}\n${rows.join('\n')}\n`);
  return h.digest('hex');
}
