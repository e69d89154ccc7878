/**
 * L7 is incremental per file: a rebuild copies the previous database and re-does only the rows of the files whose
 * layer records changed. Asserted on the bundled example by diffing every table before and after an edit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { buildL7, decodeInboundRow, fqnSql, l7Content, l7DbPath, l7Digest, SYM_JOIN } from '@codegraph/query';
import { copyShop, indexShop } from './shop';

const TABLES = {
  files: 'SELECT id, path, key, l1, l2, l4 FROM files',
  symbols: `SELECT s.*, ${fqnSql()} AS fqn FROM symbols s ${SYM_JOIN}`,
  file_symbols: 'SELECT file, hex(ids) AS ids, hex(spans) AS spans FROM file_symbols',
  // One stored row per destination holds every referencing file's sites: read as a row per destination and file.
  inbound: 'SELECT dst, sites FROM inbound',
  outbound: 'SELECT file, hex(calls) AS calls FROM outbound',
  occ: 'SELECT name, file, hex(sites) AS sites FROM occ',
  aliases: 'SELECT * FROM aliases',
  file_deps: 'SELECT * FROM file_deps',
  file_externals: 'SELECT * FROM file_externals',
  // The name index keeps no rows, only its terms (and in how many symbols each is): deletes must give them back.
  search: 'SELECT term, doc FROM temp.search_terms',
  code: 'SELECT rowid AS id FROM code',
} as const;
type Table = keyof typeof TABLES;

const coreOut = (ws: string) => path.join(ws, '.codegraph', 'projects', 'libs', 'core');

function snapshot(ws: string): Record<Table, string[]> {
  const db = new Database(l7DbPath(coreOut(ws)), { readonly: true });
  try {
    db.exec("CREATE VIRTUAL TABLE temp.search_terms USING fts5vocab(main, 'search', 'row')");
    const rows = (t: string, sql: string): object[] =>
      t === 'inbound'
        ? (db.prepare(sql).all() as Array<{ dst: number; sites: Buffer }>).flatMap((r) => decodeInboundRow(r.sites).map(([file, b]) => ({ dst: r.dst, file, sites: Buffer.from(b).toString('hex') })))
        : (db.prepare(sql).all() as object[]);
    return Object.fromEntries(Object.entries(TABLES).map(([t, sql]) => [t, rows(t, sql).map((r) => JSON.stringify(r)).sort()])) as Record<Table, string[]>;
  } finally {
    db.close();
  }
}

/** Rows only in `a`, by table. */
const minus = (a: Record<Table, string[]>, b: Record<Table, string[]>) =>
  Object.fromEntries(Object.keys(a).map((t) => [t, a[t as Table].filter((r) => !b[t as Table].includes(r))])) as Record<Table, string[]>;

/** The files (ids) a row belongs to, for the tables keyed by file. */
function fileOf(table: Table, row: string, symbolFile: Map<number, number>): number | undefined {
  const r = JSON.parse(row) as Record<string, number>;
  if (table === 'files' || table === 'code') return r.id;
  if (table === 'file_deps') return r.src;
  return r.file;
}

let ws: string;
beforeAll(async () => {
  ws = copyShop();
  await indexShop(ws);
});

describe('an incremental L7 build', () => {
  it('re-does only the edited file: its rows change, every other row stays', async () => {
    const before = snapshot(ws);
    const inode = fs.statSync(l7DbPath(coreOut(ws))).ino;
    const payments = l7DbPath(path.join(ws, '.codegraph', 'projects', 'libs', 'payments'));
    const paymentsInode = fs.statSync(payments).ino;
    const money = path.join(ws, 'libs/core/core/money.py');
    fs.writeFileSync(money, fs.readFileSync(money, 'utf8').replace('return f"{m.cents / 100:.2f} {m.currency}"', 'return f"{m.currency} {m.cents / 100:.2f}"'));
    const stats = await indexShop(ws);
    expect(stats.map((s) => [s.project, s.rebuilt, s.reused, s.removed])).toEqual([
      ['shop-core', 1, 2, 0],
      ['shop-payments', 0, 3, 0],
      ['shop-api', 0, 4, 0],
    ]);
    expect(fs.statSync(l7DbPath(coreOut(ws))).ino).not.toBe(inode); // a new file, renamed over the old one
    expect(fs.statSync(payments).ino).toBe(paymentsInode); // nothing changed: the file in place stays
    const after = snapshot(ws);
    const gone = minus(before, after);
    const added = minus(after, before);
    const ids = (snap: Record<Table, string[]>) => new Map(snap.symbols.map((r) => JSON.parse(r) as { id: number; file: number }).map((r) => [r.id, r.file]));
    const moneyBefore = before.files.map((r) => JSON.parse(r) as { id: number; path: string }).find((f) => f.path.endsWith('money.py'))!.id;
    const moneyAfter = after.files.map((r) => JSON.parse(r) as { id: number; path: string }).find((f) => f.path.endsWith('money.py'))!.id;
    for (const t of Object.keys(TABLES) as Table[]) {
      expect({ t, files: [...new Set(gone[t].map((r) => fileOf(t, r, ids(before))))] }).toEqual({ t, files: gone[t].length ? [moneyBefore] : [] });
      expect({ t, files: [...new Set(added[t].map((r) => fileOf(t, r, ids(after))))] }).toEqual({ t, files: added[t].length ? [moneyAfter] : [] });
    }
    // money.py's rows were deleted and re-inserted; the counts of every table are as before, and of its rows only
    // the file's keys and the edited function's row (its chunk hash) differ.
    for (const t of Object.keys(TABLES) as Table[]) expect({ t, n: after[t].length }).toEqual({ t, n: before[t].length });
    expect(added.files.map((r) => JSON.parse(r).path)).toEqual(['libs/core/core/money.py']);
    expect(added.symbols.map((r) => JSON.parse(r).fqn)).toEqual(['core.money.format_money']);
    // The edited function's chunk hash changed; the other symbols of the file kept theirs.
    const hashes = (snap: Record<Table, string[]>) => new Map(snap.symbols.map((r) => JSON.parse(r) as { fqn: string; chash: number | null }).map((r) => [r.fqn, r.chash]));
    const [h0, h1] = [hashes(before), hashes(after)];
    expect([...h1].filter(([fqn, h]) => h0.get(fqn) !== h).map(([fqn]) => fqn)).toEqual(['core.money.format_money']);
    // A cold build of the same inputs holds the same index, not the same bytes (file ids, page and segment order).
    const cold = path.join(ws, 'cold.sqlite');
    await buildL7({ root: ws, project: { name: 'shop-core', outDir: coreOut(ws) }, repo: 'shop', full: true, out: cold });
    expect(l7Content(cold)).toEqual(l7Content(l7DbPath(coreOut(ws))));
    expect(l7Digest(cold)).toBe(l7Digest(l7DbPath(coreOut(ws))));
    expect(fs.readFileSync(cold).equals(fs.readFileSync(l7DbPath(coreOut(ws))))).toBe(false);
  });

  it('removes the rows of a deleted file and adds a new one', async () => {
    fs.rmSync(path.join(ws, 'libs/core/core/models.py'));
    fs.writeFileSync(path.join(ws, 'libs/core/core/tax.py'), 'RATE = 20\n\n\ndef vat(cents: int) -> int:\n    """VAT on an amount."""\n    return cents * RATE // 100\n');
    const stats = await indexShop(ws);
    // The project's interface changed, so L4 re-resolved every file (new L4 keys): all three are rebuilt.
    expect(stats.find((s) => s.project === 'shop-core')).toMatchObject({ rebuilt: 3, reused: 0, removed: 1 });
    const db = new Database(l7DbPath(coreOut(ws)), { readonly: true });
    try {
      expect(db.prepare('SELECT path FROM files ORDER BY path').pluck().all()).toEqual(['libs/core/core/__init__.py', 'libs/core/core/money.py', 'libs/core/core/tax.py']);
      expect(db.prepare(`SELECT count(*) FROM symbols s ${SYM_JOIN} WHERE ${fqnSql()} LIKE 'core.models%'`).pluck().get()).toBe(0);
      expect(db.prepare("SELECT count(*) FROM search WHERE search MATCH 'vat'").pluck().get()).toBe(1);
      expect(db.prepare("SELECT f.path FROM code c JOIN files f ON f.id = c.rowid WHERE code MATCH 'cents AND rate'").pluck().all()).toEqual(['libs/core/core/tax.py']);
    } finally {
      db.close();
    }
    // A full build gives the same content as the incremental one (deleted rows gone from both FTS5 indexes too).
    const incremental = l7Content(l7DbPath(coreOut(ws)));
    await buildL7({ root: ws, project: { name: 'shop-core', outDir: coreOut(ws) }, repo: 'shop', full: true });
    expect(l7Content(l7DbPath(coreOut(ws)))).toEqual(incremental);
  });
});
