/**
 * Typed arrays for the solver's big growing tables, in buffers mapped for them alone instead of the C heap.
 *
 * Why: a plain typed array's bytes come from malloc, and glibc serves blocks under its mmap threshold (raised to
 * 32 MB once a mapped block is freed) from one heap that returns to the system only what is free at its top. The
 * solver's tables grew by copying into a block half as large again: every old block became a hole that the next,
 * larger block could not reuse, and sympy's fixpoint ended with 403 MB in that heap for 468 MB of live arrays —
 * 164 MB more resident than with every block mapped apart (measured with MALLOC_MMAP_THRESHOLD_). Here an array past
 * PAGED_FROM gets a buffer of at least MAPPED_BYTES (always mapped, unmapped when collected, its unwritten pages not
 * resident) with room to grow: growing is a longer view of the same buffer until it is full.
 */

type Ctor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};
type AnyTyped = Int32Array | Uint8Array | Float64Array;

/** Arrays of at least this many bytes are mapped apart. */
const PAGED_FROM = 1 << 20;
/**
 * Buffers at least this large are mapped by glibc whatever its threshold (32 MB at most), zero pages untouched until
 * written: a buffer's unused tail costs address space, not memory.
 */
const MAPPED_BYTES = 32 * 1024 * 1024 + 4096;

/** A view of `length` elements over a buffer of at least `room` bytes (mapped when the array is past PAGED_FROM). */
function alloc<T extends AnyTyped>(C: Ctor<T>, length: number, room: number): T {
  const bytes = length * C.BYTES_PER_ELEMENT;
  if (bytes < PAGED_FROM) return new C(length);
  // A plain buffer with a fixed-length view: element access as fast as any typed array's (views of resizable
  // buffers, tried first, made sympy's fixpoint a third slower).
  return new C(new ArrayBuffer(Math.max(bytes, room, MAPPED_BYTES)), 0, length);
}

/** A zeroed array of `length` elements that will not grow (a hash table's slots: rehashing makes a new one). */
export function fixedInt32(length: number): Int32Array {
  return alloc(Int32Array, length, 0);
}

export function fixedFloat64(length: number): Float64Array {
  return alloc(Float64Array, length, 0);
}

/**
 * An array of `length` elements holding `a`'s, the rest zero: a longer view of `a`'s own buffer when it is mapped
 * with room to spare (no copy), else a copy into a new buffer (mapped once past PAGED_FROM, with room for twice as
 * much). Callers keep the returned array; `a` sees the same memory while the buffer is shared.
 */
export function grown<T extends AnyTyped>(a: T, length: number): T {
  const C = a.constructor as Ctor<T>;
  const bytes = length * C.BYTES_PER_ELEMENT;
  if (a.buffer.byteLength >= MAPPED_BYTES && a.buffer.byteLength >= bytes) return new C(a.buffer, 0, length);
  const b = alloc(C, length, bytes * 2);
  (b as Int32Array).set(a as Int32Array);
  release(a);
  return b;
}

/**
 * Gives a mapped array's pages back to the system at the next minor collection instead of the next full one: its
 * buffer is detached (moved into a clone nothing keeps), so `a` and every other view of that buffer read as empty
 * from now on. For the owner of an array that nothing reads again — an outgrown table, a released fixpoint; a plain
 * array is left to the collector as it is.
 *
 * Why: an outgrown or released buffer is garbage only V8's full collections free, and until one runs its resident
 * pages add to everything allocated meanwhile; sympy's L4 peak swung by ~200 MiB between identical runs with when the
 * collections fell (the fixpoint's ~570 MB of arrays were still resident while the answers were indexed).
 */
export function release(a: AnyTyped): void {
  const buf = a.buffer;
  if (buf instanceof ArrayBuffer && buf.byteLength >= MAPPED_BYTES) structuredClone(buf, { transfer: [buf] });
}

/**
 * `a` without its growth room: a copy of the first `length` elements when plain; a mapped array as it is, since its
 * pages never written are not resident.
 */
export function trimmed<T extends AnyTyped>(a: T, length: number): T {
  if (a.buffer.byteLength >= MAPPED_BYTES) return a;
  return a.slice(0, length) as T;
}
