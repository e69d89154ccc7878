/**
 * A set of (from, to) node pairs: open addressing over a Float64Array of keys `from * 2^26 + to`.
 *
 * Why: a JS Set of such keys (beyond the small-integer range) boxes every key as a heap number plus a hash-table
 * entry, ~40+ bytes an edge; here an edge is one 8-byte slot at a load factor ≤ 3/4.
 */
export const EDGE_KEY_SCALE = 67108864;

export class EdgeSet {
  private keys = new Float64Array(1 << 16).fill(-1);
  private count = 0;

  /** Adds the pair; false when it was there already. */
  add(from: number, to: number): boolean {
    if ((this.count + 1) * 4 > this.keys.length * 3) this.rehash(this.keys.length * 2);
    const key = from * EDGE_KEY_SCALE + to;
    const mask = this.keys.length - 1;
    let i = hash(from, to) & mask;
    for (;;) {
      const k = this.keys[i]!;
      if (k === key) return false;
      if (k === -1) break;
      i = (i + 1) & mask;
    }
    this.keys[i] = key;
    this.count++;
    return true;
  }

  get size(): number {
    return this.count;
  }

  private rehash(cap: number): void {
    const old = this.keys;
    this.keys = new Float64Array(cap).fill(-1);
    const mask = cap - 1;
    for (let j = 0; j < old.length; j++) {
      const key = old[j]!;
      if (key === -1) continue;
      const from = Math.floor(key / EDGE_KEY_SCALE);
      let i = hash(from, key - from * EDGE_KEY_SCALE) & mask;
      while (this.keys[i] !== -1) i = (i + 1) & mask;
      this.keys[i] = key;
    }
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

/** A set of int32 triples (open addressing, three Int32Array slots an entry; a first component of -1 marks empty). */
export class TripleSet {
  private slots = new Int32Array(3 << 14).fill(-1);
  private count = 0;

  /** Adds (a, b, c) with a ≥ 0; false when it was there already. */
  add(a: number, b: number, c: number): boolean {
    if ((this.count + 1) * 3 * 2 > this.slots.length) this.rehash((this.slots.length / 3) * 2);
    const cap = this.slots.length / 3;
    let i = (hash(a, b) ^ Math.imul(c + 1, 0x27d4eb2d)) & (cap - 1);
    const s = this.slots;
    for (;;) {
      const at = i * 3;
      if (s[at] === -1) {
        s[at] = a;
        s[at + 1] = b;
        s[at + 2] = c;
        this.count++;
        return true;
      }
      if (s[at] === a && s[at + 1] === b && s[at + 2] === c) return false;
      i = (i + 1) & (cap - 1);
    }
  }

  private rehash(cap: number): void {
    const old = this.slots;
    this.slots = new Int32Array(cap * 3).fill(-1);
    this.count = 0;
    for (let at = 0; at < old.length; at += 3) if (old[at] !== -1) this.add(old[at]!, old[at + 1]!, old[at + 2]!);
  }
}
