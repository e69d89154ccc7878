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
 *
 * A file's rows are prepared from its own records (prepare.ts) by worker threads or by this thread, and written here
 * in manifest order, with what depends on the other files (ids, chunk-id suffixes, collisions, aliases).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { initHash, readJsonOrUndefined, type L4Manifest } from '@codegraph/engine';
import { fqnSql, INDEX_SQL, L7_FORMAT, L7_SCHEMA, l7DbPath, SCHEMA_SQL, searchText, SYM_JOIN } from './schema';
import { decodeIds, decodeInboundRow, encodeInboundRow, encodeOccurrences, K, nameKey, SYMBOL_KINDS, type OccSite } from './codec';
import { L7Inputs } from './inputs';
import { prepareFile, type PreparedFile, type PreparedOccurrences } from './prepare';
import { PreparePool } from './prepare-pool';

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
  /**
   * Worker threads preparing files' rows while this thread writes (and prepares some) — 0: every file is prepared in
   * this thread. Default (`defaultWorkers`): one per core but one when at least PARALLEL_MIN_FILES files are to be
   * (re)built and a core is idle, else 0.
   */
  workers?: number;
  /** Heap ceiling (MB) of the builder thread of a cold build; default BUILDER_MEMORY_MB. */
  builderMemoryMb?: number;
  /** At most about this many bytes of prepared, unwritten files (preparedBytes); default LOOKAHEAD_BYTES. */
  lookaheadBytes?: number;
}

/** Fewer files than this are prepared in the builder's thread: starting a worker (loading the engine) costs more. */
const PARALLEL_MIN_FILES = 64;
/**
 * Workers for a build of `files` files: one per core but one (this thread prepares files too, and writes) when there
 * are enough files and a core is idle now. Measured on a 2-core machine at a load average of 5–13 (other builds
 * running): a worker then gained no time and cost 5–40% more CPU (loading the engine, copying the rows across,
 * compiling the code in one more thread), so a busy machine builds in one thread.
 */
function defaultWorkers(files: number): number {
  const cores = os.availableParallelism();
  return files >= PARALLEL_MIN_FILES && cores > 1 && os.loadavg()[0]! < cores - 1 ? cores - 1 : 0;
}

/** Files prepared ahead of the one being written, at most (each holds its rows and code text until written). */
const LOOKAHEAD = 64;
/**
 * And at most this much of them (preparedBytes). By count alone, while a worker prepared sympy's largest file this
 * thread prepared the 63 big generated files after it and held them: 185 MB live, which V8 then let grow to a 700 MB
 * heap before collecting.
 */
const LOOKAHEAD_BYTES = 16 << 20;
/**
 * With a prepare worker, this thread prepares only files below this many lines (a sympy test file of 19K lines held
 * 200 MB while prepared): the big ones wait for a worker, whose heap has a ceiling (prepare-pool.ts).
 */
const OWN_PREPARE_MAX_LINES = 5000;

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

export function repoNameOf(root: string): string {
  const pkg = readJsonOrUndefined<{ name?: string }>(path.join(root, 'package.json'));
  return pkg?.name || path.basename(path.resolve(root));
}

type Stmt = Database.Statement;

/**
 * Heap ceiling (MB) of the thread a cold build runs in. The builder holds every file's rows until the end (~120 MB
 * live for sympy) and prepares files itself (sympy's largest held ~150 MB more); on the process's own thread, whose
 * ceiling is 4 GB here, V8 let that heap reach 4× what its last full collection kept — 500–750 MB, more on a loaded
 * machine, where collection lags — and a cold sympy build peaked at 0.67–1.25 GB. Under this ceiling V8 grows it
 * ~1.6×. A builder that runs out is not a failed build: it is built again on this thread, without the ceiling.
 */
export const BUILDER_MEMORY_MB = 1024;

/**
 * Builds (or updates) the project's database. A cold build (no previous database, or `full`) runs in a worker thread
 * with a heap ceiling (BUILDER_MEMORY_MB); an update — a few files, most often — runs here, where it pays no thread
 * start. `inWorker` says otherwise.
 */
export async function buildL7(o: BuildL7Options & { inWorker?: boolean }): Promise<L7Stats> {
  const { inWorker, ...opts } = o;
  if (!(inWorker ?? (o.full === true || !fs.existsSync(o.out ?? l7DbPath(o.project.outDir))))) return buildHere(opts);
  try {
    return await buildInWorker(opts);
  } catch (err) {
    if (!(err instanceof BuilderDied)) throw err;
    return buildHere(opts);
  }
}

/** The builder thread ended without an answer (out of memory, most likely). */
class BuilderDied extends Error {}

function buildInWorker(o: BuildL7Options): Promise<L7Stats> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'build-worker.js'), { workerData: o, resourceLimits: { maxOldGenerationSizeMb: o.builderMemoryMb ?? BUILDER_MEMORY_MB } });
    let answered = false;
    worker.on('message', (m: { stats: L7Stats } | { error: string; stack?: string }) => {
      answered = true;
      if ('stats' in m) resolve(m.stats);
      else reject(Object.assign(new Error(m.error), { stack: m.stack }));
    });
    worker.on('error', (err) => {
      if (!answered) reject(new BuilderDied(`codegraph: the L7 builder thread failed: ${err.message}`));
      answered = true;
    });
    worker.on('exit', (code) => {
      if (!answered) reject(new BuilderDied(`codegraph: the L7 builder thread exited (${code})`));
    });
  });
}

/** The build itself, on the calling thread. */
export async function buildHere(o: BuildL7Options): Promise<L7Stats> {
  const t0 = performance.now();
  await initHash();
  const outDir = o.project.outDir;
  const dbPath = o.out ?? l7DbPath(outDir);
  const repo = o.repo ?? repoNameOf(o.root);
  const inputs = L7Inputs.open(outDir, o.project.name);
  const l1 = inputs.l1;
  const l4m = inputs.l4m;

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
    const writer = new FileWriter(d, stats, incremental, new Set(l1.refs.map((r) => topOf(r.module))));
    // One transaction (not better-sqlite3's helper: files are awaited from the prepare workers inside it).
    d.exec('BEGIN');
    const previous = new Map((d.prepare('SELECT id, path, key, chunked FROM files').all() as Array<{ id: number; path: string; key: string; chunked: number }>).map((r) => [r.path, r]));
    const changed: Array<{ ref: (typeof l1.refs)[number]; key: string }> = [];
    const refs = l1.refs;
    const wanted = new Set<string>();
    for (const ref of refs) {
      wanted.add(ref.file);
      const key = inputs.keyOf(ref, repo, o.project.name);
      const prev = previous.get(ref.file);
      if (prev && prev.key === key && prev.chunked === 1) stats.reused++;
      else changed.push({ ref, key });
    }
    const changedFiles = new Set(changed.map((c) => c.ref.file));
    const drop = [...previous.values()].filter((p) => !wanted.has(p.path) || changedFiles.has(p.path));
    stats.removed = [...previous.keys()].filter((p) => !wanted.has(p)).length;
    const unchanged = incremental && !drop.length && !changed.length;
    writer.deleteFiles(drop.map((p) => p.id));
    if (incremental && changed.length) writer.loadTakenChunkIds();
    const workers = Math.min(o.workers ?? defaultWorkers(changed.length), changed.length);
    const pool = workers > 0 ? new PreparePool(workers, { root: o.root, outDir, project: o.project.name }) : undefined;
    try {
      // Files are written in manifest order whoever prepared them (ids, chunk suffixes and aliases depend on it). One
      // cursor hands them out: each worker keeps a few requests in flight; this thread, while the next file to write
      // is still a worker's, prepares the next one not handed out (a small one). At most LOOKAHEAD files, and about
      // LOOKAHEAD_BYTES, are prepared and unwritten.
      type Slot = { waiting: boolean; file?: PreparedFile; pending?: Promise<PreparedFile | undefined>; bytes: number };
      const slots: Array<Slot | undefined> = [];
      let next = 0;
      let inFlight = 0;
      let writing = 0;
      /** preparedBytes of the files prepared and not yet written. */
      let held = 0;
      const hold = (slot: Slot, f: PreparedFile | undefined) => {
        slot.file = f;
        slot.bytes = f ? preparedBytes(f) : 0;
        held += slot.bytes;
      };
      const roomAhead = (i: number) => next < changed.length && next < i + LOOKAHEAD && held < (o.lookaheadBytes ?? LOOKAHEAD_BYTES);
      const handOut = () => {
        for (; pool && roomAhead(writing) && inFlight < workers * 4; next++) {
          const c = changed[next]!;
          const slot: Slot = { waiting: true, bytes: 0 };
          inFlight++;
          slot.pending = pool
            .prepare(c.ref, c.key)
            .catch(() => undefined) // a worker failed: the file is prepared here below
            .then((f) => {
              inFlight--;
              slot.waiting = false;
              hold(slot, f);
              return f;
            });
          slots[next] = slot;
        }
      };
      const small = (c: (typeof changed)[number]) => (l1.manifest.files[c.ref.file]?.loc ?? 0) < OWN_PREPARE_MAX_LINES;
      for (; writing < changed.length; writing++) {
        const i = writing;
        let p: PreparedFile | undefined;
        if (pool) {
          handOut();
          const slot = slots[i];
          while (slot?.waiting && roomAhead(i) && small(changed[next]!)) {
            const own: Slot = { waiting: false, bytes: 0 };
            hold(own, prepareFile(inputs.input(changed[next]!.ref, changed[next]!.key), o.root));
            slots[next++] = own;
            // Lets the workers' answers in, and hands them more.
            await new Promise((r) => setImmediate(r));
            handOut();
          }
          p = slot?.waiting ? await slot.pending : slot?.file;
          held -= slot?.bytes ?? 0;
          slots[i] = undefined;
        }
        // Not prepared (no pool, or its worker failed), or prepared without knowing the other files' ids and holding
        // one of them: prepared here, where the ids taken are known.
        if (!p || writer.collides(p)) p = prepareFile(inputs.input(changed[i]!.ref, changed[i]!.key), o.root, writer.isTaken);
        writer.apply(p, l4m.files[p.file]);
        stats.rebuilt++;
      }
    } finally {
      await pool?.close();
    }
    writer.flush();
    if (!incremental) d.exec(INDEX_SQL);
    stats.files = refs.length;
    const totals = d.prepare('SELECT count(*) AS files, coalesce(sum(nsym), 0) AS symbols, coalesce(sum(nedge), 0) AS edges, coalesce(sum(nocc), 0) AS occurrences, coalesce(sum(nchunk), 0) AS chunks FROM files').get() as Record<string, number>;
    Object.assign(stats, { symbols: totals.symbols, edges: totals.edges, occurrences: totals.occurrences, chunks: totals.chunks });
    const setMeta = d.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)');
    for (const [k, v] of Object.entries({ ...meta, l4_digest: l4m.digest, files: String(totals.files), symbols: String(stats.symbols), edges: String(stats.edges), occurrences: String(stats.occurrences), chunks: String(stats.chunks) }))
      setMeta.run(k, v);
    d.exec('COMMIT');
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
    inputs.close();
  }
  stats.bytes = fs.statSync(dbPath).size;
  stats.ms = Math.round(performance.now() - t0);
  return stats;
}

/**
 * About what a prepared file holds until it is written (bytes): its code text, occurrence sites and names, and its
 * rows. An estimate for bounding the lookahead, not a measurement.
 */
function preparedBytes(p: PreparedFile): number {
  let n = (p.code?.length ?? 0) + p.symbols.length * 256 + p.search.length * 64 + (p.outbound?.byteLength ?? 0);
  for (const [, blob] of p.inbound) n += 64 + blob.byteLength;
  if (p.occ) n += p.occ.sites.byteLength + p.occ.names.length * 64 + p.occ.targets.length * 64;
  return n;
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

/** Writes (and deletes) files' rows. */
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
  private rows = { symbols: [] as unknown[][], search: [] as unknown[][], inbound: [] as unknown[][], occ: [] as unknown[][] };

  constructor(
    private readonly db: Database.Database,
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
      inbound: db.prepare('INSERT OR REPLACE INTO inbound(dst, sites) VALUES (?, ?)'),
      outbound: db.prepare('INSERT INTO outbound(file, calls) VALUES (?, ?)'),
      occ: db.prepare('INSERT INTO occ(name, file, sites) VALUES (?, ?, ?)'),
      alias: db.prepare('INSERT OR IGNORE INTO aliases(name, file, fqn) VALUES (?, ?, ?)'),
      dep: db.prepare('INSERT INTO file_deps(src, dst, dst_project) VALUES (?, ?, ?)'),
      ext: db.prepare('INSERT INTO file_externals(file, module) VALUES (?, ?)'),
    };
    this.aliasLookup = db.prepare('SELECT fqn FROM aliases WHERE name = ? LIMIT 1').pluck();
    this.idTaken = db.prepare('SELECT 1 FROM symbols WHERE id = ?').pluck();
  }

  /** Whether a symbol id is another file's: written in this run, or kept from the previous database. */
  readonly isTaken = (id: number): boolean => this.ids.has(id) || (this.incremental && this.idTaken.get(id) !== undefined);

  /** Whether a file prepared without knowing the other files has a symbol id one of them has. */
  collides(p: PreparedFile): boolean {
    return p.symbols.some((r) => this.isTaken(r[0] as number));
  }

  /** Writes one prepared file (its symbols, edges and occurrences are held until `flush`). */
  apply(p: PreparedFile, e4: L4Manifest['files'][string] | undefined): void {
    const fileId = Number(this.ins.file!.run(p.file, p.module, p.loc, p.hash, p.l1, p.l2, p.l4, p.key, p.isTest ? 1 : 0, p.chunked ? 1 : 0).lastInsertRowid);
    if (p.unreadable) {
      this.stats.unreadable.push(p.file);
      return;
    }
    if (p.skipped !== undefined) {
      this.stats.unchunked++;
      this.stats.skipped.push(p.skipped);
    }
    if (p.code !== undefined) this.ins.code!.run(fileId, p.code);
    const suffixes: Array<string | null> = p.symbols.map(() => null);
    for (const [id, hex, row] of p.chunks) {
      const suffix = this.taken.has(id) ? `~${hex.slice(0, 8)}` : null;
      this.taken.add(id);
      if (row >= 0) suffixes[row] = suffix;
    }
    p.symbols.forEach((r, i) => {
      this.ids.add(r[0] as number);
      this.fqns.add(p.fqns[i]!);
      this.rows.symbols.push([r[0], r[1], r[2], r[3], fileId, r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], suffixes[i]]);
    });
    this.stats.collisions += p.collisions;
    for (const r of p.search) this.rows.search.push(r);
    this.ins.fileSymbols!.run(fileId, p.ids, p.spans);
    for (const [dst, sites] of p.inbound) this.rows.inbound.push([dst, fileId, sites]);
    if (p.outbound) this.ins.outbound!.run(fileId, p.outbound);
    const aliases = new Map<string, string>();
    for (const [written, target] of p.aliases) {
      aliases.set(written, target);
      this.ins.alias!.run(written, fileId, target);
    }
    for (const dep of e4?.imports ?? []) this.ins.dep!.run(fileId, dep, e4?.foreign?.[dep] ?? null);
    for (const x of e4?.externals ?? []) this.ins.ext!.run(fileId, x);
    if (p.damagedL2) this.stats.skipped.push(`${p.file}: damaged L2 document`);
    const occurrences = p.occ ? this.applyOccurrences(fileId, p.occ, aliases, e4?.externals ?? []) : 0;
    this.ins.counts!.run(p.symbols.length, p.stored, occurrences, p.chunkCount, fileId);
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
      ['occ', this.ins.occ!],
    ] as const) {
      const rows = this.rows[table].sort(byKeys);
      for (const r of rows) stmt.run(...r);
    }
    // One row per destination: the new files' sites, with those of the files kept (an incremental build).
    const existing = this.db.prepare('SELECT sites FROM inbound WHERE dst = ?').pluck();
    const rows = this.rows.inbound.sort(byKeys);
    for (let i = 0; i < rows.length; ) {
      const dst = rows[i]![0] as number;
      const sections: Array<[number, Uint8Array]> = [];
      for (; i < rows.length && rows[i]![0] === dst; i++) sections.push([rows[i]![1] as number, rows[i]![2] as Uint8Array]);
      const kept = this.incremental ? (existing.get(dst) as Buffer | undefined) : undefined;
      this.ins.inbound!.run(dst, encodeInboundRow(kept ? [...decodeInboundRow(kept), ...sections] : sections));
    }
    this.rows = { symbols: [], search: [], inbound: [], occ: [] };
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
    // The gone files' sections of the inbound rows (a row per destination holds every referencing file's).
    const gone = new Set(ids);
    const rewrite = d.prepare('UPDATE inbound SET sites = ? WHERE dst = ?');
    const remove = d.prepare('DELETE FROM inbound WHERE dst = ?');
    for (const { dst, sites } of d.prepare('SELECT dst, sites FROM inbound').all() as Array<{ dst: number; sites: Buffer }>) {
      const sections = decodeInboundRow(sites);
      const left = sections.filter(([file]) => !gone.has(file));
      if (left.length === sections.length) continue;
      if (left.length) rewrite.run(encodeInboundRow(left), dst);
      else remove.run(dst);
    }
    d.exec(`
      DELETE FROM code WHERE rowid IN gone;
      DELETE FROM outbound WHERE file IN gone;
      DELETE FROM symbols WHERE id IN gone_symbols;
      DELETE FROM file_symbols WHERE file IN gone;
      DELETE FROM occ WHERE file IN gone;
      DELETE FROM aliases WHERE file IN gone;
      DELETE FROM file_deps WHERE src IN gone;
      DELETE FROM file_externals WHERE file IN gone;
      DELETE FROM files WHERE id IN gone;`);
  }

  /**
   * The file's occurrences (prepare.ts) that are not already a resolved edge at the same position, grouped by
   * canonical name: `D` names as they are, `F` names through the import aliases (this file's first, then the
   * project's).
   */
  private applyOccurrences(fileId: number, occ: PreparedOccurrences, aliases: Map<string, string>, externals: readonly string[]): number {
    const canonical = (name: string) => {
      // `core.Order.total`: the longest aliased prefix (`core.Order` → `core.models.Order`) gives the canonical name.
      for (let i = name.length; i > 0; i = name.lastIndexOf('.', i - 1)) {
        const prefix = name.slice(0, i);
        const hit = aliases.get(prefix) ?? (this.aliasLookup.get(prefix) as string | undefined);
        if (hit) return hit + name.slice(i);
      }
      return name;
    };
    const fqns = occ.names.map((n) => (n[0] === 'D' ? n.slice(1) : canonical(n.slice(1))));
    const byName = new Map<string, OccSite[]>();
    let n = 0;
    const s = occ.sites;
    for (let i = 0; i < s.length; i += 5) {
      const fqn = fqns[s[i + 3]!];
      if (!fqn) continue;
      // `refs` asks for the FQN of a symbol of some project: a name of a builtin or of a module outside the
      // workspace never is one (84% of the stdlib's occurrence rows were names no symbol has).
      const top = topOf(fqn);
      if (top === 'builtins' || externals.includes(top)) continue;
      const at = s[i + 4]!;
      if (at >= 0 && occ.targets[at]!.includes(fqn)) continue;
      let list = byName.get(fqn);
      if (!list) byName.set(fqn, (list = []));
      list.push({ line: s[i]!, col: s[i + 1]!, roles: s[i + 2]! });
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
const topOf = (name: string): string => {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
};
