/**
 * Resolution rate of a project (or several) after L4, for benchmarks: the fraction of call sites and of
 * references that point to a definition inside the corpus, whether L1 resolved them in the file or L4 across
 * files. Computed from the outputs on disk (L1 shards + `l4/resolved.jsonl`), so it measures what consumers get.
 *
 * - A call site is one call expression: L1 may emit two edges for it (INSTANTIATES + CALLS `__init__`), so edges
 *   are grouped by (caller, span); a site is resolved when any of its edges is.
 * - A reference is a READS edge (one per reader and name). A read of a name bound by an import counts as resolved
 *   only when L4 took it to the imported definition or module.
 */
import * as fs from 'node:fs';
import type { IrEdge } from '../../ir/model';
import { initHash } from '../../util/hash';
import { resolvedPath } from './run';
import { isNodeLine, lineKind, projectShards, rawField, shardLines } from '../l1-structure/stream';

export interface RateStats {
  total: number;
  resolved: number;
  resolvedL1: number;
  resolvedL4: number;
  /** Unresolved and known to name something outside the corpus (an external package, a C module, builtins). */
  external: number;
  /** resolved / total. */
  fraction: number;
  /** resolved / (total - external): the rate over what the corpus could answer. */
  fractionInternal: number;
}

export interface ResolutionStats {
  files: number;
  calls: RateStats;
  references: RateStats;
}

function rate(): RateStats {
  return { total: 0, resolved: 0, resolvedL1: 0, resolvedL4: 0, external: 0, fraction: 0, fractionInternal: 0 };
}

function finish(r: RateStats): RateStats {
  r.fraction = r.total ? r.resolved / r.total : 0;
  const internal = r.total - r.external;
  r.fractionInternal = internal > 0 ? r.resolved / internal : 0;
  return r;
}

/** 1 = resolved by L4, 2 = external, 0 = unresolved. */
function readL4(outDir: string): Map<string, number> {
  const m = new Map<string, number>();
  let text: string;
  try {
    text = fs.readFileSync(resolvedPath(outDir), 'utf8');
  } catch {
    return m; // no L4 output: only what L1 resolved counts
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as { id: string; unresolved?: boolean; external?: string; of?: string };
    if (r.of !== undefined) continue; // a derived `__init__` call: its site is counted through `of`
    m.set(r.id, r.unresolved ? (r.external ? 2 : 0) : 1);
  }
  return m;
}

export async function resolutionStats(outDirs: string | readonly string[]): Promise<ResolutionStats> {
  await initHash();
  const calls = rate();
  const refs = rate();
  let files = 0;
  for (const outDir of typeof outDirs === 'string' ? [outDirs] : outDirs) {
    const l4 = readL4(outDir);
    for (const s of projectShards(outDir)) {
      const lines = shardLines(s.shard);
      if (!lines) continue;
      files++;
      const imports = new Set<string>();
      // Call site → best state seen: 3 resolved in L1, 1 resolved in L4, 2 external, 0 unresolved.
      const sites = new Map<string, number>();
      for (const line of lines) {
        const kind = lineKind(line);
        if (isNodeLine(line)) {
          if (kind === 'Import') imports.add(rawField(line, 'id')!);
          continue;
        }
        if (kind === 'CALLS' || kind === 'INSTANTIATES') {
          const e = JSON.parse(line) as IrEdge;
          const state = e.dst !== undefined ? 3 : (l4.get(e.id) ?? 0);
          const key = `${e.src}\0${e.span ? e.span.join(',') : e.id}`;
          const prev = sites.get(key);
          if (prev === undefined || rank(state) > rank(prev)) sites.set(key, state);
        } else if (kind === 'READS') {
          const e = JSON.parse(line) as IrEdge;
          refs.total++;
          if (e.dst !== undefined && !imports.has(e.dst)) {
            refs.resolved++;
            refs.resolvedL1++;
            continue;
          }
          count(refs, l4.get(e.id) ?? 0);
        }
      }
      for (const state of sites.values()) {
        calls.total++;
        if (state === 3) {
          calls.resolved++;
          calls.resolvedL1++;
        } else count(calls, state);
      }
    }
  }
  return { files, calls: finish(calls), references: finish(refs) };
}

function rank(state: number): number {
  return state === 3 ? 3 : state === 1 ? 2 : state === 2 ? 1 : 0;
}

function count(r: RateStats, state: number): void {
  if (state === 1) {
    r.resolved++;
    r.resolvedL4++;
  } else if (state === 2) r.external++;
}
