/**
 * Installability: what `npm pack` produces installs into a fresh Nx workspace with no sibling checkout.
 *
 * A local registry (verdaccio, on 127.0.0.1, temp storage, no uplinks) receives `npm publish` of the engine, the
 * query package (the plugin's L7 target runs it) and the plugin tarballs. A fresh workspace maps only the `@codegraph` scope to it (`.npmrc`), so our packages can come from
 * nowhere else, while nx and the engine's own dependencies install from the ordinary registry (nx from npm's cache:
 * proxying them through verdaccio measured slower and adds nothing to what is proven). Then `nx add @codegraph/nx`
 * (install + the init generator) and `nx run repo:codegraph-index` must succeed, L7 included, and the installed
 * `codegraph-query` must answer from it. The query package's `better-sqlite3` compiles at install where no prebuilt
 * binary can be fetched (README), which is most of this test's time.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { nxEnv, repoRoot } from './support';

const run = promisify(execFile);
const TIMEOUT = 600_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited (${child.exitCode}):\n${fs.readFileSync(log, 'utf8')}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`verdaccio did not answer in 60 s:\n${fs.readFileSync(log, 'utf8')}`);
}

async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 420_000 }); // installing compiles better-sqlite3
    return stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

describe('install from a registry (npm pack → publish → nx add)', () => {
  let base: string;
  let registry: ChildProcess | undefined;

  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-install-'));
  });

  afterAll(async () => {
    if (registry && registry.exitCode === null) {
      const exited = new Promise((r) => registry!.once('exit', r));
      registry.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (registry.exitCode === null) registry.kill('SIGKILL');
    }
    fs.rmSync(base, { recursive: true, force: true });
  });

  it(
    'publishes engine, query and plugin, installs them into a fresh Nx 24 workspace, indexes it and queries it',
    async () => {
      // --- the registry
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      const config = path.join(base, 'verdaccio.yaml');
      fs.writeFileSync(
        config,
        [
          `storage: ${JSON.stringify(path.join(base, 'storage'))}`,
          'auth:',
          `  htpasswd: { file: ${JSON.stringify(path.join(base, 'htpasswd'))}, max_users: 1 }`,
          'uplinks: {}',
          'packages:',
          "  '@codegraph/*': { access: $all, publish: $authenticated }",
          'log: { type: stdout, format: pretty, level: warn }',
          '',
        ].join('\n'),
      );
      const log = path.join(base, 'verdaccio.log');
      const out = fs.openSync(log, 'w');
      const bin = path.join(repoRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
      registry = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', out, out] });
      fs.closeSync(out);
      await waitForPing(url, registry, log);
      const user = await fetch(`${url}-/user/org.couchdb.user:e2e`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'e2e', password: 'e2e-password' }),
      });
      expect(user.status).toBe(201);
      const { token } = (await user.json()) as { token: string };

      // --- pack and publish exactly what a release would
      // `npm test` passes its own config (prefix, registry, …) down as npm_* variables: none may reach the fresh workspace.
      const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
      Object.assign(env, { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' });
      const userconfig = path.join(base, 'publish.npmrc');
      fs.writeFileSync(userconfig, `//127.0.0.1:${port}/:_authToken=${token}\n`);
      const packDir = path.join(base, 'pack');
      fs.mkdirSync(packDir);
      const packed = JSON.parse(
        await run('npm', ['pack', '--json', '-w', 'packages/engine', '-w', 'packages/query', '-w', 'packages/nx-plugin', '--pack-destination', packDir], {
          cwd: repoRoot,
          env,
          encoding: 'utf8',
        }).then((r) => r.stdout),
      ) as { name: string; filename: string; integrity: string; files: { path: string }[] }[];
      const files = (name: string) => packed.find((p) => p.name === name)!.files.map((f) => f.path);
      expect(files('@codegraph/engine')).toEqual(expect.arrayContaining(['README.md', 'bin/codegraph.js', 'dist/index.js', 'dist/cli/main.js', 'package.json']));
      expect(files('@codegraph/query')).toEqual(expect.arrayContaining(['README.md', 'bin/codegraph-query.js', 'dist/index.js', 'dist/l7/build.js', 'package.json']));
      expect(files('@codegraph/nx')).toEqual(
        expect.arrayContaining(['README.md', 'executors.json', 'generators.json', 'plugin.js', 'dist/index.js', 'src/generators/init/schema.json']),
      );
      for (const p of packed) for (const f of p.files) expect(f.path).not.toMatch(/tsbuildinfo|\.test\.|^test\//);
      for (const p of packed) {
        await sh('npm', ['publish', `./${p.filename}`, '--registry', url], packDir, { ...env, npm_config_userconfig: userconfig });
      }

      // --- a fresh workspace that knows nothing of this checkout
      const ws = path.join(base, 'ws');
      for (const lib of ['core', 'payments']) {
        fs.cpSync(path.join(repoRoot, 'examples', 'shop', 'libs', lib), path.join(ws, 'libs', lib), {
          recursive: true,
          filter: (src) => !/[/\\]\.codegraph([/\\]|$)/.test(src),
        });
      }
      fs.writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: 'fresh', private: true, devDependencies: { nx: '24.0.0' } }, null, 2));
      // Deliberately unusual formatting: init must edit this file minimally.
      const nxJsonBefore = '{\n    "$schema": "./node_modules/nx/schemas/nx-schema.json",\n    // the trunk\n    "defaultBase": "main"\n}\n';
      fs.writeFileSync(path.join(ws, 'nx.json'), nxJsonBefore);
      fs.writeFileSync(path.join(ws, '.gitignore'), 'node_modules\n.nx\n');
      fs.writeFileSync(path.join(ws, '.npmrc'), `@codegraph:registry=${url}\n`);
      // The machine's own npm config (proxy, CA) applies as for any user; only the publish token stays out.
      const wsEnv: NodeJS.ProcessEnv = { ...env, ...nxEnv(base, 'fresh') };
      for (const k of Object.keys(wsEnv)) if (/^npm_/i.test(k) && !(k in env)) delete wsEnv[k];
      // nx itself comes from npm's cache when it is there (it is after the checkout's own install).
      await sh('npm', ['install', '--prefer-offline'], ws, wsEnv);
      const git = (args: string[]) => sh('git', ['-c', 'user.email=e2e@codegraph.local', '-c', 'user.name=e2e', ...args], ws, wsEnv);
      await git(['init', '-q', '-b', 'main']);
      await git(['add', '-A']);
      await git(['commit', '-qm', 'fresh workspace']);

      // A cache of its own: the tarballs are 0.1.0 on every run, so a shared cache could serve an older build.
      const addOut = await sh(path.join(ws, 'node_modules', '.bin', 'nx'), ['add', '@codegraph/nx'], ws, {
        ...wsEnv,
        npm_config_cache: path.join(base, 'npm-cache'),
      });
      expect(addOut).toMatch(/Package @codegraph\/nx added successfully/);
      expect(addOut).toMatch(/nx run repo:codegraph-index/); // init prints the next command

      // What was installed is exactly what was packed here (npm may omit `resolved` from the lockfile; the
      // integrity says more anyway).
      const lock = JSON.parse(fs.readFileSync(path.join(ws, 'package-lock.json'), 'utf8')) as { packages: Record<string, { integrity?: string; link?: boolean }> };
      for (const p of packed) {
        const entry = lock.packages[`node_modules/${p.name}`]!;
        expect(entry.link).toBeUndefined();
        expect(entry.integrity).toBe(p.integrity);
      }
      expect(fs.lstatSync(path.join(ws, 'node_modules', '@codegraph', 'engine')).isSymbolicLink()).toBe(false);

      // init edited nx.json in place: the comment and four-space indent survive, the plugin is added.
      const nxJson = fs.readFileSync(path.join(ws, 'nx.json'), 'utf8');
      expect(nxJson).toContain('\n    // the trunk\n    "defaultBase": "main",\n');
      expect(nxJson).toMatch(/\n {4}"plugins": \[\n {8}\{\n {12}"plugin": "@codegraph\/nx"/);
      expect(fs.readFileSync(path.join(ws, '.gitignore'), 'utf8')).toContain('/.codegraph\n');

      const nxOut = await sh(path.join(ws, 'node_modules', '.bin', 'nx'), ['run', 'repo:codegraph-index'], ws, wsEnv);
      expect(nxOut).toMatch(/Successfully ran target codegraph-index for project repo/);
      const summary = JSON.parse(fs.readFileSync(path.join(ws, '.codegraph', 'repo', 'summary.json'), 'utf8')) as { projects: number; files: number };
      expect(summary).toMatchObject({ projects: 2, files: 6 });
      expect(nxOut).toMatch(/nx run shop-payments:codegraph-l7/);
      expect(fs.existsSync(path.join(ws, '.codegraph', 'projects', 'libs', 'payments', 'l7', 'index.sqlite'))).toBe(true);
      const callers = await sh(path.join(ws, 'node_modules', '.bin', 'codegraph-query'), ['callers', 'format_money'], path.join(ws, 'libs'), wsEnv);
      expect(callers).toBe('1 callers of core.money.format_money\n  payments.gateway.Gateway.pay  (libs/payments/src/payments/gateway.py:32, shop-payments)\n');

      // The installed CLI works and points to nothing missing from the tarball.
      const cli = path.join(ws, 'node_modules', '.bin', 'codegraph');
      expect((await sh(cli, ['--version'], ws, wsEnv)).trim()).toBe('0.1.0');
      const help = await sh(cli, ['index', '--help'], ws, wsEnv);
      const docs = help.match(/\/\S+\.md\b/g) ?? [];
      expect(docs).toEqual([fs.realpathSync(path.join(ws, 'node_modules', '@codegraph', 'engine', 'README.md'))]);
      for (const doc of docs) expect(fs.existsSync(doc)).toBe(true);
    },
    TIMEOUT,
  );
});
