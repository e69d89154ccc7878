/**
 * The repo level is a federation: each project's layer outputs stay where they are, and the repo keeps only small
 * manifests that name them (`writeRepoIndex`). Whole-repo artifacts — one graph of every node and edge, one SCIP
 * index — are exports, written on demand (`exportGraph`, `codegraph export`), never on every run: an edit in one
 * project then costs that project's layers and a few kilobytes at the repo, not a rewrite of the repo's gigabytes.
 *
 * `writeRepoIndex` outputs, under `outDir`, written atomically:
 * - `projects.json`: the federation manifest — every project's name, root, output folder and SCIP package;
 * - `deps.json`: the file dependency graph over all projects (same shape as a project's `l4/deps.json`), cycles
 *   that span projects included;
 * - `resolution.json`: how many call sites and references resolve to a definition, summed from the projects' L4.
 *
 * `exportGraph` writes one JSON-lines graph (docs/ir.md, "Repo graph"): every project's IR with L4's completions
 * applied — edges L4 completed carry `dst`, `target` and `attrs.via` (INSTANTIATES replaces the L1 CALLS of a
 * class), the `__init__` calls L4 derived are added, edges nobody could resolve keep `callee`, with
 * `attrs.external` when they name something outside. It streams one file's records at a time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IrEdge, IrNode } from '../../ir/model';
import { readJsonOrUndefined, writeJsonAtomicSync } from '../../util/atomic';
import { initHash } from '../../util/hash';
import { buildDeps, type DepsJson } from '../l4-resolve/deps';
import { AtomicLineWriter } from '../../util/line-writer';
import { L3Overlay, withTypes } from '../l3-types/overlay';
import { depsPath, l4ManifestPath, l4StatsPath, resolvedPackPath, type L4Manifest } from '../l4-resolve/run';
import { graphEdges, parseL4Lines, type L4Completions } from '../l4-resolve/complete';
import { L1Reader, type ProjectOut } from '../l1-structure/stream';
import { PackReader } from '../../util/pack';
import { addRates, emptyResolution, finishResolution, projectResolution, type ResolutionStats } from '../l4-resolve/stats';

/** A project of the federation. */
export interface FederatedProject extends ProjectOut {
  /** Project directory relative to the workspace root. */
  root?: string;
  package?: { name: string; version: string };
}

export interface RepoIndexOptions {
  projects: readonly FederatedProject[];
  outDir: string;
  /** The workspace root, to record project outputs relative to it (the federation moves with the workspace). */
  root?: string;
}

export interface RepoIndexStats {
  projects: number;
  files: number;
  crossProjectImports: number;
  cycles: number;
  resolution: ResolutionStats;
  ms: number;
}

export interface RepoProjectsJson {
  schema: 2;
  /** The workspace root, relative to the folder holding this file. */
  workspace: string;
  projects: Array<{ name: string; root?: string; out: string; package?: { name: string; version: string } }>;
}

export const repoProjectsPath = (outDir: string) => path.join(outDir, 'projects.json');
export const repoDepsPath = (outDir: string) => path.join(outDir, 'deps.json');
export const repoResolutionPath = (outDir: string) => path.join(outDir, 'resolution.json');

export async function writeRepoIndex(o: RepoIndexOptions): Promise<RepoIndexStats> {
  const t0 = performance.now();
  const fileProject = new Map<string, string>();
  const fileDeps = new Map<string, Set<string>>();
  const fileExternals = new Map<string, Set<string>>();
  const resolution = emptyResolution();
  for (const p of o.projects) {
    const deps = readJsonOrUndefined<DepsJson>(depsPath(p.outDir));
    const stats = readJsonOrUndefined<{ resolution?: ResolutionStats }>(l4StatsPath(p.outDir));
    if (!deps || !stats?.resolution) throw new Error(`codegraph: no L4 output for project ${p.name} in ${p.outDir} (run its L4 first)`);
    for (const [file, d] of Object.entries(deps.files)) {
      fileProject.set(file, p.name);
      fileDeps.set(file, new Set(d.imports));
      fileExternals.set(file, new Set(d.externals));
    }
    addRates(resolution, projectResolution(p.outDir, stats.resolution));
  }
  const deps = buildDeps('repo', fileDeps, fileExternals, (f) => fileProject.get(f));
  let crossProjectImports = 0;
  for (const [file, d] of fileDeps) for (const f of d) if (fileProject.has(f) && fileProject.get(f) !== fileProject.get(file)) crossProjectImports++;
  const rel = (p: string) => (o.root ? path.relative(o.root, p).split(path.sep).join('/') : p);
  const projects: RepoProjectsJson = {
    schema: 2,
    workspace: path.relative(o.outDir, o.root ?? o.outDir).split(path.sep).join('/') || '.',
    projects: o.projects.map((p) => ({ name: p.name, ...(p.root !== undefined ? { root: p.root } : {}), out: rel(p.outDir), ...(p.package ? { package: p.package } : {}) })),
  };
  writeJsonAtomicSync(repoProjectsPath(o.outDir), projects);
  writeJsonAtomicSync(repoDepsPath(o.outDir), deps);
  const finished = finishResolution(resolution);
  writeJsonAtomicSync(repoResolutionPath(o.outDir), finished);
  return { projects: o.projects.length, files: fileDeps.size, crossProjectImports, cycles: deps.cycles.length, resolution: finished, ms: Math.round(performance.now() - t0) };
}

/** The projects of a federation (`repo/projects.json`) with absolute output folders, and the workspace root. */
export function readFederation(repoOutDir: string): { root: string; projects: FederatedProject[] } | undefined {
  const j = readJsonOrUndefined<RepoProjectsJson>(repoProjectsPath(repoOutDir));
  if (!j || j.schema !== 2) return undefined;
  const root = path.resolve(repoOutDir, j.workspace);
  return { root, projects: j.projects.map((p) => ({ name: p.name, root: p.root, package: p.package, outDir: path.resolve(root, p.out) })) };
}

export interface GraphExportStats {
  projects: number;
  files: number;
  nodes: number;
  edges: number;
  /** Edges L4 completed (including the derived `__init__` calls). */
  edgesResolvedByL4: number;
  crossProjectEdges: number;
  bytes: number;
  ms: number;
}

/** Writes the whole graph of the given projects as JSON lines to `out`. */
export async function exportGraph(o: { projects: readonly ProjectOut[]; out: string }): Promise<GraphExportStats> {
  const t0 = performance.now();
  await initHash();
  const out = new AtomicLineWriter(o.out);
  const stats = { projects: o.projects.length, files: 0, nodes: 0, edges: 0, edgesResolvedByL4: 0, crossProjectEdges: 0 };
  const fileProject = new Map<string, string>();
  for (const p of o.projects) for (const ref of L1Reader.open(p.outDir).refs) fileProject.set(ref.file, p.name);
  try {
    for (const p of o.projects) {
      const m = readJsonOrUndefined<L4Manifest>(l4ManifestPath(p.outDir));
      const l4 = PackReader.open(resolvedPackPath(p.outDir));
      if (!m || !l4) throw new Error(`codegraph: no L4 output for project ${p.name} in ${p.outDir} (run its L4 first)`);
      const l1 = L1Reader.open(p.outDir);
      // The project's L3 answers (type-resolved edges), when it has them.
      const l3 = L3Overlay.open(p.outDir);
      try {
        for (const ref of l1.refs) {
          const ir = l1.record(ref);
          if (!ir) continue; // L4 reported it as unreadable; the rest of the repo is still exported
          const e4 = m.files[ref.file];
          const text = e4 ? l4.text(e4.key) : undefined;
          const lines = text ? text.split('\n') : [];
          stats.files++;
          writeFile(p.name, ir.nodes, ir.edges, parseL4Lines(l3 ? withTypes(lines, l3.linesOf(ref.file)) : lines), out, stats, fileProject);
        }
      } finally {
        l1.close();
        l4.close();
        l3?.close();
      }
    }
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  return { ...stats, bytes: fs.statSync(o.out).size, ms: Math.round(performance.now() - t0) };
}

function writeFile(
  project: string,
  nodes: readonly IrNode[],
  edges: readonly IrEdge[],
  completions: L4Completions,
  out: AtomicLineWriter,
  stats: Omit<GraphExportStats, 'bytes' | 'ms'>,
  fileProject: Map<string, string>,
): void {
  for (const n of nodes) {
    out.write(n);
    stats.nodes++;
  }
  for (const g of graphEdges(edges, completions)) {
    out.write(g.edge);
    stats.edges++;
    if (!g.byL4) continue;
    stats.edgesResolvedByL4++;
    if (g.file !== undefined && fileProject.has(g.file) && fileProject.get(g.file) !== project) stats.crossProjectEdges++;
  }
}
