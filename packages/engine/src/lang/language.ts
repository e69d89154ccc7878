/**
 * The language seam. The engine's layers only see this interface; Python is the one implementation today.
 * A front end turns one file's bytes into FileIr without touching the file system or any other file.
 */
import type { FileIr } from '../ir/model';

export interface ExtractInput {
  /** Path relative to the index root, `/`-separated. */
  file: string;
  /** Module name (e.g. `pkg.mod`) computed by the project model. */
  module: string;
  /** Raw bytes as read from disk; the front end owns decoding. */
  bytes: Uint8Array;
}

export interface LanguageFrontEnd {
  readonly id: string;
  /** File extensions this front end indexes, with the dot. */
  readonly extensions: readonly string[];
  /** Loads grammars; must be awaited once per thread before extract(). */
  init(): Promise<void>;
  extract(input: ExtractInput): FileIr;
}
