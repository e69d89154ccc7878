/**
 * L5's binary record codecs: decoding gives back exactly the FileFlow and value-flow facts that were encoded —
 * checked on every file of this machine's standard library (as JSON text, so key order and absent optional fields
 * count too), with the same bytes for the same input — and a value the binary layout does not expect falls back
 * to JSON instead of being altered.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  analyseSource,
  decodeFactsRecord,
  decodeFlowRecord,
  discoverFiles,
  encodeFactsRecord,
  encodeFlowRecord,
  initHash,
  initPythonParser,
  type FileFlow,
} from '@codegraph/engine';
import { flowOf } from './flow-helpers';

const JSON_TAG = 0;

beforeAll(async () => {
  await initHash();
  await initPythonParser();
});

function stdlibDir(): string | undefined {
  try {
    return execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** The module name a file of the stdlib has (what L1 would give it: the path, dotted, without `__init__`). */
const moduleOf = (file: string) => file.replace(/\.py$/, '').replace(/\/__init__$/, '').split('/').join('.');

describe('L5 record codecs', () => {
  const stdlib = stdlibDir();
  (stdlib ? it : it.skip)(
    'round-trips every stdlib file: same JSON text back, same bytes each time, never the JSON fallback',
    () => {
      const files = discoverFiles(stdlib!, stdlib!, { extensions: ['.py'] }).files;
      expect(files.length).toBeGreaterThan(1000);
      const wrong: string[] = [];
      let fallbacks = 0;
      let analysed = 0;
      for (const file of files) {
        const bytes = fs.readFileSync(path.join(stdlib!, file));
        let result: ReturnType<typeof analyseSource>;
        try {
          result = analyseSource(bytes, file, moduleOf(file), 20_000);
        } catch {
          continue; // a parse that hit a budget: nothing to encode (L5 records the failure instead)
        }
        analysed++;
        const { flow, facts } = result;
        const flowBytes = encodeFlowRecord(flow);
        const factsBytes = encodeFactsRecord(facts ?? {});
        if (flowBytes[0] === JSON_TAG) fallbacks++;
        if (facts && factsBytes[0] === JSON_TAG) fallbacks++;
        const backFlow = decodeFlowRecord(flowBytes);
        const backFacts = decodeFactsRecord(factsBytes);
        if (JSON.stringify(backFlow) !== JSON.stringify(flow)) wrong.push(`${file} (flow)`);
        if (JSON.stringify(backFacts) !== JSON.stringify(facts ?? {})) wrong.push(`${file} (facts)`);
        // Same input, same bytes: encoding again, or encoding what was decoded, gives the record byte for byte.
        if (!Buffer.from(encodeFlowRecord(flow)).equals(flowBytes) || !Buffer.from(encodeFlowRecord(backFlow)).equals(flowBytes)) wrong.push(`${file} (flow bytes)`);
        if (!Buffer.from(encodeFactsRecord(backFacts)).equals(factsBytes)) wrong.push(`${file} (facts bytes)`);
      }
      expect(wrong).toEqual([]);
      expect(fallbacks).toBe(0);
      expect(analysed).toBeGreaterThan(files.length * 0.99);
    },
    600_000,
  );

  it('keeps what a JSON round trip keeps: phis, outer stores, skipped scopes, non-ASCII names', () => {
    const src = [
      'x = 0',
      'def f(a, *, b=1):',
      '    global x',
      '    x = a',
      '    for i in a:',
      '        if i:',
      '            y = 1',
      '        else:',
      '            y = 2',
      '    é = [j for j in a if (k := j)]',
      '    𝔘 = lambda q: q + y',
      '    return y, k, 𝔘',
      '',
    ].join('\n');
    const flow = flowOf(src);
    const withSkip: FileFlow = { ...flow, skipped: [{ name: 'deep.𝔘', span: [3, 9], reason: 'nested deeper than 100 scopes' }] };
    for (const f of [flow, withSkip]) {
      const bytes = encodeFlowRecord(f);
      expect(bytes[0]).not.toBe(JSON_TAG);
      expect(JSON.stringify(decodeFlowRecord(bytes))).toBe(JSON.stringify(f));
    }
    const scope = flow.scopes.find((s) => s.name === 'f')!;
    expect(scope.defs.some((d) => d.kind === 'phi')).toBe(true);
    expect(scope.defs.some((d) => d.outer)).toBe(true);
    // Phis of one block share their preds list in the builder; decoded, each has its own (as JSON.parse gives).
    const phis = decodeFlowRecord(encodeFlowRecord(flow)).scopes.find((s) => s.name === 'f')!.defs.filter((d) => d.kind === 'phi');
    if (phis.length > 1) expect(phis[0]!.preds).not.toBe(phis[1]!.preds);
  });

  it('stores as JSON, unchanged, what the binary layout does not expect', () => {
    const flow = flowOf('def f(a):\n    return a\n');
    const odd: FileFlow = JSON.parse(JSON.stringify(flow));
    odd.scopes[1]!.blocks[0]!.id = 7; // ids are derived from positions in the binary form
    const lone: FileFlow = JSON.parse(JSON.stringify(flow));
    lone.scopes[1]!.name = 'f\ud800'; // a lone surrogate UTF-8 cannot carry
    for (const f of [odd, lone]) {
      const bytes = encodeFlowRecord(f);
      expect(bytes[0]).toBe(JSON_TAG);
      expect(decodeFlowRecord(bytes)).toEqual(f);
    }
    const facts = { format: 'vf-x', module: 'm', pkg: false, vars: ['', 'm.x'], funcs: [], classes: [], globals: ['x'], sites: [], c: [[4, 1, 0.5]] };
    const bytes = encodeFactsRecord(facts as never);
    expect(bytes[0]).toBe(JSON_TAG);
    expect(decodeFactsRecord(bytes)).toEqual(facts);
  });

  it('round-trips facts with every element kind, negative and large numbers, and no facts at all', () => {
    const facts = {
      format: 'vf-5',
      module: 'pkg.mod',
      pkg: true,
      vars: ['', 'pkg.mod.f.x@3', 'pkg.mod.f.x', 'builtins.len', '', 'pkg.mod.Ç.m'],
      funcs: [['pkg.mod.f', [['a', 'p'], ['b', 'po'], ['c', 'k'], ['d', '*'], ['e', '**']], 5, 10, 4]],
      classes: [['pkg.mod.Ç', [1, 0], ['m', 'n'], 20, 6]],
      globals: ['f', 'Ç'],
      sites: [[12, 4, 12, 9, 0], [11, 0, 13, 2, 2], [2 ** 40, 1, 2 ** 40, 3, 1]],
      c: [[9, 4, -1, 3, [1, ['key', 2], ['*', 0]]], [16, 4, 0, 1, ['__enter__', '__aenter__'], []], [3, 2, 'os.path', 'join'], [5, 0, 1, 'attr', 1], [5, 0, 1, 'attr'], [4, 2 ** 33, -(2 ** 33)]],
      all: ['f'],
      stars: ['os'],
      skipped: 2,
    };
    const bytes = encodeFactsRecord(facts as never);
    expect(bytes[0]).not.toBe(JSON_TAG);
    expect(JSON.stringify(decodeFactsRecord(bytes))).toBe(JSON.stringify(facts));
    const none = encodeFactsRecord({});
    expect(decodeFactsRecord(none)).toEqual({});
  });

  it('refuses a truncated record instead of returning something else', () => {
    const bytes = encodeFlowRecord(flowOf('def f(a):\n    if a:\n        b = 1\n    return b\n'));
    expect(() => decodeFlowRecord(bytes.subarray(0, bytes.length - 5))).toThrow();
    expect(() => decodeFlowRecord(Uint8Array.of(9, 1, 2))).toThrow(/unknown L5 record tag/);
  });
});
