/**
 * Team workflow end to end: the codegraph cache server on loopback, two separate clones of one workspace (each with
 * its own local Nx cache), clone A indexing and uploading with a read-write token, clone B restoring everything from
 * the remote cache with a read-only token, then affected-only indexing after a commit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCacheServer } from '@codegraph/cache-server';
import { ALL_TASKS, git, nxAsync as nx, nxEnv, PROJECT_TARGETS, repoRoot, tasks } from './support';

const RW = 'rw-e2e-secret';
const RO = 'ro-e2e-secret';

function cloneEnv(base: string, name: string, url: string, token: string): NodeJS.ProcessEnv {
  return nxEnv(base, name, { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token });
}

/** Every file under .codegraph, path → content, for comparing two clones' outputs. */
function outputs(ws: string): Record<string, string> {
  const root = path.join(ws, '.codegraph');
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(root, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

describe('remote cache shared by two clones', () => {
  let base: string;
  let server: Awaited<ReturnType<typeof createCacheServer>>;
  let url: string;

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-remote-'));
    server = createCacheServer({
      storageDir: path.join(base, 'store'),
      tokens: [
        { token: RW, role: 'read-write' },
        { token: RO, role: 'read-only' },
      ],
      host: '127.0.0.1',
      port: 0,
      quiet: true,
    });
    await server.listen();
    url = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('clone B gets every task from the cache clone A uploaded, then runs only what a commit affects', async () => {
    const a = path.join(base, 'a');
    fs.cpSync(path.join(repoRoot, 'examples', 'shop'), a, {
      recursive: true,
      filter: (src) => !/[/\\](\.codegraph|\.nx|node_modules)([/\\]|$)/.test(src),
    });
    git(a, ['init', '-q', '-b', 'main']);
    git(a, ['add', '-A']);
    git(a, ['commit', '-qm', 'initial']);
    const b = path.join(base, 'b');
    git(base, ['clone', '-q', a, b]);
    for (const ws of [a, b]) fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(ws, 'node_modules'), 'dir');
    const envA = cloneEnv(base, 'a', url, RW);
    const envB = cloneEnv(base, 'b', url, RO);

    const runA = tasks(await nx(a, envA, ['run', 'repo:codegraph-index']));
    expect(runA).toHaveLength(ALL_TASKS);
    expect(runA.every((t) => t.from === 'run')).toBe(true);

    const outB = await nx(b, envB, ['run', 'repo:codegraph-index']);
    const runB = tasks(outB);
    expect(runB).toHaveLength(ALL_TASKS);
    expect(runB.filter((t) => t.from !== 'remote')).toEqual([]);
    expect(outB).toMatch(/codegraph: repo — 3 projects, 10 files/);
    expect(outputs(b)).toEqual(outputs(a));

    // A commit in clone A touching only payments; B pulls it and indexes what it affects.
    fs.appendFileSync(path.join(a, 'libs/payments/src/payments/errors.py'), '\n\nclass RefundError(PaymentError):\n    pass\n');
    git(a, ['commit', '-qam', 'add RefundError']);
    git(b, ['pull', '-q', '--ff-only']);
    const affectedProjects = (await nx(b, envB, ['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD'])).split(/\s+/).filter(Boolean).sort();
    // payments changed; api imports it; the repo index merges every project.
    expect(affectedProjects).toEqual(['repo', 'shop-api', 'shop-payments']);
    const affected = tasks(await nx(b, envB, ['affected', '-t', 'codegraph-index', '--base=HEAD~1', '--head=HEAD']));
    // Only what the commit changed is computed: payments' layers, the L4 of api (which imports payments) and its
    // L7 and L8, and the repo merge. api's other layers did not change and core is only pulled in by the repo target: both
    // come from the cache.
    expect(affected.filter((t) => t.from === 'run').map((t) => t.task).sort()).toEqual(
      ['repo:codegraph-index', 'shop-api:codegraph-l4', 'shop-api:codegraph-l7', 'shop-api:codegraph-l8', ...PROJECT_TARGETS.map((t) => `shop-payments:${t}`)].sort(),
    );
    expect(affected.filter((t) => t.task.startsWith('shop-api:')).length).toBeGreaterThan(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(b, '.codegraph/projects/libs/payments/l1/manifest.json'), 'utf8'));
    expect(manifest.stats).toMatchObject({ processed: 1, reused: 2 });
  }, 600_000);
});
