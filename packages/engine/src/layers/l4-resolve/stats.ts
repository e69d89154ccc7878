/**
 * Resolution rates: the fraction of call sites and of references that point to a definition inside the corpus,
 * whether L1 resolved them in the file or L4 across files. L4 counts each file as it resolves it (`FileRates`, an edge at a time) and
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
import { l3RateDelta } from '../l3-types/rates';

export interface RateStats {
  total: number;
  resolved: number;
  resolvedL1: number;
  resolvedL4: number;
  /**
   * Of `resolved`: sites L4 left open that L3 (Pyright's types) took to a definition in the corpus, when L3 ran
   * (0 otherwise). L1 + L4 alone resolved `resolved - resolvedL3`.
   */
  resolvedL3: number;
  /** Unresolved and known to name something outside the corpus (an external package, a C module, builtins). */
  external: number;
  /** Of `external`: sites L3 named outside the corpus (L4 alone: `external - externalL3`). */
  externalL3: number;
  /** resolved / total. */
  fraction: number;
  /** resolved / (total - external): the rate over what the corpus could answer. */
  fractionInternal: number;
}

export interface ResolutionStats {
  files: number;
  /** Projects whose counts include L3's type-resolved sites (absent: none). */
  l3Projects?: number;
  calls: RateStats;
  references: RateStats;
}

function rate(): RateStats {
  return { total: 0, resolved: 0, resolvedL1: 0, resolvedL4: 0, resolvedL3: 0, external: 0, externalL3: 0, fraction: 0, fractionInternal: 0 };
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
  const c = new FileRates(nodes);
  for (const e of edges) c.edge(e, l4.get(e.id) ?? 0);
  for (const i of implicit) c.implicit(i.src, i.span);
  return c.result();
}

/** countFile, an edge at a time (L4 counts each edge as it resolves it, without keeping the file's edges). */
export class FileRates {
  private calls = rate();
  private refs = rate();
  private imports = new Set<string>();
  /** Call site (caller, span) → best state seen: 3 resolved in L1, else L4's state. */
  private sites = new Map<string, number>();

  constructor(nodes: readonly IrNode[]) {
    for (const n of nodes) if (n.node === 'Import') this.imports.add(n.id);
  }

  /** An edge of the file, with what L4 made of it (1 resolved, 2 external, 0 unresolved or not touched). */
  edge(e: IrEdge, state: number): void {
    if (e.edge === 'CALLS' || e.edge === 'INSTANTIATES') {
      const s = e.dst !== undefined ? 3 : state;
      const key = `${e.src}\0${e.span ? e.span.join(',') : e.id}`;
      const prev = this.sites.get(key);
      if (prev === undefined || rank(s) > rank(prev)) this.sites.set(key, s);
    } else if (e.edge === 'READS') {
      const refs = this.refs;
      refs.total++;
      if (e.dst !== undefined && !this.imports.has(e.dst)) {
        refs.resolved++;
        refs.resolvedL1++;
      } else count(refs, state);
    }
  }

  /**
   * A call site of the graph no L1 call edge has (a call Python makes implicitly, a decorator application) that value
   * flow answered: resolved in the corpus (1), or named outside it (2).
   */
  implicit(src: string, span: readonly number[], state: 1 | 2 = 1): void {
    const key = `${src}\0${span.join(',')}`;
    const prev = this.sites.get(key);
    if (prev === undefined || rank(state) > rank(prev)) this.sites.set(key, state);
  }

  result(): ResolutionStats {
    const calls = this.calls;
    for (const s of this.sites.values()) {
      calls.total++;
      if (s === 3) {
        calls.resolved++;
        calls.resolvedL1++;
      } else count(calls, s);
    }
    return { files: 1, calls: finish(calls), references: finish(this.refs) };
  }
}

export function emptyResolution(): ResolutionStats {
  return { files: 0, calls: rate(), references: rate() };
}

/** Adds `b`'s counts into `a` (fractions are recomputed by finishResolution). */
export function addRates(a: ResolutionStats, b: ResolutionStats): void {
  a.files += b.files;
  if (b.l3Projects) a.l3Projects = (a.l3Projects ?? 0) + b.l3Projects;
  for (const k of ['calls', 'references'] as const) {
    for (const f of ['total', 'resolved', 'resolvedL1', 'resolvedL4', 'resolvedL3', 'external', 'externalL3'] as const) a[k][f] += b[k][f] ?? 0;
  }
}

export function finishResolution(r: ResolutionStats): ResolutionStats {
  return { files: r.files, ...(r.l3Projects ? { l3Projects: r.l3Projects } : {}), calls: finish({ ...r.calls }), references: finish({ ...r.references }) };
}

/**
 * A file's or project's change to the rates from L3: sites it resolved in the corpus and named outside it. The
 * external count can go down (a site L4 had as external by one edge that L3 resolves by another).
 */
export interface L3RateDelta {
  calls: { resolved: number; external: number };
  references: { resolved: number; external: number };
}

/** `r` with L3's delta added (the counts stay sums: finishResolution recomputes the fractions). */
export function addL3Delta(r: ResolutionStats, d: L3RateDelta): void {
  r.l3Projects = (r.l3Projects ?? 0) + 1;
  for (const k of ['calls', 'references'] as const) {
    r[k].resolved += d[k].resolved;
    r[k].resolvedL3 += d[k].resolved;
    r[k].external += d[k].external;
    r[k].externalL3 += d[k].external;
  }
}

/** What L3's answers change in a file's counts: `countFile` with L4's states, then with L3's answers laid over. */
export function l3FileDelta(
  nodes: readonly IrNode[],
  edges: readonly IrEdge[],
  l4: ReadonlyMap<string, number>,
  implicit: ReadonlyArray<{ src: string; span: readonly number[] }>,
  /** Edge id → 1 resolved in the corpus, 2 named outside it (L3's answers for sites L4 left open). */
  l3: ReadonlyMap<string, number>,
): L3RateDelta {
  const before = countFile(nodes, edges, l4, implicit);
  const merged = new Map(l4);
  for (const [id, st] of l3) merged.set(id, st);
  const after = countFile(nodes, edges, merged, implicit);
  const d = (k: 'calls' | 'references') => ({ resolved: after[k].resolved - before[k].resolved, external: after[k].external - before[k].external });
  return { calls: d('calls'), references: d('references') };
}

/** A project's rates: L4's (from `l4/stats.json`), with L3's change when L3 ran. */
export function projectResolution(outDir: string, l4: ResolutionStats): ResolutionStats {
  const d = l3RateDelta(outDir);
  if (!d) return l4;
  const r = emptyResolution();
  addRates(r, l4);
  addL3Delta(r, d);
  return finishResolution(r);
}

/**
 * The resolution rates of one or several projects, summed from their L4 stats (run L4 first), with L3's
 * type-resolved sites added for the projects where L3 ran (`l3RateDelta`: only its files answered on the current L4
 * output count).
 */
export async function resolutionStats(outDirs: string | readonly string[]): Promise<ResolutionStats> {
  const sum = emptyResolution();
  for (const outDir of typeof outDirs === 'string' ? [outDirs] : outDirs) {
    const s = readJsonOrUndefined<{ resolution?: ResolutionStats }>(path.join(outDir, 'l4', 'stats.json'));
    if (!s?.resolution) throw new Error(`codegraph: no L4 output in ${outDir} (run L4 first)`);
    addRates(sum, projectResolution(outDir, s.resolution));
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
