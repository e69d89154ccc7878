/** Reading L1 shards back, with their checksum verified: a corrupt shard is reported, never trusted. */
import * as fs from 'node:fs';
import type { IrEdge, IrNode } from '../../ir/model';
import { hashBytes } from '../../util/hash';
import type { ShardHeader } from './file-task';

export interface ShardRecords {
  header: ShardHeader;
  nodes: IrNode[];
  edges: IrEdge[];
}

/**
 * Reads a shard's header and verifies the checksum of its body (xxh64 of the UTF-8 bytes after the header line).
 * Requires initHash(). Throws when the shard is unreadable or corrupt. Returns the raw bytes for callers that parse.
 */
export function verifyShard(file: string): { header: ShardHeader; buf: Buffer; bodyStart: number } {
  const buf = fs.readFileSync(file);
  const nl = buf.indexOf(0x0a);
  if (nl < 0) throw new Error(`${file}: not an IR shard`);
  let header: ShardHeader;
  try {
    header = JSON.parse(buf.subarray(0, nl).toString('utf8')) as ShardHeader;
  } catch {
    throw new Error(`${file}: unreadable shard header`);
  }
  if (header.ir !== 'file' || hashBytes(buf.subarray(nl + 1)) !== header.checksum) {
    throw new Error(`${file}: checksum mismatch (corrupt shard)`);
  }
  return { header, buf, bodyStart: nl + 1 };
}

/** Requires initHash(). Throws when the shard is unreadable or its checksum does not match. */
export function readShard(file: string): ShardRecords {
  const { header, buf, bodyStart } = verifyShard(file);
  const nodes: IrNode[] = [];
  const edges: IrEdge[] = [];
  for (const line of buf.subarray(bodyStart).toString('utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as IrNode & IrEdge;
    if (r.node) nodes.push(r as IrNode);
    else edges.push(r as IrEdge);
  }
  return { header, nodes, edges };
}
