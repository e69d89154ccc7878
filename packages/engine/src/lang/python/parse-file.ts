/**
 * One file's bytes → a tree, with the guards every layer that parses needs (L1 extraction, L5 flow): decoding
 * (PEP 263, UTF-16/32, NULs), refusing indentation deep enough to damage the grammar's scanner, a parse time budget,
 * the tree freed when the caller is done, and the canary after a suspicious parse — a tree made by a parser that
 * the file was damaging is never trusted.
 */
import { decodePythonSource, type Decoded } from './decode';
import { checkParser, deepestIndentation, MAX_INDENT_LEVELS, parsePython, type SyntaxNode } from './parser';

export interface ParseFileOptions {
  /** Parse budget (ms); past it parsePython throws ParseTimeoutError. */
  timeoutMs?: number;
  /** Indentation widths above which the file is not parsed (default MAX_INDENT_LEVELS; raise it only to test). */
  maxIndentLevels?: number;
}

/** Parsing this file damaged the parser (the canary after it failed): its tree cannot be trusted. */
export class ParserDamagedError extends Error {}

/**
 * Indentation widths past which a parse is checked with the canary. Real code has a node every 5-30 characters
 * and the stdlib's most indentation widths are 44: an empty or sparse tree, or input near what is known to damage
 * the parser, is suspicious.
 */
const SUSPICIOUS_INDENT_WIDTHS = 64;

/**
 * Decodes and parses `bytes`, then calls `fn` with the decoded text and the root (undefined when the file is too
 * deeply indented to parse safely: `decoded.diagnostics` then says so). The tree is deleted when `fn` returns.
 */
export function withParsedPython<T>(bytes: Uint8Array, opts: ParseFileOptions, fn: (decoded: Decoded, root: SyntaxNode | undefined) => T): T {
  const decoded = decodePythonSource(bytes);
  const maxLevels = opts.maxIndentLevels ?? MAX_INDENT_LEVELS;
  const widths = deepestIndentation(decoded.text, maxLevels);
  if (widths > maxLevels) {
    decoded.diagnostics.push({
      severity: 'error',
      code: 'too-deep',
      message: `indentation deeper than ${MAX_INDENT_LEVELS} levels (the grammar's scanner overflows on such input); indexed as an empty module`,
    });
    return fn(decoded, undefined);
  }
  const tree = parsePython(decoded.text, { timeoutMs: opts.timeoutMs });
  let out: T;
  let suspicious: boolean;
  try {
    const root = tree.rootNode;
    suspicious = root.hasError || root.descendantCount * 64 < decoded.text.length || widths > SUSPICIOUS_INDENT_WIDTHS;
    out = fn(decoded, root);
  } finally {
    tree.delete();
  }
  if (suspicious && !checkParser()) throw new ParserDamagedError('parsing this file damaged the tree-sitter parser (replaced); its tree is not trusted');
  return out;
}
