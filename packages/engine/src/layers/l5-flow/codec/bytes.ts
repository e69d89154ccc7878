/**
 * The byte streams L5's binary records are made of: LEB128 varints (zigzag for signed values) and a string table.
 *
 * A record is several streams (structure, positions, references, strings…) written side by side and concatenated
 * at the end, so each stream holds values of one kind — what brotli compresses best — and a reader walks each with
 * its own cursor. The string table is one UTF-8 run plus each string's length in UTF-16 units, decoded in one call
 * and sliced, which is much faster than decoding many small strings.
 *
 * Anything these streams cannot hold exactly (a number that is not a safe integer, a string with a lone surrogate
 * that UTF-8 would replace) throws `NotEncodable`; the record codecs then store that record as JSON instead.
 */

export class NotEncodable extends Error {}

/** String.prototype.isWellFormed (Node 20), not in the ES2022 lib the build targets. */
interface WellFormed {
  isWellFormed(): boolean;
}

export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): void {
    if (this.length === this.buf.length) this.room(1);
    this.buf[this.length++] = v;
  }

  /** An unsigned integer (0 ≤ v ≤ 2^53). */
  uv(v: number): void {
    // Most values are small: one byte, no checks beyond "a small non-negative integer".
    if (v >>> 0 === v && v < 0x80) {
      if (this.length === this.buf.length) this.room(1);
      this.buf[this.length++] = v;
      return;
    }
    if (!(v >= 0 && Number.isSafeInteger(v))) throw new NotEncodable(`not an unsigned integer: ${v}`);
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  /** A signed integer, zigzag-coded (small magnitudes either side of 0 take one byte). */
  sv(v: number): void {
    if (v === (v | 0) && v > -0x40000000 && v < 0x40000000) return this.uv(v < 0 ? -2 * v - 1 : 2 * v);
    if (!Number.isSafeInteger(v) || Math.abs(v) > 2 ** 51) throw new NotEncodable(`not a safe integer: ${v}`);
    this.uv(v < 0 ? -2 * v - 1 : 2 * v);
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  get view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** Empties the writer for reuse, keeping its buffer unless a huge record left it oversized. */
  reset(): void {
    this.length = 0;
    if (this.buf.length > MAX_KEPT_BUFFER) this.buf = new Uint8Array(256);
  }
}

/** Past this a reused writer's buffer is dropped rather than kept for the next record. */
const MAX_KEPT_BUFFER = 1 << 22;

/**
 * A codec's streams, reused from record to record: a record's streams are copied out by `joinStreams`, so the
 * writers need not be fresh, and growing fresh buffers by doubling (allocate, zero, copy) for every record cost
 * ~10% of encoding. One set per codec; encoding is synchronous, so a set is never in use twice at once.
 */
export class WriterSet {
  private readonly writers: ByteWriter[];
  constructor(count: number) {
    this.writers = Array.from({ length: count }, () => new ByteWriter());
  }

  /** The writers, emptied. */
  take(): ByteWriter[] {
    for (const w of this.writers) w.reset();
    return this.writers;
  }
}

export class ByteReader {
  constructor(
    private readonly buf: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}

  u8(): number {
    if (this.pos >= this.end) throw new RangeError('record truncated');
    return this.buf[this.pos++]!;
  }

  uv(): number {
    let b = this.u8();
    if (b < 0x80) return b;
    let v = b & 0x7f;
    let mul = 0x80;
    do {
      b = this.u8();
      v += (b & 0x7f) * mul;
      mul *= 0x80;
    } while (b >= 0x80);
    return v;
  }

  sv(): number {
    const z = this.uv();
    // Integer arithmetic for the common case keeps values small integers (not boxed doubles) in the arrays built.
    if (z < 0x80000000) return (z >>> 1) ^ -(z & 1);
    return z % 2 ? -(z + 1) / 2 : z / 2;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }
}

/**
 * Strings by first use. A reference is 0 for the next string not referred to yet (most of a file's names are used
 * once, in order) and index + 1 for one seen before. The table stores each string front-coded against the previous
 * one (length of the shared prefix, then the rest), since consecutive names share their module or function prefix:
 * count, per string the prefix length and the rest's length in UTF-16 units, then the rests as one UTF-8 run.
 * (Storing qualified names as a trie of parent + segment + `@version` instead was larger after brotli.)
 */
export class StringTable {
  private readonly index = new Map<string, number>();
  private readonly list: string[] = [];

  ref(w: ByteWriter, s: string): void {
    const i = this.index.get(s);
    if (i !== undefined) return w.uv(i + 1);
    if (typeof s !== 'string') throw new NotEncodable(`not a string: ${String(s)}`);
    this.index.set(s, this.list.length);
    this.list.push(s);
    w.uv(0);
  }

  write(w: ByteWriter): void {
    const list = this.list;
    w.uv(list.length);
    const rests: string[] = new Array(list.length);
    // The shared prefixes are found on the strings' UTF-16 code units copied into one typed array (one native copy),
    // not with charCodeAt on each string: the strings come in every representation V8 has (concatenations, slices
    // of the source), and comparing them char by char that way was most of the record encoders' time.
    const all = list.join('');
    const units = utf16Units(all);
    let prevAt = 0;
    let prevLen = 0;
    let at = 0;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      const len = s.length;
      const max = prevLen < len ? prevLen : len;
      let k = 0;
      while (k < max && units[prevAt + k] === units[at + k]) k++;
      // Never split a surrogate pair between the prefix and the rest.
      if (k > 0 && k < len && (s.charCodeAt(k) & 0xfc00) === 0xdc00) k--;
      w.uv(k);
      w.uv(len - k);
      rests[i] = k ? all.slice(at + k, at + len) : s;
      prevAt = at;
      prevLen = len;
      at += len;
    }
    const joined = rests.join('');
    if (!(joined as unknown as WellFormed).isWellFormed()) throw new NotEncodable('lone surrogate in a string');
    const utf8 = Buffer.from(joined, 'utf8');
    w.uv(utf8.length);
    w.bytes(utf8);
  }

  static read(r: ByteReader, buf: Uint8Array): StringRefs {
    const n = r.uv();
    const shared = new Array<number>(n);
    const lens = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      shared[i] = r.uv();
      lens[i] = r.uv();
    }
    const bytes = r.uv();
    if (r.pos + bytes > buf.length) throw new RangeError('record truncated');
    const joined = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', r.pos, r.pos + bytes);
    r.pos += bytes;
    const out = new Array<string>(n);
    let at = 0;
    let prev = '';
    for (let i = 0; i < n; i++) {
      const rest = joined.slice(at, at + lens[i]!);
      at += lens[i]!;
      prev = out[i] = shared[i] ? prev.slice(0, shared[i]) + rest : rest;
    }
    if (at !== joined.length) throw new RangeError('string table does not match its lengths');
    return new StringRefs(out);
  }
}

/** A string's UTF-16 code units (compared for equality only, so the platform's byte order does not matter). */
function utf16Units(s: string): Uint16Array {
  const b = Buffer.from(s, 'utf16le');
  if (b.byteOffset % 2 === 0) return new Uint16Array(b.buffer, b.byteOffset, s.length);
  const copy = new Uint16Array(s.length);
  new Uint8Array(copy.buffer).set(b);
  return copy;
}

/** The decoder's side of StringTable.ref. */
export class StringRefs {
  private next = 0;
  constructor(private readonly list: readonly string[]) {}

  read(r: ByteReader): string {
    const v = r.uv();
    const s = v === 0 ? this.list[this.next++] : this.list[v - 1];
    if (s === undefined) throw new RangeError('string reference out of range');
    return s;
  }
}

/**
 * A record made of named streams: `finish` writes a tag byte, the length of each stream but the last, then the
 * streams; `open` gives a reader per stream.
 */
export function joinStreams(tag: number, streams: readonly ByteWriter[]): Uint8Array {
  const head = new ByteWriter();
  head.u8(tag);
  for (let i = 0; i < streams.length - 1; i++) head.uv(streams[i]!.length);
  let total = head.length;
  for (const s of streams) total += s.length;
  const out = new Uint8Array(total);
  out.set(head.view, 0);
  let o = head.length;
  for (const s of streams) {
    out.set(s.view, o);
    o += s.length;
  }
  return out;
}

export function splitStreams(buf: Uint8Array, count: number): ByteReader[] {
  const head = new ByteReader(buf, 1, buf.length);
  const lens: number[] = [];
  for (let i = 0; i < count - 1; i++) lens.push(head.uv());
  const out: ByteReader[] = [];
  let o = head.pos;
  for (const len of lens) {
    if (o + len > buf.length) throw new RangeError('record truncated');
    out.push(new ByteReader(buf, o, o + len));
    o += len;
  }
  out.push(new ByteReader(buf, o, buf.length));
  return out;
}
