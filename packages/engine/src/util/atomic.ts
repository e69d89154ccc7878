/**
 * Crash-safe file writes: write a sibling temp file, fsync it, rename over the target.
 * A reader (or the next run after a SIGKILL) sees either the old file or the new one, never a torn one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let counter = 0;

function tempName(target: string): string {
  return `${target}.tmp-${process.pid}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * `fsync: false` still gives all-or-nothing files across a killed process (the rename is atomic and the page cache
 * survives the process); it only gives up durability across an OS crash. Per-file shards use it, because their
 * checksums catch the rare torn shard and an fsync per file costs more than parsing it on virtual disks.
 */
export function writeFileAtomicSync(target: string, data: string | Uint8Array, opts: { fsync?: boolean } = {}): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempName(target);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    if (opts.fsync !== false) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function writeJsonAtomicSync(target: string, value: unknown): void {
  writeFileAtomicSync(target, JSON.stringify(value, null, 1) + '\n');
}

/** Reads JSON, returning undefined when the file is missing or unreadable/corrupt (callers rebuild). */
export function readJsonOrUndefined<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Removes temp files a killed run may have left next to its outputs. */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.includes('.tmp-')) fs.rmSync(path.join(dir, n), { force: true });
}
