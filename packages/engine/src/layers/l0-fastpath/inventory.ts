/**
 * L0 — the fast path. Decides which files changed without parsing anything: a file whose mtime and size match the
 * previous inventory keeps its content hash; otherwise its bytes are hashed. Later layers key their per-file work
 * on (engine fingerprint, path, module, content hash), so an unchanged file is never parsed twice.
 *
 * Input: the project's files on disk and the previous inventory. Output: `<out>/l0/inventory.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../../ir/model';
import { discoverFiles, readConfined, type Skipped } from '../../project/discover';
import { detectLayout, moduleNameFor, type ProjectLayout } from '../../project/layout';
import { readJsonOrUndefined, removeStaleTemps, writeJsonAtomicSync } from '../../util/atomic';
import { hashBytes, initHash } from '../../util/hash';
import { engineFingerprint } from '../../version';

export interface InventoryEntry {
  path: string;
  module: string;
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface LayerStats {
  layer: string;
  files: number;
  /** Files whose previous result was reused without reading (L0) or parsing (L1). */
  reused: number;
  /** Files hashed (L0) or parsed (L1) in this run. */
  processed: number;
  failed: number;
  ms: number;
}

export interface Inventory {
  schema: 1;
  engine: string;
  layout: ProjectLayout;
  files: InventoryEntry[];
  diagnostics: Diagnostic[];
  /** What was found but deliberately not indexed (excluded folders, virtualenvs, refused symlinks, bad names). */
  skipped: Skipped[];
  stats: LayerStats;
}

export interface L0Options {
  /** Root that file paths and FQNs are relative to (the workspace root). */
  root: string;
  /** Project directory (absolute). */
  projectDir: string;
  /** Project output directory (absolute); L0 writes `l0/inventory.json` inside. */
  outDir: string;
  extensions?: readonly string[];
  /** Absolute directories to skip (nested projects). */
  excludeDirs?: readonly string[];
  /** Directory names skipped anywhere; default DEFAULT_EXCLUDED_DIRS (virtualenvs are found by `pyvenv.cfg`). */
  excludeNames?: readonly string[];
  /** Globs of files skipped, relative to `projectDir` (see DiscoverOptions.excludedFiles). */
  excludeFiles?: readonly string[];
  /**
   * Hash every file, never trusting mtime+size. The fast path assumes a changed file changes its mtime or size;
   * `cp -p`, `touch -r`, reproducible builds (SOURCE_DATE_EPOCH) and some checkouts restore an old mtime, so a
   * same-size edit would go unseen. Costs one read + hash per file (~40 ms for the stdlib's 31 MB).
   */
  verifyHashes?: boolean;
}

export function inventoryPath(outDir: string): string {
  return path.join(outDir, 'l0', 'inventory.json');
}

export async function runL0(opts: L0Options): Promise<Inventory> {
  const t0 = performance.now();
  await initHash();
  const engine = engineFingerprint();
  const layout = detectLayout(opts.root, opts.projectDir);
  const { files, diagnostics, skipped } = discoverFiles(opts.root, opts.projectDir, {
    extensions: opts.extensions ?? ['.py'],
    excludedDirs: opts.excludeDirs,
    excludedNames: opts.excludeNames,
    excludedFiles: opts.excludeFiles,
  });
  removeStaleTemps(path.dirname(inventoryPath(opts.outDir)));
  const prev = readJsonOrUndefined<Inventory>(inventoryPath(opts.outDir));
  const prevByPath = new Map<string, InventoryEntry>();
  if (prev?.engine === engine) for (const e of prev.files) prevByPath.set(e.path, e);

  const entries: InventoryEntry[] = [];
  let reused = 0;
  let processed = 0;
  // Refused paths (symlinks out of the root, names that cannot be represented) count as failed: never silent.
  let failed = skipped.filter((s) => s.reason === 'symlink-outside-root' || s.reason === 'non-utf8-name').length;
  for (const rel of files) {
    const abs = path.join(opts.root, rel);
    try {
      const st = fs.statSync(abs);
      const module = moduleNameFor(rel, layout);
      const old = prevByPath.get(rel);
      if (!opts.verifyHashes && old && old.size === st.size && old.mtimeMs === st.mtimeMs && old.module === module) {
        entries.push(old);
        reused++;
        continue;
      }
      const bytes = readConfined(opts.root, abs);
      entries.push({ path: rel, module, size: bytes.length, mtimeMs: st.mtimeMs, hash: hashBytes(bytes) });
      processed++;
    } catch (err) {
      // Vanished or unreadable between discovery and now: reported, and simply absent from this inventory.
      failed++;
      diagnostics.push({ severity: 'warning', code: 'unreadable-file', message: `${rel}: ${(err as Error).message}` });
    }
  }
  const inv: Inventory = {
    schema: 1,
    engine,
    layout,
    files: entries,
    diagnostics,
    skipped,
    stats: { layer: 'l0', files: entries.length, reused, processed, failed, ms: Math.round(performance.now() - t0) },
  };
  writeJsonAtomicSync(inventoryPath(opts.outDir), inv);
  return inv;
}
