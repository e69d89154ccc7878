/**
 * L1Reader.nodes decodes a file's nodes and stops at its first edge (value flow maps target positions to L1 nodes
 * with it): on real Python it must give exactly the nodes of the full record.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexDirectory, initHash } from '@codegraph/engine';
import { L1Reader } from '../dist/layers/l1-structure/stream';

const shop = path.resolve(__dirname, '../../../examples/shop');

describe('L1Reader.nodes', () => {
  it('gives the nodes of the full record for every file of the example', async () => {
    await initHash();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-nodes-'));
    try {
      await indexDirectory({ dir: shop, outDir: out, workers: 1 });
      const r = L1Reader.open(out);
      let files = 0;
      let nodes = 0;
      for (const ref of r.refs) {
        const full = r.record(ref);
        expect(full).toBeDefined();
        expect(full!.edges.length).toBeGreaterThan(0);
        expect(r.nodes(ref)).toEqual(full!.nodes);
        files++;
        nodes += full!.nodes.length;
      }
      r.close();
      expect(files).toBeGreaterThan(5);
      expect(nodes).toBeGreaterThan(50);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
