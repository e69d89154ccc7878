/**
 * L4's completions applied to a file's L1 edges: the edges of the repo graph, as `codegraph export` writes them.
 * One function for everyone who needs them — the export writes the edges, L4 counts them per file (its manifest's
 * `graph`, summed into the summaries) — so the graph and every count of it cannot drift apart.
 *
 * - An L1 edge L4 completed gets `dst`, `target`, `attrs.via` (and `attrs.file` for another file); a CALLS of a
 *   class becomes INSTANTIATES (`was`).
 * - Edges L4 derived from an L1 edge (lines with `of`: the `__init__` call after an INSTANTIATES) follow that edge.
 * - An edge nobody could resolve keeps `callee`, with `attrs.external` when it names something outside the corpus.
 * - An L1 edge L4 dropped (value flow shows it does not happen) is not in the graph.
 */
import type { EdgeCounts, EdgeKind, IrEdge } from '../../ir/model';
import type { L4Line } from './run';

type Completed = Extract<L4Line, { dst?: string }>;

/** `via` of the lines L3 (Pyright's types) wrote over L4's open ones: their edges say `resolution: "type"`. */
const TYPE = 'type';

/** A file's L4 lines indexed: the line of each L1 edge, and the edges derived from each. */
export interface L4Completions {
  byId: Map<string, L4Line>;
  derived: Map<string, Completed[]>;
  /** Calls Python makes implicitly (value flow), attached to no L1 edge: they come after the file's edges. */
  implicit: Completed[];
}

export function indexL4Lines(lines: Iterable<L4Line>): L4Completions {
  const byId = new Map<string, L4Line>();
  const derived = new Map<string, Completed[]>();
  const implicit: Completed[] = [];
  for (const r of lines) {
    if ('implicit' in r && r.implicit) implicit.push(r);
    else if ('of' in r && r.of !== undefined) {
      let list = derived.get(r.of);
      if (!list) derived.set(r.of, (list = []));
      list.push(r);
    } else byId.set(r.id, r);
  }
  return { byId, derived, implicit };
}

/** Parses a file's raw L4 lines (one JSON object per line, as in `resolved.pack`). */
export function parseL4Lines(lines: readonly string[]): L4Completions {
  const parsed: L4Line[] = [];
  for (const line of lines) if (line) parsed.push(JSON.parse(line) as L4Line);
  return indexL4Lines(parsed);
}

/** One edge of the graph, and whether L4 resolved it (completed or derived). */
export interface GraphEdge {
  edge: IrEdge;
  byL4: boolean;
  /** The file of its destination when L4 resolved it to another file. */
  file?: string;
}

/**
 * The graph edges of one file, in order: each L1 edge (completed when L4 did), then the edges derived from it.
 * The L1 edges are not modified: a completed edge is a copy.
 */
export function* graphEdges(edges: readonly IrEdge[], c: L4Completions): Generator<GraphEdge> {
  for (const e of edges) {
    const r = c.byId.get(e.id);
    // Value flow showed the edge does not happen (and nothing derives from it).
    if (r && 'dropped' in r) continue;
    if (r && 'unresolved' in r) {
      // Outside the corpus; value flow may still name it (`builtins.str.split` for `"a b".split()`).
      const named = r.target !== undefined ? { target: r.target } : {};
      // Named outside the corpus by its type (L3's overlay): says so, like an edge L3 resolved in the corpus.
      const typed = r.via === TYPE ? { via: TYPE, resolution: TYPE } : {};
      yield { edge: r.external !== undefined ? { ...e, ...named, attrs: { ...e.attrs, external: r.external, ...typed } } : e, byL4: false };
    } else if (r && (r.dst !== undefined || e.edge === 'IMPORTS')) {
      const attrs: Record<string, unknown> = { ...e.attrs };
      delete attrs.resolution;
      attrs.via = r.via;
      if (r.via === TYPE) attrs.resolution = TYPE;
      if (r.file !== undefined) attrs.file = r.file;
      const done: IrEdge = { ...e, target: r.target, attrs };
      if (r.dst !== undefined) done.dst = r.dst;
      if (r.was !== undefined) done.edge = r.edge as EdgeKind;
      yield { edge: done, byL4: true, ...(r.file !== undefined ? { file: r.file } : {}) };
    } else yield { edge: e, byL4: false };
    for (const d of c.derived.get(e.id) ?? []) {
      // A derived call outside the corpus (an external decorator applied) is named, not resolved, like an L1 edge to it.
      const external = d.external;
      const edge: IrEdge = {
        edge: d.edge as EdgeKind,
        id: d.id,
        src: d.src,
        ...(external === undefined ? { dst: d.dst } : {}),
        target: d.target,
        span: e.span,
        attrs: { via: d.via, ...(d.via === TYPE ? { resolution: TYPE } : {}), ...(d.file ? { file: d.file } : {}), ...(external !== undefined ? { external } : {}) },
      };
      yield { edge, byL4: external === undefined, ...(d.file !== undefined ? { file: d.file } : {}) };
    }
  }
  for (const d of c.implicit) {
    const edge: IrEdge = {
      edge: d.edge as EdgeKind,
      id: d.id,
      src: d.src,
      dst: d.dst,
      target: d.target,
      span: d.span as IrEdge['span'],
      attrs: { via: d.via, implicit: true, ...(d.file ? { file: d.file } : {}) },
    };
    yield { edge, byL4: true, ...(d.file !== undefined ? { file: d.file } : {}) };
  }
}

/**
 * A graph edge is resolved when it points to a definition (`dst`) or L4 completed it (an import of a namespace
 * package has a target but no node).
 */
export function isResolved(g: GraphEdge): boolean {
  return g.edge.dst !== undefined || g.byL4;
}

/** Graph edges of one file by kind, and how many of each are resolved. */
export interface GraphCounts {
  edges: EdgeCounts;
  resolved: EdgeCounts;
}

export function graphCounts(edges: readonly IrEdge[], c: L4Completions): GraphCounts {
  const out: GraphCounts = { edges: {}, resolved: {} };
  for (const g of graphEdges(edges, c)) countGraphEdge(out, g.edge.edge, isResolved(g));
  return out;
}

/** Counts one graph edge of this kind into `out`. */
export function countGraphEdge(out: GraphCounts, kind: EdgeKind, resolved: boolean): void {
  out.edges[kind] = (out.edges[kind] ?? 0) + 1;
  if (resolved) out.resolved[kind] = (out.resolved[kind] ?? 0) + 1;
}
