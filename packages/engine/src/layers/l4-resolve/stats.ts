/**
 * Resolution rates: the fraction of call sites and of references that point to a definition inside the corpus,
 * whether L1 resolved them in the file or L4 across files. L4 counts each file as it resolves it (`countFile`) and
 * keeps the counts in its manifest, so a project's or the repo's rates are sums, never a re-read of the IR.
 *
 * - A call site is one call expression: L1 may emit two edges for it (INSTANTIATES + CALLS `__init__`), so edges
 *   are grouped by (caller, span); a site is resolved when any of its edges is.
 * - A reference is a READS edge (one per reader and name). A read of a name bound by an import counts as resolved
 *   only when L4 took it to the imported definition or module.
 */
import * as path from 'node:path';
import type { IrEdge, IrNode } from '../../ir/model';
import { readJsonOrUndefined } from '../../util/atomic';

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

/**
 * A file's resolution counts, from its IR (before any L4 completion is applied) and what L4 made of each edge id
 * (1 resolved, 2 external, 0 or absent unresolved or not touched).
 */
export function countFile(
  nodes: readonly IrNode[],
  edges: readonly IrEdge[],
  l4: ReadonlyMap<string, number>,
  /** Calls Python makes implicitly that value flow resolved (L4 lines of their own): sites of the graph too. */
  implicit: ReadonlyArray<{ src: string; span: readonly number[] }> = [],
): ResolutionStats {
  const calls = rate();
  const refs = rate();
  const imports = new Set<string>();
  for (const n of nodes) if (n.node === 'Import') imports.add(n.id);
  /** Call site (caller, span) → best state seen: 3 resolved in L1, else L4's state. */
  const sites = new Map<string, number>();
  for (const e of edges) {
    const state = l4.get(e.id) ?? 0;
    if (e.edge === 'CALLS' || e.edge === 'INSTANTIATES') {
      const s = e.dst !== undefined ? 3 : state;
      const key = `${e.src}\0${e.span ? e.span.join(',') : e.id}`;
      const prev = sites.get(key);
      if (prev === undefined || rank(s) > rank(prev)) sites.set(key, s);
    } else if (e.edge === 'READS') {
      refs.total++;
      if (e.dst !== undefined && !imports.has(e.dst)) {
        refs.resolved++;
        refs.resolvedL1++;
      } else count(refs, state);
    }
  }
  for (const i of implicit) {
    const key = `${i.src}\0${i.span.join(',')}`;
    const prev = sites.get(key);
    if (prev === undefined || rank(1) > rank(prev)) sites.set(key, 1);
  }
  for (const s of sites.values()) {
    calls.total++;
    if (s === 3) {
      calls.resolved++;
      calls.resolvedL1++;
    } else count(calls, s);
  }
  return { files: 1, calls: finish(calls), references: finish(refs) };
}

export function emptyResolution(): ResolutionStats {
  return { files: 0, calls: rate(), references: rate() };
}

/** Adds `b`'s counts into `a` (fractions are recomputed by finishResolution). */
export function addRates(a: ResolutionStats, b: ResolutionStats): void {
  a.files += b.files;
  for (const k of ['calls', 'references'] as const) {
    for (const f of ['total', 'resolved', 'resolvedL1', 'resolvedL4', 'external'] as const) a[k][f] += b[k][f];
  }
}

export function finishResolution(r: ResolutionStats): ResolutionStats {
  return { files: r.files, calls: finish({ ...r.calls }), references: finish({ ...r.references }) };
}

/** The resolution rates of one or several projects, summed from their L4 stats (run L4 first). */
export async function resolutionStats(outDirs: string | readonly string[]): Promise<ResolutionStats> {
  const sum = emptyResolution();
  for (const outDir of typeof outDirs === 'string' ? [outDirs] : outDirs) {
    const s = readJsonOrUndefined<{ resolution?: ResolutionStats }>(path.join(outDir, 'l4', 'stats.json'));
    if (!s?.resolution) throw new Error(`codegraph: no L4 output in ${outDir} (run L4 first)`);
    addRates(sum, s.resolution);
  }
  return finishResolution(sum);
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
