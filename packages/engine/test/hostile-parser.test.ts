/**
 * Hostile files must never poison, hang or leak (issue 9): the parser-level guards, on real tree-sitter parses.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkParser,
  deepestIndentation,
  extractPython,
  MAX_INDENT_LEVELS,
  MAX_SCOPE_DEPTH,
  parsePython,
  parserReplacements,
  runL0,
  runL1,
} from '@codegraph/engine';
import { initEngine } from './helpers';

beforeAll(initEngine);

/** ~511 nested `if` blocks with a string at the innermost level: overflows tree-sitter-python 0.25.0's scanner. */
function deepIfs(levels: number): string {
  const lines: string[] = [];
  for (let i = 0; i < levels; i++) lines.push(' '.repeat(i) + 'if x:');
  lines.push(' '.repeat(levels) + 's = "abc"');
  return lines.join('\n') + '\n';
}

const GOOD = `import os\n\nclass Config(dict):\n    """Settings."""\n    def get_path(self, key, default=None):\n        if key in self:\n            return os.path.join(self[key], f"{key!r}")\n        return default\n\ndef load(name):\n    return Config(name=name).get_path("name")\n`;

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cg-hostile-'));
}

describe('parser poisoning', () => {
  it('detects a parser damaged by the scanner overflow and replaces it before the next file', () => {
    const baseline = JSON.stringify(extractPython('good.py', 'good', Buffer.from(GOOD)));
    const before = parserReplacements();
    // Straight to the parser, past the pre-screen: the overflow really happens and damages this parser.
    parsePython(deepIfs(511)).delete();
    expect(checkParser()).toBe(false); // the canary caught it, and the parser was replaced
    expect(parserReplacements()).toBe(before + 1);
    expect(checkParser()).toBe(true);
    expect(JSON.stringify(extractPython('good.py', 'good', Buffer.from(GOOD)))).toBe(baseline);
  });

  it('fails the file that damaged the parser (never a silent 2-node success) and parses the next one right', () => {
    const baseline = JSON.stringify(extractPython('good.py', 'good', Buffer.from(GOOD)));
    expect(() => extractPython('deep.py', 'deep', Buffer.from(deepIfs(511)), { maxIndentLevels: Infinity })).toThrow(
      // Depending on the wasm heap's state the overflow shows as a damaged parser (the canary) or a trap.
      /damaged the tree-sitter parser|tree-sitter trapped/,
    );
    expect(JSON.stringify(extractPython('good.py', 'good', Buffer.from(GOOD)))).toBe(baseline);
  });

  it('pre-screens input deep enough to overflow the scanner: degraded IR with a diagnostic, next file intact', () => {
    const baseline = JSON.stringify(extractPython('good.py', 'good', Buffer.from(GOOD)));
    const text = deepIfs(511);
    expect(text.length).toBeGreaterThan(130_000);
    expect(deepestIndentation(text)).toBeGreaterThan(MAX_INDENT_LEVELS);
    const ir = extractPython('deep.py', 'deep', Buffer.from(text));
    expect(ir.nodes.map((n) => n.node)).toEqual(['File', 'Module']);
    expect(ir.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'too-deep' })]);
    for (let i = 0; i < 3; i++) expect(JSON.stringify(extractPython('good.py', 'good', Buffer.from(GOOD)))).toBe(baseline);
  });

  it('counts indentation so strings and brackets cannot hide it, and leaves real code far below the limit', () => {
    // Every level re-opened after a column-0 line inside a triple-quoted string: a stack count would see depth 1.
    let s = '';
    for (let i = 1; i <= 250; i++) s += `${' '.repeat(i)}x = """\nz\n"""\n`;
    expect(deepestIndentation(s)).toBe(250);
    expect(deepestIndentation('\tif a:\n\t\tif b:\n  \\\n  pass\n')).toBe(3); // tab = 8, backslash continues
    const stdlibMost = deepestIndentation(GOOD);
    expect(stdlibMost).toBeLessThan(10);
  });

  it('indexes a project around a poisoning file, in process and on the worker pool, and caches nothing innocent', async () => {
    for (const pool of [false, true]) {
      const dir = tmpdir();
      const out = path.join(dir, '.codegraph');
      for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, `m${String(i).padStart(2, '0')}.py`), GOOD.replace(/Config/g, `Config${i}`));
      fs.writeFileSync(path.join(dir, 'm05_deep.py'), deepIfs(511));
      const opts = { root: dir, projectDir: dir, outDir: out, workers: pool ? 2 : 1, inProcessBelow: pool ? 0 : 1000 };
      const m = await runL1(opts);
      expect(Object.keys(m.failed)).toEqual([]);
      for (let i = 0; i < 20; i++) {
        const f = m.files[`m${String(i).padStart(2, '0')}.py`]!;
        expect(f.nodes).toMatchObject({ Class: 1, Method: 1, Function: 1, Import: 1 });
      }
      expect(m.files['m05_deep.py']!.nodes).toEqual({ File: 1, Module: 1 });
      expect(m.diagnostics.find((d) => d.file === 'm05_deep.py')?.diagnostics[0]?.code).toBe('too-deep');
      fs.rmSync(path.join(dir, 'm05_deep.py'));
      await runL0({ root: dir, projectDir: dir, outDir: out });
      const again = await runL1(opts);
      expect(again.totals.files).toBe(20);
      expect(again.stats.failed).toBe(0);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('budgets', () => {
  it('cancels a parse past its time budget with a diagnostic, and the parser stays usable', async () => {
    const dir = tmpdir();
    // Unterminated strings on every line make tree-sitter's error recovery slow: ~1 s per 20,000 lines measured on a
    // busy 2-core machine, against < 3 ms for the small good file — a 150 ms budget separates them with a wide
    // margin either way (a 1 ms budget failed the good file too on a loaded machine).
    fs.writeFileSync(path.join(dir, 'slow.py'), 'x = 1 "abc (\n'.repeat(40_000));
    fs.writeFileSync(path.join(dir, 'ok.py'), GOOD);
    const m = await runL1({ root: dir, projectDir: dir, outDir: path.join(dir, '.cg'), workers: 1, fileTimeoutMs: 150 });
    const failed = Object.values(m.failed);
    expect(failed.map((f) => f.file)).toEqual(['slow.py']);
    expect(failed[0]!.error).toMatch(/time-budget: (parse|extraction) exceeded/);
    expect(m.files['ok.py']!.nodes).toMatchObject({ Class: 1, Method: 1 });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('decodes UTF-16 and UTF-32 (with and without BOM) instead of parsing bytes', () => {
    const src = 'def f(x):\n    return "é" + x\n\nclass K:\n    pass\n';
    const utf32 = (le: boolean) => {
      const cps = [...src].map((c) => c.codePointAt(0)!);
      const b = Buffer.alloc(cps.length * 4);
      cps.forEach((cp, i) => (le ? b.writeUInt32LE(cp, i * 4) : b.writeUInt32BE(cp, i * 4)));
      return b;
    };
    const be16 = Buffer.from(src, 'utf16le').swap16();
    const cases: [string, Buffer][] = [
      ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(src, 'utf16le')])],
      ['utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), be16])],
      ['utf-16le', Buffer.from(src, 'utf16le')],
      ['utf-16be', be16],
      ['utf-32le', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(true)])],
      ['utf-32be', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32(false)])],
      ['utf-32le', utf32(true)],
    ];
    for (const [enc, bytes] of cases) {
      const ir = extractPython('w.py', 'w', bytes);
      expect(ir.nodes.find((n) => n.node === 'File')!.attrs!.encoding).toBe(enc);
      expect(ir.nodes.filter((n) => n.node === 'Function' || n.node === 'Class').map((n) => n.fqn)).toEqual(['w.f', 'w.K']);
      expect(ir.syntaxErrors).toBe(0);
      expect(ir.diagnostics.map((d) => d.code)).toEqual(['wide-encoding']);
    }
  });

  it('reads NUL characters as spaces (same offsets) with a diagnostic', () => {
    const ir = extractPython('n.py', 'n', Buffer.from('def f():\n    return 1\x00\x00\ndef g(): pass\n', 'latin1'));
    expect(ir.nodes.filter((n) => n.node === 'Function').map((n) => n.name)).toEqual(['f', 'g']);
    expect(ir.diagnostics).toContainEqual(expect.objectContaining({ code: 'nul-bytes' }));
    expect(ir.nodes.find((n) => n.name === 'g')!.span).toEqual([2, 0, 2, 13]);
  });

  it('resolves an annotation that leads back to its own holder without recursing forever (found by fuzzing)', () => {
    const ir = extractPython('c.py', 'c', Buffer.from('def f(x: x.y, z: "w.v", w: z.q):\n    x.y()\n    w.q()\n'));
    expect(ir.nodes.filter((n) => n.node === 'Parameter').map((n) => n.name)).toEqual(['x', 'z', 'w']);
    expect(ir.edges.filter((e) => e.edge === 'CALLS').map((e) => e.callee)).toEqual(['x.y', 'w.q']);
  });

  it('bounds output for deeply nested scopes; normal nesting keeps its full FQNs', () => {
    for (const n of [7_000, 10_000]) {
      const ir = extractPython('l.py', 'l', Buffer.from(`f = ${'lambda: '.repeat(n)}1\n`));
      const lambdas = ir.nodes.filter((x) => x.node === 'Lambda');
      expect(lambdas.length).toBe(MAX_SCOPE_DEPTH);
      expect(ir.diagnostics).toContainEqual(expect.objectContaining({ code: 'scope-depth' }));
      expect(JSON.stringify(ir).length).toBeLessThan(2_000_000);
    }
    const nested = extractPython('k.py', 'k', Buffer.from('def a():\n    def b():\n        class C:\n            def d(self):\n                return lambda: [x for x in ()]\n'));
    expect(nested.nodes.map((x) => x.fqn)).toContain('k.a.b.C.d.<lambda>');
    expect(nested.diagnostics).toEqual([]);
  });
});
