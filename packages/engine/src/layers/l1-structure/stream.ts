/**
 * Streaming access to a project's L1 output for the cross-file layers: one shard in memory at a time, its
 * checksum verified, split into raw JSON lines so callers can skip the records they do not need (CONTAINS, WRITES,
 * Parameters...) without paying for JSON.parse on them.
 */
import * as path from 'node:path';
import { readJsonOrUndefined } from '../../util/atomic';
import { verifyShard } from './read';
import { manifestPath, type L1Manifest } from './run';

/** A project as the cross-file layers see it: a name and the output directory its L1 was written to. */
export interface ProjectOut {
  name: string;
  outDir: string;
}

export interface ShardRef {
  file: string;
  module: string;
  shard: string;
}

/** The shards of a project, in manifest (path) order. Throws when the project has no L1 output. */
export function projectShards(outDir: string): ShardRef[] {
  const m = readJsonOrUndefined<L1Manifest>(manifestPath(outDir));
  if (!m || !m.files) throw new Error(`codegraph: no L1 output in ${outDir} (run L1 first)`);
  const irDir = path.join(outDir, 'l1', 'ir');
  const out: ShardRef[] = [];
  for (const [file, e] of Object.entries(m.files)) out.push({ file, module: e.module, shard: path.join(irDir, `${e.key}.jsonl`) });
  return out;
}

/**
 * The record lines of a shard (header excluded), checksum verified. Requires initHash(). Returns undefined when
 * the shard is missing or corrupt: the caller reports it and carries on with the rest of the project.
 */
export function shardLines(shard: string): string[] | undefined {
  try {
    const { buf, bodyStart } = verifyShard(shard);
    const lines = buf.toString('utf8', bodyStart).split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines;
  } catch {
    return undefined;
  }
}

/** Record kind of a raw line: `{"node":"Class",...` → 'Class', `{"edge":"CALLS",...` → 'CALLS'. */
export function lineKind(line: string): string {
  return line.slice(9, line.indexOf('"', 9));
}

/** True for node lines (`{"node":...`), false for edge lines (`{"edge":...`). */
export function isNodeLine(line: string): boolean {
  return line.charCodeAt(2) === 110; // 'n'
}

/**
 * A string field of a raw record line without parsing it: `rawField(line, 'parent')`. Only for fields whose values
 * are never escaped (ids, kinds) and that no earlier string in the line can contain (`id`, `parent` follow `node`/
 * `edge` and precede any free text).
 */
export function rawField(line: string, key: string): string | undefined {
  const tag = `"${key}":"`;
  const i = line.indexOf(tag);
  if (i < 0) return undefined;
  const start = i + tag.length;
  return line.slice(start, line.indexOf('"', start));
}
