/**
 * What L4 changed to bound its memory must give the same results as what it replaced: the streamed L1 read (edges
 * decoded one at a time) gives the records of the full decode, a record damaged among its edges is reported, not
 * half-resolved, long strings hash as in one piece, and the compact per-site answers give back the maps they hold.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import xxhash from 'xxhash-wasm';
import { indexDirectory, initHash, irPackPath, l4ManifestPath, PackReader, PackWriter, runL4, type L4Manifest } from '@codegraph/engine';
import { L1Reader } from '../dist/layers/l1-structure/stream';
import { CompactReader, encodeCompact } from '../dist/layers/l1-structure/compact';
import { hashString } from '../dist/util/hash';
import { SiteAnswers } from '../dist/layers/l4-resolve/valueflow/site-answers';
import type { FlowTarget } from '../dist/layers/l4-resolve/valueflow';
import type { IrEdge } from '../dist/ir/model';

const shop = path.resolve(__dirname, '../../../examples/shop');

describe('L1Reader.stream', () => {
  it('gives the nodes and edges of the full record, edge by edge, for every file of the example', async () => {
    await initHash();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-stream-'));
    try {
      await indexDirectory({ dir: shop, outDir: out, workers: 1 });
      const r = L1Reader.open(out);
      let edges = 0;
      for (const ref of r.refs) {
        const full = r.record(ref)!;
        const s = r.stream(ref)!;
        expect(s.header).toEqual(full.header);
        expect(s.nodes).toEqual(full.nodes);
        const streamed: IrEdge[] = [];
        for (let e = s.nextEdge(); e; e = s.nextEdge()) streamed.push(e);
        expect(streamed).toEqual(full.edges);
        edges += streamed.length;
      }
      r.close();
      expect(edges).toBeGreaterThan(100);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('throws on a record damaged after its nodes when the reader gets there (L1Reader.stream: DamagedRecordError)', async () => {
    await initHash();
    const nodes = [{ node: 'Module' as const, id: 'm', name: 'a', fqn: 'a', file: 'a.py', span: [1, 0, 3, 0] as [number, number, number, number] }];
    const edges: IrEdge[] = [{ edge: 'CALLS', id: 'e1', src: 'm', target: 'b.f', callee: 'f', span: [1, 0, 1, 3] }];
    const good = encodeCompact('a.py', nodes, edges);
    const r = new CompactReader('a.py', `${good}\n[1,"CALLS",0,`);
    expect(r.nextNode()).toEqual(nodes[0]);
    expect(r.nextNode()).toBeUndefined();
    expect(r.nextEdge()).toEqual(edges[0]);
    expect(() => r.nextEdge()).toThrow();
  });
});

describe('L4 on a record damaged among its edges', () => {
  it('reports the file as missing and resolves the others (its checksum intact: only the edge decode can tell)', async () => {
    await initHash();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-stream-l4-'));
    try {
      await indexDirectory({ dir: shop, outDir: out, workers: 1 });
      const l1 = L1Reader.open(out);
      const refs = l1.refs;
      const victim = refs.find((r) => (l1.record(r)?.edges.length ?? 0) > 3)!;
      l1.close();
      // Rewrite the IR pack with the victim's record cut inside its edges: a valid pack record of a bad IR record.
      const src = PackReader.open(irPackPath(out))!;
      const text = src.text(victim.key)!;
      const w = new PackWriter(irPackPath(out));
      for (const k of src.keys()) {
        if (k === victim.key) w.addRaw(k, `${text.slice(0, text.lastIndexOf('\n'))}\n[1,"CALLS",`);
        else w.copyFrom(src, k);
      }
      src.close();
      w.commit();
      const stats = await runL4({ root: shop, project: { name: 'shop', outDir: out } });
      const m = JSON.parse(fs.readFileSync(l4ManifestPath(out), 'utf8')) as L4Manifest;
      expect(m.missing).toEqual([victim.file]);
      expect(m.files[victim.file]).toBeUndefined();
      expect(Object.keys(m.files).length).toBe(refs.length - 1);
      expect(stats.resolvedFiles).toBe(refs.length - 1);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('hashString of long strings', () => {
  it('equals the one-piece xxh64, a surrogate pair across the piece boundary included', async () => {
    await initHash();
    const x = await xxhash();
    const piece = 1 << 20;
    const cases = [
      'x'.repeat(piece - 1) + '\u{1F600}' + 'y'.repeat(10),
      'é'.repeat(piece + 17),
      'abc\u00e9\u4e2d'.repeat(piece) + '\u{1F600}',
    ];
    for (const s of cases) expect(hashString(s)).toBe(x.h64ToString(s));
  });
});

describe('SiteAnswers', () => {
  it('gives back each file its sites in order, with their ordinals (a repeated span replaced in place)', () => {
    const t1: FlowTarget = { how: 0, id: 'a', fqn: 'm.a', kind: 'Function', file: 'm.py' };
    const t2: FlowTarget = { how: 1, fqn: 'os.path.join', external: 'os' };
    const a = new SiteAnswers();
    a.add('f.py', 0, [1, 0, 1, 5], [t1, t2]);
    a.add('g.py', 0, [2, 0, 2, 5], [t2]);
    a.add('f.py', 3, [4, 0, 4, 5], [t2]);
    a.add('f.py', 7, [1, 0, 1, 5], [t1]);
    a.seal();
    expect([...a.files()]).toEqual(['f.py', 'g.py']);
    const f = a.withOrdinals('f.py')!;
    expect([...f.sites.keys()]).toEqual(['1,0,1,5', '4,0,4,5']);
    expect(f.sites.get('1,0,1,5')).toEqual([t1]);
    expect(f.sites.get('1,0,1,5')![0]).toBe(t1);
    expect([...f.ordinals]).toEqual([['1,0,1,5', 7], ['4,0,4,5', 3]]);
    expect(a.sitesOf('g.py')!.get('2,0,2,5')).toEqual([t2]);
    expect(a.sitesOf('h.py')).toBeUndefined();
  });
});
