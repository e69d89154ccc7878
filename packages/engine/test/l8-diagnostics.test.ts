/**
 * L8 on a real fixture workspace (test/fixtures/l8-workspace) indexed by the real layers (L0, L1, L5, L4, L9), plus
 * a hand-written `l3/diagnostics.json` (L3's documented output, a declared input): exact findings (ranges, rule ids,
 * levels), false-positive guards, suppressions, rule configuration, the per-file cap, SARIF validated against the
 * official SARIF 2.1.0 schema, fingerprints that survive a line move, and `codegraph check` with a baseline (exit
 * codes through the built CLI).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// The official schema is draft-04 (its `id`, `$schema`): Ajv's draft-04 build validates it.
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { formatSummary, indexDirectory, mergeSummaries, runL4, runL5, runL9, summarizeProject } from '@codegraph/engine';
import { runL8, projectSarifPath, suppressionsOf, writeRepoSarif, repoSarifPath, type DiagnosticsJson, type Finding } from '../dist/layers/l8-diagnostics';

const FIXTURE = path.join(__dirname, 'fixtures', 'l8-workspace');
const BIN = path.join(__dirname, '..', 'bin', 'codegraph.js');
const SARIF_SCHEMA = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function validator(): (x: unknown) => string[] {
  // unicodeRegExp off: the schema's `language` pattern (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) has a stray `]`
  // that is an error under the `u` flag and a literal character without it, as the schema's authors meant it to run.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')));
  return (x) => (validate(x) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

let tmp: string;
let ws: string;
let out: string;

/** The layers L8 reads, as `codegraph index` runs them (each incremental per file). */
async function indexLayers(): Promise<void> {
  await indexDirectory({ dir: ws, outDir: out, excludeNames: ['.out'] });
  await runL5({ root: ws, outDir: out });
  await runL4({ root: ws, project: { name: 'l8-fixture', outDir: out } });
  await runL9({ root: ws, projectDir: ws, outDir: out, name: 'l8-fixture' });
}

const row = (f: Finding) => [f.rule, f.level, f.file, f.range, f.message, f.suppressed ?? false];

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ws, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l8-'));
  ws = path.join(tmp, 'ws');
  fs.cpSync(FIXTURE, ws, { recursive: true });
  out = path.join(ws, '.out');
  await indexLayers();
  // L3's output as documented: Pyright's diagnostics per file, ranges in L1's convention; one entry malformed.
  fs.mkdirSync(path.join(out, 'l3'), { recursive: true });
  fs.writeFileSync(
    path.join(out, 'l3', 'diagnostics.json'),
    JSON.stringify({
      files: {
        'pkg/ok.py': [
          { rule: 'reportOperatorIssue', severity: 'error', message: 'Operator "+" not supported', range: [4, 11, 4, 16] },
          { rule: 'reportUnusedVariable', severity: 'information', message: 'COUNT is not accessed', range: [0, 0, 0, 5] },
          { rule: 'broken', severity: 'fatal', message: 'no such severity', range: [0, 0, 0, 1] },
        ],
      },
    }),
  );
}, 120_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('L8 findings on the fixture', () => {
  let d: DiagnosticsJson;
  beforeAll(async () => {
    d = await runL8({ root: ws, outDir: out, project: 'l8-fixture' });
  });

  it('reports exactly these findings (ranges 0-based, UTF-16 columns, end exclusive)', () => {
    expect(d.findings.map(row)).toEqual([
      ['syntax-error', 'error', 'pkg/broken.py', [4, 8, 4, 8], 'syntax error: missing ")"', false],
      ['syntax-error', 'error', 'pkg/broken.py', [8, 0, 8, 14], "syntax error near 'total = 1 +* 2'", false],
      ['undeclared-dependency', 'warning', 'pkg/imports.py', [0, 7, 0, 15], '"requests" is imported but no declared dependency provides it: declare "requests"', false],
      ['unresolved-import', 'warning', 'pkg/imports.py', [1, 27, 1, 39], '"from pkg.ok import missing_name": no module or name "pkg.ok.missing_name" in the workspace', false],
      ['unresolved-import', 'warning', 'pkg/imports.py', [2, 14, 2, 28], 'relative import of "pkg.no_such_module" (level 1): no such module or name in the workspace', false],
      ['unresolved-import', 'warning', 'pkg/imports.py', [3, 15, 3, 24], '"from .. import above_top": the relative import goes above the top-level package', false],
      ['unresolved-import', 'warning', 'pkg/imports.py', [4, 7, 4, 18], '"import pkg.nowhere": no module or name "pkg.nowhere" in the workspace', false],
      ['undefined-name', 'warning', 'pkg/names.py', [5, 11, 5, 26], '"undefined_thing" is not defined (bound in no enclosing scope, not a builtin)', false],
      ['undefined-name', 'warning', 'pkg/names.py', [9, 11, 9, 25], '"also_undefined" is not defined (bound in no enclosing scope, not a builtin)', true],
      ['undefined-name', 'warning', 'pkg/names.py', [13, 11, 13, 26], '"third_undefined" is not defined (bound in no enclosing scope, not a builtin)', true],
      // Its comment silences another rule, not this one.
      ['undefined-name', 'warning', 'pkg/names.py', [17, 11, 17, 27], '"fourth_undefined" is not defined (bound in no enclosing scope, not a builtin)', false],
      ['pyright/reportUnusedVariable', 'note', 'pkg/ok.py', [0, 0, 0, 5], 'COUNT is not accessed', false],
      ['pyright/reportOperatorIssue', 'error', 'pkg/ok.py', [4, 11, 4, 16], 'Operator "+" not supported', false],
      // Star imports of workspace modules bind what they export (`__all__`, else public names): not `hidden`.
      ['undefined-name', 'warning', 'pkg/star_ws.py', [5, 33, 5, 39], '"hidden" is not defined (bound in no enclosing scope, not a builtin)', false],
      ['undefined-name', 'warning', 'pkg/star_ws.py', [5, 41, 5, 54], '"not_in_either" is not defined (bound in no enclosing scope, not a builtin)', false],
      ['unused-dependency', 'note', 'pyproject.toml', [4, 0, 4, 14], '"attrs>=23" is declared (main) but nothing in the project imports it (it provides "attr", "attrs")', false],
    ]);
    expect(d.counts).toEqual({ error: 3, warning: 9, note: 2, suppressed: 2 });
    expect(d.layers).toEqual({ l4: true, l5: true, l9: true, l3: true });
    expect(d.malformedL3).toBe(1);
  });

  it('stays silent where names are bound in ways a naive check misses', () => {
    const names = d.findings.filter((f) => f.rule === 'undefined-name').map((f) => f.message.split('"')[1]);
    // builtins and module attributes, class-scope names, a global bound in another function, nonlocal, closures,
    // comprehension and lambda variables, `del`, names a workspace star import binds; a star import of a module
    // outside the workspace and an `except NameError` probe leave their file unchecked.
    for (const n of ['len', 'print', 'NotImplemented', '__name__', '__class__', 'limit', 'LATE', 'value', 'n', 'q', 'tmp', 'helper', 'COUNT', 'shown', 'join', 'not_from_star', 'unicode', 'surely_missing']) {
      expect(names).not.toContain(n);
    }
    expect(names).not.toContain('ok'); // a package's __init__ reading its submodule
    // Guarded imports, module attributes, names a module binds at run time (`globals()[…] = …`) and namespace
    // packages (a directory without Python files) are not unresolved imports.
    const imports = d.findings.filter((f) => f.rule === 'unresolved-import').map((f) => f.message);
    expect(imports.join('\n')).not.toMatch(/optional_missing|__doc__|made|nsdata/);
  });

  it('writes SARIF 2.1.0 that validates against the official schema', () => {
    const sarif = JSON.parse(fs.readFileSync(projectSarifPath(out), 'utf8'));
    expect(validator()(sarif)).toEqual([]);
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('codegraph');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'syntax-error',
      'unresolved-import',
      'undefined-name',
      'undeclared-dependency',
      'unused-dependency',
      'pyright/reportOperatorIssue',
      'pyright/reportUnusedVariable',
    ]);
    const missing = run.results[0];
    expect(missing.ruleId).toBe('syntax-error');
    expect(missing.level).toBe('error');
    // 1-based; the MISSING token is an empty region (an insertion point) at line 5, column 9.
    expect(missing.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'pkg/broken.py', uriBaseId: '%SRCROOT%' },
      region: { startLine: 5, startColumn: 9, endLine: 5, endColumn: 9 },
    });
    expect(run.results[0].partialFingerprints['codegraph/v1']).toMatch(/^[0-9a-f]{16}$/);
    // The validator does reject what SARIF forbids (0-based lines, unknown levels).
    const broken = JSON.parse(JSON.stringify(sarif));
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    broken.runs[0].results[1].level = 'fatal';
    expect(validator()(broken).length).toBeGreaterThanOrEqual(2);
    const suppressed = run.results.filter((r: { suppressions?: unknown }) => r.suppressions);
    expect(suppressed.map((r: { suppressions: unknown }) => r.suppressions)).toEqual([[{ kind: 'inSource' }], [{ kind: 'inSource' }]]);
  });

  it('applies per-rule levels: off drops a rule, a level replaces the default, pyright covers every Pyright rule', async () => {
    const c = await runL8({ root: ws, outDir: out, rules: { 'undefined-name': 'off', 'unused-dependency': 'error', pyright: 'warning' } });
    const sarif = JSON.parse(fs.readFileSync(projectSarifPath(out), 'utf8'));
    await runL8({ root: ws, outDir: out }); // back to the defaults for the tests below
    expect(c.byRule['undefined-name']).toBeUndefined();
    expect(c.findings.filter((f) => f.rule === 'unused-dependency').map((f) => f.level)).toEqual(['error']);
    expect(c.findings.filter((f) => f.rule.startsWith('pyright/')).map((f) => f.level)).toEqual(['warning', 'warning']);
    expect(validator()(sarif)).toEqual([]);
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'undefined-name');
    expect(rule.defaultConfiguration).toEqual({ level: 'warning', enabled: false });
  });

  it('merges projects into one repo-wide SARIF that validates', () => {
    const repo = path.join(tmp, 'repo');
    const w = writeRepoSarif([{ name: 'l8-fixture', outDir: out }, { name: 'absent', outDir: path.join(tmp, 'none') }], repo);
    expect(w.missing).toEqual(['absent']);
    const sarif = JSON.parse(fs.readFileSync(repoSarifPath(repo), 'utf8'));
    expect(validator()(sarif)).toEqual([]);
    expect(sarif.runs[0].results).toHaveLength(16);
  });
});

describe('the project summary', () => {
  it('names the files with syntax errors', () => {
    const s = summarizeProject('l8-fixture', out);
    expect(s.syntaxErrorFiles).toBe(1);
    expect(s.syntaxErrorPaths).toEqual(['pkg/broken.py']);
    expect(formatSummary(s)).toContain('syntax errors in: pkg/broken.py');
    expect(mergeSummaries('repo', [s, { ...s, name: 'other', syntaxErrorPaths: ['a/x.py'] }]).syntaxErrorPaths).toEqual(['a/x.py', 'pkg/broken.py']);
  });
});

describe('suppression comments', () => {
  it('reads bare and per-rule forms, several rules, and nothing else', () => {
    expect(suppressionsOf('x = y  # codegraph: ignore')).toBe('all');
    expect(suppressionsOf('x = y  # codegraph:ignore[undefined-name, unresolved-import]')).toEqual(new Set(['undefined-name', 'unresolved-import']));
    expect(suppressionsOf('x = y  # noqa')).toBeUndefined();
    expect(suppressionsOf('x = y  # codegraph is great')).toBeUndefined();
  });
});

describe('the per-file cap', () => {
  it('keeps 100 findings of a file and counts the rest; a corrupt l3/diagnostics.json is reported', async () => {
    const dir = path.join(tmp, 'cap');
    fs.mkdirSync(dir, { recursive: true });
    const lines = ['def f():', ...Array.from({ length: 150 }, (_, i) => `    missing_${i}`)];
    fs.writeFileSync(path.join(dir, 'gen.py'), lines.join('\n') + '\n');
    const o = path.join(tmp, 'cap-out');
    await indexDirectory({ dir, outDir: o });
    await runL5({ root: dir, outDir: o });
    const c = await runL8({ root: dir, outDir: o });
    expect(c.findings).toHaveLength(100);
    expect(c.truncated).toEqual({ 'gen.py': 50 });
    // An l3/diagnostics.json that is not JSON is reported, not taken for "no L3".
    fs.mkdirSync(path.join(o, 'l3'));
    fs.writeFileSync(path.join(o, 'l3', 'diagnostics.json'), '{"files": {');
    const bad = await runL8({ root: dir, outDir: o });
    expect([bad.layers.l3, bad.malformedL3, bad.findings.length]).toEqual([true, 1, 100]);
  });
});

describe('fingerprints and the baseline (codegraph check)', () => {
  it('accepts the baseline, keeps fingerprints across a line move, fails on a new finding only', async () => {
    const baseline = path.join(ws, 'baseline.json');
    // No baseline yet: every warning counts.
    let r = cli(['check', '.out']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('pkg/names.py:6:12: warning [undefined-name] "undefined_thing" is not defined');
    expect(cli(['check', '.out', '--baseline', baseline]).status).toBe(2); // no such file yet
    r = cli(['check', '.out', '--baseline', baseline, '--update-baseline']);
    expect(r.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(baseline, 'utf8')).findings).toHaveLength(14); // suppressed ones are not in it
    expect(cli(['check', '.out', '--baseline', baseline]).status).toBe(0);

    // Move every line of names.py down three lines: positions change, fingerprints do not, nothing is new.
    const before = (await runL8({ root: ws, outDir: out })).findings.filter((f) => f.file === 'pkg/names.py');
    const file = path.join(ws, 'pkg', 'names.py');
    fs.writeFileSync(file, '\n\n\n' + fs.readFileSync(file, 'utf8'));
    await indexLayers();
    const after = (await runL8({ root: ws, outDir: out })).findings.filter((f) => f.file === 'pkg/names.py');
    expect(after.map((f) => f.range[0])).toEqual(before.map((f) => f.range[0] + 3));
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint));
    expect(cli(['check', '.out', '--baseline', baseline]).status).toBe(0);

    // A new undefined name is new; below the threshold it does not fail.
    fs.appendFileSync(file, '\n\ndef brand_new():\n    return fresh_undefined\n');
    await indexLayers();
    await runL8({ root: ws, outDir: out });
    r = cli(['check', '.out', '--baseline', baseline, '--json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.failing.map((f: Finding) => [f.rule, f.file, f.range])).toEqual([["undefined-name", "pkg/names.py", [61, 11, 61, 26]]]);
    expect(cli(['check', '.out', '--baseline', baseline, '--fail-on', 'error']).status).toBe(0);
    expect(cli(['check', '.out', '--baseline', baseline, '--rule', 'undefined-name=off']).status).toBe(0);
  });

  it('exits 2 on bad usage and when there is no L8 output, saying what builds it', () => {
    let r = cli(['check', 'no-such-index']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('codegraph index <dir>');
    r = cli(['check', '.out', '--rule', 'no-such-rule=off']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown rule "no-such-rule"');
    expect(cli(['check', '.out', '--rule', 'undefined-name=loud']).status).toBe(2);
    expect(cli(['check', '.out', '--update-baseline']).status).toBe(2);
    expect(cli(['check', '.out', '--fail-on', 'fatal']).status).toBe(2);
  });
});
