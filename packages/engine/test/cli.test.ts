/**
 * The built `codegraph` CLI, spawned as a user runs it: exit codes and messages for every usage error (checked
 * before any work, so nothing is created), and a real run whose summary names syntax errors.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '..', 'bin', 'codegraph.js');
const VERSION = (JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-cli-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], cwd = tmp): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
  fs.writeFileSync(path.join(tmp, rel), text);
}

describe('codegraph CLI: usage', () => {
  it('--version prints the package version', () => {
    expect(cli(['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('--help lists the commands with examples; help per command too, pointing to a README that ships', () => {
    const top = cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:\n\s+index \[options\] <dir>/);
    expect(top.stdout).toContain('Examples:');
    for (const args of [['index', '--help'], ['help', 'index']]) {
      const r = cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: codegraph index \[options\] <dir>/);
      expect(r.stdout).toMatch(/--workers <n>/);
      expect(r.stdout).toContain('$ codegraph index .');
      const docs = r.stdout.match(/(\/\S+\.md)/g) ?? [];
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs) expect(fs.existsSync(d)).toBe(true);
    }
  });

  it('no arguments: usage on stderr, exit 2', () => {
    const r = cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: codegraph/);
  });

  it.each([
    [['index', '--workers', 'abc', '.'], /option '-w, --workers <n>' argument 'abc' is invalid\. expected an integer ≥ 1/],
    [['index', '--workers=0', '.'], /argument '0' is invalid\. expected an integer ≥ 1/],
    [['index', '--max-file-bytes', '-5', '.'], /--max-file-bytes <n>' argument '-5' is invalid/],
    [['index', '--bogus', '.'], /unknown option '--bogus'/],
    [['index'], /missing required argument 'dir'/],
    [['indx', '.'], /unknown command 'indx'[\s\S]*Did you mean index\?/],
    [['index', path.join(os.tmpdir(), 'codegraph-does-not-exist-1c9f')], /no such directory: .*codegraph-does-not-exist-1c9f/],
  ])('%j → exit 2, a clear message, nothing created', (args, message) => {
    write('src/a.py', 'x = 1\n');
    const r = cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^codegraph: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(tmp, '.codegraph'))).toBe(false);
  });

  it('a file given as --out is a usage error', () => {
    write('src/a.py', 'x = 1\n');
    write('out.txt', '');
    const r = cli(['index', 'src', '--out', 'out.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out must be a directory; out\.txt is a file/);
  });

  it('an invalid pyproject.toml is an error with line and column, before any output is written', () => {
    write('proj/pyproject.toml', '[project]\nname = "broken\nversion = "1.0"\n');
    write('proj/pkg/__init__.py', 'x = 1\n');
    const r = cli(['index', 'proj']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^codegraph: proj\/pyproject\.toml:2:\d+: invalid TOML: /);
    expect(fs.existsSync(path.join(tmp, '.codegraph'))).toBe(false);
  });
});

describe('codegraph CLI: L3 (Pyright) on request', () => {
  it('index --l3 runs L3 after L4, counts its sites in the rates, and dump --layer l3 shows a file\'s answers', () => {
    write('proj/pyproject.toml', '[project]\nname = "demo"\nversion = "0.1.0"\n');
    write('proj/demo/__init__.py', '');
    write('proj/demo/models.py', 'class Engine:\n    def start(self) -> None:\n        pass\n\n\nclass Car:\n    engine: Engine\n\n    def __init__(self, engine: Engine) -> None:\n        self.engine = engine\n');
    write('proj/demo/service.py', 'from demo.models import Car\n\n\ndef drive(car: Car) -> None:\n    car.engine.start()\n');
    const r = cli(['index', 'proj', '--out', 'out', '--l3', '--json', '--no-progress']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { l3: { mode: string; totals: { resolvedInCorpus: number } }; resolution: { l3Projects?: number; calls: { resolved: number; resolvedL3: number; total: number } } };
    expect(report.l3).toMatchObject({ mode: 'selective', totals: { resolvedInCorpus: 1 } });
    expect(report.resolution).toMatchObject({ l3Projects: 1, calls: { resolvedL3: 1 } });
    const dump = cli(['dump', 'out', '--layer', 'l3', '--file', 'demo/service.py']);
    expect(dump.code).toBe(0);
    const [line] = dump.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; lines: Array<Record<string, unknown>> });
    expect(line).toMatchObject({ file: 'demo/service.py', sites: 1, answered: 1, resolvedInCorpus: 1 });
    expect(line!.lines).toEqual([expect.objectContaining({ edge: 'CALLS', target: 'demo.models.Engine.start', via: 'type', file: 'demo/models.py' })]);
    // The text summary says what L3 added; a run without --l3 drops L3's output and its share of the rates.
    const text = cli(['index', 'proj', '--out', 'out', '--l3', '--no-progress']);
    expect(text.stdout).toMatch(/l3: 1\/1 sites answered by Pyright \(1 in the corpus, 0 external; selective\)/);
    expect(text.stdout).toMatch(/\(with L3's; L1 \+ L4 alone [\d.]+%\)/);
    const without = JSON.parse(cli(['index', 'proj', '--out', 'out', '--json', '--no-progress']).stdout) as typeof report;
    expect(without.resolution.calls).toMatchObject({ resolvedL3: 0, resolved: report.resolution.calls.resolved - 1, total: report.resolution.calls.total });
    expect(fs.existsSync(path.join(tmp, 'out', 'l3'))).toBe(false);
    expect(cli(['dump', 'out', '--layer', 'l3'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no L3 output/) });
  }, 60_000);
});

describe('codegraph CLI: a real run', () => {
  beforeEach(() => {
    write('proj/pyproject.toml', '[project]\nname = "demo"\ndependencies = ["requests>=2"]\n');
    write('proj/demo/__init__.py', 'from .core import run\n');
    write('proj/demo/core.py', 'import requests\n\n\ndef run(url):\n    return requests.get(url)\n');
    write('proj/demo/broken.py', 'def ok():\n    return 1\n\n\ndef bad(:\n    pass\n');
  });

  it('prints a summary naming the files with syntax errors (line:col), progress lines on a non-TTY stderr', () => {
    const r = cli(['index', 'proj', '--out', 'out']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^codegraph: demo — 3 files, \d+ lines \([\d.]+ [kM]?B\) in [\d.,]+ m?s/);
    expect(r.stdout).toMatch(/files with syntax errors, indexed as far as they parse \(1\):\n\s+demo\/broken\.py:5:\d+: (syntax error|missing)/);
    expect(r.stdout).toMatch(/l9: 1 declared, 1 third-party imported; undeclared: none; unused: none/);
    expect(r.stdout).toMatch(/output: .*out \([\d.]+ kB\)/);
    expect(r.stderr).toMatch(/^codegraph: l0 inventory, l1 parse…\ncodegraph: l0 inventory, l1 parse: 3\/3 files\n/);
    expect(r.stderr).toContain('codegraph: l9 packages…');
    expect(fs.existsSync(path.join(tmp, 'out', 'l2', 'docs.pack'))).toBe(true);

    // A second run reuses every file; --no-progress silences stderr.
    const again = cli(['index', 'proj', '--out', 'out', '--no-progress']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/l1: 0 parsed, 3 reused/);
  });

  it('--json prints only JSON on stdout, with every syntax error located', () => {
    const r = cli(['index', 'proj', '--out', 'out', '--json', '--workers', '1']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: number; syntaxErrors: { file: string; line: number; column: number }[]; bytes: { source: number } };
    expect(report.files).toBe(3);
    expect(report.syntaxErrors).toEqual([expect.objectContaining({ file: 'demo/broken.py', line: 5 })]);
    expect(report.bytes.source).toBeGreaterThan(0);
  });

  it('exports a graph and a SCIP index, and dumps a file\'s IR as documented JSON lines', () => {
    expect(cli(['index', 'proj', '--out', 'out', '-q']).code).toBe(0);
    const jsonl = cli(['export', 'out', '--format', 'jsonl', '--out', 'graph.jsonl', '--root', 'proj']);
    expect(jsonl.code).toBe(0);
    const graph = fs.readFileSync(path.join(tmp, 'graph.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // `requests.get(url)` in run(): L4 marked it external, the export carries that.
    expect(graph.find((r) => r.edge === 'CALLS' && r.callee === 'requests.get')).toMatchObject({ attrs: { external: 'requests' } });
    expect(graph.filter((r) => r.node === 'File').map((r) => r.file).sort()).toEqual(['demo/__init__.py', 'demo/broken.py', 'demo/core.py']);
    const scip = cli(['export', 'out', '--format', 'scip', '--out', 'index.scip', '--root', 'proj']);
    expect(scip.code).toBe(0);
    expect(fs.statSync(path.join(tmp, 'index.scip')).size).toBeGreaterThan(100);
    const dump = cli(['dump', 'out', '--file', 'demo/core.py']);
    expect(dump.code).toBe(0);
    const lines = dump.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ ir: 'file', file: 'demo/core.py', module: 'demo.core' });
    expect(lines.find((r) => r.node === 'Function')).toMatchObject({ fqn: 'demo.core.run', file: 'demo/core.py' });
    expect(cli(['dump', 'out', '--layer', 'facts']).stdout.trim().split('\n')).toHaveLength(3);
    // Usage and missing things: exit 2 for bad usage, 1 for a run that cannot be done, with a message.
    expect(cli(['export', 'out', '--format', 'xml', '--out', 'x'])).toMatchObject({ code: 2 });
    expect(cli(['export', 'nowhere', '--format', 'jsonl', '--out', 'x'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a codegraph index/) });
    expect(cli(['dump', 'out', '--file', 'demo/absent.py'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/not indexed/) });
  });

  it('--quiet prints nothing at all on success', () => {
    const r = cli(['index', 'proj', '--out', 'out', '-q']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(fs.existsSync(path.join(tmp, 'out', 'summary.json'))).toBe(true);
  });
});
