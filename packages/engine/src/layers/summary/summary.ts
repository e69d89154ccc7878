/**
 * Project and repo summaries: what `codegraph-index` prints and writes. Inputs are only the layer manifests, so a
 * summary never re-reads IR shards.
 */
import * as path from 'node:path';
import { addCounts, EDGE_KINDS, NODE_KINDS, type EdgeCounts, type NodeCounts } from '../../ir/model';
import { readJsonOrUndefined, writeJsonAtomicSync } from '../../util/atomic';
import { inventoryPath, type Inventory, type LayerStats } from '../l0-fastpath/inventory';
import { manifestPath, type L1Manifest } from '../l1-structure/run';

export interface Summary {
  name: string;
  projects: number;
  files: number;
  loc: number;
  nodes: number;
  edges: number;
  nodesByKind: NodeCounts;
  edgesByKind: EdgeCounts;
  syntaxErrorFiles: number;
  failedFiles: number;
  /** Paths refused before reading (symlinks out of the root, non-UTF-8 names): see the L1 manifest's `refused`. */
  refusedFiles?: number;
  layers: LayerStats[];
}

export function summaryPath(outDir: string): string {
  return path.join(outDir, 'summary.json');
}

const sum = (c: Record<string, number | undefined>) => Object.values(c).reduce<number>((a, b) => a + (b ?? 0), 0);

/** Reads a project's layer outputs and writes `<out>/summary.json`. */
export function summarizeProject(name: string, outDir: string): Summary {
  const m = readJsonOrUndefined<L1Manifest>(manifestPath(outDir));
  if (!m) throw new Error(`codegraph: no L1 manifest in ${outDir}; run the codegraph-l1 target first`);
  const inv = readJsonOrUndefined<Inventory>(inventoryPath(outDir));
  const s: Summary = {
    name,
    projects: 1,
    files: m.totals.files,
    loc: m.totals.loc,
    nodes: sum(m.totals.nodes),
    edges: sum(m.totals.edges),
    nodesByKind: m.totals.nodes,
    edgesByKind: m.totals.edges,
    syntaxErrorFiles: m.totals.syntaxErrorFiles,
    failedFiles: m.totals.failedFiles,
    refusedFiles: m.refused?.length ?? 0,
    layers: [...(inv ? [inv.stats] : []), m.stats],
  };
  writeJsonAtomicSync(summaryPath(outDir), s);
  return s;
}

/** Sums project summaries into a repo summary (layer stats are summed per layer). */
export function mergeSummaries(name: string, parts: Summary[]): Summary {
  const out: Summary = {
    name,
    projects: 0,
    files: 0,
    loc: 0,
    nodes: 0,
    edges: 0,
    nodesByKind: {},
    edgesByKind: {},
    syntaxErrorFiles: 0,
    failedFiles: 0,
    layers: [],
  };
  const layers = new Map<string, LayerStats>();
  for (const p of parts) {
    out.projects += p.projects;
    out.files += p.files;
    out.loc += p.loc;
    out.nodes += p.nodes;
    out.edges += p.edges;
    out.syntaxErrorFiles += p.syntaxErrorFiles;
    out.failedFiles += p.failedFiles;
    out.refusedFiles = (out.refusedFiles ?? 0) + (p.refusedFiles ?? 0);
    addCounts(out.nodesByKind, p.nodesByKind);
    addCounts(out.edgesByKind, p.edgesByKind);
    for (const l of p.layers) {
      const acc = layers.get(l.layer) ?? { layer: l.layer, files: 0, reused: 0, processed: 0, failed: 0, ms: 0 };
      acc.files += l.files;
      acc.reused += l.reused;
      acc.processed += l.processed;
      acc.failed += l.failed;
      acc.ms += l.ms;
      layers.set(l.layer, acc);
    }
  }
  out.layers = [...layers.values()].sort((a, b) => (a.layer < b.layer ? -1 : 1));
  return out;
}

function kinds(order: readonly string[], counts: Record<string, number | undefined>): string {
  return order.filter((k) => counts[k]).map((k) => `${k} ${counts[k]!.toLocaleString('en-US')}`).join(', ');
}

export function formatSummary(s: Summary, elapsedMs?: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `codegraph: ${s.name} — ${n(s.projects)} project${s.projects === 1 ? '' : 's'}, ${n(s.files)} files, ${n(s.loc)} LOC`,
    `  nodes ${n(s.nodes)}: ${kinds(NODE_KINDS, s.nodesByKind)}`,
    `  edges ${n(s.edges)}: ${kinds(EDGE_KINDS, s.edgesByKind)}`,
    `  files with syntax errors: ${n(s.syntaxErrorFiles)}; files that failed: ${n(s.failedFiles)}` +
      (s.refusedFiles ? `; refused (not read): ${n(s.refusedFiles)}` : ''),
  ];
  for (const l of s.layers) {
    lines.push(`  ${l.layer}: ${n(l.processed)} ${l.layer === 'l0' ? 'hashed' : 'parsed'}, ${n(l.reused)} reused, ${n(l.failed)} failed, ${n(l.ms)} ms`);
  }
  if (elapsedMs !== undefined) lines.push(`  time: ${(elapsedMs / 1000).toFixed(2)} s`);
  return lines.join('\n');
}
