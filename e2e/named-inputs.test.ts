/**
 * The workspace's `production` named input through the real `nx` CLI: a test file it excludes is neither hashed nor
 * indexed — editing it re-runs nothing, and it is in no layer's output — while an edit to an indexed file of the same
 * project still re-runs that project's layers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { git, nx, ran, setup } from './support';

const TEST_FILE = 'apps/api/tests/test_app.py';

describe('namedInputs (production) exclusions', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;
  let first: string;

  beforeAll(() => {
    ({ ws, env } = setup());
    const nxJson = JSON.parse(fs.readFileSync(path.join(ws, 'nx.json'), 'utf8'));
    nxJson.namedInputs = { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/**/test_*.py'] };
    fs.writeFileSync(path.join(ws, 'nx.json'), JSON.stringify(nxJson, null, 2));
    git(ws, ['commit', '-qam', 'production named input']);
    first = nx(ws, env, ['run', 'repo:codegraph-index']);
  });

  afterAll(() => fs.rmSync(path.dirname(ws), { recursive: true, force: true }));

  it('leaves the excluded test file out of the index', () => {
    expect(fs.existsSync(path.join(ws, TEST_FILE))).toBe(true);
    const out = path.join(ws, '.codegraph', 'projects', 'apps', 'api');
    const inventory = JSON.parse(fs.readFileSync(path.join(out, 'l0', 'inventory.json'), 'utf8'));
    expect(inventory.files.map((f: { path: string }) => f.path).sort()).toEqual(['apps/api/api/__init__.py', 'apps/api/api/app.py', 'apps/api/api/router.py']);
    expect(inventory.skipped).toContainEqual({ path: TEST_FILE, reason: 'excluded-file' });
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'l1', 'manifest.json'), 'utf8')).files)).not.toContain(TEST_FILE);
    // Its pytest import is gone with it: L9 no longer reports pytest as imported but undeclared.
    expect(first).toMatch(/codegraph: repo/);
    expect(first).not.toMatch(/undeclared: pytest/);
  });

  it('an edit to the excluded file re-runs no task; an edit to an indexed file of the same project does', () => {
    fs.appendFileSync(path.join(ws, TEST_FILE), '\n\ndef test_more():\n    assert True\n');
    expect(ran(nx(ws, env, ['run', 'repo:codegraph-index']))).toEqual([]);
    fs.appendFileSync(path.join(ws, 'apps/api/api/router.py'), '\n\ndef extra():\n    return 1\n');
    expect(ran(nx(ws, env, ['run', 'repo:codegraph-index']))).toEqual(expect.arrayContaining(['shop-api:codegraph-l0', 'shop-api:codegraph-l1']));
  });
});
