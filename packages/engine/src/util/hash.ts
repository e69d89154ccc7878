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

/**
 * Strings longer than this are hashed in pieces: the hasher copies its input into its WebAssembly memory, which grows
 * to the largest input and never shrinks (hashing the 32M-character stdlib summaries in one piece left 92 MB there).
 */
const HASH_PIECE = 1 << 20;

/** xxh64 of a string (its UTF-8 bytes) as 16 lowercase hex digits. */
export function hashString(s: string): string {
  if (s.length <= HASH_PIECE) return h().h64ToString(s);
  const state = h().create64();
  for (let i = 0; i < s.length; ) {
    let j = Math.min(i + HASH_PIECE, s.length);
    // Never between the two halves of a surrogate pair: alone, each would encode as U+FFFD.
    const last = s.charCodeAt(j - 1);
    if (j < s.length && last >= 0xd800 && last <= 0xdbff) j--;
    state.update(s.slice(i, j));
    i = j;
  }
  return state.digest().toString(16).padStart(16, '0');
}

/** xxh64 of raw bytes as 16 lowercase hex digits. */
export function hashBytes(b: Uint8Array): string {
  return h().h64Raw(b).toString(16).padStart(16, '0');
}

/**
 * xxh64 of a string handed over in pieces: `digest` gives what `hashString` gives for their concatenation, without
 * that string ever being made (the stdlib's summaries' shape is a 32M-character JSON text). A piece must not end
 * between the two halves of a surrogate pair (whole JSON values never do).
 */
export function hashPieces(): { update(piece: string): void; digest(): string } {
  const state = h().create64();
  return {
    update(s: string) {
      for (let i = 0; i < s.length; ) {
        let j = Math.min(i + HASH_PIECE, s.length);
        const last = s.charCodeAt(j - 1);
        if (j < s.length && last >= 0xd800 && last <= 0xdbff) j--;
        state.update(j - i === s.length ? s : s.slice(i, j));
        i = j;
      }
    },
    digest: () => state.digest().toString(16).padStart(16, '0'),
  };
}
