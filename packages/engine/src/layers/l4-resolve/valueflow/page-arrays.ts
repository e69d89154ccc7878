/**
 * Typed arrays for the solver's big growing tables, in memory mapped for them alone (resizable ArrayBuffers) instead
 * of the C heap.
 *
 * Why: a plain typed array's bytes come from malloc, and glibc serves blocks under its mmap threshold (raised to
 * 32 MB once a mapped block is freed) from one heap that returns to the system only what is free at its top. The
 * solver's tables grow by copying into a block half as large again: every old block became a hole that the next,
 * larger block could not reuse, and sympy's fixpoint ended with 403 MB in that heap for 468 MB of live arrays —
 * 164 MB more resident than with every block mapped apart (measured with MALLOC_MMAP_THRESHOLD_). A resizable
 * buffer reserves address space and commits pages as it grows, in place (no copy, no old block beside the new one),
 * and gives its pages back when collected.
 *
 * Small arrays stay plain (a reservation per tiny table is not worth it): an array moves to a mapped buffer when it
 * grows past PAGED_FROM bytes.
 */

interface ResizableBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
  readonly maxByteLength: number;
}

const Resizable = ArrayBuffer as unknown as new (byteLength: number, opts: { maxByteLength: number }) => ResizableBuffer;

/** Arrays of at least this many bytes are mapped apart. */
const PAGED_FROM = 1 << 20;
/** Address space reserved for a growing array (not memory: pages are committed as it grows). */
const MIN_RESERVE = 2 ** 28;

type Ctor<T> = { new (buffer: ArrayBufferLike): T; new (length: number): T; readonly BYTES_PER_ELEMENT: number };
type AnyTyped = Int32Array | Uint8Array | Float64Array;

function alloc<T extends AnyTyped>(C: Ctor<T>, length: number, reserve: number): T {
  const bytes = length * C.BYTES_PER_ELEMENT;
  if (bytes < PAGED_FROM) return new C(length);
  // A length-tracking view: it follows the buffer's resizes.
  return new C(new Resizable(bytes, { maxByteLength: Math.max(bytes, reserve) }));
}

/** A zeroed array of `length` elements that will not grow (a hash table's slots: rehashing makes a new one). */
export function fixedInt32(length: number): Int32Array {
  return alloc(Int32Array, length, 0);
}

export function fixedFloat64(length: number): Float64Array {
  return alloc(Float64Array, length, 0);
}

/**
 * `a` with room for `length` elements, the first ones kept and the rest zero: the same array resized in place when
 * it is mapped with room to spare, else a new one (mapped once past PAGED_FROM, with room for 8× as much).
 */
export function grown<T extends AnyTyped>(a: T, length: number): T {
  const C = a.constructor as Ctor<T>;
  const bytes = length * C.BYTES_PER_ELEMENT;
  const buf = a.buffer as ResizableBuffer;
  if (buf.maxByteLength >= bytes && (buf as { resizable?: boolean }).resizable) {
    if (buf.byteLength < bytes) buf.resize(bytes);
    return a;
  }
  const b = alloc(C, length, Math.max(MIN_RESERVE, bytes * 8));
  (b as Int32Array).set(a as Int32Array);
  return b;
}

/**
 * `a` without its growth room: a copy of the first `length` elements when plain; a mapped array as it is, since its
 * pages never written are not resident (and V8 zeroes the part a resize cuts off, which would touch them).
 */
export function trimmed<T extends AnyTyped>(a: T, length: number): T {
  if ((a.buffer as { resizable?: boolean }).resizable) return a;
  return a.slice(0, length) as T;
}
