/**
 * Hostile trees on disk (issue 9): symlinks out of the root, aliases, bad file names, excludes, leftovers from
 * killed runs, mtime-preserving edits, and a worker killed by one file's memory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FilePool, initHash, runL0, runL1, runL4, type FileTask } from '@codegraph/engine';

beforeAll(initHash);

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cg-hostile-'));
}

function allText(dir: string): string {
  let out = '';
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out += fs.readFileSync(path.join(e.parentPath, e.name), 'latin1');
  }
  return out;
}

describe('confinement', () => {
  it('never reads through a symlink that leaves the root, and says so in L0 and L1', async () => {
    const outside = tmpdir();
    const secret = `SECRET_${process.pid}_TOKEN`;
    fs.writeFileSync(path.join(outside, 'creds.py'), `KEY = "${secret}"\n`);
    fs.mkdirSync(path.join(outside, 'pkg'));
    fs.writeFileSync(path.join(outside, 'pkg', 'leak.py'), `KEY2 = "${secret}"\n`);
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'app.py'), 'import env\n');
    fs.symlinkSync('/proc/self/environ', path.join(dir, 'env.py'));
    fs.symlinkSync(path.join(outside, 'creds.py'), path.join(dir, 'creds.py'));
    fs.symlinkSync(path.join(outside, 'pkg'), path.join(dir, 'vendored'));
    const out = path.join(dir, '.codegraph');
    const inv = await runL0({ root: dir, projectDir: dir, outDir: out });
    expect(inv.files.map((f) => f.path)).toEqual(['app.py']);
    expect(inv.skipped.filter((s) => s.reason === 'symlink-outside-root').map((s) => s.path)).toEqual(['creds.py', 'env.py', 'vendored']);
    expect(inv.diagnostics.filter((d) => d.code === 'symlink-outside-root')).toHaveLength(3);
    expect(inv.stats.failed).toBe(3);
    const m = await runL1({ root: dir, projectDir: dir, outDir: out, inventory: inv });
    expect(m.refused.map((s) => s.path)).toEqual(['creds.py', 'env.py', 'vendored']);
    const written = allText(out);
    expect(written).not.toContain(secret);
    expect(written).not.toContain('PATH=');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('gives one canonical path per file: the real path wins over a symlinked alias, in any order', async () => {
    for (const alias of ['a_alias', 'z_alias']) {
      const dir = tmpdir();
      fs.mkdirSync(path.join(dir, 'mypkg'));
      fs.writeFileSync(path.join(dir, 'mypkg', '__init__.py'), 'def helper(): pass\n');
      fs.writeFileSync(path.join(dir, 'mypkg', 'core.py'), 'from mypkg import helper\n\ndef run():\n    helper()\n');
      fs.symlinkSync('mypkg', path.join(dir, alias));
      fs.symlinkSync('core.py', path.join(dir, 'mypkg', 'a_core_link.py'));
      const out = path.join(dir, '.codegraph');
      const inv = await runL0({ root: dir, projectDir: dir, outDir: out });
      expect(inv.files.map((f) => f.path)).toEqual(['mypkg/__init__.py', 'mypkg/core.py']);
      expect(inv.skipped.filter((s) => s.reason === 'symlink-alias').map((s) => s.path).sort()).toEqual([alias, 'mypkg/a_core_link.py'].sort());
      await runL1({ root: dir, projectDir: dir, outDir: out, inventory: inv });
      const project = { name: 'p', outDir: out };
      const l4 = await runL4({ root: dir, project });
      expect(l4.importsResolved).toBe(l4.imports);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports file names that are not UTF-8 instead of dropping them silently', async () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'ok.py'), 'x = 1\n');
    fs.writeFileSync(Buffer.concat([Buffer.from(path.join(dir, 'caf')), Buffer.from([0xe9]), Buffer.from('.py')]), 'y = 2\n');
    const inv = await runL0({ root: dir, projectDir: dir, outDir: path.join(dir, '.cg') });
    expect(inv.files.map((f) => f.path)).toEqual(['ok.py']);
    expect(inv.skipped).toEqual([{ path: 'caf\\xe9.py', reason: 'non-utf8-name' }]);
    expect(inv.stats.failed).toBe(1);
    const m = await runL1({ root: dir, projectDir: dir, outDir: path.join(dir, '.cg'), inventory: inv });
    expect(m.refused).toEqual([{ path: 'caf\\xe9.py', reason: 'non-utf8-name' }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('excludes', () => {
  it('skips only real virtualenvs and tool folders by default, reports them, and takes a configurable list', async () => {
    const dir = tmpdir();
    const files: Record<string, string> = {
      'venv/__init__.py': '', // the stdlib's own `venv` package
      'build/__init__.py': '', // a package named build
      'dist/x/gen.py': '', // a build output
      'env/pyvenv.cfg': 'home = /usr/bin\n',
      'env/lib/python3.11/site-packages/dep.py': '',
      'node_modules/m/x.py': '',
      'mine/keep.py': '',
      'mine/skipme/x.py': '',
    };
    for (const [p, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), text);
    }
    const inv = await runL0({ root: dir, projectDir: dir, outDir: path.join(dir, '.cg') });
    expect(inv.files.map((f) => f.path)).toEqual(['build/__init__.py', 'mine/keep.py', 'mine/skipme/x.py', 'venv/__init__.py']);
    expect(inv.skipped).toEqual([
      { path: 'dist', reason: 'build-output' },
      { path: 'env', reason: 'virtualenv' },
      { path: 'node_modules', reason: 'excluded-name' },
    ]);
    const custom = await runL0({ root: dir, projectDir: dir, outDir: path.join(dir, '.cg2'), excludeNames: ['skipme', 'venv'] });
    expect(custom.files.map((f) => f.path)).toEqual(['build/__init__.py', 'mine/keep.py', 'node_modules/m/x.py']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('leftovers and the fast path', () => {
  it('removes the stale temps of a killed L4 run', async () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'a.py'), 'def f(): pass\n');
    const out = path.join(dir, '.cg');
    await runL1({ root: dir, projectDir: dir, outDir: out, inventory: await runL0({ root: dir, projectDir: dir, outDir: out }) });
    fs.mkdirSync(path.join(out, 'l4'), { recursive: true });
    const stale = path.join(out, 'l4', 'resolved.jsonl.tmp-99999-0-abcdef');
    fs.writeFileSync(stale, 'partial');
    await runL4({ root: dir, project: { name: 'p', outDir: out } });
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.readdirSync(path.join(out, 'l4')).filter((n) => n.includes('.tmp-'))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifyHashes sees a same-size edit whose mtime was restored (cp -p); the fast path does not', async () => {
    const dir = tmpdir();
    const f = path.join(dir, 'a.py');
    fs.writeFileSync(f, 'x = 1\n');
    fs.utimesSync(f, 1_700_000_000, 1_700_000_000);
    const out = path.join(dir, '.cg');
    const first = await runL0({ root: dir, projectDir: dir, outDir: out });
    fs.writeFileSync(f, 'x = 2\n');
    fs.utimesSync(f, 1_700_000_000, 1_700_000_000); // what cp -p / a reproducible build does
    const fast = await runL0({ root: dir, projectDir: dir, outDir: out });
    expect(fast.files[0]!.hash).toBe(first.files[0]!.hash); // the documented trade-off
    const verified = await runL0({ root: dir, projectDir: dir, outDir: out, verifyHashes: true });
    expect(verified.files[0]!.hash).not.toBe(first.files[0]!.hash);
    expect(verified.stats.processed).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('worker memory ceiling', () => {
  it('fails only the file that blew the heap; its batch-mates are retried and indexed', async () => {
    const dir = tmpdir();
    const irDir = path.join(dir, 'ir');
    fs.mkdirSync(irDir);
    const task = (file: string): FileTask => ({ abs: path.join(dir, file), file, module: file.replace('.py', ''), keyPrefix: 'k', irDir, maxFileBytes: 1e8 });
    const tasks: FileTask[] = [];
    for (let i = 0; i < 6; i++) {
      fs.writeFileSync(path.join(dir, `s${i}.py`), `def f${i}():\n    return ${i}\n`);
      tasks.push(task(`s${i}.py`));
    }
    let big = '';
    for (let i = 0; i < 15_000; i++) big += `v${i} = f(a${i % 50}, b.c${i % 7})\n`;
    fs.writeFileSync(path.join(dir, 'big.py'), big);
    tasks.splice(3, 0, task('big.py'));
    const pool = new FilePool(1, { workerMemoryMb: 32 });
    try {
      const rs = await pool.run(tasks, 16);
      expect(rs.filter((r) => r.error).map((r) => r.file)).toEqual(['big.py']);
      const failed = rs.find((r) => r.file === 'big.py')!;
      expect(failed.error).toMatch(/worker failed on this file alone: .*memory limit/);
      expect(failed.transient).toBeUndefined();
      expect(rs.filter((r) => !r.error).map((r) => r.nodes.Function)).toEqual([1, 1, 1, 1, 1, 1]);
    } finally {
      await pool.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
