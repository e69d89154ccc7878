/**
 * L1 — structural IR for a project. Input: the L0 inventory. Output: `<out>/l1/manifest.json` plus one
 * content-addressed shard per file in `<out>/l1/ir/<key>.jsonl`, and the negative cache `<out>/l1/failed.json`.
 *
 * Reuse is per file: a shard whose key (engine fingerprint, options, path, module, content hash) is already on disk
 * is kept as is, so when one file of a project changes only that file is parsed. Files that could not be indexed
 * at all are remembered in the negative cache and not retried until it expires or the file changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addCounts, type Diagnostic, type EdgeCounts, type NodeCounts } from '../../ir/model';
import { DEFAULT_FILE_TIMEOUT_MS, defaultWorkers, FilePool } from '../../pool/pool';
import { readJsonOrUndefined, removeStaleTemps, writeJsonAtomicSync } from '../../util/atomic';
import { hashString, initHash } from '../../util/hash';
import { engineFingerprint } from '../../version';
import type { Skipped } from '../../project/discover';
import { inventoryPath, runL0, type Inventory, type LayerStats } from '../l0-fastpath/inventory';
import { fileKey, initFileWork, processFile, shardPath, type FileResult, type FileTask, type ShardHeader } from './file-task';
import { verifyShard } from './read';

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
  /** Directory names skipped anywhere (default: DEFAULT_EXCLUDED_DIRS); passed to L0 when it runs from here. */
  excludeNames?: readonly string[];
  /** Parse + extraction budget per file (ms), default 20 s: past it the file fails with a diagnostic. */
  fileTimeoutMs?: number;
  /** Heap ceiling of each worker thread (MB), default 2048: a file that blows it fails alone. */
  workerMemoryMb?: number;
  /** Always hash every file in L0 (see L0Options.verifyHashes). */
  verifyHashes?: boolean;
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
  /** Size of the shard as written; a mismatch means the shard must be verified before reuse. */
  bytes: number;
}

export interface FailedEntry {
  file: string;
  error: string;
  at: number;
  expires: number;
}

export interface L1Manifest {
  schema: 1;
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

/** A shard's header after verifying the whole shard's checksum: a torn or corrupt shard is never reused. */
function verifiedShardHeader(file: string): ShardHeader | undefined {
  try {
    return verifyShard(file).header;
  } catch {
    return undefined;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
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
      verifyHashes: opts.verifyHashes,
    }));

  const dir = l1Dir(opts.outDir);
  const irDir = path.join(dir, 'ir');
  fs.mkdirSync(irDir, { recursive: true });
  removeStaleTemps(irDir);
  removeStaleTemps(dir);
  const prev = readJsonOrUndefined<L1Manifest>(manifestPath(opts.outDir));
  const prevFiles = prev?.engine === engine ? prev.files : {};
  const now = Date.now();
  const failed: Record<string, FailedEntry> = {};
  // The TTL is applied when reading, so a shorter TTL takes effect at once on earlier entries.
  const ttl = opts.failedTtlMs ?? DAY_MS;
  for (const [k, f] of Object.entries(prev?.failed ?? {})) if (now - f.at < ttl) failed[k] = f;

  const files: Record<string, ManifestEntry> = {};
  const todo: FileTask[] = [];
  let reused = 0;
  let failedCached = 0;
  for (const e of inventory.files) {
    const key = fileKey(keyPrefix, e.path, e.module, e.hash);
    const old = prevFiles[e.path];
    const shard = shardPath(irDir, key);
    const size = fileSize(shard);
    // Every reused shard is verified against its checksum (reading it costs far less than parsing the file);
    // a corrupt or torn shard is rebuilt, never trusted.
    const h = size >= 0 ? verifiedShardHeader(shard) : undefined;
    if (old?.key === key && h?.key === key && size === old.bytes) {
      files[e.path] = old;
      reused++;
      continue;
    }
    if (failed[key]) {
      failedCached++;
      continue;
    }
    // A shard from an interrupted run, or a revert to earlier content: reuse it from its header.
    if (h && h.key === key) {
      files[e.path] = {
        module: h.module,
        hash: e.hash,
        key,
        loc: h.loc,
        syntaxErrors: h.syntax_errors,
        nodes: h.nodes,
        edges: h.edges,
        diagnostics: h.diagnostics.length,
        bytes: size,
      };
      reused++;
      continue;
    }
    todo.push({ abs: path.join(opts.root, e.path), file: e.path, module: e.module, keyPrefix, irDir, maxFileBytes, timeoutMs: opts.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS });
  }

  const results = await processAll(todo, opts);
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
    files[r.file] = {
      module: r.module,
      hash: r.hash,
      key: r.key,
      loc: r.loc,
      syntaxErrors: r.syntaxErrors,
      nodes: r.nodes,
      edges: r.edges,
      diagnostics: r.diagnostics.length,
      bytes: r.bytes ?? -1,
    };
    if (r.diagnostics.length) diagnostics.push({ file: r.file, diagnostics: r.diagnostics });
  }

  // Keep only shards this manifest references: outputs stay proportional to the project, not to its history.
  const live = new Set(Object.values(files).map((f) => `${f.key}.jsonl`));
  for (const name of fs.readdirSync(irDir)) if (name.endsWith('.jsonl') && !live.has(name)) fs.rmSync(path.join(irDir, name), { force: true });

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
    schema: 1,
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
  writeJsonAtomicSync(manifestPath(opts.outDir), manifest);
  return manifest;
}

async function processAll(todo: FileTask[], opts: L1Options): Promise<FileResult[]> {
  if (todo.length === 0) return [];
  const workers = Math.min(opts.workers ?? defaultWorkers(), todo.length);
  if (workers <= 1 || todo.length < (opts.inProcessBelow ?? 16)) {
    await initFileWork();
    const out: FileResult[] = [];
    for (const t of todo) out.push(processFile(t));
    return out;
  }
  // Big files first so one straggler does not finish alone at the end; small batches keep both cores busy.
  const sized = todo.map((t) => ({ t, size: safeSize(t.abs) })).sort((a, b) => b.size - a.size);
  const ordered = sized.map((s) => s.t);
  const batchSize = Math.max(1, Math.min(16, Math.floor(todo.length / (workers * 16))));
  const pool = new FilePool(workers, { workerMemoryMb: opts.workerMemoryMb, fileTimeoutMs: opts.fileTimeoutMs });
  try {
    return await pool.run(ordered, batchSize);
  } finally {
    await pool.close();
  }
}

function safeSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}
