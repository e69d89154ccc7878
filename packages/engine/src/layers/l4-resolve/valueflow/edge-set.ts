/**
 * Containers for the solver's sets and ids: flat typed arrays with open addressing instead of JS Sets and Maps.
 *
 * Why: a JS Set of number keys beyond the small-integer range boxes every key as a heap number plus a hash-table
 * entry, ~40+ bytes each, and a string key costs more; the solver holds millions of each kind.
 */
import { IntLists } from './int-lists';
import { fixedInt32, grown, release } from './page-arrays';

/** `from * EDGE_KEY_SCALE + to`: an edge as one number (explain's edge labels). */
export const EDGE_KEY_SCALE = 67108864;

/**
 * Slots of the hash indexes below hold a reference (a row id, a position) shifted left by TAG_BITS, and that many top
 * bits of the key's hash in the low bits: a probe reads a row or a list only when the tags agree (one in 256 slots it
 * meets by chance). Reading every slot's row was a second cache miss per probe: in a profile of sympy's L4 the sets'
 * own functions took 6.5 s untagged, 5.9 tagged (3.6 with the tuples in the slots, at 1.5× the memory). A table
 * whose references outgrow the remaining 23 bits (8M rows) drops its tags (tagBits 0) and re-indexes.
 */
const TAG_BITS = 8;

/** `h`'s top `bits` bits (0 when bits is 0). */
function tagOf(h: number, bits: number): number {
  return bits === 0 ? 0 : h >>> (32 - bits);
}

/**
 * Membership in the long lists of an IntLists (the solver's successor lists from HASHED_SUCC elements on): a hash
 * index of (list, value) pairs whose slots hold only the value's position in its list (+1, tagged; 0 empty), checked
 * against the list itself.
 *
 * Why positions: a slot keyed by the whole pair (a Float64 `from * 2^26 + to`) took 8 bytes, and sympy's fixpoint
 * indexes 5.2M edges: 64 MB at the table's last doubling, 32 here. A position stays valid since the lists only grow
 * (their segments move, an element's index does not). A probe that meets a position p of some list answers "present"
 * when list[from][p] is the value sought — true whoever put p there — and a pair put in the index sits on its own
 * probe sequence before any empty slot, so an absent answer is exact too.
 */
export class ListIndex {
  private slots: Int32Array = new Int32Array(1 << 12);
  private count = 0;
  /** The lists indexed, in the order they were: what a growth re-inserts. */
  private indexed: number[] = [];

  /** `tagBits`: see TAG_BITS (a test passes more, to reach the untagged fallback with short lists). */
  constructor(
    private readonly lists: IntLists,
    private tagBits = TAG_BITS,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Indexes every element of `list` (not indexed yet; its elements distinct): from now on `add` keeps it. */
  addList(list: number): void {
    const n = this.lists.length(list);
    this.reserve(n);
    if (n >= 2 ** (31 - this.tagBits)) this.untag();
    this.indexed.push(list);
    for (let p = 0; p < n; p++) this.put(list, p);
  }

  /**
   * Whether `value` is in the indexed `list`; when not, indexes it at the position it is to have, the list's length:
   * the caller pushes it right away.
   */
  add(list: number, value: number): boolean {
    this.reserve(1);
    const lists = this.lists;
    const n = lists.length(list);
    if (n + 1 >= 2 ** (31 - this.tagBits)) this.untag();
    const tb = this.tagBits;
    const tm = (1 << tb) - 1;
    const h = hash(list, value);
    const tag = tagOf(h, tb);
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (;;) {
      const v = this.slots[i]!;
      if (v === 0) break;
      if ((v & tm) === tag) {
        const p1 = v >>> tb;
        if (p1 <= n && lists.at(list, p1 - 1) === value) return false;
      }
      i = (i + 1) & mask;
    }
    this.slots[i] = ((n + 1) << tb) | tag;
    this.count++;
    return true;
  }

  /** Puts the position p of `list` at the end of its probe sequence (no check: the lists' elements are distinct). */
  private put(list: number, p: number): void {
    const mask = this.slots.length - 1;
    const h = hash(list, this.lists.at(list, p));
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = ((p + 1) << this.tagBits) | tagOf(h, this.tagBits);
    this.count++;
  }

  /** Room for k more: past 3/4 full the table doubles, re-inserting every indexed list's elements. */
  private reserve(k: number): void {
    let cap = this.slots.length;
    while ((this.count + k) * 4 > cap * 3) cap *= 2;
    if (cap !== this.slots.length) this.rebuild(cap);
  }

  private untag(): void {
    if (this.tagBits === 0) return;
    this.tagBits = 0;
    this.rebuild(this.slots.length);
  }

  /** Gives the index's memory back now (page-arrays.ts `release`): the owner reads it no more. */
  release(): void {
    release(this.slots);
  }

  private rebuild(cap: number): void {
    release(this.slots);
    this.slots = fixedInt32(cap);
    this.count = 0;
    for (const list of this.indexed) for (let p = 0; p < this.lists.length(list); p++) this.put(list, p);
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * Rows of int32 tuples stored end to end, in insertion order, and a hash index over them holding row + 1 (tagged, see
 * TAG_BITS; 0 empty; open addressing): the base of TupleSet (and of TripleSet through it).
 *
 * Why not the tuples in the table's own slots: a table is about half full after it doubles, so slots as wide as a
 * tuple cost twice the tuples (sympy's fixpoint: 3.6M bound triples in 96 MB, 1.9M issued 5-tuples in 80 MB, and old
 * and new slots both live while one doubles). Here the empty slots are 4 bytes, the rows grow by half in place
 * (page-arrays.ts), and a doubling copies no tuple: 3.6M triples take 43 MB of rows and a 32 MB index.
 */
abstract class RowSet {
  protected rows: Int32Array;
  protected index: Int32Array = new Int32Array(1 << 12);
  protected count = 0;

  /** `tagBits`: see TAG_BITS (a test passes more, to reach the untagged fallback with few rows). */
  constructor(
    protected readonly width: number,
    protected tagBits = TAG_BITS,
  ) {
    this.rows = new Int32Array(width << 10);
  }

  get size(): number {
    return this.count;
  }

  /** The hash of the row at `at` (an offset in `rows`), as `add` computes it for the same tuple. */
  protected abstract rowHash(at: number): number;

  /** Room for one more row: the index doubles past 3/4 full, the rows grow by half. */
  protected reserve(): void {
    if (this.tagBits > 0 && this.count + 1 >= 2 ** (31 - this.tagBits)) {
      this.tagBits = 0;
      this.reindex(this.index.length);
    }
    if ((this.count + 1) * 4 > this.index.length * 3) this.reindex(this.index.length * 2);
    const w = this.width;
    if ((this.count + 1) * w > this.rows.length) this.rows = grown(this.rows, Math.ceil((this.rows.length / w) * 1.5) * w);
  }

  /** Appends a row whose probe ended at the empty slot i; returns its offset in `rows` for the caller to fill. */
  protected append(i: number, tag: number): number {
    this.index[i] = (++this.count << this.tagBits) | tag;
    return (this.count - 1) * this.width;
  }

  /** Gives the set's memory back now (page-arrays.ts `release`): the owner asks it nothing more. */
  release(): void {
    release(this.rows);
    release(this.index);
  }

  private reindex(cap: number): void {
    const x = fixedInt32(cap);
    const mask = cap - 1;
    const tb = this.tagBits;
    for (let id = 1; id <= this.count; id++) {
      const h = this.rowHash((id - 1) * this.width);
      let i = h & mask;
      while (x[i] !== 0) i = (i + 1) & mask;
      x[i] = (id << tb) | tagOf(h, tb);
    }
    release(this.index);
    this.index = x;
  }
}

/** A set of int32 triples: a TupleSet of width 3 fed through one reused key (no array per call on the hot path). */
export class TripleSet {
  private readonly set: TupleSet;
  private readonly key = new Int32Array(3);

  constructor(tagBits = TAG_BITS) {
    this.set = new TupleSet(3, tagBits);
  }

  get size(): number {
    return this.set.size;
  }

  release(): void {
    this.set.release();
  }

  /** Adds (a, b, c); false when it was there already. */
  add(a: number, b: number, c: number): boolean {
    const k = this.key;
    k[0] = a;
    k[1] = b;
    k[2] = c;
    return this.set.add(k);
  }
}

/**
 * A set of int32 tuples of a fixed width. For the solver's "already issued" keys: as strings (`via|n|self|dst|…`)
 * they were hundreds of bytes each once V8's cons strings and the Set entry are counted — ~0.7 GB for sympy's ~2M keys.
 */
export class TupleSet extends RowSet {
  /** Adds the tuple `t` (`width` components); false when it was there already. */
  add(t: ArrayLike<number>): boolean {
    this.reserve();
    const w = this.width;
    const x = this.index;
    const r = this.rows;
    const tb = this.tagBits;
    const tm = (1 << tb) - 1;
    const h = tupleHash(t, 0, w);
    const tag = tagOf(h, tb);
    const mask = x.length - 1;
    let i = h & mask;
    for (;;) {
      const v = x[i]!;
      if (v === 0) break;
      if ((v & tm) === tag) {
        const at = ((v >>> tb) - 1) * w;
        let same = true;
        for (let k = 0; k < w && same; k++) same = r[at + k] === t[k];
        if (same) return false;
      }
      i = (i + 1) & mask;
    }
    const at = this.append(i, tag);
    for (let k = 0; k < w; k++) r[at + k] = t[k]!;
    return true;
  }

  protected rowHash(at: number): number {
    return tupleHash(this.rows, at, this.width);
  }
}

function tupleHash(t: ArrayLike<number>, from: number, w: number): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < w; k++) h = Math.imul(h ^ t[from + k]!, 0x01000193) ^ (h >>> 15);
  h = Math.imul(h ^ (h >>> 13), 0x2c1b3c6d);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Int sequences interned by content: equal sequences get the same id. Stored end to end in one Int32Array (a
 * sequence is its length, then its elements); the table maps content hashes to offsets.
 */
export class SeqInterner {
  private pool: Int32Array = new Int32Array(1 << 14);
  private top = 0;
  /** Offset of each id's sequence in `pool`. */
  private offsets: Int32Array = new Int32Array(1 << 10);
  private table: Int32Array = new Int32Array(1 << 12).fill(-1);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The id of the sequence `seq` (a new one when no equal sequence was interned). */
  intern(seq: ArrayLike<number>): number {
    if ((this.count + 1) * 4 > this.table.length * 3) this.rehash(this.table.length * 2);
    const mask = this.table.length - 1;
    let i = seqHash(seq, 0, seq.length) & mask;
    for (;;) {
      const id = this.table[i]!;
      if (id === -1) break;
      if (this.equals(id, seq)) return id;
      i = (i + 1) & mask;
    }
    const id = this.count++;
    if (id >= this.offsets.length) this.offsets = grown(this.offsets, this.offsets.length * 2);
    if (this.top + seq.length + 1 > this.pool.length) {
      let cap = this.pool.length * 2;
      while (cap < this.top + seq.length + 1) cap *= 2;
      this.pool = grown(this.pool, cap);
    }
    this.offsets[id] = this.top;
    this.pool[this.top++] = seq.length;
    for (let k = 0; k < seq.length; k++) this.pool[this.top++] = seq[k]!;
    this.table[i] = id;
    return id;
  }

  length(id: number): number {
    return this.pool[this.offsets[id]!]!;
  }

  at(id: number, k: number): number {
    return this.pool[this.offsets[id]! + 1 + k]!;
  }

  private equals(id: number, seq: ArrayLike<number>): boolean {
    const at = this.offsets[id]!;
    if (this.pool[at] !== seq.length) return false;
    for (let k = 0; k < seq.length; k++) if (this.pool[at + 1 + k] !== seq[k]) return false;
    return true;
  }

  /** Gives the interned sequences' memory back now (page-arrays.ts `release`): the owner reads none again. */
  release(): void {
    release(this.pool);
    release(this.offsets);
    release(this.table);
  }

  private rehash(cap: number): void {
    release(this.table);
    this.table = fixedInt32(cap).fill(-1);
    const mask = cap - 1;
    for (let id = 0; id < this.count; id++) {
      const at = this.offsets[id]!;
      let i = seqHash(this.pool, at + 1, this.pool[at]!) & mask;
      while (this.table[i] !== -1) i = (i + 1) & mask;
      this.table[i] = id;
    }
  }
}

function seqHash(s: ArrayLike<number>, from: number, len: number): number {
  let h = 0x9747b28c ^ len;
  for (let k = 0; k < len; k++) h = Math.imul(h ^ s[from + k]!, 0x5bd1e995) ^ (h >>> 13);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Ids keyed by int tuples their owner keeps (the solver's objects by kind, a, b and name; its fields by object and
 * name): the table holds only the ids (one Int32 slot each, open addressing, -1 empty), and the owner compares a
 * candidate id's tuple itself while it probes:
 *
 *     for (let i = t.first(h); ; i = t.next(i)) { const id = t.at(i); if (id < 0) { …new id…; t.put(i, id); break; } if (…id's tuple matches…) return id; }
 *
 * Keys as strings (`kind|a|b|name`) were ~50 MB of sympy's heap at the fixpoint's end — a string and a Map entry per
 * object and per field — and one string built per lookup.
 */
export class IdTable {
  private slots: Int32Array = new Int32Array(1 << 12).fill(-1);
  private count = 0;

  /** `hashOf(id)`: an added id's hash again, for growing the table. */
  constructor(private readonly hashOf: (id: number) => number) {}

  /** The first slot to probe for hash h (the table grows first when an id more would fill it past 3/4). */
  first(h: number): number {
    if ((this.count + 1) * 4 > this.slots.length * 3) this.rehash(this.slots.length * 2);
    return h & (this.slots.length - 1);
  }

  next(i: number): number {
    return (i + 1) & (this.slots.length - 1);
  }

  /** The id at slot i, -1 when empty (the end of a probe). */
  at(i: number): number {
    return this.slots[i]!;
  }

  /** Puts a new id in the empty slot i where its probe ended. */
  put(i: number, id: number): void {
    this.slots[i] = id;
    this.count++;
  }

  /** Gives the table's memory back now (page-arrays.ts `release`): the owner looks up no id again. */
  release(): void {
    release(this.slots);
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.slots = fixedInt32(cap).fill(-1);
    const mask = cap - 1;
    for (let j = 0; j < old.length; j++) {
      const id = old[j]!;
      if (id === -1) continue;
      let i = this.hashOf(id) & mask;
      while (this.slots[i] !== -1) i = (i + 1) & mask;
      this.slots[i] = id;
    }
    release(old);
  }
}

/** A hash of four ints (an object's kind, a, b and name id; a field's object and name id). */
export function hash4(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ d, 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}
