/**
 * The repo index: every project's IR merged into one graph, with the edges L4 completed across files and projects
 * written resolved, plus the repo-wide file dependency graph (cycles that span projects included).
 *
 * Inputs: each project's L1 output and L4 output. Outputs, under `outDir`, written atomically:
 * - `graph.jsonl`: one line per node and edge of the repo. Edges L4 completed carry `dst`, `target` and
 *   `attrs.via` (and INSTANTIATES replaces the L1 CALLS of a class); the `__init__` calls L4 derived are added;
 *   edges neither layer could resolve keep `callee`, with `attrs.external` when they name something outside.
 * - `deps.json`: the file dependency graph over all projects (same shape as a project's `l4/deps.json`).
 * - `resolution.json`: how many call sites and references resolve to a definition in the repo.
 *
 * Streaming: one project's L4 lines and one shard in memory at a time; the resolution rates are counted in the same
 * pass.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IrEdge } from '../../ir/model';
import { writeJsonAtomicSync } from '../../util/atomic';
import { initHash } from '../../util/hash';
import { buildDeps, type DepsJson } from '../l4-resolve/deps';
import { AtomicLineWriter } from '../../util/line-writer';
import { depsPath, resolvedPath, type L4Line } from '../l4-resolve/run';
import { isNodeLine, projectShards, shardLines, type ProjectOut } from '../l1-structure/stream';
import { l4State, ResolutionCounter, type ResolutionStats } from '../l4-resolve/stats';

export interface RepoMergeOptions {
  projects: readonly ProjectOut[];
  outDir: string;
}

export interface RepoMergeStats {
  projects: number;
  files: number;
  nodes: number;
  edges: number;
  /** Edges L4 completed (including the derived `__init__` calls). */
  edgesResolvedByL4: number;
  crossProjectEdges: number;
  cycles: number;
  resolution: ResolutionStats;
  ms: number;
}

export const repoGraphPath = (outDir: string) => path.join(outDir, 'graph.jsonl');
export const repoDepsPath = (outDir: string) => path.join(outDir, 'deps.json');
export const repoResolutionPath = (outDir: string) => path.join(outDir, 'resolution.json');

type Completed = Extract<L4Line, { dst?: string }>;

function readL4(outDir: string): { byId: Map<string, L4Line>; derived: Map<string, Completed[]> } {
  const byId = new Map<string, L4Line>();
  const derived = new Map<string, Completed[]>();
  let text: string;
  try {
    text = fs.readFileSync(resolvedPath(outDir), 'utf8');
  } catch {
    throw new Error(`codegraph: no L4 output in ${outDir} (run L4 first)`);
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as L4Line;
    if ('of' in r && r.of !== undefined) {
      let list = derived.get(r.of);
      if (!list) derived.set(r.of, (list = []));
      list.push(r);
    } else byId.set(r.id, r);
  }
  return { byId, derived };
}

export async function mergeRepo(o: RepoMergeOptions): Promise<RepoMergeStats> {
  const t0 = performance.now();
  await initHash();
  const out = new AtomicLineWriter(repoGraphPath(o.outDir));
  const stats = { projects: o.projects.length, files: 0, nodes: 0, edges: 0, edgesResolvedByL4: 0, crossProjectEdges: 0 };
  const fileProject = new Map<string, string>();
  const fileDeps = new Map<string, Set<string>>();
  const counter = new ResolutionCounter();
  const fileExternals = new Map<string, Set<string>>();
  try {
    for (const p of o.projects) {
      const deps = JSON.parse(fs.readFileSync(depsPath(p.outDir), 'utf8')) as DepsJson;
      for (const [file, d] of Object.entries(deps.files)) {
        fileProject.set(file, p.name);
        fileDeps.set(file, new Set(d.imports));
        fileExternals.set(file, new Set(d.externals));
      }
    }
    for (const p of o.projects) {
      const { byId, derived } = readL4(p.outDir);
      for (const s of projectShards(p.outDir)) {
        const lines = shardLines(s.shard);
        if (!lines) continue; // L4 reported it as unreadable; the rest of the repo is still merged
        stats.files++;
        counter.beginFile();
        for (const line of lines) {
          if (isNodeLine(line)) {
            out.writeRaw(line);
            counter.node(line);
            stats.nodes++;
            continue;
          }
          const e = JSON.parse(line) as IrEdge;
          const r = byId.get(e.id);
          counter.edge(e, l4State(r)); // the L1 edge as L1 wrote it, before L4's completion is applied
          if (r) {
            if ('unresolved' in r) {
              if (r.external !== undefined) (e.attrs ??= {}).external = r.external;
            } else if (r.dst !== undefined || e.edge === 'IMPORTS') {
              if (r.dst !== undefined) e.dst = r.dst;
              e.target = r.target;
              if (r.was !== undefined) e.edge = r.edge as IrEdge['edge'];
              const attrs = (e.attrs ??= {});
              delete attrs.resolution;
              attrs.via = r.via;
              if (r.file !== undefined) attrs.file = r.file;
              stats.edgesResolvedByL4++;
              if (r.file !== undefined && fileProject.has(r.file) && fileProject.get(r.file) !== p.name) stats.crossProjectEdges++;
            }
          }
          out.write(e);
          stats.edges++;
          for (const d of derived.get(e.id) ?? []) {
            out.write({ edge: d.edge, id: d.id, src: d.src, dst: d.dst, target: d.target, span: e.span, attrs: { via: d.via, ...(d.file ? { file: d.file } : {}) } });
            if (d.file !== undefined && fileProject.get(d.file) !== p.name) stats.crossProjectEdges++;
            stats.edges++;
            stats.edgesResolvedByL4++;
          }
        }
      }
    }
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  const deps = buildDeps('repo', fileDeps, fileExternals, (f) => fileProject.get(f));
  writeJsonAtomicSync(repoDepsPath(o.outDir), deps);
  const resolution = counter.result();
  writeJsonAtomicSync(repoResolutionPath(o.outDir), resolution);
  return { ...stats, cycles: deps.cycles.length, resolution, ms: Math.round(performance.now() - t0) };
}
