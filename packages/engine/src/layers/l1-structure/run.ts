/**
 * L1 — structural IR for a project. Input: the L0 inventory. Outputs, under `<out>/l1/`:
 * - `ir.pack`: one record per file, keyed by its content key — a header line and the file's IR in compact form
 *   (compact.ts), compressed (util/pack.ts);
 * - `facts.pack`: each file's interface facts (interface.ts), same keys — what L4 reads of other files;
 * - `manifest.json`: per file its module, key, counts and interface hash; totals; the negative cache (`failed`).
 *
 * Reuse is per file: a record whose key (engine fingerprint, options, path, module, content hash) is in the previous
 * packs is copied as is (never decompressed), so when one file of a project changes only that file is parsed.
 * Records written by a run that was killed are salvaged from its temp packs. Files that could not be indexed at all
 * are remembered in the negative cache and not retried until it expires or the file changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { addCounts, type Diagnostic, type EdgeCounts, type NodeCounts } from '../../ir/model';
import { DEFAULT_FILE_TIMEOUT_MS, L1_TASKS, type PoolTaskKind } from '../../pool/pool';
import { runFileTasks } from '../../pool/run-tasks';
import { readJsonOrUndefined, removeStaleTemps, writeJsonAtomicSync } from '../../util/atomic';
import { hashString, initHash } from '../../util/hash';
import { PackReader, PackWriter, salvageStaleTemps, type StoredRecord } from '../../util/pack';
import { engineFingerprint } from '../../version';
import type { Skipped } from '../../project/discover';
import { inventoryPath, runL0, type Inventory, type LayerStats } from '../l0-fastpath/inventory';
import { factsHash, type FileFacts } from './interface';
import { fileKey, initFileWork, processFile, type FileResult, type FileTask, type ShardHeader } from './file-task';

export interface L1Options {
  root: string;
  projectDir: string;
  outDir: string;
  /** The L0 inventory; read from `<out>/l0/inventory.json` (or computed) when absent. */
  inventory?: Inventory;
  workers?: number;
  maxFileBytes?: number;
  /** How long a failed file is not retried (ms); default one day. */
  failedTtlMs?: number;
  /** Below this many files to parse, work in-process: starting threads would cost more than it saves. */
  inProcessBelow?: number;
  excludeDirs?: readonly string[];
  /** Called as files to parse finish (`done` of `total`; reused files are not counted), for progress display. */
  onProgress?: (done: number, total: number) => void;
  /** Directory names skipped anywhere (default: DEFAULT_EXCLUDED_DIRS); passed to L0 when it runs from here. */
  excludeNames?: readonly string[];
  /** Globs of files skipped, relative to `projectDir`; passed to L0 when it runs from here. */
  excludeFiles?: readonly string[];
  /** Parse + extraction budget per file (ms), default 20 s: past it the file fails with a diagnostic. */
  fileTimeoutMs?: number;
  /** Heap ceiling of each worker thread (MB), default 2048: a file that blows it fails alone. */
  workerMemoryMb?: number;
  /** Always hash every file in L0 (see L0Options.verifyHashes). */
  verifyHashes?: boolean;
  /** A later layer's per-file work to run on L1's parse of each file it parses (see L1Stage); none by default. */
  stage?: L1Stage;
}

/**
 * A later layer's per-file work done on L1's parse (see TreeSidecar), so a cold index parses each file once: L5
 * stages its records this way (layers/l5-flow/staged.ts) and its own run takes them instead of parsing again. L1
 * knows nothing of what is staged. `tasks` and `run` run processFile with the sidecar (on a worker, in-process);
 * `take` receives each indexed file's sidecar as its batch comes back; `commit` runs once L1's outputs are written,
 * `abort` when the run fails.
 */
export interface L1Stage {
  /** Its failure result for a file whose worker died sets `retryWithoutStage`. */
  tasks: PoolTaskKind<FileTask, FileResult>;
  run: (t: FileTask) => FileResult;
  take(file: string, sidecar: unknown): void;
  commit(): void;
  abort(): void;
  /**
   * Heap ceiling of L1's workers while they also run the stage's work (MB), unless L1Options.workerMemoryMb is set.
   * A file that dies at it is indexed again by L1 alone, at L1's own ceiling.
   */
  workerMemoryMb?: number;
}

export interface ManifestEntry {
  module: string;
  hash: string;
  key: string;
  loc: number;
  syntaxErrors: number;
  nodes: NodeCounts;
  edges: EdgeCounts;
  diagnostics: number;
  /** Hash of the file's interface facts (interface.ts): unchanged by a body-only edit. */
  iface: string;
  /** Stored (compressed) size of the file's IR record. */
  bytes: number;
}

export interface FailedEntry {
  file: string;
  error: string;
  at: number;
  expires: number;
}

export interface L1Manifest {
  schema: 2;
  engine: string;
  project: string;
  files: Record<string, ManifestEntry>;
  failed: Record<string, FailedEntry>;
  totals: { files: number; loc: number; syntaxErrorFiles: number; failedFiles: number; nodes: NodeCounts; edges: EdgeCounts };
  diagnostics: { file: string; diagnostics: Diagnostic[] }[];
  /** Paths L0 refused to read (symlinks out of the root, non-UTF-8 names): never indexed, never silent. */
  refused: Skipped[];
  stats: LayerStats;
}

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
const DAY_MS = 24 * 3600 * 1000;

export function l1Dir(outDir: string): string {
  return path.join(outDir, 'l1');
}

export function manifestPath(outDir: string): string {
  return path.join(l1Dir(outDir), 'manifest.json');
}

export const irPackPath = (outDir: string) => path.join(l1Dir(outDir), 'ir.pack');
export const factsPackPath = (outDir: string) => path.join(l1Dir(outDir), 'facts.pack');

/** Where a record to reuse can come from: the previous packs, or the temp packs of a run that was killed. */
class Reusable {
  readonly ir: PackReader | undefined;
  readonly facts: PackReader | undefined;
  readonly salvagedIr: Map<string, StoredRecord>;
  readonly salvagedFacts: Map<string, StoredRecord>;

  constructor(outDir: string) {
    this.salvagedIr = salvageStaleTemps(irPackPath(outDir));
    this.salvagedFacts = salvageStaleTemps(factsPackPath(outDir));
    this.ir = PackReader.open(irPackPath(outDir));
    this.facts = PackReader.open(factsPackPath(outDir));
  }

  /** Both records of a key, checksums verified, or undefined when either is missing or damaged. */
  get(key: string): { ir: StoredRecord; facts: StoredRecord } | undefined {
    const ir = this.salvagedIr.get(key) ?? this.ir?.stored(key);
    const facts = ir && (this.salvagedFacts.get(key) ?? this.facts?.stored(key));
    return ir && facts ? { ir, facts } : undefined;
  }

  close(): void {
    this.ir?.close();
    this.facts?.close();
  }
}

/** The header line of a stored IR record (decompressed, for a record reused under another path or salvaged). */
function recordHeader(rec: StoredRecord): ShardHeader | undefined {
  try {
    const text = zlib.brotliDecompressSync(rec.stored).toString('utf8');
    const nl = text.indexOf('\n');
    return JSON.parse(nl < 0 ? text : text.slice(0, nl)) as ShardHeader;
  } catch {
    return undefined;
  }
}

export async function runL1(opts: L1Options): Promise<L1Manifest> {
  const t0 = performance.now();
  await initHash();
  const engine = engineFingerprint();
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const keyPrefix = hashString(`${engine}\0maxFileBytes=${maxFileBytes}`);
  const inventory =
    opts.inventory ??
    (readJsonOrUndefined<Inventory>(inventoryPath(opts.outDir)) as Inventory | undefined) ??
    (await runL0({
      root: opts.root,
      projectDir: opts.projectDir,
      outDir: opts.outDir,
      excludeDirs: opts.excludeDirs,
      excludeNames: opts.excludeNames,
      excludeFiles: opts.excludeFiles,
      verifyHashes: opts.verifyHashes,
    }));

  const dir = l1Dir(opts.outDir);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(path.join(dir, 'ir')); // shards of the format before packs
  fs.rmSync(path.join(dir, 'ir'), { recursive: true, force: true });
  const reusable = new Reusable(opts.outDir);
  removeStaleTemps(dir);
  const prev = readJsonOrUndefined<L1Manifest>(manifestPath(opts.outDir));
  const prevFiles = prev?.engine === engine && prev.schema === 2 ? prev.files : {};
  const now = Date.now();
  const failed: Record<string, FailedEntry> = {};
  // The TTL is applied when reading, so a shorter TTL takes effect at once on earlier entries.
  const ttl = opts.failedTtlMs ?? DAY_MS;
  for (const [k, f] of Object.entries(prev?.failed ?? {})) if (now - f.at < ttl) failed[k] = f;

  const files: Record<string, ManifestEntry> = {};
  /** The records of the new packs, by key (stored bytes: copied, never decompressed). */
  const records = new Map<string, { ir: StoredRecord; facts: StoredRecord }>();
  const todo: FileTask[] = [];
  let reused = 0;
  let failedCached = 0;
  for (const e of inventory.files) {
    const key = fileKey(keyPrefix, e.path, e.module, e.hash);
    const old = prevFiles[e.path];
    // Every reused record has its checksum verified (reading it costs far less than parsing the file); a damaged
    // one is rebuilt, never trusted.
    const rec = reusable.get(key);
    if (rec && old?.key === key) {
      files[e.path] = old;
      records.set(key, rec);
      reused++;
      continue;
    }
    if (failed[key]) {
      failedCached++;
      continue;
    }
    // A record from an interrupted run, or a revert to earlier content: rebuild the entry from its header.
    const h = rec && recordHeader(rec.ir);
    if (rec && h && h.key === key) {
      files[e.path] = {
        module: h.module,
        hash: e.hash,
        key,
        loc: h.loc,
        syntaxErrors: h.syntax_errors,
        nodes: h.nodes,
        edges: h.edges,
        diagnostics: h.diagnostics.length,
        iface: factsHashOf(rec.facts),
        bytes: rec.ir.stored.length,
      };
      records.set(key, rec);
      reused++;
      continue;
    }
    todo.push({ abs: path.join(opts.root, e.path), file: e.path, module: e.module, keyPrefix, maxFileBytes, timeoutMs: opts.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS });
  }
  reusable.close();

  // New records are journaled as they arrive: a run killed half-way leaves temp packs the next run salvages.
  const journal = { ir: new PackWriter(irPackPath(opts.outDir)), facts: new PackWriter(factsPackPath(opts.outDir)) };
  let results: FileResult[];
  try {
    results = await processAll(todo, opts, (batch) => {
      for (const r of batch) {
        if (!r.key || !r.ir || !r.facts) continue;
        journal.ir.add(r.key, r.ir);
        journal.facts.add(r.key, r.facts);
        if (r.sidecar !== undefined) {
          opts.stage?.take(r.file, r.sidecar);
          r.sidecar = undefined;
        }
      }
      journal.ir.flush();
      journal.facts.flush();
    });
  } catch (err) {
    journal.ir.abort();
    journal.facts.abort();
    opts.stage?.abort();
    throw err;
  }
  const inventoryHash = new Map(inventory.files.map((e) => [e.path, e.hash]));
  const diagnostics: { file: string; diagnostics: Diagnostic[] }[] = [];
  let processed = 0;
  let newlyFailed = 0;
  const transientFailures: { file: string; diagnostics: Diagnostic[] }[] = [];
  for (const r of results) {
    if (r.vanished) continue; // deleted mid-run: it is simply not part of this index
    if (r.error || !r.key || !r.hash) {
      newlyFailed++;
      // A failure caused by another file (a worker it shared, a parser it damaged) says nothing about this file:
      // it is reported in this run's stats but not remembered, so the next run retries it.
      if (r.transient) {
        transientFailures.push({ file: r.file, diagnostics: [{ severity: 'error', code: 'transient-failure', message: r.error ?? 'failed' }] });
        continue;
      }
      // Files rejected before reading (too large) are keyed on the inventory's hash, as the lookup above is.
      const key = r.key ?? fileKey(keyPrefix, r.file, r.module, inventoryHash.get(r.file) ?? 'unread');
      failed[key] = { file: r.file, error: r.error ?? 'unknown error', at: now, expires: now + ttl };
      continue;
    }
    processed++;
    records.set(r.key, { ir: r.ir!, facts: r.facts! });
    files[r.file] = {
      module: r.module,
      hash: r.hash,
      key: r.key,
      loc: r.loc,
      syntaxErrors: r.syntaxErrors,
      nodes: r.nodes,
      edges: r.edges,
      diagnostics: r.diagnostics.length,
      iface: r.iface!,
      bytes: r.ir!.stored.length,
    };
    if (r.diagnostics.length) diagnostics.push({ file: r.file, diagnostics: r.diagnostics });
  }

  const sorted: Record<string, ManifestEntry> = {};
  const totals = { files: 0, loc: 0, syntaxErrorFiles: 0, failedFiles: Object.keys(failed).length, nodes: {} as NodeCounts, edges: {} as EdgeCounts };
  for (const p of Object.keys(files).sort()) {
    const f = files[p]!;
    sorted[p] = f;
    totals.files++;
    totals.loc += f.loc;
    if (f.syntaxErrors > 0) totals.syntaxErrorFiles++;
    addCounts(totals.nodes, f.nodes);
    addCounts(totals.edges, f.edges);
  }
  // Diagnostics of reused files stay in their shards; carry forward the previous run's list for those files.
  const reparsed = new Set(results.map((r) => r.file));
  for (const d of prev?.diagnostics ?? []) if (sorted[d.file] && !reparsed.has(d.file)) diagnostics.push(d);
  diagnostics.push(...transientFailures);
  diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  const manifest: L1Manifest = {
    schema: 2,
    engine,
    project: inventory.layout.dir,
    files: sorted,
    failed,
    totals,
    diagnostics,
    refused: (inventory.skipped ?? []).filter((s) => s.reason === 'symlink-outside-root' || s.reason === 'non-utf8-name'),
    stats: {
      layer: 'l1',
      files: totals.files,
      reused,
      processed,
      failed: newlyFailed + failedCached,
      ms: Math.round(performance.now() - t0),
    },
  };
  // The packs hold exactly the records this manifest references, in path order: outputs stay proportional to the
  // project (not its history), and the same inputs give the same bytes whatever order the workers finished in.
  const ir = new PackWriter(irPackPath(opts.outDir));
  const facts = new PackWriter(factsPackPath(opts.outDir));
  try {
    for (const f of Object.values(sorted)) {
      const rec = records.get(f.key)!;
      ir.add(f.key, rec.ir);
      facts.add(f.key, rec.facts);
    }
    ir.commit({ fsync: false });
    facts.commit({ fsync: false });
  } catch (err) {
    ir.abort();
    facts.abort();
    opts.stage?.abort();
    throw err;
  }
  writeJsonAtomicSync(manifestPath(opts.outDir), manifest);
  opts.stage?.commit();
  journal.ir.abort();
  journal.facts.abort();
  return manifest;
}

function factsHashOf(rec: StoredRecord): string {
  return factsHash(JSON.parse(zlib.brotliDecompressSync(rec.stored).toString('utf8')) as FileFacts);
}

async function processAll(todo: FileTask[], opts: L1Options, onBatch: (results: FileResult[]) => void): Promise<FileResult[]> {
  const stage = opts.stage;
  const alone = (tasks: FileTask[]) => runFileTasks(L1_TASKS, { init: initFileWork, run: (t) => processFile(t) }, tasks, opts, onBatch);
  if (!stage) return alone(todo);
  const results = await runFileTasks(stage.tasks, { init: initFileWork, run: stage.run }, todo, { ...opts, workerMemoryMb: opts.workerMemoryMb ?? stage.workerMemoryMb }, (batch) =>
    onBatch(batch.filter((r) => !r.retryWithoutStage)),
  );
  // A file that killed its worker with the stage's work added is not lost to L1: it gets L1's own run and ceiling.
  const retry = new Set(results.filter((r) => r.retryWithoutStage).map((r) => r.file));
  if (retry.size === 0) return results;
  const again = await alone(todo.filter((t) => retry.has(t.file)));
  return [...results.filter((r) => !r.retryWithoutStage), ...again];
}
