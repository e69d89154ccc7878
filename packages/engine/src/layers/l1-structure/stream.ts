/**
 * The reader of a project's L1 output, for the later layers and for tools: the manifest, then one file's IR lines
 * (decoded from `l1/ir.pack` back to the documented JSON lines, docs/ir.md) or its interface facts
 * (`l1/facts.pack`) at a time, each record's checksum verified. Nothing else reads L1's files directly.
 */
import { readJsonOrUndefined } from '../../util/atomic';
import { PackReader } from '../../util/pack';
import type { ShardHeader } from './file-task';
import type { IrEdge, IrNode } from '../../ir/model';
import { CompactReader, decodeCompactRecords } from './compact';
import type { FileFacts } from './interface';
import { factsPackPath, irPackPath, manifestPath, type L1Manifest, type ManifestEntry } from './run';

import { irLines } from './lines';

export { isNodeLine, lineKind } from './lines';

/** A project as the cross-file layers see it: a name and the output directory its L1 was written to. */
export interface ProjectOut {
  name: string;
  outDir: string;
}

/** One file of a project's L1 output. */
export interface ShardRef {
  file: string;
  module: string;
  /** The file's L1 content key: the key of its records in the packs. */
  key: string;
  /** Hash of the file's interface facts. */
  iface: string;
}

/**
 * A record of `l1/ir.pack` read in one pass (L1Reader.stream): its header and nodes decoded, its edges decoded as the
 * caller asks for them.
 */
export interface IrStream {
  header: ShardHeader;
  nodes: IrNode[];
  /** The next edge, or undefined after the last. Throws DamagedRecordError when the record turns out damaged. */
  nextEdge(): IrEdge | undefined;
}

/** A record found damaged while it was being read (L1Reader.stream): the caller reports the file as unreadable. */
export class DamagedRecordError extends Error {}

/** A record of `l1/ir.pack`, decoded: its header and the file's records. */
export interface IrRecord {
  header: ShardHeader;
  nodes: IrNode[];
  edges: IrEdge[];
}

export class L1Reader {
  private ir: PackReader | undefined;
  private facts: PackReader | undefined;

  private constructor(
    readonly outDir: string,
    readonly manifest: L1Manifest,
  ) {}

  /** Opens a project's L1 output. Throws when there is none. Requires initHash(). */
  static open(outDir: string): L1Reader {
    const m = readJsonOrUndefined<L1Manifest>(manifestPath(outDir));
    if (!m || !m.files) throw new Error(`codegraph: no L1 output in ${outDir} (run L1 first)`);
    return new L1Reader(outDir, m);
  }

  /** The project's files in manifest (path) order. */
  get refs(): ShardRef[] {
    return Object.entries(this.manifest.files).map(([file, e]: [string, ManifestEntry]) => ({ file, module: e.module, key: e.key, iface: e.iface }));
  }

  /** A file's IR (header, nodes, edges), or undefined when it is missing or damaged (callers report it and carry on). */
  record(ref: Pick<ShardRef, 'file' | 'key'>): IrRecord | undefined {
    return this.decode(ref, false);
  }

  /** A file's nodes only (its edges not decoded), or undefined when the record is missing or damaged. */
  nodes(ref: Pick<ShardRef, 'file' | 'key'>): IrNode[] | undefined {
    return this.decode(ref, true)?.nodes;
  }

  /**
   * A file's IR with its edges decoded one at a time (a reader that goes through them once never holds them all: a big
   * file's edges are tens of MB as objects), or undefined when the record is missing or its header or nodes damaged.
   */
  stream(ref: Pick<ShardRef, 'file' | 'key'>): IrStream | undefined {
    try {
      const r = this.split(ref);
      if (!r) return undefined;
      const reader = new CompactReader(r.header.file, r.body ?? '');
      const nodes: IrNode[] = [];
      for (let n = reader.nextNode(); n; n = reader.nextNode()) nodes.push(n);
      const nextEdge = (): IrEdge | undefined => {
        try {
          return reader.nextEdge();
        } catch (err) {
          throw new DamagedRecordError(`codegraph: the L1 record of ${ref.file} is damaged: ${(err as Error).message}`);
        }
      };
      return { header: r.header, nodes, nextEdge };
    } catch {
      return undefined;
    }
  }

  private decode(ref: Pick<ShardRef, 'file' | 'key'>, nodesOnly: boolean): IrRecord | undefined {
    try {
      const r = this.split(ref);
      if (!r) return undefined;
      return { header: r.header, ...(r.body === undefined ? { nodes: [], edges: [] } : decodeCompactRecords(r.header.file, r.body, { nodesOnly })) };
    } catch {
      return undefined;
    }
  }

  /** A record's header and the compact lines after it (undefined when it has none); undefined when it is missing. Throws on a damaged header. */
  private split(ref: Pick<ShardRef, 'file' | 'key'>): { header: ShardHeader; body: string | undefined } | undefined {
    this.ir ??= PackReader.open(irPackPath(this.outDir));
    const text = this.ir?.text(ref.key);
    if (text === undefined) return undefined;
    const nl = text.indexOf('\n');
    return { header: JSON.parse(nl < 0 ? text : text.slice(0, nl)) as ShardHeader, body: nl < 0 ? undefined : text.slice(nl + 1) };
  }

  /** A file's IR as its documented JSON lines (nodes, then edges), or undefined when missing or damaged. */
  lines(ref: Pick<ShardRef, 'file' | 'key'>): string[] | undefined {
    const r = this.record(ref);
    return r && irLines(r);
  }

  /** Whether a file's interface facts are there, their record's checksum verified (not decompressed). */
  hasFacts(ref: Pick<ShardRef, 'key'>): boolean {
    this.facts ??= PackReader.open(factsPackPath(this.outDir));
    return this.facts?.stored(ref.key) !== undefined;
  }

  /** A file's interface facts, or undefined when missing or damaged. */
  factsOf(ref: Pick<ShardRef, 'key'>): FileFacts | undefined {
    this.facts ??= PackReader.open(factsPackPath(this.outDir));
    const text = this.facts?.text(ref.key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as FileFacts;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.ir?.close();
    this.facts?.close();
    this.ir = this.facts = undefined;
  }
}

/**
 * The readers of several projects' L1 outputs for one run of a later layer: each opened (its manifest parsed) once
 * however many phases read it, and closed together.
 */
export class L1Readers {
  private readonly open = new Map<string, L1Reader>();

  of(p: Pick<ProjectOut, 'outDir'>): L1Reader {
    let r = this.open.get(p.outDir);
    if (!r) this.open.set(p.outDir, (r = L1Reader.open(p.outDir)));
    return r;
  }

  close(): void {
    for (const r of this.open.values()) r.close();
    this.open.clear();
  }
}

/** Runs `fn` with `readers`, or with readers of its own closed after it. */
export function withReaders<T>(readers: L1Readers | undefined, fn: (r: L1Readers) => T): T {
  if (readers) return fn(readers);
  const own = new L1Readers();
  try {
    return fn(own);
  } finally {
    own.close();
  }
}
