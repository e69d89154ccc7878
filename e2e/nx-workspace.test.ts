/**
 * End to end: a real Nx workspace (a copy of examples/shop in a temp dir, its own git repo and its own Nx cache)
 * with the @codegraph/nx plugin, driven through the real `nx` CLI.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_TASKS, codegraph, git, nx, PROJECT_TARGETS, ran, setup, tasks } from './support';

function manifest(ws: string, projectRoot: string): { stats: { processed: number; reused: number; files: number } } {
  return JSON.parse(fs.readFileSync(path.join(ws, '.codegraph', 'projects', projectRoot, 'l1', 'manifest.json'), 'utf8'));
}

describe('codegraph in a real Nx workspace', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    ({ ws, env } = setup());
  });

  afterAll(() => {
    fs.rmSync(path.dirname(ws), { recursive: true, force: true });
  });

  it('infers one project per Python package directory plus the repo project', () => {
    const projects = nx(ws, env, ['show', 'projects', '--json']);
    expect(JSON.parse(projects).sort()).toEqual(['repo', 'shop-api', 'shop-core', 'shop-payments']);
    const core = JSON.parse(nx(ws, env, ['show', 'project', 'shop-core', '--json']));
    expect(Object.keys(core.targets).sort()).toEqual(PROJECT_TARGETS);
    expect(core.targets['codegraph-l1'].cache).toBe(true);
    expect(core.targets['codegraph-l1'].dependsOn).toEqual(['codegraph-l0']);
    expect(core.targets['codegraph-l1'].outputs).toEqual(['{workspaceRoot}/.codegraph/projects/{projectRoot}/l1']);
    expect(core.targets['codegraph-l1'].metadata.description).toMatch(/L1/);
  });

  it('derives the project graph from Python imports and declared dependencies', () => {
    const graphFile = path.join(path.dirname(ws), 'graph.json');
    nx(ws, env, ['graph', `--file=${graphFile}`]);
    const deps = JSON.parse(fs.readFileSync(graphFile, 'utf8')).graph.dependencies as Record<string, { target: string }[]>;
    const targets = (p: string) => [...new Set(deps[p]!.map((d) => d.target))].sort();
    expect(targets('shop-api')).toEqual(['shop-core', 'shop-payments']);
    expect(targets('shop-payments')).toEqual(['shop-core']);
    expect(targets('shop-core')).toEqual([]);
  });

  it('indexes the workspace, then serves a rerun entirely from cache, then re-runs only what an edit touches', () => {
    const first = nx(ws, env, ['run', 'repo:codegraph-index']);
    expect(first).toMatch(/codegraph: repo — 3 projects, 10 files/);
    const firstTasks = tasks(first);
    expect(firstTasks).toHaveLength(ALL_TASKS);
    expect(firstTasks.every((t) => !t.cached)).toBe(true);
    expect(manifest(ws, 'libs/payments').stats).toMatchObject({ files: 3, processed: 3, reused: 0 });
    // L9: api declares both workspace libraries and imports them by their module names; pytest is used by its
    // tests without being declared.
    const l9 = JSON.parse(fs.readFileSync(path.join(ws, '.codegraph/projects/apps/api/l9/packages.json'), 'utf8'));
    expect(l9.mapping).toEqual([
      { dist: 'shop-core', imports: ['core'], rule: 'workspace' },
      { dist: 'shop-payments', imports: ['payments'], rule: 'workspace' },
    ]);
    expect(l9.undeclared).toEqual([{ name: 'pytest', files: ['apps/api/tests/test_app.py'], testOnly: true, candidates: ['pytest'] }]);
    expect(l9.unused).toEqual([]);
    // L8: the same finding as a diagnostic at the import, in the project's SARIF and the repo-wide one (paths
    // relative to the workspace root); `codegraph check` reads the federation and fails on it (a warning).
    const sarif = JSON.parse(fs.readFileSync(path.join(ws, '.codegraph/repo/codegraph.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results as Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: object } }> }>;
    expect(results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri])).toEqual([['undeclared-dependency', 'apps/api/tests/test_app.py']]);
    expect(results[0]!.locations[0]!.physicalLocation.region).toEqual({ startLine: 1, startColumn: 8, endLine: 1, endColumn: 14 });
    expect(fs.existsSync(path.join(ws, '.codegraph/projects/apps/api/l8/codegraph.sarif'))).toBe(true);
    const bin = path.join(ws, 'node_modules', '@codegraph', 'engine', 'bin', 'codegraph.js');
    const check = spawnSync(process.execPath, [bin, 'check'], { cwd: ws, encoding: 'utf8' });
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('apps/api/tests/test_app.py:1:8: warning [undeclared-dependency] "pytest"');
    expect(spawnSync(process.execPath, [bin, 'check', '--fail-on', 'error'], { cwd: ws }).status).toBe(0);

    const second = tasks(nx(ws, env, ['run', 'repo:codegraph-index']));
    expect(second).toHaveLength(ALL_TASKS);
    expect(second.filter((t) => !t.cached)).toEqual([]);

    // Edit one file of one project: only that project's tasks, the L4 of the project importing it and the repo
    // aggregate run, and only the edited file is parsed again.
    const errorsPy = path.join(ws, 'libs/payments/src/payments/errors.py');
    fs.appendFileSync(errorsPy, '\n\nclass RefundError(PaymentError):\n    pass\n');
    const third = nx(ws, env, ['run', 'repo:codegraph-index']);
    // shop-api's L7 and L8 too: its L4 output changed (payments' interface did).
    expect(ran(third)).toEqual(['repo:codegraph-index', 'shop-api:codegraph-l4', 'shop-api:codegraph-l7', 'shop-api:codegraph-l8', ...PROJECT_TARGETS.map((t) => `shop-payments:${t}`)]);
    expect(manifest(ws, 'libs/payments').stats).toMatchObject({ files: 3, processed: 1, reused: 2 });
    // The edited file's IR, read back through `codegraph dump` (the documented JSON lines).
    const shard = codegraph(ws, ['dump', '.codegraph/projects/libs/payments', '--layer', 'l1', '--file', 'libs/payments/src/payments/errors.py']);
    expect(shard).toContain('"fqn":"payments.errors.RefundError"');
    // A project's layer outputs are a handful of files, not one per source file.
    expect(fs.readdirSync(path.join(ws, '.codegraph/projects/libs/payments/l1')).sort()).toEqual(['facts.pack', 'ir.pack', 'manifest.json']);
    expect(third).toMatch(/codegraph: repo — 3 projects, 10 files/);
  });

  it('reports affected projects from git history', () => {
    git(ws, ['add', '-A']);
    git(ws, ['commit', '-qm', 'add RefundError']);
    const corePy = path.join(ws, 'libs/core/core/money.py');
    fs.appendFileSync(corePy, '\n\ndef cents(m: Money) -> int:\n    return m.cents\n');
    git(ws, ['add', '-A']);
    git(ws, ['commit', '-qm', 'add cents helper']);
    // A change in core affects core and every project that imports it...
    const affected = JSON.parse(nx(ws, env, ['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD', '--json']));
    expect(affected.filter((p: string) => p !== 'repo').sort()).toEqual(['shop-api', 'shop-core', 'shop-payments']);
    // ...a change in payments affects payments and the api that imports it, not core.
    const previous = JSON.parse(nx(ws, env, ['show', 'projects', '--affected', '--base=HEAD~2', '--head=HEAD~1', '--json']));
    expect(previous.filter((p: string) => p !== 'repo').sort()).toEqual(['shop-api', 'shop-payments']);
  });
});
