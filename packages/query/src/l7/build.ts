/**
 * L7 — the retrieval index of one project: `<outDir>/l7/index.sqlite`, built from layer outputs only.
 *
 * Inputs (all under the project's `outDir`, plus the project's source files under `root`):
 * - `l1/manifest.json`, `l1/ir.pack` — files, nodes (symbols, spans, docstrings), edges;
 * - `l4/manifest.json`, `l4/resolved.pack` — L4's completions of those edges, and the files each file imports;
 * - `l2/manifest.json`, `l2/docs.pack` — occurrences (references with roles);
 * - the source files, for signatures, chunk hashes and the words of the code index: each is checked
 *   against the content hash L1 recorded (a file edited since then is indexed without them, and the stats say so).
 *
 * Incremental per file: a file's L7 key is (L7 format, repo, project, its L1 key, L4 record key, L2 record key).
 * A rebuild copies the previous database, deletes and re-inserts the rows of the files whose key changed (and of
 * the files gone), in one transaction, then renames the copy over the old file — a reader (the MCP server) sees the
 * old or the new index, never a half-written one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import {
  docsPackPath,
  hashString,
  initHash,
  l2ManifestPath,
  l4ManifestPath,
  L1Reader,
  L3Overlay,
  PackReader,
  resolvedPackPath,
  withTypes,
  readJsonOrUndefined,
  visibilityOf,
  type IrEdge,
  type IrNode,
  type L2Doc,
  type L2Manifest,
  type L4Line,
  type L4Manifest,
  type ShardRef,
} from '@codegraph/engine';
import { dedent, signatureOf } from '../chunks/chunks';
import { statementEndLine } from '../chunks/scan';
import { readSource } from '../chunks/source';
import { fqnSql, INDEX_SQL, L7_FORMAT, L7_SCHEMA, l7DbPath, packSignature, SCHEMA_SQL, searchText, storedQual, SYM_JOIN } from './schema';
import { applyL4 } from './complete';
import {
  decodeIds,
  edgeCode,
  encodeIds,
  encodeInbound,
  encodeSpans,
  encodeOccurrences,
  encodeOutbound,
  K,
  kindCode,
  nameKey,
  SYMBOL_KINDS,
  symId,
  textHash,
  VISIBILITIES,
  type InboundSite,
  type OccSite,
  type OutboundCall,
  type SymbolSpan,
} from './codec';

export interface BuildL7Options {
  /** Workspace (index) root: file paths in the layer outputs are relative to it. */
  root: string;
  project: { name: string; outDir: string };
  /** Where to write the database; default `<outDir>/l7/index.sqlite`. */
  out?: string;
  /** Repo name in chunk ids; default: the workspace's package.json name, else the root folder's name. */
  repo?: string;
  /** Ignore the previous database and build from scratch. */
  full?: boolean;
}

export interface L7Stats {
  project: string;
  files: number;
  /** Files whose rows were (re)built in this run; the others were kept from the previous database. */
  rebuilt: number;
  reused: number;
  /** Files of the previous database no longer in the project. */
  removed: number;
  /** Files without signatures, chunks and code tokens: source unreadable or changed since L1 (see `skipped`). */
  unchunked: number;
  skipped: string[];
  /** Files whose L1 record is missing or damaged (no symbols). */
  unreadable: string[];
  /** Symbols whose 48-bit id another symbol already had (left out; see codec.ts). */
  collisions: number;
  symbols: number;
  edges: number;
  occurrences: number;
  chunks: number;
  bytes: number;
  ms: number;
}

const SYMBOL_NODES = new Set(['Module', 'Class', 'Function', 'Method', 'Variable']);
const DEF_NODES = new Set(['Class', 'Function', 'Method']);
const CALL_KINDS = new Set(['CALLS', 'INSTANTIATES']);

export function repoNameOf(root: string): string {
  const pkg = readJsonOrUndefined<{ name?: string }>(path.join(root, 'package.json'));
  return pkg?.name || path.basename(path.resolve(root));
}

type Stmt = Database.Statement;

export async function buildL7(o: BuildL7Options): Promise<L7Stats> {
  const t0 = performance.now();
  await initHash();
  const outDir = o.project.outDir;
  const dbPath = o.out ?? l7DbPath(outDir);
  const repo = o.repo ?? repoNameOf(o.root);
  const l1 = L1Reader.open(outDir);
  const l4m = readJsonOrUndefined<L4Manifest>(l4ManifestPath(outDir));
  const l4 = PackReader.open(resolvedPackPath(outDir));
  if (!l4m || !l4) {
    l1.close();
    l4?.close();
    throw new Error(`codegraph: no L4 output for project ${o.project.name} in ${outDir} (run its codegraph-l4 target first)`);
  }
  const l2m = readJsonOrUndefined<L2Manifest>(l2ManifestPath(outDir));
  const l2 = PackReader.open(docsPackPath(outDir));
  // L3's type-resolved edges, when the project has them: laid over L4's lines, and part of each file's key.
  const l3 = L3Overlay.open(outDir);

  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  removeStaleTemps(path.dirname(dbPath), path.basename(dbPath));
  const tmp = `${dbPath}.tmp-${process.pid}-${Date.now()}`;
  const stats: L7Stats = {
    project: o.project.name,
    files: 0,
    rebuilt: 0,
    reused: 0,
    removed: 0,
    unchunked: 0,
    skipped: [],
    unreadable: [],
    collisions: 0,
    symbols: 0,
    edges: 0,
    occurrences: 0,
    chunks: 0,
    bytes: 0,
    ms: 0,
  };
  const meta = { schema: String(L7_SCHEMA), format: L7_FORMAT, project: o.project.name, repo };
  let db = o.full ? undefined : openPrevious(dbPath, tmp, meta);
  const incremental = db !== undefined;
  try {
    if (!db) {
      db = new Database(tmp);
      db.pragma('journal_mode = OFF');
      db.exec(SCHEMA_SQL);
    }
    db.pragma('synchronous = OFF');
    // Keys are hashes, so inserts land on random pages: a page cache as large as the tables avoids re-reading them.
    db.pragma('cache_size = -262144');
    const d = db;
    const writer = new FileWriter(d, o.root, repo, stats, incremental, new Set(l1.refs.map((r) => topOf(r.module))));
    let unchanged = false;
    d.transaction(() => {
      const previous = new Map((d.prepare('SELECT id, path, key, chunked FROM files').all() as Array<{ id: number; path: string; key: string; chunked: number }>).map((r) => [r.path, r]));
      const changed: Array<{ ref: ShardRef; key: string }> = [];
      const refs = l1.refs;
      const wanted = new Set<string>();
      for (const ref of refs) {
        wanted.add(ref.file);
        const key = hashString([L7_FORMAT, repo, o.project.name, ref.key, l4m.files[ref.file]?.key ?? '', l2m?.files[ref.file]?.key ?? '', l3?.keyOf(ref.file) ?? ''].join('\0'));
        const prev = previous.get(ref.file);
        if (prev && prev.key === key && prev.chunked === 1) stats.reused++;
        else changed.push({ ref, key });
      }
      const drop = [...previous.values()].filter((p) => !wanted.has(p.path) || changed.some((c) => c.ref.file === p.path));
      stats.removed = [...previous.keys()].filter((p) => !wanted.has(p)).length;
      unchanged = incremental && !drop.length && !changed.length;
      writer.deleteFiles(drop.map((p) => p.id));
      if (incremental && changed.length) writer.loadTakenChunkIds();
      for (const { ref, key } of changed) {
        const entry = l1.manifest.files[ref.file]!;
        const e4 = l4m.files[ref.file];
        const l4raw = e4 ? l4.text(e4.key) : undefined;
        const l4text = l4raw !== undefined && l3 ? withTypes(l4raw.split('\n'), l3.linesOf(ref.file)).join('\n') : l4raw;
        const e2 = l2m?.files[ref.file];
        const l2text = e2 && l2 ? l2.text(e2.key) : undefined;
        writer.addFile({ ref, key, loc: entry.loc, hash: entry.hash, ir: l1.record(ref), e4, l4text, l2key: e2?.key, l2text });
        stats.rebuilt++;
      }
      writer.flush();
      if (!incremental) d.exec(INDEX_SQL);
      stats.files = refs.length;
      const totals = d.prepare('SELECT count(*) AS files, coalesce(sum(nsym), 0) AS symbols, coalesce(sum(nedge), 0) AS edges, coalesce(sum(nocc), 0) AS occurrences, coalesce(sum(nchunk), 0) AS chunks FROM files').get() as Record<string, number>;
      Object.assign(stats, { symbols: totals.symbols, edges: totals.edges, occurrences: totals.occurrences, chunks: totals.chunks });
      const setMeta = d.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)');
      for (const [k, v] of Object.entries({ ...meta, l4_digest: l4m.digest, files: String(totals.files), symbols: String(stats.symbols), edges: String(stats.edges), occurrences: String(stats.occurrences), chunks: String(stats.chunks) }))
        setMeta.run(k, v);
    })();
    if (unchanged) {
      // Nothing to do: the database in place stays (and readers keep their snapshot).
      d.close();
      fs.rmSync(tmp, { force: true });
      stats.bytes = fs.statSync(dbPath).size;
      stats.ms = Math.round(performance.now() - t0);
      return stats;
    }
    if (!incremental) d.exec("INSERT INTO search(search) VALUES('optimize'); INSERT INTO code(code) VALUES('optimize');");
    // Deleted rows (and FTS5 segments merged by 'optimize') leave free pages: once they are a quarter of the file
    // after an update, or a twentieth after a full build, compact it (the copy is still private).
    const pages = d.pragma('page_count', { simple: true }) as number;
    const free = d.pragma('freelist_count', { simple: true }) as number;
    if (free > pages / (incremental ? 4 : 20)) d.exec('VACUUM');
    if (!incremental) d.pragma('optimize');
    d.close();
    fs.renameSync(tmp, dbPath);
  } catch (err) {
    if (db?.open) db.close();
    fs.rmSync(tmp, { force: true });
    throw err;
  } finally {
    l1.close();
    l4.close();
    l2?.close();
    l3?.close();
  }
  stats.bytes = fs.statSync(dbPath).size;
  stats.ms = Math.round(performance.now() - t0);
  return stats;
}

/** One line per build, as the CLI and the Nx executor print it. */
export function formatL7Stats(s: L7Stats): string {
  const why = s.unchunked ? ` (${s.unchunked} files without chunks: ${s.skipped.slice(0, 3).join('; ')})` : '';
  return (
    `l7 ${s.project}: ${s.files} files (${s.rebuilt} rebuilt, ${s.reused} reused, ${s.removed} removed), ${s.symbols} symbols, ${s.edges} edges, ` +
    `${s.occurrences} occurrences, ${s.chunks} chunks, ${(s.bytes / 1e6).toFixed(2)} MB, ${s.ms} ms${why}` +
    (s.unreadable.length ? `; ${s.unreadable.length} files without a readable L1 record` : '') +
    (s.collisions ? `; ${s.collisions} symbols left out (48-bit id collision)` : '')
  );
}

/**
 * The previous database copied to `tmp` and opened, when it is of this schema, format, project and repo; else
 * undefined (and no copy left): the build starts from scratch.
 */
function openPrevious(dbPath: string, tmp: string, want: Record<string, string>): Database.Database | undefined {
  if (!fs.existsSync(dbPath)) return undefined;
  let db: Database.Database | undefined;
  try {
    fs.copyFileSync(dbPath, tmp);
    db = new Database(tmp);
    db.pragma('journal_mode = OFF');
    const have = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    if (Object.entries(want).every(([k, v]) => have[k] === v) && db.pragma('quick_check', { simple: true }) === 'ok') return db;
  } catch {
    // Unreadable or damaged: rebuilt from scratch below.
  }
  db?.close();
  fs.rmSync(tmp, { force: true });
  return undefined;
}

/** Temp databases of killed runs (`index.sqlite.tmp-*`) would otherwise pile up in the output folder. */
function removeStaleTemps(dir: string, base: string): void {
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) if (f.startsWith(`${base}.tmp-`)) fs.rmSync(path.join(dir, f), { force: true });
}

interface FileInput {
  ref: ShardRef;
  key: string;
  loc: number;
  hash: string;
  ir: { nodes: IrNode[]; edges: IrEdge[] } | undefined;
  e4: L4Manifest['files'][string] | undefined;
  l4text: string | undefined;
  l2key: string | undefined;
  l2text: string | undefined;
}

/** Writes (and deletes) one file's rows. */
class FileWriter {
  private readonly ins: Record<string, Stmt>;
  /** Chunk ids (`symbol kind\0fqn`) taken by the files written so far or kept: a second one gets a hash suffix. */
  private taken = new Set<string>();
  private readonly aliasLookup: Stmt;
  private readonly idTaken: Stmt;
  /** Symbol ids written in this run (a second one is a 48-bit collision). */
  private readonly ids = new Set<number>();
  /** FQNs of the symbols written in this run (occurrence names under the project's modules are checked against them). */
  private readonly fqns = new Set<string>();
  /** Occurrence rows of names under the project's modules, kept at `flush` if the name is a symbol of the project. */
  private pendingOcc: Array<{ fqn: string; row: unknown[]; sites: number }> = [];
  /**
   * Rows of the tables keyed by hashes, held until `flush`: inserted in key order they append to the B-trees
   * (pages end up full, no page is visited twice) instead of landing on random pages.
   */
  private rows = { symbols: [] as unknown[][], search: [] as unknown[][], inbound: [] as unknown[][], outbound: [] as unknown[][], occ: [] as unknown[][] };

  constructor(
    private readonly db: Database.Database,
    private readonly root: string,
    private readonly repo: string,
    private readonly stats: L7Stats,
    private readonly incremental: boolean,
    /** The top-level modules of the project's files (`core` for `core.money`). */
    private readonly tops: ReadonlySet<string>,
  ) {
    this.ins = {
      file: db.prepare('INSERT INTO files(path, module, loc, hash, l1, l2, l4, key, is_test, chunked, nsym, nedge, nocc, nchunk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0)'),
      counts: db.prepare('UPDATE files SET nsym = ?, nedge = ?, nocc = ?, nchunk = ? WHERE id = ?'),
      symbol: db.prepare('INSERT INTO symbols(id, qual, name, kind, file, sl, el, parent, signature, docstring, flags, cstart, chash, csuffix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      search: db.prepare('INSERT INTO search(rowid, qual) VALUES (?, ?)'),
      code: db.prepare('INSERT INTO code(rowid, text) VALUES (?, ?)'),
      fileSymbols: db.prepare('INSERT INTO file_symbols(file, ids, spans) VALUES (?, ?, ?)'),
      inbound: db.prepare('INSERT INTO inbound(dst, file, sites) VALUES (?, ?, ?)'),
      outbound: db.prepare('INSERT OR REPLACE INTO outbound(src, file, calls) VALUES (?, ?, ?)'),
      occ: db.prepare('INSERT INTO occ(name, file, sites) VALUES (?, ?, ?)'),
      alias: db.prepare('INSERT OR IGNORE INTO aliases(name, file, fqn) VALUES (?, ?, ?)'),
      dep: db.prepare('INSERT INTO file_deps(src, dst, dst_project) VALUES (?, ?, ?)'),
      ext: db.prepare('INSERT INTO file_externals(file, module) VALUES (?, ?)'),
    };
    this.aliasLookup = db.prepare('SELECT fqn FROM aliases WHERE name = ? LIMIT 1').pluck();
    this.idTaken = db.prepare('SELECT 1 FROM symbols WHERE id = ?').pluck();
  }

  /** Inserts the rows held so far, each table in key order. */
  flush(): void {
    if (this.pendingOcc.length) {
      // Symbols of the files kept from the previous database, through the name index (no FQN index is kept).
      const kept = this.db.prepare(`SELECT 1 FROM symbols s ${SYM_JOIN} WHERE s.name = ? AND ${fqnSql()} = ?`).pluck();
      const isSymbol = (fqn: string) => this.fqns.has(fqn) || (this.incremental && kept.get((fqn.split('.').pop() ?? fqn).replace(/#\d+$/, ''), fqn) !== undefined);
      const dropped = new Map<number, number>();
      for (const { fqn, row, sites } of this.pendingOcc) {
        if (isSymbol(fqn)) this.rows.occ.push(row);
        else dropped.set(row[1] as number, (dropped.get(row[1] as number) ?? 0) + sites);
      }
      const uncount = this.db.prepare('UPDATE files SET nocc = nocc - ? WHERE id = ?');
      for (const [file, n] of dropped) uncount.run(n, file);
      this.pendingOcc = [];
    }
    const byKeys = (a: unknown[], b: unknown[]) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number);
    for (const [table, stmt] of [
      ['symbols', this.ins.symbol!],
      ['search', this.ins.search!],
      ['inbound', this.ins.inbound!],
      ['outbound', this.ins.outbound!],
      ['occ', this.ins.occ!],
    ] as const) {
      const rows = this.rows[table].sort(byKeys);
      for (const r of rows) stmt.run(...r);
    }
    this.rows = { symbols: [], search: [], inbound: [], outbound: [], occ: [] };
  }

  loadTakenChunkIds(): void {
    for (const r of this.db.prepare(`SELECT ${fqnSql()} AS fqn, s.kind FROM symbols s ${SYM_JOIN} WHERE s.chash IS NOT NULL`).all() as Array<{ fqn: string; kind: number }>)
      this.taken.add(`${r.kind}\0${r.fqn}`);
  }

  deleteFiles(ids: readonly number[]): void {
    if (!ids.length) return;
    const d = this.db;
    d.exec('CREATE TEMP TABLE IF NOT EXISTS gone(id INTEGER PRIMARY KEY); DELETE FROM gone;');
    const add = d.prepare('INSERT INTO gone(id) VALUES (?)');
    for (const id of ids) add.run(id);
    d.exec('CREATE TEMP TABLE IF NOT EXISTS gone_symbols(id INTEGER PRIMARY KEY); DELETE FROM gone_symbols;');
    const addSymbol = d.prepare('INSERT OR IGNORE INTO gone_symbols(id) VALUES (?)');
    for (const b of d.prepare('SELECT ids FROM file_symbols WHERE file IN gone').pluck().all() as Buffer[]) for (const id of decodeIds(b)) addSymbol.run(id);
    const unindex = d.prepare("INSERT INTO search(search, rowid, qual) VALUES ('delete', ?, ?)");
    const indexed = d.prepare(`SELECT s.id, s.kind, ${fqnSql()} AS fqn, f.module FROM symbols s ${SYM_JOIN} WHERE s.id IN gone_symbols AND (s.kind != ${K.Variable} OR p.kind = ${K.Module})`);
    for (const r of indexed.all() as Array<{ id: number; kind: number; fqn: string; module: string }>) unindex.run(r.id, searchText(SYMBOL_KINDS[r.kind]!, r.fqn, r.module));
    d.exec(`
      DELETE FROM code WHERE rowid IN gone;
      DELETE FROM outbound WHERE file IN gone;
      DELETE FROM symbols WHERE id IN gone_symbols;
      DELETE FROM file_symbols WHERE file IN gone;
      DELETE FROM inbound WHERE file IN gone;
      DELETE FROM occ WHERE file IN gone;
      DELETE FROM aliases WHERE file IN gone;
      DELETE FROM file_deps WHERE src IN gone;
      DELETE FROM file_externals WHERE file IN gone;
      DELETE FROM files WHERE id IN gone;`);
  }

  addFile(f: FileInput): void {
    const { ref, ir } = f;
    const isTest = ir?.nodes.find((n) => n.node === 'File')?.attrs?.is_test === true;
    const src = ir ? readSource(this.root, ref.file, f.hash) : undefined;
    const chunked = src?.ok === true;
    const fileId = Number(this.ins.file!.run(ref.file, ref.module, f.loc, f.hash, ref.key, f.l2key ?? null, f.e4?.key ?? null, f.key, isTest ? 1 : 0, chunked ? 1 : 0).lastInsertRowid);
    if (!ir) {
      this.stats.unreadable.push(ref.file);
      return;
    }
    if (src && !src.ok) {
      this.stats.unchunked++;
      this.stats.skipped.push(src.reason);
    }
    const lines = src?.ok ? src.source.lines : [];
    // Every word of the file, for search over code text (one row per file, no positions: a few bytes per word).
    if (lines.length) this.ins.code!.run(fileId, lines.join('\n'));
    const l4lines = f.l4text ? (f.l4text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) as L4Line[]) : [];
    const edges = applyL4(ir.edges, l4lines);
    const counts = { symbols: 0, chunks: 0 };
    const spans = new Map<number, SymbolSpan>();
    const ids = this.insertSymbols(fileId, ref.module, ir.nodes, edges, lines, isTest, counts, spans);
    // Edge sources are symbols of this file: `inbound` stores their ordinal among its symbols (by id), 1–2 bytes.
    ids.sort((a, b) => a - b);
    this.ins.fileSymbols!.run(fileId, encodeIds(ids), encodeSpans(ids.map((id) => spans.get(id)!)));
    const ordinal = new Map(ids.map((id, i) => [id, i]));
    const { stored, positions, aliases } = this.insertEdges(fileId, ir.nodes, ir.edges, edges, ordinal);
    for (const dep of f.e4?.imports ?? []) this.ins.dep!.run(fileId, dep, f.e4?.foreign?.[dep] ?? null);
    for (const x of f.e4?.externals ?? []) this.ins.ext!.run(fileId, x);
    const occurrences = f.l2text ? this.insertOccurrences(fileId, ref.file, f.l2text, positions, aliases, f.e4?.externals ?? []) : 0;
    this.ins.counts!.run(counts.symbols, stored, occurrences, counts.chunks, fileId);
  }

  /** Symbols (with their chunk's start, hash and id suffix) and their full-text rows. */
  private insertSymbols(fileId: number, module: string, nodes: readonly IrNode[], edges: readonly IrEdge[], lines: readonly string[], isTest: boolean, counts: { symbols: number; chunks: number }, spans: Map<number, SymbolSpan>): number[] {
    const written: number[] = [];
    const byId = new Map(nodes.map((n) => [n.id, n]));
    // Where each definition starts, decorators included (DECORATES edges carry the decorator expressions' spans).
    const start = new Map<string, number>();
    for (const e of edges) if (e.edge === 'DECORATES' && e.span) start.set(e.src, Math.min(start.get(e.src) ?? Infinity, e.span[0]));
    // What `symbols.qual` holds per symbol (schema.ts: NULL when the FQN follows from the module and the names).
    const symbolParent = (n: IrNode) => {
      const p = n.parent ? byId.get(n.parent) : undefined;
      return p && p.node !== 'Module' && isSymbol(p, byId) ? p : undefined;
    };
    const quals = new Map<string, string | null>();
    const qualOf = (n: IrNode): string | null => {
      if (quals.has(n.id)) return quals.get(n.id)!;
      const p = symbolParent(n);
      const q = storedQual(n.fqn, { module, kind: n.node, name: n.name, ...(p ? { parent: { name: p.name, qual: qualOf(p), topLevel: !symbolParent(p) } } : {}) });
      quals.set(n.id, q);
      return q;
    };
    for (const n of nodes) {
      if (!isSymbol(n, byId)) continue;
      const parent = n.parent ? byId.get(n.parent) : undefined;
      const doc = typeof n.attrs?.docstring === 'string' && n.attrs.docstring.trim() ? (n.attrs.docstring as string) : null;
      const isDef = DEF_NODES.has(n.node);
      // The first line only (what listings show); the whole docstring is in the full-text index and the source.
      const doc1 = doc ? doc.trim().split('\n')[0]!.trim() : null;
      const sig = isDef && lines.length ? signatureOf(n, lines) : null;
      const vis = VISIBILITIES.indexOf(((n.attrs?.visibility as string | undefined) ?? visibilityOf(n.name)) as (typeof VISIBILITIES)[number]);
      const test = isTest || n.attrs?.is_test === true;
      const moduleLevel = n.node === 'Variable' && parent?.node === 'Module';
      // The code chunk: a definition from its first decorator to its last line; a module-level name's statement.
      let text: string | undefined;
      let cstart: number | null = null;
      if (lines.length && isDef) {
        const s = Math.min(n.span[0], start.get(n.id) ?? Infinity);
        if (s !== n.span[0]) cstart = s;
        text = dedent(lines.slice(s, n.span[2] + 1));
      } else if (lines.length && moduleLevel) {
        text = lines.slice(n.span[0], statementEndLine(lines, n.span[0]) + 1).join('\n');
      }
      const chash = text === undefined ? null : textHash(text);
      const chashHex = chash === null ? '' : chash.toString(16).padStart(12, '0');
      let suffix: string | null = null;
      if (text !== undefined) {
        const id = `${kindCode(n.node)}\0${n.fqn}`; // the chunk kind follows from the symbol kind and name
        if (this.taken.has(id)) suffix = `~${chashHex.slice(0, 8)}`;
        this.taken.add(id);
      }
      const id = symId(n.id);
      if (this.ids.has(id) || (this.incremental && this.idTaken.get(id) !== undefined)) {
        this.stats.collisions++;
        continue;
      }
      this.ids.add(id);
      this.fqns.add(n.fqn);
      written.push(id);
      spans.set(id, { kind: kindCode(n.node), start: Math.min(n.span[0], start.get(n.id) ?? Infinity), end: n.span[2] });
      this.rows.symbols.push([id, qualOf(n), n.name, kindCode(n.node), fileId, n.span[0], n.span[2], parent && isSymbol(parent, byId) ? symId(parent.id) : null, sig === null ? null : packSignature(sig, n.name), doc1, vis | (test ? 4 : 0), cstart, chash, suffix]);
      counts.symbols++;
      if (text !== undefined) counts.chunks++;
      if (n.node === 'Variable' && !moduleLevel) continue;
      // Qualified names only: docstrings and code are words of the source, in the per-file `code` index.
      this.rows.search.push([id, searchText(n.node, n.fqn, module)]);
    }
    return written;
  }

  /**
   * Resolved edges (CONTAINS excepted: `symbols.parent` holds it) into `inbound`, per destination; calls into
   * `outbound`, per caller, one entry per distinct callee (its first site). An edge's source is the nearest
   * enclosing symbol (a lambda's or an import's scope); edges to locals and parameters are left out.
   */
  private insertEdges(fileId: number, nodes: readonly IrNode[], l1Edges: readonly IrEdge[], edges: readonly IrEdge[], ordinal: ReadonlyMap<number, number>) {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const scopeOf = new Map<string, number>();
    const scope = (id: string): number => {
      const have = scopeOf.get(id);
      if (have !== undefined) return have;
      let n = byId.get(id);
      while (n && !isSymbol(n, byId)) n = n.parent ? byId.get(n.parent) : undefined;
      const s = symId(n?.id ?? id);
      scopeOf.set(id, s);
      return s;
    };
    const asWritten = new Map(l1Edges.filter((e) => e.edge === 'IMPORTS').map((e) => [e.id, e.target]));
    const inbound = new Map<number, InboundSite[]>();
    const outbound = new Map<number, { seen: Set<string>; calls: OutboundCall[] }>();
    /** `line:col` → canonical targets of the resolved edges there (occurrences there are the same reference). */
    const positions = new Map<string, Set<string>>();
    const aliases = new Map<string, string>();
    let stored = 0;
    for (const e of edges) {
      if (edgeCode(e.edge) < 0) continue;
      const local = e.dst ? byId.get(e.dst) : undefined;
      if (local && !isSymbol(local, byId)) continue;
      const src = scope(e.src);
      const line = e.span?.[0] ?? 0;
      const col = e.span?.[1] ?? 0;
      const srcOrdinal = ordinal.get(src);
      if (e.dst && srcOrdinal !== undefined) {
        const dst = symId(e.dst);
        let list = inbound.get(dst);
        if (!list) inbound.set(dst, (list = []));
        list.push({ kind: e.edge as InboundSite['kind'], src: srcOrdinal, line, col });
        stored++;
        if (e.target && e.span) {
          const k = `${line}:${col}`;
          let set = positions.get(k);
          if (!set) positions.set(k, (set = new Set()));
          set.add(e.target);
        }
      }
      if (CALL_KINDS.has(e.edge)) {
        let out = outbound.get(src);
        if (!out) outbound.set(src, (out = { seen: new Set(), calls: [] }));
        const label = e.dst ? `#${e.dst}` : (e.target ?? e.callee ?? '?');
        if (!out.seen.has(label)) {
          out.seen.add(label);
          const external = e.attrs?.external as string | undefined;
          out.calls.push(e.dst ? { line, col, dst: symId(e.dst) } : { line, col, label, ...(external ? { external } : {}) });
          if (!e.dst) stored++;
        }
      }
      // `from core import format_money` names core.format_money; L4 says it is core.money.format_money.
      const written = e.edge === 'IMPORTS' ? asWritten.get(e.id) : undefined;
      if (written && e.target && written !== e.target && e.attrs?.via) {
        aliases.set(written, e.target);
        this.ins.alias!.run(written, fileId, e.target);
      }
    }
    for (const [dst, sites] of inbound) {
      sites.sort((a, b) => a.line - b.line || a.col - b.col);
      this.rows.inbound.push([dst, fileId, encodeInbound(sites)]);
    }
    for (const [src, { calls }] of outbound) {
      calls.sort((a, b) => a.line - b.line || a.col - b.col);
      this.rows.outbound.push([src, fileId, encodeOutbound(calls)]);
    }
    return { stored, positions, aliases };
  }

  /**
   * The file's occurrences (L2) that are not definitions and not already a resolved edge at the same position,
   * grouped by canonical name: `D` symbols through the document's own definitions, `F` names through the import
   * aliases (this file's first, then the project's); document-local symbols are left out.
   */
  private insertOccurrences(fileId: number, file: string, l2text: string, positions: Map<string, Set<string>>, aliases: Map<string, string>, externals: readonly string[]): number {
    let doc: L2Doc;
    try {
      doc = JSON.parse(l2text) as L2Doc;
    } catch {
      this.stats.skipped.push(`${file}: damaged L2 document`);
      return 0;
    }
    const byDescriptor = new Map<string, string>();
    for (const [fqn, dsc] of Object.entries(doc.defs)) if (!dsc.startsWith('=')) byDescriptor.set(dsc, fqn);
    const canonical = (name: string) => {
      // `core.Order.total`: the longest aliased prefix (`core.Order` → `core.models.Order`) gives the canonical name.
      for (let i = name.length; i > 0; i = name.lastIndexOf('.', i - 1)) {
        const prefix = name.slice(0, i);
        const hit = aliases.get(prefix) ?? (this.aliasLookup.get(prefix) as string | undefined);
        if (hit) return hit + name.slice(i);
      }
      return name;
    };
    const fqns = doc.syms.map((s) => {
      const str = String(s);
      if (str.startsWith('D')) return byDescriptor.get(str.slice(1));
      if (str.startsWith('F')) return canonical(str.slice(1).split('|')[0]!);
      return undefined;
    });
    const byName = new Map<string, OccSite[]>();
    let n = 0;
    for (const o of doc.occ) {
      const fqn = fqns[o[4] as number];
      const roles = o[5] as number;
      if (!fqn || roles & 1) continue;
      // `refs` asks for the FQN of a symbol of some project: a name of a builtin or of a module outside the
      // workspace never is one (84% of the stdlib's occurrence rows were names no symbol has).
      const top = topOf(fqn);
      if (top === 'builtins' || externals.includes(top)) continue;
      if (positions.get(`${o[0]}:${o[1]}`)?.has(fqn)) continue;
      let list = byName.get(fqn);
      if (!list) byName.set(fqn, (list = []));
      list.push({ line: o[0] as number, col: o[1] as number, roles });
      n++;
    }
    const keys = new Set<number>();
    for (const [fqn, sites] of byName) {
      const key = nameKey(fqn);
      if (keys.has(key)) continue; // two names of one file sharing 48 bits: the first keeps the slot
      keys.add(key);
      sites.sort((a, b) => a.line - b.line || a.col - b.col);
      const row = [key, fileId, encodeOccurrences(sites)];
      // A name under this project's modules is kept if a symbol has it (known once every file is read: `flush`);
      // one under another project's, as that project's symbols are not known here.
      if (this.tops.has(topOf(fqn))) this.pendingOcc.push({ fqn, row, sites: sites.length });
      else this.rows.occ.push(row);
    }
    return n;
  }
}

/** The top-level module of a dotted name. */
const topOf = (name: string): string => name.split('.', 1)[0]!;

function isSymbol(n: IrNode, byId: Map<string, IrNode>): boolean {
  if (!SYMBOL_NODES.has(n.node)) return false;
  if (n.node !== 'Variable') return true;
  const p = n.parent ? byId.get(n.parent) : undefined;
  return p?.node === 'Module' || p?.node === 'Class';
}
