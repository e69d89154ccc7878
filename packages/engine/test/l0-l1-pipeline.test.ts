/**
 * L0 fast path + L1 per-file reuse, the negative cache, the worker pool and bad input, on real files on disk.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initHash, irPackPath, PackReader, readFileIr, runL0, runL1, type L1Manifest } from '@codegraph/engine';

let tmp: string;
beforeAll(async () => {
  await initHash();
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l1-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(rel: string, text: string | Buffer): string {
  const p = path.join(tmp, 'proj', rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

async function index(extra: Partial<Parameters<typeof runL1>[0]> = {}): Promise<L1Manifest> {
  const root = path.join(tmp, 'proj');
  const outDir = path.join(tmp, 'out');
  const inventory = await runL0({ root, projectDir: root, outDir });
  return runL1({ root, projectDir: root, outDir, inventory, ...extra });
}

function seed(): void {
  write('pyproject.toml', '[project]\nname = "demo"\n');
  write('src/demo/__init__.py', 'from .core import run\n');
  write('src/demo/core.py', 'def run():\n    return helper()\n\ndef helper():\n    return 1\n');
  write('tests/test_core.py', 'from demo.core import run\n\ndef test_run():\n    assert run() == 1\n');
}

describe('L0 + L1 incremental indexing', () => {
  it('parses everything once, then reuses every unchanged file', async () => {
    seed();
    const first = await index();
    expect(first.stats).toMatchObject({ files: 3, processed: 3, reused: 0, failed: 0 });
    expect(Object.keys(first.files)).toEqual(['src/demo/__init__.py', 'src/demo/core.py', 'tests/test_core.py']);
    expect(first.files['src/demo/core.py']!.module).toBe('demo.core');
    expect(first.files['tests/test_core.py']!.module).toBe('tests.test_core');

    const second = await index();
    expect(second.stats).toMatchObject({ files: 3, processed: 0, reused: 3 });
    expect(second.totals).toEqual(first.totals);
  });

  it('re-parses only the file whose content changed; a touch without change re-hashes but does not re-parse', async () => {
    seed();
    await index();
    const core = path.join(tmp, 'proj/src/demo/core.py');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(core, later, later);
    const root = path.join(tmp, 'proj');
    const inv = await runL0({ root, projectDir: root, outDir: path.join(tmp, 'out') });
    expect(inv.stats).toMatchObject({ files: 3, processed: 1, reused: 2 });
    const touched = await runL1({ root, projectDir: root, outDir: path.join(tmp, 'out'), inventory: inv });
    expect(touched.stats).toMatchObject({ processed: 0, reused: 3 });

    fs.appendFileSync(core, '\ndef extra():\n    return run()\n');
    const edited = await index();
    expect(edited.stats).toMatchObject({ processed: 1, reused: 2 });
    expect(edited.files['src/demo/core.py']!.nodes.Function).toBe(3);
  });

  it('drops deleted files and their records, and keeps only referenced records', async () => {
    seed();
    const first = await index();
    const oldKey = first.files['tests/test_core.py']!.key;
    fs.rmSync(path.join(tmp, 'proj/tests/test_core.py'));
    const after = await index();
    expect(Object.keys(after.files)).toEqual(['src/demo/__init__.py', 'src/demo/core.py']);
    const pack = PackReader.open(irPackPath(path.join(tmp, 'out')))!;
    expect(pack.has(oldKey)).toBe(false);
    expect(pack.keys().sort()).toEqual(Object.values(after.files).map((f) => f.key).sort());
    pack.close();
    // Outputs are a handful of files per project, whatever the number of source files.
    expect(fs.readdirSync(path.join(tmp, 'out', 'l1')).sort()).toEqual(['facts.pack', 'ir.pack', 'manifest.json']);
  });

  it('remembers files that failed (negative cache) until the entry expires', async () => {
    seed();
    write('src/demo/huge.py', 'x = 1\n'.repeat(100));
    const first = await index({ maxFileBytes: 500 });
    expect(first.files['src/demo/huge.py']).toBeUndefined();
    const failed = Object.values(first.failed);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ file: 'src/demo/huge.py' });
    expect(failed[0]!.error).toMatch(/too large/);
    expect(first.stats.failed).toBe(1);

    // Not retried while the entry is valid...
    const second = await index({ maxFileBytes: 500 });
    expect(second.stats).toMatchObject({ processed: 0, reused: 3, failed: 1 });
    expect(Object.values(second.failed)[0]!.at).toBe(failed[0]!.at);
    // ...retried once it has expired (ttl 0): it fails again, with a new timestamp.
    await new Promise((r) => setTimeout(r, 5));
    const third = await index({ maxFileBytes: 500, failedTtlMs: 0 });
    expect(third.stats).toMatchObject({ processed: 0, failed: 1 });
    expect(Object.values(third.failed)[0]!.at).toBeGreaterThan(failed[0]!.at);
    // A bigger limit is a different key: the file is indexed.
    const bigger = await index({ maxFileBytes: 1 << 20 });
    expect(bigger.files['src/demo/huge.py']!.nodes.Variable).toBe(1);
  });

  it('gives the same IR through the worker pool as in-process', async () => {
    for (let i = 0; i < 40; i++) write(`pkg/m${i}.py`, `import os\n\nclass C${i}:\n    def m(self):\n        return os.path.join("a", str(${i}))\n`);
    const root = path.join(tmp, 'proj');
    const pooled = await runL1({ root, projectDir: root, outDir: path.join(tmp, 'a'), workers: 2, inProcessBelow: 1 });
    const inproc = await runL1({ root, projectDir: root, outDir: path.join(tmp, 'b'), workers: 1 });
    expect(pooled.stats.processed).toBe(40);
    expect(pooled.totals).toEqual(inproc.totals);
    for (const file of Object.keys(pooled.files)) {
      expect(readFileIr(path.join(tmp, 'a'), file)).toEqual(readFileIr(path.join(tmp, 'b'), file));
    }
    // Same inputs, same bytes: records are written in path order whatever order the workers finished in.
    expect(fs.readFileSync(irPackPath(path.join(tmp, 'a'))).equals(fs.readFileSync(irPackPath(path.join(tmp, 'b'))))).toBe(true);
  });
});

describe('bad input never crashes a run and never loses a file', () => {
  it('survives a symlink loop and indexes each real file once', async () => {
    seed();
    fs.symlinkSync('.', path.join(tmp, 'proj/src/demo/loop'));
    fs.symlinkSync('missing-target', path.join(tmp, 'proj/src/demo/dangling.py'));
    const m = await index();
    expect(Object.keys(m.files)).toEqual(['src/demo/__init__.py', 'src/demo/core.py', 'tests/test_core.py']);
  });

  it('indexes non-UTF-8 source with a diagnostic and syntax errors with partial IR', async () => {
    seed();
    write('src/demo/latin.py', Buffer.concat([Buffer.from('NAME = "caf'), Buffer.from([0xe9]), Buffer.from('"\ndef f():\n    return NAME\n')]));
    write('src/demo/cookie.py', Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nS = "'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    write('src/demo/broken.py', 'def ok():\n    return 1\n\ndef broken(:\n    pass\n\nclass After:\n    pass\n');
    const m = await index();
    expect(m.files['src/demo/latin.py']!.nodes.Function).toBe(1);
    const latinDiag = m.diagnostics.find((d) => d.file === 'src/demo/latin.py');
    expect(latinDiag?.diagnostics.map((d) => d.code)).toContain('decode-error');
    expect(m.diagnostics.find((d) => d.file === 'src/demo/cookie.py')).toBeUndefined();
    expect(m.files['src/demo/broken.py']!.syntaxErrors).toBeGreaterThan(0);
    expect(m.files['src/demo/broken.py']!.nodes.Class).toBe(1);
    expect(m.totals.syntaxErrorFiles).toBe(1);
  });

  it('recovers from an interrupted run: records journaled by the killed run are salvaged, torn ones dropped', async () => {
    seed();
    const first = await index();
    const out = path.join(tmp, 'out');
    // A run killed after journaling its records but before its packs and manifest: only temp packs are left,
    // the last one torn mid-record.
    const l1 = path.join(out, 'l1');
    const before = readFileIr(out, 'src/demo/core.py');
    fs.rmSync(path.join(l1, 'manifest.json'));
    const ir = fs.readFileSync(path.join(l1, 'ir.pack'));
    const facts = fs.readFileSync(path.join(l1, 'facts.pack'));
    fs.rmSync(path.join(l1, 'ir.pack'));
    fs.rmSync(path.join(l1, 'facts.pack'));
    fs.writeFileSync(path.join(l1, 'ir.pack.tmp-1-x'), ir);
    fs.writeFileSync(path.join(l1, 'facts.pack.tmp-1-x'), facts);
    fs.writeFileSync(path.join(l1, 'ir.pack.tmp-2-y'), ir.subarray(0, 40));
    const second = await index();
    expect(second.stats).toMatchObject({ processed: 0, reused: 3 });
    expect(second.totals).toEqual(first.totals);
    expect(fs.readdirSync(l1).some((n) => n.includes('.tmp-'))).toBe(false);
    expect(readFileIr(out, 'src/demo/core.py')).toEqual(before);
  });

  it('detects a corrupt record by its checksum and rebuilds it', async () => {
    seed();
    const m = await index();
    const out = path.join(tmp, 'out');
    const ok = readFileIr(out, 'src/demo/core.py');
    expect(ok.nodes.find((n) => n.fqn === 'demo.core.helper')?.node).toBe('Function');
    // Flip one byte inside core.py's record: same size, different bytes — only the checksum can tell.
    const pack = PackReader.open(irPackPath(out))!;
    const stored = pack.stored(m.files['src/demo/core.py']!.key)!;
    pack.close();
    const bytes = fs.readFileSync(irPackPath(out));
    const at = bytes.indexOf(Buffer.from(stored.stored)) + 10;
    bytes[at] = bytes[at]! ^ 0xff;
    fs.writeFileSync(irPackPath(out), bytes);
    expect(() => readFileIr(out, 'src/demo/core.py')).toThrow(/checksum/);
    const rerun = await index();
    expect(rerun.stats).toMatchObject({ processed: 1, reused: 2 });
    expect(readFileIr(out, 'src/demo/core.py').nodes.find((n) => n.fqn === 'demo.core.helper')?.node).toBe('Function');
  });
});

describe('codegraph CLI', () => {
  it('indexes a directory without Nx and prints a summary', () => {
    seed();
    const bin = path.join(__dirname, '..', 'bin', 'codegraph.js');
    const out = execFileSync(process.execPath, [bin, 'index', path.join(tmp, 'proj'), '--out', path.join(tmp, 'cli-out'), '--no-progress'], { encoding: 'utf8' });
    expect(out).toMatch(/3 files, 10 lines/);
    expect(out).toMatch(/CALLS \d+/);
    expect(out).not.toMatch(/syntax errors/); // named only when there are some (cli.test.ts)
    const json = JSON.parse(
      execFileSync(process.execPath, [bin, 'index', path.join(tmp, 'proj'), '--out', path.join(tmp, 'cli-out'), '--json'], { encoding: 'utf8' }),
    );
    expect(json.lastRun.find((l: { layer: string }) => l.layer === 'l1')).toMatchObject({ processed: 0, reused: 3 });
  });
});
