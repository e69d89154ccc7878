/**
 * Cross-project incrementality through the real `nx` CLI: an edit in one project re-runs that project's layers,
 * the L4 of the projects importing it and the repo merge — nothing else — and a rename shows up in every
 * cross-project reference of the repo graph.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deserializeSCIP } from '@c4312/scip';
import { codegraph, git, nx, ran, setup } from './support';

interface Rec {
  node?: string;
  edge?: string;
  id: string;
  fqn?: string;
  file?: string;
  src?: string;
  dst?: string;
  target?: string;
  callee?: string;
}

/** The repo graph, exported from the federation as a user would (`codegraph export --format jsonl`). */
function repoGraph(ws: string): Rec[] {
  const file = path.join(path.dirname(ws), 'graph.jsonl');
  codegraph(ws, ['export', '.codegraph/repo', '--format', 'jsonl', '--out', file]);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Rec);
}

/** Resolved edges into a definition, as "KIND <src file> -> <dst fqn>", sorted. */
function referencesTo(graph: Rec[], fqn: string): string[] {
  const nodes = new Map(graph.filter((r) => r.node).map((r) => [r.id, r]));
  const def = graph.find((r) => r.node && r.fqn === fqn);
  if (!def) return [];
  return graph
    .filter((r) => r.edge && r.edge !== 'CONTAINS' && r.dst === def.id)
    .map((r) => `${r.edge} ${nodes.get(r.src!)!.file} -> ${r.target}`)
    .sort();
}

describe('cross-project incrementality', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    ({ ws, env } = setup());
    nx(ws, env, ['run', 'repo:codegraph-index']);
  });

  afterAll(() => fs.rmSync(path.dirname(ws), { recursive: true, force: true }));

  it("solves core's flow summaries once for its two dependents (payments, api: other dependency sets), in a store outside the outputs", () => {
    const deps = ['libs/payments', 'apps/api'].map((p) => {
      const s = JSON.parse(fs.readFileSync(path.join(ws, '.codegraph', 'projects', p, 'l4', 'stats.json'), 'utf8'));
      return s.flow.deps as { units: number; read: number; derived: number };
    });
    const store = path.join(ws, '.nx', 'workspace-data', 'codegraph', 'flow-summaries');
    const entries = fs.readdirSync(store).filter((f) => f.endsWith('.json.br'));
    // payments reaches core (1 unit); api reaches core and payments (2): 3 wanted, 2 distinct, each derived once.
    expect({ units: deps[0]!.units + deps[1]!.units, derived: deps[0]!.derived + deps[1]!.derived, read: deps[0]!.read + deps[1]!.read }).toEqual({ units: 3, derived: 2, read: 1 });
    expect(entries).toHaveLength(2);
    expect(fs.existsSync(path.join(ws, '.codegraph', 'projects', 'apps/api', 'l4', 'flow-summary.pack'))).toBe(false);
  });

  it("an edit in payments re-runs payments' layers, the L4, L7 and L8 of its importers and the repo merge only", () => {
    fs.appendFileSync(path.join(ws, 'libs/payments/src/payments/errors.py'), '\n\nclass RefundError(PaymentError):\n    pass\n');
    const out = nx(ws, env, ['run', 'repo:codegraph-index']);
    const payments = ran(out).filter((t) => t.startsWith('shop-payments:'));
    expect(payments.length).toBeGreaterThanOrEqual(4); // every layer of payments
    expect(ran(out).filter((t) => !t.startsWith('shop-payments:'))).toEqual(['repo:codegraph-index', 'shop-api:codegraph-l4', 'shop-api:codegraph-l7', 'shop-api:codegraph-l8']);
  });

  it('a rename updates every cross-project reference in the repo graph', () => {
    const before = referencesTo(repoGraph(ws), 'core.money.format_money');
    expect(before).toEqual([
      'CALLS apps/api/api/app.py -> core.money.format_money',
      'CALLS libs/payments/src/payments/gateway.py -> core.money.format_money',
      'IMPORTS apps/api/api/app.py -> core.money.format_money',
      'IMPORTS libs/core/core/__init__.py -> core.money.format_money',
      'IMPORTS libs/payments/src/payments/gateway.py -> core.money.format_money',
    ]);
    for (const f of ['libs/core/core/money.py', 'libs/core/core/__init__.py', 'libs/payments/src/payments/gateway.py', 'apps/api/api/app.py']) {
      const p = path.join(ws, f);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replaceAll('format_money', 'render_money'));
    }
    git(ws, ['commit', '-qam', 'rename format_money']);
    nx(ws, env, ['run', 'repo:codegraph-index']);
    const graph = repoGraph(ws);
    expect(graph.some((r) => r.target?.includes('format_money') || r.fqn?.includes('format_money'))).toBe(false);
    expect(referencesTo(graph, 'core.money.render_money')).toEqual(before.map((l) => l.replace('format_money', 'render_money')));
    // The repo's index.scip: every file using the function refers to the very symbol its definition has.
    const scipFile = path.join(path.dirname(ws), 'index.scip');
    codegraph(ws, ['export', '.codegraph/repo', '--format', 'scip', '--out', scipFile]);
    const scip = deserializeSCIP(fs.readFileSync(scipFile));
    const sym = 'scip-python python shop-core 0.1.0 `core.money`/render_money().';
    const uses = scip.documents
      .filter((d) => d.occurrences.some((o) => o.symbol === sym))
      .map((d) => `${d.relativePath}${d.occurrences.some((o) => o.symbol === sym && o.symbolRoles & 1) ? ' (definition)' : ''}`)
      .sort();
    expect(uses).toEqual([
      'apps/api/api/app.py',
      'libs/core/core/__init__.py',
      'libs/core/core/money.py (definition)',
      'libs/payments/src/payments/gateway.py',
    ]);
    expect(scip.documents.some((d) => d.occurrences.some((o) => o.symbol.includes('format_money')))).toBe(false);
  });
});

describe('projects that import each other', () => {
  it('index without a task cycle (and with a non-Python dependency); the import cycle across projects is reported; an edit re-runs the L4 of every project depending on it, transitively', () => {
    const { ws, env } = setup({
      'a/pyproject.toml': '[project]\nname = "a"\nversion = "1.0"\n',
      'a/a/__init__.py': '',
      'a/a/mod.py': 'from b.mod import g\n\ndef f():\n    return g()\n',
      'b/pyproject.toml': '[project]\nname = "b"\nversion = "1.0"\n',
      'b/b/__init__.py': '',
      'b/b/mod.py': 'from a.mod import f\nfrom c.util import k\n\ndef g():\n    return k()\n\ndef h():\n    return f()\n',
      'c/pyproject.toml': '[project]\nname = "c"\nversion = "1.0"\n',
      'c/c/__init__.py': '',
      'c/c/util.py': 'def k():\n    return 2\n',
      // A project of another language that a Python project depends on: it knows nothing of codegraph.
      'web/project.json': '{ "name": "web", "targets": {} }',
      'a/project.json': '{ "name": "a", "implicitDependencies": ["web"] }',
    });
    try {
      nx(ws, env, ['run', 'repo:codegraph-index']);
      const deps = JSON.parse(fs.readFileSync(path.join(ws, '.codegraph', 'repo', 'deps.json'), 'utf8'));
      expect(deps.cycles).toEqual([['a/a/mod.py', 'b/b/mod.py']]);
      expect(deps.order.indexOf('c/c/util.py')).toBeLessThan(deps.order.indexOf('b/b/mod.py'));
      const g = repoGraph(ws).find((r) => r.edge === 'CALLS' && r.callee === 'k');
      expect(g?.target).toBe('c.util.k');
      // a does not import c, but b (which a imports) does: a's L4 depends on c too.
      fs.appendFileSync(path.join(ws, 'c/c/util.py'), '\ndef k2():\n    return 3\n');
      const out = nx(ws, env, ['run', 'repo:codegraph-index']);
      expect(ran(out).filter((t) => !t.startsWith('c:'))).toEqual(['a:codegraph-l4', 'a:codegraph-l7', 'a:codegraph-l8', 'b:codegraph-l4', 'b:codegraph-l7', 'b:codegraph-l8', 'repo:codegraph-index']);
    } finally {
      fs.rmSync(path.dirname(ws), { recursive: true, force: true });
    }
  });
});
