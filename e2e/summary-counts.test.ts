/**
 * Honest summaries through the real `nx` CLI on the bundled example: every count of the same thing agrees across
 * the project and repo `summary.json`, the exported graph (`codegraph export --format jsonl`), each project's
 * `l4/stats.json` and `repo/resolution.json` — the graph's numbers recomputed here from its records, not read from
 * any stats — and, after a one-file edit, the repo summary reports what produced each project's outputs instead of
 * adding every project's old run up as if it were this one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { nx, ran, setup } from './support';

interface Rec {
  node?: string;
  edge?: string;
  id: string;
  file?: string;
  src?: string;
  dst?: string;
  span?: number[];
  attrs?: Record<string, unknown>;
}

interface Rate {
  total: number;
  resolved: number;
}
interface Resolution {
  files: number;
  calls: Rate;
  references: Rate;
}
interface LayerRun {
  layer: string;
  files: number;
  processed: number;
  reused: number;
}
interface Totals {
  files: number;
  nodes: number;
  edges: number;
  edgesByKind: Record<string, number>;
  resolvedByKind: Record<string, number>;
  edgesFrom: string;
  resolution: Resolution;
}
interface RepoSummary extends Totals {
  layers?: unknown;
  perProject: Array<{ name: string; lastRun: LayerRun[] }>;
}
interface L4Stats {
  imports: number;
  importsResolved: number;
  resolution: Resolution;
}

const PROJECTS = { 'shop-api': 'apps/api', 'shop-core': 'libs/core', 'shop-payments': 'libs/payments' } as const;

/** The graph's own counts: edges and resolved edges by kind, call sites and references (as docs/ir.md defines them). */
function graphCounts(records: Rec[]) {
  const edges: Record<string, number> = {};
  const resolved: Record<string, number> = {};
  const imports = new Set(records.filter((r) => r.node === 'Import').map((r) => r.id));
  const sites = new Map<string, boolean>();
  const refs = { total: 0, resolved: 0 };
  for (const r of records) {
    if (!r.edge) continue;
    edges[r.edge] = (edges[r.edge] ?? 0) + 1;
    // Resolved: points to a definition, or L4 completed it (an import of a namespace package has no node); an
    // application of a decorator from outside the corpus (`@x.setter`) is named by L4 but external, not resolved.
    if (r.dst !== undefined || (r.attrs?.via !== undefined && r.attrs?.external === undefined)) resolved[r.edge] = (resolved[r.edge] ?? 0) + 1;
    if (r.edge === 'CALLS' || r.edge === 'INSTANTIATES') {
      // One call expression may carry several edges (INSTANTIATES + the CALLS of `__init__`): a site is its span.
      const key = `${r.src}\0${r.span ? r.span.join(',') : r.id}`;
      sites.set(key, (sites.get(key) ?? false) || r.dst !== undefined);
    } else if (r.edge === 'READS') {
      refs.total++;
      if (r.dst !== undefined && !imports.has(r.dst)) refs.resolved++;
    }
  }
  const calls = { total: sites.size, resolved: [...sites.values()].filter(Boolean).length };
  return { edges, resolved, calls, refs, nodes: records.filter((r) => r.node).length, edgeCount: records.filter((r) => r.edge).length };
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const sumOf = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

function exportGraph(ws: string): { records: Rec[]; stats: { edges: number; nodes: number } } {
  const out = path.join(path.dirname(ws), 'graph.jsonl');
  const run = spawnSync(process.execPath, [path.join(ws, 'node_modules/@codegraph/engine/bin/codegraph.js'), 'export', '.codegraph/repo', '--format', 'jsonl', '--out', out], {
    cwd: ws,
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  const records = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);
  // `codegraph export: <out> {stats}` on stderr.
  return { records, stats: JSON.parse(run.stderr.slice(run.stderr.indexOf('{'))) };
}

/** Asserts that every output counts the index the way the exported graph does. */
function expectCountsAgree(ws: string): void {
  const out = path.join(ws, '.codegraph');
  const { records, stats } = exportGraph(ws);
  const g = graphCounts(records);
  const repo = readJson<RepoSummary>(path.join(out, 'repo', 'summary.json'));
  const resolution = readJson<Resolution>(path.join(out, 'repo', 'resolution.json'));

  expect(g.edges.CALLS).toBeGreaterThan(0);
  expect(g.edges.INSTANTIATES).toBeGreaterThan(0);
  expect(g.edges.IMPORTS).toBeGreaterThan(0);
  expect(repo.edgesFrom).toBe('graph');
  expect(repo.edgesByKind).toEqual(g.edges);
  expect(repo.resolvedByKind).toEqual(g.resolved);
  expect([repo.edges, repo.nodes]).toEqual([g.edgeCount, g.nodes]);
  expect([stats.edges, stats.nodes]).toEqual([g.edgeCount, g.nodes]);
  // Call sites and references: the graph, repo/resolution.json and the repo summary.
  for (const r of [resolution, repo.resolution]) {
    expect({ calls: [r.calls.total, r.calls.resolved], refs: [r.references.total, r.references.resolved] }).toEqual({
      calls: [g.calls.total, g.calls.resolved],
      refs: [g.refs.total, g.refs.resolved],
    });
  }

  // Per project: its summary, its l4/stats.json and its part of the graph.
  const fileNodes = records.filter((r) => r.node === 'File');
  let imports = 0;
  let importsResolved = 0;
  for (const [name, root] of Object.entries(PROJECTS)) {
    const dir = path.join(out, 'projects', root);
    const summary = readJson<Totals>(path.join(dir, 'summary.json'));
    const l4 = readJson<L4Stats>(path.join(dir, 'l4', 'stats.json'));
    const files = new Set(fileNodes.filter((f) => f.file!.startsWith(`${root}/`)).map((f) => f.file));
    const ids = new Set(records.filter((r) => r.node && files.has(r.file)).map((r) => r.id));
    const own = graphCounts(records.filter((r) => (r.node ? ids.has(r.id) : ids.has(r.src!))));
    expect({ name, edges: summary.edgesByKind, resolved: summary.resolvedByKind }).toEqual({ name, edges: own.edges, resolved: own.resolved });
    expect(summary.resolution).toEqual(l4.resolution);
    expect([l4.resolution.calls.total, l4.resolution.calls.resolved]).toEqual([own.calls.total, own.calls.resolved]);
    expect([l4.imports, l4.importsResolved]).toEqual([own.edges.IMPORTS, own.resolved.IMPORTS]);
    imports += l4.imports;
    importsResolved += l4.importsResolved;
  }
  expect([imports, importsResolved]).toEqual([g.edges.IMPORTS, g.resolved.IMPORTS]);
}

describe('summaries', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    ({ ws, env } = setup());
    nx(ws, env, ['run', 'repo:codegraph-index']);
  });

  afterAll(() => fs.rmSync(path.dirname(ws), { recursive: true, force: true }));

  it('count CALLS, INSTANTIATES, IMPORTS and what resolves as the exported graph, l4/stats.json and resolution.json do', () => {
    expectCountsAgree(ws);
  });

  it("after a one-file edit, the repo summary gives each project's last run as it was, and the counts still agree", () => {
    fs.appendFileSync(path.join(ws, 'libs/core/core/money.py'), '\n\ndef extra(m):\n    return format_money(m)\n');
    const output = nx(ws, env, ['run', 'repo:codegraph-index', '--output-style=static']);
    expect(ran(output)).toContain('shop-core:codegraph-l1');
    expect(ran(output)).not.toContain('shop-payments:codegraph-l1');
    const repo = readJson<RepoSummary>(path.join(ws, '.codegraph', 'repo', 'summary.json'));
    // No sum of layer runs across projects (that said "l1: 8 parsed" after a one-file edit).
    expect(repo.layers).toBeUndefined();
    const l1 = (name: string) => repo.perProject.find((p) => p.name === name)!.lastRun.find((l) => l.layer === 'l1')!;
    expect(l1('shop-core')).toMatchObject({ processed: 1, reused: 2 });
    // Restored from the cache: the run that produced payments' L1 was the first one, and it says so.
    expect(l1('shop-payments')).toMatchObject({ processed: 3, reused: 0 });
    expect(output).toMatch(/last run of each layer \(the run that produced its outputs, maybe restored from the cache\)/);
    expect(output).toMatch(/- shop-core: .*l1 1 parsed, 2 reused/);
    expectCountsAgree(ws);
  });
});
