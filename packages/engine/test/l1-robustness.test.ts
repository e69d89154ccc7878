/** Bad and unusual input: the extractor degrades to partial IR plus diagnostics, and never throws. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractPython } from '@codegraph/engine';
import { initEngine, py } from './helpers';

beforeAll(initEngine);

const stdlib = execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();

describe('robustness', () => {
  it('survives very deep nesting and very long expressions', () => {
    const deep = py(`x = ${'('.repeat(5000)}1${')'.repeat(5000)}\ndef after(): pass\n`);
    expect(deep.fqns('Function')).toEqual(['pkg.mod.after']);
    const long = py(`total = ${Array.from({ length: 20000 }, (_, i) => `a${i % 7}`).join(' + ')}\n`);
    expect(long.fqns('Variable')).toEqual(['pkg.mod.total']);
    const calls = py(`y = ${'f('.repeat(3000)}0${')'.repeat(3000)}\n`);
    expect(calls.ir.edges.filter((e) => e.edge === 'CALLS')).toHaveLength(3000);
    const sum = py(`n = ${Array.from({ length: 50000 }, () => '1').join(' + ')}\n`);
    expect(sum.node('pkg.mod.n').attrs).toMatchObject({ type: 'int' });
  });

  it('keeps partial IR around syntax errors and reports them', () => {
    const v = py('def ok():\n    return 1\n\ndef broken(:\n    pass\n\nclass After:\n    def m(self):\n        return ok()\n');
    expect(v.ir.syntaxErrors).toBeGreaterThan(0);
    expect(v.ir.diagnostics[0]).toMatchObject({ severity: 'error', code: 'syntax-error' });
    expect(v.fqns('Class')).toEqual(['pkg.mod.After']);
    expect(v.edge('CALLS', 'pkg.mod.After.m', 'pkg.mod.ok')).toBeDefined();
  });

  it('decodes BOMs, coding cookies and invalid bytes without losing anything', () => {
    const bom = extractPython('m.py', 'm', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('def f(): pass\n')]));
    expect(bom.nodes.find((n) => n.node === 'Function')?.span).toEqual([0, 0, 0, 13]);
    const cookie = extractPython('m.py', 'm', Buffer.concat([Buffer.from('# vim: set fileencoding=latin-1 :\nS = "'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    expect(cookie.diagnostics).toEqual([]);
    expect(cookie.nodes.find((n) => n.node === 'File')?.attrs).toMatchObject({ encoding: 'latin1' });
    const bad = extractPython('m.py', 'm', Buffer.concat([Buffer.from('A = "'), Buffer.from([0xff, 0xfe]), Buffer.from('"\ndef g(): pass\n')]));
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['decode-error']);
    expect(bad.nodes.filter((n) => n.node === 'Function').map((n) => n.fqn)).toEqual(['m.g']);
  });

  it('indexes real stdlib modules, including Python 2 syntax in lib2to3 test data', () => {
    const read = (rel: string) => fs.readFileSync(path.join(stdlib, rel));
    const textwrap = extractPython('textwrap.py', 'textwrap', read('textwrap.py'));
    const fq = (ir: typeof textwrap, kind: string) => ir.nodes.filter((n) => n.node === kind).map((n) => n.fqn);
    expect(fq(textwrap, 'Class')).toContain('textwrap.TextWrapper');
    expect(fq(textwrap, 'Method')).toEqual(expect.arrayContaining(['textwrap.TextWrapper.wrap', 'textwrap.TextWrapper.fill']));
    expect(fq(textwrap, 'Function')).toEqual(expect.arrayContaining(['textwrap.wrap', 'textwrap.dedent']));
    // textwrap.fill() builds a TextWrapper and calls its fill(): resolved in-file through the instance.
    const ids = new Map(textwrap.nodes.map((n) => [n.id, n.fqn]));
    const fillCalls = textwrap.edges.filter((e) => e.edge === 'CALLS' && ids.get(e.src) === 'textwrap.fill').map((e) => (e.dst ? ids.get(e.dst) : e.target));
    expect(fillCalls).toContain('textwrap.TextWrapper.fill');

    const json = extractPython('json/__init__.py', 'json', read('json/__init__.py'));
    expect(fq(json, 'Function')).toEqual(expect.arrayContaining(['json.dumps', 'json.loads', 'json.dump', 'json.load']));
    expect(json.nodes.find((n) => n.node === 'Module')?.attrs?.all).toEqual(expect.arrayContaining(['dump', 'dumps', 'load', 'loads', 'JSONDecoder']));

    const py2 = extractPython('py2.py', 'py2', read('lib2to3/tests/data/py2_test_grammar.py'));
    expect(py2.loc).toBeGreaterThan(500);
    expect(fq(py2, 'Class').length).toBeGreaterThan(5);
  });
});
