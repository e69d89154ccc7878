/**
 * Typed arrays reused from scope to scope on this thread, for the per-scope working arrays of the CFG clean-up,
 * dominators and SSA.
 *
 * Why: a scope's graph work needed some thirty small typed arrays (counts, marks, CSR offsets), and the stdlib has
 * 78K scopes of 3.6 blocks on average, so their fixed cost (a typed array and its buffer are two heap objects, and a
 * buffer past 64 bytes is a separate allocation the GC tracks) was most of what L5 allocated: sampled over the
 * stdlib in one thread, buildSsa and immediateDominators alone allocated 0.7 GB of the 4.4 GB of L5's per-file work.
 *
 * Each slot belongs to one use site and is used within one call: `take(n)` gives a buffer of at least n entries with
 * unspecified contents (callers fill what they read). Slots never handed out twice at once: a function that needs
 * two arrays at the same time uses two slots. Buffers past MAX_KEPT entries are not kept, so one huge scope does not
 * pin its arrays for the rest of the thread's life.
 */

const MAX_KEPT = 1 << 18;

function capacity(n: number): number {
  let c = 64;
  while (c < n) c *= 2;
  return c;
}

type SlotArray = Int32Array | Uint8Array | Float64Array;

/** One use site's buffer of one typed-array kind (see above). */
class Slot<T extends SlotArray> {
  private buf: T;

  constructor(private readonly make: (n: number) => T) {
    this.buf = make(64);
  }

  take(n: number): T {
    if (n <= this.buf.length) return this.buf;
    const b = this.make(capacity(n));
    if (n <= MAX_KEPT) this.buf = b;
    return b;
  }

  /** n entries, all set to v. */
  filled(n: number, v: number): T {
    const b = this.take(n);
    b.fill(v, 0, n);
    return b;
  }
}

export class Int32Slot extends Slot<Int32Array> {
  constructor() {
    super((n) => new Int32Array(n));
  }
}

export class Uint8Slot extends Slot<Uint8Array> {
  constructor() {
    super((n) => new Uint8Array(n));
  }
}

export class Float64Slot extends Slot<Float64Array> {
  constructor() {
    super((n) => new Float64Array(n));
  }
}

/** A growable list of int32 in a reused buffer (`push`, `length`, `data[i]`): cleared by `reset()` for each use. */
export class Int32List {
  data = new Int32Array(64);
  length = 0;

  reset(): this {
    this.length = 0;
    if (this.data.length > MAX_KEPT) this.data = new Int32Array(64);
    return this;
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const b = new Int32Array(this.data.length * 2);
      b.set(this.data);
      this.data = b;
    }
    this.data[this.length++] = v;
  }
}
