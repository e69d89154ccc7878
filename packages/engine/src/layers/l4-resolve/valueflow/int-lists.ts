/**
 * Many small append-only int lists (one per solver node: its points-to set, its successors) in one Int32Array.
 *
 * Why: a JS array per node costs ~180 bytes once it holds one element (V8 grows a pushed array to 17 slots), and the
 * solver has millions of nodes. Here a list is a segment of a shared buffer whose capacity doubles; a segment that
 * is outgrown goes to a free list of its size class and is reused by the next list that needs that size.
 *
 * With a `maxLen` (the solver's points-to sets stop at MAX_SET), a list that outgrows half of it moves to a segment of
 * exactly `maxLen` instead of the next power of two: a third of sympy's 3M sets sit at the cap, 96 of 128 slots.
 *
 * The buffer grows by half, not double: at sympy's scale it holds ~40M ints, and a doubled buffer is 100+ MB unused.
 *
 * Indices, not views: the buffer moves when it grows, so callers read through `at(list, i)` every time (which also
 * sees elements appended while they iterate, as a JS array would).
 */
import { grown, release } from './page-arrays';

export class IntLists {
  private data = new Int32Array(1 << 16);
  private top = 0;
  private start: Int32Array = new Int32Array(1024);
  /** Lengths: bytes when no list may outgrow 255 (the points-to sets: a third less per node than Int32). */
  private len: Int32Array | Uint8Array;
  /** Free segments by capacity. */
  private free = new Map<number, number[]>();
  /** Segments of final lists by content hash (shareFinal). */
  private finals = new Map<number, number[]>();
  private count = 0;

  /** `maxLen`: no list is pushed beyond this length (0: unbounded). */
  constructor(private readonly maxLen = 0) {
    this.len = maxLen > 0 && maxLen < 256 ? new Uint8Array(1024) : new Int32Array(1024);
  }

  /** A segment's capacity for a list of `len` elements: the least power of two ≥ len, at most maxLen. */
  private capOf(len: number): number {
    const p = len <= 1 ? 1 : 2 ** (32 - Math.clz32(len - 1));
    return this.maxLen > 0 && p > this.maxLen ? this.maxLen : p;
  }

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
      this.start = grown(this.start, cap);
      this.len = grown(this.len, cap);
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
      this.start[list] = this.alloc(1);
    } else if ((n & (n - 1)) === 0 || n === this.maxLen) {
      // A segment's capacity is capOf(its length): a power of two up to maxLen, or maxLen; a length equal to it
      // means full, move to the next size.
      if (n === this.maxLen) throw new Error(`IntLists: list ${list} is at its maximum length ${n}`);
      const at = this.alloc(this.capOf(n + 1));
      const old = this.start[list]!;
      this.data.copyWithin(at, old, old + n);
      let f = this.free.get(n);
      if (!f) this.free.set(n, (f = []));
      f.push(old);
      this.start[list] = at;
    }
    this.data[this.start[list]! + n] = v;
    this.len[list] = n + 1;
  }

  /**
   * A list at `maxLen` is final (push refuses it): when another final list holds the same elements in the same order,
   * both use one segment and this one's goes back to the free list. Sympy's fixpoint has 340K sets at the cap with
   * only ~6K distinct contents (the same first objects reach them along the same chains): ~130 MB.
   */
  shareFinal(list: number): void {
    const n = this.len[list]!;
    if (n !== this.maxLen) return;
    const at = this.start[list]!;
    const d = this.data;
    let h = 0x811c9dc5;
    for (let i = at; i < at + n; i++) h = Math.imul(h ^ d[i]!, 0x01000193);
    let same = this.finals.get(h);
    if (!same) this.finals.set(h, (same = []));
    for (const other of same) {
      let eq = true;
      for (let i = 0; i < n && eq; i++) eq = d[other + i] === d[at + i];
      if (eq) {
        let f = this.free.get(n);
        if (!f) this.free.set(n, (f = []));
        f.push(at);
        this.start[list] = other;
        return;
      }
    }
    same.push(at);
  }

  /**
   * Keeps the elements `keep` accepts, in order (a list not shared by shareFinal). Its segment keeps its capacity, at
   * least the shorter length's: a later push still finds room, or moves it on as it would.
   */
  retain(list: number, keep: (v: number) => boolean): void {
    const s = this.start[list]!;
    const n = this.len[list]!;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const v = this.data[s + i]!;
      if (keep(v)) this.data[s + k++] = v;
    }
    this.len[list] = k;
  }

  /** Gives the lists' memory back now (page-arrays.ts `release`): the owner reads none of them again. */
  release(): void {
    release(this.data);
    release(this.start);
    release(this.len);
  }

  /** A copy of the list (for answers and explanations, not the hot path). */
  toArray(list: number): number[] {
    const s = this.start[list]!;
    return Array.from(this.data.subarray(s, s + this.len[list]!));
  }

  private alloc(size: number): number {
    const f = this.free.get(size);
    if (f?.length) return f.pop()!;
    if (this.top + size > this.data.length) {
      let cap = Math.ceil(this.data.length * 1.5);
      while (cap < this.top + size) cap = Math.ceil(cap * 1.5);
      this.data = grown(this.data, cap);
    }
    const at = this.top;
    this.top += size;
    return at;
  }
}
