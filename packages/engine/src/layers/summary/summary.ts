/**
 * Project and repo summaries: what `codegraph-index` prints and writes. Inputs are only the layer manifests and
 * stats, so a summary never re-reads IR.
 *
 * What a summary says, and of what:
 * - Totals (files, LOC, nodes, edges by kind, resolved edges by kind, call-site and reference resolution) describe
 *   the index as it is now: the same numbers `codegraph export` writes into the graph, `l4/stats.json` and
 *   `repo/resolution.json` hold (edges are the graph's — L1's edges with L4's completions, `l4-resolve/complete.ts` —
 *   once L4 has run; `edgesFrom` says which).
 * - `lastRun` is, per layer, what the run that produced this project's current outputs did (files hashed, parsed,
 *   computed or resolved vs reused). Under Nx a layer whose inputs did not change is restored from the cache with
 *   the outputs of the run that first produced them — on this machine or another — so `lastRun` is labelled as
 *   that run, never as "this run". The repo summary does not add these up across projects (a sum of runs that
 *   happened at different times describes no run): it lists them per project.
 */
import * as path from 'node:path';
import { addCounts, EDGE_KINDS, NODE_KINDS, type EdgeCounts, type NodeCounts } from '../../ir/model';
import { readJsonOrUndefined, writeJsonAtomicSync } from '../../util/atomic';
import { inventoryPath, type Inventory, type LayerStats } from '../l0-fastpath/inventory';
import { manifestPath, type L1Manifest } from '../l1-structure/run';
import { l2StatsPath, type L2Stats } from '../l2-occurrences/run';
import { l4StatsPath, type L4Stats } from '../l4-resolve/run';
import { l5ManifestPath, type L5Manifest } from '../l5-flow/run';
import { addRates, emptyResolution, finishResolution, projectResolution, type ResolutionStats } from '../l4-resolve/stats';

/** Totals of an index (a project's or the repo's) as it is now. */
export interface IndexTotals {
  name: string;
  projects: number;
  files: number;
  loc: number;
  nodes: number;
  edges: number;
  nodesByKind: NodeCounts;
  /** Edges by kind: the repo graph's when `edgesFrom` is `graph`, else L1's (L4 has not run). */
  edgesByKind: EdgeCounts;
  /** Edges by kind that point to a definition or that L4 completed (graph edges only). */
  resolvedByKind?: EdgeCounts;
  edgesFrom: 'graph' | 'l1';
  /** Call sites and references resolved (as `l4/stats.json` and `repo/resolution.json`, plus L3's type-resolved sites when L3 ran: `resolvedL3`); absent before L4. */
  resolution?: ResolutionStats;
  syntaxErrorFiles: number;
  /** The files with syntax errors by name, sorted, at most SYNTAX_ERROR_FILES_LISTED (`syntaxErrorFiles` counts them all). */
  syntaxErrorPaths?: string[];
  failedFiles: number;
  /** Paths refused before reading (symlinks out of the root, non-UTF-8 names): see the L1 manifest's `refused`. */
  refusedFiles?: number;
}

/** A project's summary (`<project out>/summary.json`). */
export interface Summary extends IndexTotals {
  /** Per layer, what the run that produced the current outputs did (see the header: not necessarily this run). */
  lastRun: LayerStats[];
}

/** The repo summary (`<out>/repo/summary.json`): totals of the current index, and each project's `lastRun`. */
export interface RepoSummary extends IndexTotals {
  perProject: Array<Pick<Summary, 'name' | 'files' | 'loc' | 'nodes' | 'edges' | 'lastRun'>>;
}

export function summaryPath(outDir: string): string {
  return path.join(outDir, 'summary.json');
}

/** How many files with syntax errors a summary names (the count covers them all). */
export const SYNTAX_ERROR_FILES_LISTED = 20;

const sum = (c: Record<string, number | undefined>) => Object.values(c).reduce<number>((a, b) => a + (b ?? 0), 0);

/** Reads a project's layer outputs and writes `<out>/summary.json`. */
export function summarizeProject(name: string, outDir: string): Summary {
  const m = readJsonOrUndefined<L1Manifest>(manifestPath(outDir));
  if (!m) throw new Error(`codegraph: no L1 manifest in ${outDir}; run the codegraph-l1 target first`);
  const inv = readJsonOrUndefined<Inventory>(inventoryPath(outDir));
  const l2 = readJsonOrUndefined<L2Stats>(l2StatsPath(outDir));
  const l4 = readJsonOrUndefined<L4Stats>(l4StatsPath(outDir));
  const graph = l4?.graph;
  const lastRun: LayerStats[] = [...(inv ? [inv.stats] : []), m.stats];
  if (l2) lastRun.push({ layer: 'l2', files: l2.files, reused: l2.reused, processed: l2.computed, failed: l2.missing, ms: l2.ms });
  const l5 = readJsonOrUndefined<L5Manifest>(l5ManifestPath(outDir));
  if (l5?.stats) {
    // The common counts only: how many of its files L5 took from L1's parse is a detail of that run, not of the index.
    const { layer, files, reused, processed, failed, ms } = l5.stats;
    lastRun.push({ layer, files, reused, processed, failed, ms });
  }
  if (l4) {
    const failed = l4.files - l4.resolvedFiles - l4.reusedFiles;
    lastRun.push({ layer: 'l4', files: l4.files, reused: l4.reusedFiles, processed: l4.resolvedFiles, failed, ms: l4.ms });
  }
  const s: Summary = {
    name,
    projects: 1,
    files: m.totals.files,
    loc: m.totals.loc,
    nodes: sum(m.totals.nodes),
    edges: sum(graph ? graph.edges : m.totals.edges),
    nodesByKind: m.totals.nodes,
    edgesByKind: graph ? graph.edges : m.totals.edges,
    ...(graph ? { resolvedByKind: graph.resolved } : {}),
    edgesFrom: graph ? 'graph' : 'l1',
    ...(l4?.resolution ? { resolution: projectResolution(outDir, l4.resolution) } : {}),
    syntaxErrorFiles: m.totals.syntaxErrorFiles,
    syntaxErrorPaths: Object.keys(m.files)
      .filter((f) => m.files[f]!.syntaxErrors > 0)
      .sort()
      .slice(0, SYNTAX_ERROR_FILES_LISTED),
    failedFiles: m.totals.failedFiles,
    refusedFiles: m.refused?.length ?? 0,
    lastRun,
  };
  writeJsonAtomicSync(summaryPath(outDir), s);
  return s;
}

/** The repo summary from the project summaries: totals summed, each project's `lastRun` kept as it is. */
export function mergeSummaries(name: string, parts: Summary[]): RepoSummary {
  const out: RepoSummary = {
    name,
    projects: 0,
    files: 0,
    loc: 0,
    nodes: 0,
    edges: 0,
    nodesByKind: {},
    edgesByKind: {},
    resolvedByKind: {},
    edgesFrom: parts.every((p) => p.edgesFrom === 'graph') ? 'graph' : 'l1',
    syntaxErrorFiles: 0,
    syntaxErrorPaths: [],
    failedFiles: 0,
    refusedFiles: 0,
    perProject: [],
  };
  const resolution = emptyResolution();
  for (const p of parts) {
    out.projects += p.projects;
    out.files += p.files;
    out.loc += p.loc;
    out.nodes += p.nodes;
    out.edges += p.edges;
    out.syntaxErrorFiles += p.syntaxErrorFiles;
    out.syntaxErrorPaths!.push(...(p.syntaxErrorPaths ?? []));
    out.failedFiles += p.failedFiles;
    out.refusedFiles! += p.refusedFiles ?? 0;
    addCounts(out.nodesByKind, p.nodesByKind);
    addCounts(out.edgesByKind, p.edgesByKind);
    addCounts(out.resolvedByKind!, p.resolvedByKind);
    if (p.resolution) addRates(resolution, p.resolution);
    out.perProject.push({ name: p.name, files: p.files, loc: p.loc, nodes: p.nodes, edges: p.edges, lastRun: p.lastRun });
  }
  out.syntaxErrorPaths = out.syntaxErrorPaths!.sort().slice(0, SYNTAX_ERROR_FILES_LISTED);
  if (out.edgesFrom !== 'graph') delete out.resolvedByKind;
  if (parts.length && parts.every((p) => p.resolution)) out.resolution = finishResolution(resolution);
  return out;
}

function kinds(order: readonly string[], counts: Record<string, number | undefined>): string {
  return order.filter((k) => counts[k]).map((k) => `${k} ${counts[k]!.toLocaleString('en-US')}`).join(', ');
}

const n = (x: number) => x.toLocaleString('en-US');
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** What a layer's `processed` count means. */
const DONE: Record<string, string> = { l0: 'hashed', l1: 'parsed', l2: 'computed', l4: 'resolved' };

function totalsLines(s: IndexTotals): string[] {
  const lines = [
    `codegraph: ${s.name} — ${n(s.projects)} project${s.projects === 1 ? '' : 's'}, ${n(s.files)} files, ${n(s.loc)} LOC`,
    `  nodes ${n(s.nodes)}: ${kinds(NODE_KINDS, s.nodesByKind)}`,
    `  edges ${n(s.edges)}${s.edgesFrom === 'graph' ? ' (graph: L1 + L4 completions)' : ' (L1)'}: ${kinds(EDGE_KINDS, s.edgesByKind)}`,
  ];
  if (s.resolvedByKind) lines.push(`  resolved edges: ${kinds(EDGE_KINDS, s.resolvedByKind)}`);
  if (s.resolution) {
    const { calls, references } = s.resolution;
    lines.push(
      `  call sites resolved ${n(calls.resolved)}/${n(calls.total)} (${pct(calls.fraction)}; ${pct(calls.fractionInternal)} of non-external), ` +
        `references ${n(references.resolved)}/${n(references.total)} (${pct(references.fraction)})`,
    );
    // L3's part, so the L1 + L4 rate stays readable: resolved - resolvedL3 of the same totals.
    if (s.resolution.l3Projects) {
      const l4Only = (calls.resolved - calls.resolvedL3) / Math.max(1, calls.total);
      lines.push(`  of which by Pyright's types (L3, ${n(s.resolution.l3Projects)} project${s.resolution.l3Projects === 1 ? '' : 's'}): call sites ${n(calls.resolvedL3)} (L1 + L4 alone ${pct(l4Only)}), references ${n(references.resolvedL3)}`);
    }
  }
  lines.push(
    `  files with syntax errors: ${n(s.syntaxErrorFiles)}; files that failed: ${n(s.failedFiles)}` +
      (s.refusedFiles ? `; refused (not read): ${n(s.refusedFiles)}` : ''),
  );
  if (s.syntaxErrorPaths?.length) {
    const more = s.syntaxErrorFiles - s.syntaxErrorPaths.length;
    lines.push(`  syntax errors in: ${s.syntaxErrorPaths.join(', ')}${more > 0 ? ` and ${n(more)} more` : ''}`);
  }
  return lines;
}

function runText(l: LayerStats): string {
  return `${l.layer} ${n(l.processed)} ${DONE[l.layer] ?? 'processed'}, ${n(l.reused)} reused${l.failed ? `, ${n(l.failed)} failed` : ''}, ${n(l.ms)} ms`;
}

export function formatSummary(s: Summary, elapsedMs?: number): string {
  const lines = totalsLines(s);
  lines.push('  last run of each layer (the run that produced these outputs; under Nx it may be an earlier one, restored from the cache):');
  for (const l of s.lastRun) lines.push(`    ${runText(l)}`);
  if (elapsedMs !== undefined) lines.push(`  time: ${(elapsedMs / 1000).toFixed(2)} s`);
  return lines.join('\n');
}

export function formatRepoSummary(s: RepoSummary): string {
  const lines = totalsLines(s);
  lines.push("  per project, with the last run of each layer (the run that produced its outputs, maybe restored from the cache):");
  for (const p of s.perProject) {
    lines.push(`  - ${p.name}: ${n(p.files)} files, ${n(p.loc)} LOC, ${n(p.nodes)} nodes, ${n(p.edges)} edges; ${p.lastRun.map(runText).join('; ')}`);
  }
  return lines.join('\n');
}
