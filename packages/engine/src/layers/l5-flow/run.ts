/**
 * L5 — per-function semantic IR for a project. Inputs: the project's L1 manifest (which files, their content hash
 * and L1 key) and the source files. Outputs, under `<out>/l5/`:
 * - `flow.pack`: per file its FileFlow (lang/python/flow/model.ts): every scope's CFG, dominator and post-dominator
 *   trees, SSA definitions (with phis) and uses — what slicing and data-flow questions read;
 * - `facts.pack`: per file its value-flow facts (lang/python/valueflow) — what L4's value-flow fixpoint reads, for
 *   this project and for the projects depending on it;
 * - `manifest.json`: per file its L5 key and counts; totals; files that failed.
 *
 * A file's records are keyed by its L1 key (which covers engine, path, module and content), so an edit recomputes
 * that file only; records of unchanged files are copied from the previous packs without decompressing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_FILE_TIMEOUT_MS, type PoolTaskKind } from '../../pool/pool';
import { runFileTasks } from '../../pool/run-tasks';
import { readJsonOrUndefined, removeStaleTemps, writeJsonAtomicSync } from '../../util/atomic';
import { initHash } from '../../util/hash';
import { PackReader, PackWriter, type StoredRecord } from '../../util/pack';
import { initFileWork } from '../l1-structure/file-task';
import { L1Reader } from '../l1-structure/stream';
import type { LayerStats } from '../l0-fastpath/inventory';
import { L5_FORMAT, l5Key } from './keys';
import { openStagedFlow, removeStagedFlow } from './staged';
import { FLOW_WORKER_MEMORY_MB, flowWorkerFailure, processFlowFile, type FlowCounts, type FlowResult, type FlowTask } from './file-task';

export interface L5Options {
  root: string;
  outDir: string;
  workers?: number;
  inProcessBelow?: number;
  /** Parse budget per file (ms), as L1's. */
  fileTimeoutMs?: number;
  /** Heap ceiling of each worker thread (MB); default FLOW_WORKER_MEMORY_MB. */
  workerMemoryMb?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface L5FileEntry extends FlowCounts {
  key: string;
}

export interface L5Manifest {
  schema: 1;
  format: string;
  files: Record<string, L5FileEntry>;
  /** Files L1 indexed that L5 could not analyse, with why (retried on the next run). */
  failed: Record<string, string>;
  totals: FlowCounts & { files: number };
  /** `processed` counts files analysed in this run, on L5's workers or on L1's parse (`sharedParse` of them). */
  stats: LayerStats & { sharedParse?: number };
}

export const l5Dir = (outDir: string) => path.join(outDir, 'l5');
export const flowPackPath = (outDir: string) => path.join(l5Dir(outDir), 'flow.pack');
export const flowFactsPackPath = (outDir: string) => path.join(l5Dir(outDir), 'facts.pack');
export const l5ManifestPath = (outDir: string) => path.join(l5Dir(outDir), 'manifest.json');


const L5_TASKS: PoolTaskKind<FlowTask, FlowResult> = { method: 'flowBatch', failure: flowWorkerFailure };

export async function runL5(opts: L5Options): Promise<L5Manifest> {
  const t0 = performance.now();
  await initHash();
  const dir = l5Dir(opts.outDir);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  const l1 = L1Reader.open(opts.outDir);
  const prev = readJsonOrUndefined<L5Manifest>(l5ManifestPath(opts.outDir));
  const prevFiles = prev?.schema === 1 && prev.format === L5_FORMAT ? prev.files : {};
  const prevFlow = PackReader.open(flowPackPath(opts.outDir));
  const prevFacts = PackReader.open(flowFactsPackPath(opts.outDir));
  const staged = openStagedFlow(opts.outDir);

  const files: Record<string, L5FileEntry> = {};
  const records = new Map<string, { flow: StoredRecord; facts: StoredRecord }>();
  const todo: FlowTask[] = [];
  let reused = 0;
  let sharedParse = 0;
  try {
    for (const ref of l1.refs) {
      const key = l5Key(ref.key);
      const old = prevFiles[ref.file];
      const flow = old?.key === key ? prevFlow?.stored(key) : undefined;
      const facts = flow && prevFacts?.stored(key);
      if (old && flow && facts) {
        files[ref.file] = old;
        records.set(key, { flow, facts });
        reused++;
        continue;
      }
      const fromL1 = staged?.get(key);
      if (fromL1) {
        files[ref.file] = { key, ...fromL1.counts };
        records.set(key, { flow: fromL1.flow, facts: fromL1.facts });
        sharedParse++;
        continue;
      }
      const hash = l1.manifest.files[ref.file]!.hash;
      todo.push({ abs: path.join(opts.root, ref.file), file: ref.file, module: ref.module, hash, key, timeoutMs: opts.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS });
    }
  } finally {
    prevFlow?.close();
    prevFacts?.close();
    staged?.close();
    l1.close();
  }

  const failed: Record<string, string> = {};
  const results = await runFileTasks(L5_TASKS, { init: initFileWork, run: processFlowFile }, todo, { ...opts, workerMemoryMb: opts.workerMemoryMb ?? FLOW_WORKER_MEMORY_MB }, () => {});
  for (const r of results) {
    if (r.error || !r.counts || !r.flow || !r.facts) {
      failed[r.file] = r.error ?? 'failed';
      continue;
    }
    files[r.file] = { key: r.key, ...r.counts };
    records.set(r.key, { flow: r.flow, facts: r.facts });
  }

  const sorted: Record<string, L5FileEntry> = {};
  const totals = { files: 0, scopes: 0, blocks: 0, edges: 0, defs: 0, phis: 0, uses: 0, skipped: 0 };
  const flowPack = new PackWriter(flowPackPath(opts.outDir));
  const factsPack = new PackWriter(flowFactsPackPath(opts.outDir));
  try {
    // Path order: the same inputs give the same bytes whatever order the workers finished in.
    for (const p of Object.keys(files).sort()) {
      const e = (sorted[p] = files[p]!);
      totals.files++;
      for (const k of ['scopes', 'blocks', 'edges', 'defs', 'phis', 'uses', 'skipped'] as const) totals[k] += e[k];
      const rec = records.get(e.key)!;
      flowPack.add(e.key, rec.flow);
      factsPack.add(e.key, rec.facts);
    }
    flowPack.commit({ fsync: false });
    factsPack.commit({ fsync: false });
  } catch (err) {
    flowPack.abort();
    factsPack.abort();
    throw err;
  }
  const manifest: L5Manifest = {
    schema: 1,
    format: L5_FORMAT,
    files: sorted,
    failed: Object.fromEntries(Object.entries(failed).sort(([a], [b]) => (a < b ? -1 : 1))),
    totals,
    stats: { layer: 'l5', files: totals.files, reused, processed: results.length - Object.keys(failed).length + sharedParse, failed: Object.keys(failed).length, ms: 0 },
  };
  if (sharedParse) manifest.stats.sharedParse = sharedParse;
  manifest.stats.ms = Math.round(performance.now() - t0);
  writeJsonAtomicSync(l5ManifestPath(opts.outDir), manifest);
  removeStagedFlow(opts.outDir);
  return manifest;
}
