/** Reading one file's IR back as objects (for tests, tools and `codegraph dump`), its record's checksum verified. */
import type { IrEdge, IrNode } from '../../ir/model';
import type { ShardHeader } from './file-task';
import { L1Reader } from './stream';

export interface ShardRecords {
  header: ShardHeader;
  nodes: IrNode[];
  edges: IrEdge[];
}

/**
 * The IR of one file of a project's L1 output (`file`: its path as in the manifest). Requires initHash(). Throws when
 * the project has no such file or its record is missing or damaged.
 */
export function readFileIr(outDir: string, file: string): ShardRecords {
  const l1 = L1Reader.open(outDir);
  try {
    const e = l1.manifest.files[file];
    if (!e) throw new Error(`codegraph: ${file} is not in the L1 output of ${outDir}`);
    const rec = l1.record({ file, key: e.key });
    if (!rec) throw new Error(`codegraph: the L1 record of ${file} in ${outDir} is missing or damaged (checksum)`);
    return rec;
  } finally {
    l1.close();
  }
}
