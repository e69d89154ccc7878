/**
 * Many small append-only int lists (one per solver node: its points-to set, its successors) in one Int32Array.
 *
 * Why: a JS array per node costs ~180 bytes once it holds one element (V8 grows a pushed array to 17 slots), and the
 * solver has millions of nodes. Here a list is a segment of a shared buffer whose capacity doubles; a segment that
 * is outgrown goes to a free list of its size class and is reused by the next list that needs that size.
 *
 * Indices, not views: the buffer moves when it grows, so callers read through `at(list, i)` every time (which also
 * sees elements appended while they iterate, as a JS array would).
 */
export class IntLists {
  private data = new Int32Array(1 << 16);
  private top = 0;
  private start: Int32Array = new Int32Array(1024);
  private len: Int32Array = new Int32Array(1024);
  /** Free segments by log2 capacity. */
  private free: number[][] = [];
  private count = 0;

  /** Number of lists (ids 0..size-1). */
  get size(): number {
    return this.count;
  }

  /** Adds an empty list; returns its id. */
  add(): number {
    const id = this.count++;
    if (id >= this.start.length) {
      // 1.5×, not 2×: there is one entry per solver node, millions of them.
      const cap = Math.ceil(this.start.length * 1.5);
      this.start = grow(this.start, cap);
      this.len = grow(this.len, cap);
    }
    return id;
  }

  length(list: number): number {
    return this.len[list]!;
  }

  at(list: number, i: number): number {
    return this.data[this.start[list]! + i]!;
  }

  includes(list: number, v: number): boolean {
    const s = this.start[list]!;
    const e = s + this.len[list]!;
    const d = this.data;
    for (let i = s; i < e; i++) if (d[i] === v) return true;
    return false;
  }

  indexOf(list: number, v: number): number {
    const s = this.start[list]!;
    const n = this.len[list]!;
    for (let i = 0; i < n; i++) if (this.data[s + i] === v) return i;
    return -1;
  }

  push(list: number, v: number): void {
    const n = this.len[list]!;
    if (n === 0) {
      // First element: a segment of one.
      this.start[list] = this.alloc(0);
    } else if ((n & (n - 1)) === 0) {
      // A segment's capacity is the least power of two ≥ its length (it starts at 1 and doubles when full), so a
      // power-of-two length means full: move to a segment twice the size.
      const lg = 31 - Math.clz32(n);
      const at = this.alloc(lg + 1);
      const old = this.start[list]!;
      this.data.copyWithin(at, old, old + n);
      (this.free[lg] ??= []).push(old);
      this.start[list] = at;
    }
    this.data[this.start[list]! + n] = v;
    this.len[list] = n + 1;
  }

  /** A copy of the list (for answers and explanations, not the hot path). */
  toArray(list: number): number[] {
    const s = this.start[list]!;
    return Array.from(this.data.subarray(s, s + this.len[list]!));
  }

  private alloc(lg: number): number {
    const f = this.free[lg];
    if (f?.length) return f.pop()!;
    const size = 1 << lg;
    if (this.top + size > this.data.length) {
      let cap = this.data.length * 2;
      while (cap < this.top + size) cap *= 2;
      const d = new Int32Array(cap);
      d.set(this.data.subarray(0, this.top));
      this.data = d;
    }
    const at = this.top;
    this.top += size;
    return at;
  }
}

function grow(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
