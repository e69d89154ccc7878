/**
 * Hashing for content keys and stable ids.
 *
 * xxhash-wasm (xxh64) was chosen over the alternatives measured on this kind of machine (see docs/architecture.md):
 * ~5.5 GB/s, pure WebAssembly (no per-platform native binary, loads in worker threads), ~200x faster than the
 * pure-JS `xxhashjs`. Native `@node-rs/xxhash` is ~1.6x faster still, but hashing is not on the critical path
 * (reading the bytes costs more) and a platform binary is one more thing that can fail to install.
 */
import xxhash from 'xxhash-wasm';

type Hasher = Awaited<ReturnType<typeof xxhash>>;
let hasher: Hasher | undefined;
let loading: Promise<Hasher> | undefined;

/** Loads the wasm hasher once per thread; every other function here needs it loaded. */
export async function initHash(): Promise<void> {
  if (hasher) return;
  loading ??= xxhash();
  hasher = await loading;
}

function h(): Hasher {
  if (!hasher) throw new Error('codegraph: initHash() must be awaited before hashing');
  return hasher;
}

/** xxh64 of a string as 16 lowercase hex digits. */
export function hashString(s: string): string {
  return h().h64ToString(s);
}

/** xxh64 of raw bytes as 16 lowercase hex digits. */
export function hashBytes(b: Uint8Array): string {
  return h().h64Raw(b).toString(16).padStart(16, '0');
}
