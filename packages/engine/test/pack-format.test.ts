/**
 * The on-disk formats under every layer: packs (records copied verbatim, checksums, salvage of a torn journal) and
 * the compact IR, which must decode to exactly the JSON lines extraction produced — on real stdlib source and on
 * records shaped in ways the encoder cannot derive.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  decodeCompact,
  encodeCompact,
  extractPython,
  factsOf,
  factsOfRecords,
  initHash,
  initPythonParser,
  PackReader,
  PackWriter,
  salvagePack,
  storeRecord,
  type IrEdge,
  type IrNode,
} from '@codegraph/engine';

let tmp: string;
beforeAll(async () => {
  await initHash();
  await initPythonParser();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-pack-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const stdlib = execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();

function lines(nodes: readonly IrNode[], edges: readonly IrEdge[]): string[] {
  return [...nodes.map((n) => JSON.stringify(n)), ...edges.map((e) => JSON.stringify(e))];
}

describe('compact IR', () => {
  it('decodes to the exact JSON lines of real stdlib files, and is several times smaller', () => {
    let json = 0;
    let compact = 0;
    const picked = ['json/decoder.py', 'email/message.py', 'asyncio/base_events.py', 'typing.py', 'dataclasses.py', 'test/test_grammar.py', 'lib2to3/tests/data/py2_test_grammar.py'];
    for (const rel of picked) {
      const bytes = fs.readFileSync(path.join(stdlib, rel));
      const ir = extractPython(rel, rel.replace(/\.py$/, '').replaceAll('/', '.'), bytes);
      const expected = lines(ir.nodes, ir.edges);
      const text = encodeCompact(ir.file, ir.nodes, ir.edges);
      expect(decodeCompact(ir.file, text)).toEqual(expected);
      json += expected.join('\n').length;
      compact += text.length;
    }
    expect(compact * 2).toBeLessThan(json);
  });

  it('keeps what it cannot derive: explicit ids, foreign files, out-of-order parents, unknown shapes, duplicates', () => {
    const ir = extractPython('p/m.py', 'p.m', Buffer.from('import os\n\nclass A:\n    def f(self):\n        return os.path.join(self.g(), A())\n    def g(self):\n        return 1\n'));
    const nodes = ir.nodes.map((n) => ({ ...n }));
    const edges = ir.edges.map((e) => ({ ...e }));
    nodes[2]!.id = 'ffffffffffffffff'; // an id that is not hash(file, fqn)
    nodes[3]!.file = 'elsewhere.py'; // a record of another file
    const odd = { name: 'x', node: 'Variable', id: '0000000000000001', fqn: 'p.m.x', file: 'p/m.py', span: [0, 0, 0, 1] } as unknown as IrNode; // key order it does not know
    nodes.push(odd, { ...nodes[1]! }); // and a duplicate id
    edges[0]!.id = 'eeeeeeeeeeeeeeee';
    edges.push({ edge: 'CALLS', id: '1', src: 'not-a-node', callee: 'zzz' });
    edges.push({ ...edges[1]! }); // an identical edge: the ordinal tells its id apart
    const expected = lines(nodes, edges);
    expect(decodeCompact('p/m.py', encodeCompact('p/m.py', nodes, edges))).toEqual(expected);
  });

  it('facts from records and from the decoded lines agree', () => {
    const bytes = fs.readFileSync(path.join(stdlib, 'email/message.py'));
    const ir = extractPython('email/message.py', 'email.message', bytes);
    const fromLines = factsOf(decodeCompact(ir.file, encodeCompact(ir.file, ir.nodes, ir.edges)));
    expect(fromLines).toEqual(factsOfRecords(ir.nodes, ir.edges));
    expect(fromLines.defs.map((d) => d[0])).toContain('email.message.Message.get_payload');
    expect(fromLines.defs.every(([fqn]) => !fqn.startsWith('email.message.Message.get_payload.'))).toBe(true);
  });
});

describe('packs', () => {
  it('round-trips records, copies them verbatim, and writes the same bytes for the same records', () => {
    const a = path.join(tmp, 'a.pack');
    const w = new PackWriter(a);
    w.addRaw('k1', 'first record\n'.repeat(100));
    w.addRaw('k2', Buffer.from([0, 1, 2, 255]));
    w.commit();
    const r = PackReader.open(a)!;
    expect(r.keys().sort()).toEqual(['k1', 'k2']);
    expect(r.text('k1')).toBe('first record\n'.repeat(100));
    expect([...r.get('k2')!]).toEqual([0, 1, 2, 255]);
    expect(r.get('missing')).toBeUndefined();
    const b = path.join(tmp, 'b.pack');
    const w2 = new PackWriter(b);
    expect(w2.copyFrom(r, 'k1')).toBe(true);
    expect(w2.copyFrom(r, 'k2')).toBe(true);
    expect(w2.copyFrom(r, 'nope')).toBe(false);
    w2.commit();
    r.close();
    expect(fs.readFileSync(b).equals(fs.readFileSync(a))).toBe(true);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reports a damaged record as missing and a file that is not a pack as unreadable', () => {
    const p = path.join(tmp, 'd.pack');
    const w = new PackWriter(p);
    w.add('good', storeRecord('x'.repeat(1000)));
    w.add('bad', storeRecord('y'.repeat(1000)));
    w.commit();
    const bytes = fs.readFileSync(p);
    const r0 = PackReader.open(p)!;
    const bad = Buffer.from(r0.stored('bad')!.stored);
    r0.close();
    const at = bytes.indexOf(bad) + 2;
    bytes[at] = bytes[at]! ^ 0x40;
    fs.writeFileSync(p, bytes);
    const r = PackReader.open(p)!;
    expect(r.text('good')).toBe('x'.repeat(1000));
    expect(r.get('bad')).toBeUndefined();
    expect(r.stored('bad')).toBeUndefined();
    r.close();
    fs.writeFileSync(path.join(tmp, 'junk.pack'), 'not a pack at all');
    expect(PackReader.open(path.join(tmp, 'junk.pack'))).toBeUndefined();
    expect(PackReader.open(path.join(tmp, 'absent.pack'))).toBeUndefined();
  });

  it('salvages the intact records of a journal cut anywhere', () => {
    const p = path.join(tmp, 'j.pack');
    const w = new PackWriter(p);
    for (let i = 0; i < 20; i++) w.addRaw(`r${i}`, `record ${i} `.repeat(50 + i));
    w.commit();
    const full = fs.readFileSync(p);
    const r = PackReader.open(p)!;
    const ends = r.keys().map((k) => {
      const s = r.stored(k)!.stored;
      return { k, end: full.indexOf(Buffer.from(s)) + s.length };
    });
    r.close();
    for (const cut of [0, 5, 8, 30, ends[3]!.end, ends[3]!.end + 3, ends[10]!.end - 1, full.length]) {
      const j = path.join(tmp, `cut-${cut}`);
      fs.writeFileSync(j, full.subarray(0, cut));
      const got = salvagePack(j);
      const complete = ends.filter((e) => e.end <= cut).map((e) => e.k);
      expect([...got.keys()].sort()).toEqual(complete.sort());
    }
  });
});
