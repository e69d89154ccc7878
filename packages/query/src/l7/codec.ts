/**
 * Compact encodings of the L7 database. Most of what a query reads is lists of small integers (lines, columns,
 * symbol ids), so they are stored as varint blobs rather than as one row each: an SQLite row costs ~10 bytes of
 * header and cell pointer before its first value, and the stdlib has ~1M references.
 *
 * Symbol ids are the first 12 hex digits (48 bits) of the IR id: an exact JavaScript number (no BigInt at the
 * driver boundary) and 6 bytes in SQLite. Names (canonical FQNs of referenced symbols) are keyed the same way by the
 * first 48 bits of their xxh64. Two ids sharing 48 bits among a project's ~100K symbols is a ~1e-5 event; the build
 * counts such collisions (`L7Stats.collisions`) instead of silently merging them.
 */
import { hashString } from '@codegraph/engine';

/** The 48-bit database id of an IR node id (16 hex digits). */
export const symId = (irId: string): number => parseInt(irId.slice(0, 12), 16);
/** The id as users see it (12 hex digits, a prefix of the IR id). */
export const symHex = (id: number): string => id.toString(16).padStart(12, '0');
/** The 48-bit key of a name (a canonical FQN) in the occurrence index. Requires initHash(). */
export const nameKey = (fqn: string): number => parseInt(hashString(fqn).slice(0, 12), 16);
/** The 48-bit content hash of a chunk's text, as stored. Requires initHash(). */
export const textHash = (text: string): number => parseInt(hashString(text).slice(0, 12), 16);

/** Appends unsigned varints (LEB128; values up to 2^53) and length-prefixed UTF-8 strings. */
export class BlobWriter {
  private bytes: number[] = [];

  uint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`codegraph: cannot encode ${n} as a varint`);
    while (n >= 0x80) {
      this.bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.bytes.push(n);
    return this;
  }

  /** A 48-bit id in 6 bytes (a varint would take 7). */
  u48(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0 || n >= 2 ** 48) throw new Error(`codegraph: cannot encode ${n} in 48 bits`);
    for (let i = 5; i >= 0; i--) this.bytes.push(Math.floor(n / 2 ** (8 * i)) % 256);
    return this;
  }

  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    this.uint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }

  get empty(): boolean {
    return this.bytes.length === 0;
  }

  done(): Buffer {
    return Buffer.from(this.bytes);
  }
}

export class BlobReader {
  private at = 0;
  constructor(private readonly b: Uint8Array) {}

  get more(): boolean {
    return this.at < this.b.length;
  }

  uint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= this.b.length) throw new Error('codegraph: truncated L7 blob');
      const x = this.b[this.at++]!;
      n += (x & 0x7f) * scale;
      if (x < 0x80) return n;
      scale *= 0x80;
    }
  }

  u48(): number {
    if (this.at + 6 > this.b.length) throw new Error('codegraph: truncated L7 blob');
    let n = 0;
    for (let i = 0; i < 6; i++) n = n * 256 + this.b[this.at++]!;
    return n;
  }

  bytes(len: number): Uint8Array {
    if (this.at + len > this.b.length) throw new Error('codegraph: truncated L7 blob');
    const out = this.b.subarray(this.at, this.at + len);
    this.at += len;
    return out;
  }

  str(): string {
    const len = this.uint();
    const s = Buffer.from(this.b.buffer, this.b.byteOffset + this.at, len).toString('utf8');
    this.at += len;
    return s;
  }
}

/** A file's symbol ids, ascending, 6 bytes each (`file_symbols.ids`: an index on `symbols(file)` took 2.5× the bytes). */
export function encodeIds(sorted: readonly number[]): Buffer {
  const w = new BlobWriter();
  for (const id of sorted) w.u48(id);
  return w.done();
}

export function decodeIds(b: Uint8Array): number[] {
  const r = new BlobReader(b);
  const out: number[] = [];
  while (r.more) out.push(r.u48());
  return out;
}

/** A symbol's lines as `file_symbols.spans` holds them: code search places a line without a lookup per symbol. */
export interface SymbolSpan {
  kind: number;
  /** First line (0-based; the first decorator's when there are decorators) and last line. */
  start: number;
  end: number;
}

/** Spans in the order of the file's ids: [kind, start, end − start] varints. */
export function encodeSpans(spans: readonly SymbolSpan[]): Buffer {
  const w = new BlobWriter();
  for (const s of spans) w.uint(s.kind).uint(s.start).uint(s.end - s.start);
  return w.done();
}

export function decodeSpans(b: Uint8Array): SymbolSpan[] {
  const r = new BlobReader(b);
  const out: SymbolSpan[] = [];
  while (r.more) {
    const kind = r.uint();
    const start = r.uint();
    out.push({ kind, start, end: start + r.uint() });
  }
  return out;
}

/** Edge kinds as stored (small integers); the index is the code. */
export const EDGE_KINDS = ['CALLS', 'INSTANTIATES', 'INHERITS', 'DECORATES', 'IMPORTS', 'READS', 'WRITES'] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];
export const edgeCode = (k: string): number => EDGE_KINDS.indexOf(k as EdgeKind);

/** Symbol kinds as stored; the index is the code. */
export const SYMBOL_KINDS = ['Module', 'Class', 'Function', 'Method', 'Variable'] as const;
export type SymbolKind = (typeof SYMBOL_KINDS)[number];
export const kindCode = (k: string): number => SYMBOL_KINDS.indexOf(k as SymbolKind);
export const K = { Module: 0, Class: 1, Function: 2, Method: 3, Variable: 4 } as const;

/** The chunk kind of a symbol's code chunk (chunks.ts cuts the same kinds). */
export function chunkKindOf(kind: SymbolKind, name: string): string {
  if (kind === 'Variable') return /^_*[A-Z][A-Z0-9_]*$/.test(name) ? 'constant' : 'variable';
  return kind.toLowerCase();
}

export const VISIBILITIES = ['public', 'internal', 'private'] as const;

/** One resolved edge into a symbol, as `inbound` stores it per (destination, referencing file). */
export interface InboundSite {
  kind: EdgeKind;
  /** The source symbol's ordinal among the referencing file's symbols, in id order (not its id: 1–2 bytes, not 7). */
  src: number;
  line: number;
  col: number;
}

/** Sites sorted by line: the kind and source ordinal in one varint (ordinal × 8 + kind), lines delta-encoded. */
export function encodeInbound(sites: readonly InboundSite[]): Buffer {
  const w = new BlobWriter();
  let last = 0;
  for (const s of sites) {
    w.uint(s.src * 8 + edgeCode(s.kind)).uint(s.line - last).uint(s.col);
    last = s.line;
  }
  return w.done();
}

export function decodeInbound(b: Uint8Array): InboundSite[] {
  const r = new BlobReader(b);
  const out: InboundSite[] = [];
  let line = 0;
  while (r.more) {
    const head = r.uint();
    line += r.uint();
    out.push({ kind: EDGE_KINDS[head % 8]!, src: Math.floor(head / 8), line, col: r.uint() });
  }
  return out;
}

/**
 * An `inbound` row: the sites of every file referencing one symbol, by file id ascending — [file id, byte length,
 * that file's sites (`encodeInbound`)]…. One row per destination rather than per destination and file: the row key
 * and header were 40% of the table (stdlib: 4.7 → 3.7 MB).
 */
export function encodeInboundRow(sections: ReadonlyArray<readonly [number, Uint8Array]>): Buffer {
  const parts: Uint8Array[] = [];
  for (const [file, sites] of [...sections].sort((a, b) => a[0] - b[0])) parts.push(new BlobWriter().uint(file).uint(sites.length).done(), sites);
  return Buffer.concat(parts);
}

/** `encodeInboundRow` reversed: [file id, its sites' bytes]…, by file id. */
export function decodeInboundRow(b: Uint8Array): Array<[number, Uint8Array]> {
  const r = new BlobReader(b);
  const out: Array<[number, Uint8Array]> = [];
  while (r.more) {
    const file = r.uint();
    out.push([file, r.bytes(r.uint())]);
  }
  return out;
}

/** One call a symbol makes: resolved (a symbol id) or by name (with the outside module it names, if any). */
export type OutboundCall = { line: number; col: number } & ({ dst: number } | { label: string; external?: string });

/** A file's callers (symbol ids) and, per caller, its calls sorted by line. */
export interface FileCalls {
  src: number;
  calls: OutboundCall[];
}

/**
 * All calls made in one file (`outbound.calls`): the callees are named once per file — a dictionary of symbol ids
 * (6 bytes each), then one of names (a name; 0, or 1 and the length of its outside module when the name starts
 * with it, or 2 and the module) — then per caller: its ordinal among the file's symbols + 1 (0 and its 6-byte id when
 * it is not one of them), its number of calls, and per call: dictionary index × 2 (+1 for a name), line delta, column.
 * One row per caller repeated the names each caller calls (`self.assertEqual` in every test method) and a row key.
 */
export function encodeFileCalls(callers: readonly FileCalls[], ordinal: ReadonlyMap<number, number>): Buffer {
  const dsts = new Map<number, number>();
  const names = new Map<string, number>();
  const nameList: Array<{ label: string; external?: string }> = [];
  const body = new BlobWriter();
  for (const { src, calls } of callers) {
    const o = ordinal.get(src);
    if (o === undefined) body.uint(0).u48(src);
    else body.uint(o + 1);
    body.uint(calls.length);
    let last = 0;
    for (const c of calls) {
      let code: number;
      if ('dst' in c) {
        let i = dsts.get(c.dst);
        if (i === undefined) dsts.set(c.dst, (i = dsts.size));
        code = i * 2;
      } else {
        const key = `${c.label}\0${c.external ?? ''}`;
        let i = names.get(key);
        if (i === undefined) {
          names.set(key, (i = nameList.length));
          nameList.push(c);
        }
        code = i * 2 + 1;
      }
      body.uint(code).uint(c.line - last).uint(c.col);
      last = c.line;
    }
  }
  const w = new BlobWriter();
  w.uint(dsts.size);
  for (const d of dsts.keys()) w.u48(d);
  w.uint(nameList.length);
  for (const { label, external } of nameList) {
    w.str(label);
    if (!external) w.uint(0);
    else if (label.startsWith(`${external}.`)) w.uint(1).uint(external.length);
    else w.uint(2).str(external);
  }
  return Buffer.concat([w.done(), body.done()]);
}

/** `encodeFileCalls` reversed; `ids` are the file's symbol ids in ordinal order (`file_symbols.ids`). */
export function decodeFileCalls(b: Uint8Array, ids: readonly number[]): FileCalls[] {
  const r = new BlobReader(b);
  const dsts: number[] = [];
  for (let n = r.uint(); n > 0; n--) dsts.push(r.u48());
  const names: Array<{ label: string; external?: string }> = [];
  for (let n = r.uint(); n > 0; n--) {
    const label = r.str();
    const mode = r.uint();
    names.push(mode === 0 ? { label } : mode === 1 ? { label, external: label.slice(0, r.uint()) } : { label, external: r.str() });
  }
  const out: FileCalls[] = [];
  while (r.more) {
    const head = r.uint();
    const src = head === 0 ? r.u48() : ids[head - 1];
    const calls: OutboundCall[] = [];
    let line = 0;
    for (let n = r.uint(); n > 0; n--) {
      const code = r.uint();
      line += r.uint();
      const col = r.uint();
      calls.push(code % 2 === 0 ? { line, col, dst: dsts[code / 2]! } : { line, col, ...names[(code - 1) / 2]! });
    }
    if (src !== undefined) out.push({ src, calls });
  }
  return out;
}

/** Occurrences of one name in one file: [line, col, roles] triples, lines delta-encoded (they are sorted). */
export interface OccSite {
  line: number;
  col: number;
  roles: number;
}

export function encodeOccurrences(sites: readonly OccSite[]): Buffer {
  const w = new BlobWriter();
  let last = 0;
  for (const s of sites) {
    w.uint(s.line - last).uint(s.col).uint(s.roles);
    last = s.line;
  }
  return w.done();
}

export function decodeOccurrences(b: Uint8Array): OccSite[] {
  const r = new BlobReader(b);
  const out: OccSite[] = [];
  let line = 0;
  while (r.more) {
    line += r.uint();
    out.push({ line, col: r.uint(), roles: r.uint() });
  }
  return out;
}
