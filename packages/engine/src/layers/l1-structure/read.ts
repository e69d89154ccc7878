/** Reading L1 shards back, with their checksum verified: a corrupt shard is reported, never trusted. */
import * as fs from 'node:fs';
import type { IrEdge, IrNode } from '../../ir/model';
import { hashString } from '../../util/hash';
import type { ShardHeader } from './file-task';

export interface ShardRecords {
  header: ShardHeader;
  nodes: IrNode[];
  edges: IrEdge[];
}

/** Requires initHash(). Throws when the shard is unreadable or its checksum does not match. */
export function readShard(file: string): ShardRecords {
  const text = fs.readFileSync(file, 'utf8');
  const nl = text.indexOf('\n');
  if (nl < 0) throw new Error(`${file}: not an IR shard`);
  const header = JSON.parse(text.slice(0, nl)) as ShardHeader;
  const body = text.slice(nl + 1);
  if (hashString(body) !== header.checksum) throw new Error(`${file}: checksum mismatch (corrupt shard)`);
  const nodes: IrNode[] = [];
  const edges: IrEdge[] = [];
  for (const line of body.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as IrNode & IrEdge;
    if (r.node) nodes.push(r as IrNode);
    else edges.push(r as IrEdge);
  }
  return { header, nodes, edges };
}
