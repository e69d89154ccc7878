/**
 * The parser seam: everything that knows which tree-sitter binding is used lives here.
 *
 * We use web-tree-sitter (WebAssembly) with the grammar shipped inside tree-sitter-python. Measured over the full
 * L1 on the stdlib (docs/architecture.md), it extracts at native speed with a fraction of the RSS, and it needs no
 * C++ build at install time: the native `tree-sitter` binding's linux prebuild does not load on Debian 12 and only
 * works when npm runs its node-gyp build. Wasm trees are freed explicitly with delete(), so memory stays flat.
 *
 * A parser can be damaged by its input: tree-sitter-python 0.25.0's external scanner writes one byte past its
 * 1 KiB serialization buffer when ~511 indentation levels meet an open string, which corrupts the parser struct,
 * and every later parse on it silently returns an empty module (then traps). So this module (1) refuses such input
 * before parsing (see `deepestIndentation`), (2) checks the parser after every parse with a canary whose tree is
 * known, and (3) replaces a parser that failed the canary or trapped. Only the parser struct is damaged (measured:
 * a new Parser on the same Language parses correctly), so a new Parser is enough; if a fresh parser still fails
 * the canary, `ParserUnrecoverableError` tells the worker to exit so the pool starts a new one.
 */
import * as fs from 'node:fs';
import { Language, Parser, type Tree } from 'web-tree-sitter';

let language: Language | undefined;
let parser: Parser | undefined;
let loading: Promise<void> | undefined;
/** The canary's tree as a fresh parser gives it. */
let canaryShape: string | undefined;
let replacements = 0;
/**
 * The emscripten module web-tree-sitter was initialised with (`Parser.init` makes the options object the module):
 * its raw wasm exports let a hot walk skip the binding's per-call marshalling (see flow/flat-tree.ts, which checks
 * them against the public API before trusting them).
 */
let binding: Record<string, unknown> | undefined;

/**
 * Exercises what the damage breaks: indentation (the scanner's INDENT/DEDENT), strings and f-strings (its delimiter
 * stack), nesting. A damaged parser returns an empty module for it.
 */
const CANARY = [
  'import os',
  'class A(B):',
  '    """doc"""',
  '    def f(self, x=1, *a, **k):',
  '        if x:',
  '            return f"{x!r:>{3}}" + \'\'\'s\'\'\'',
  '        for i in range(3):',
  '            yield [j for j in a if j]',
  'x = lambda y: y',
  '',
].join('\n');

/**
 * Text with more distinct indentation widths than this is not parsed (see deepestIndentation): the scanner
 * overflows at 384 levels at the earliest; the stdlib's most is 44.
 */
export const MAX_INDENT_LEVELS = 200;

/** The parse was cancelled because it ran past its time budget. */
export class ParseTimeoutError extends Error {}
/** The wasm parser trapped (RuntimeError: memory access out of bounds, Aborted()): the parser was replaced. */
export class ParserTrapError extends Error {}
/** A fresh parser fails the canary too: the wasm instance itself is damaged and the thread must be recycled. */
export class ParserUnrecoverableError extends Error {}

async function load(): Promise<void> {
  const moduleObject: Record<string, unknown> = {};
  await Parser.init(moduleObject);
  binding = moduleObject;
  // Bytes rather than a path: loading by path makes web-tree-sitter use a dynamic import(), which some hosts
  // (jest's VM, bundlers) do not allow.
  const wasm = fs.readFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  language = await Language.load(wasm);
  parser = newParser();
  canaryShape = shapeOf(parser);
}

function newParser(): Parser {
  const p = new Parser();
  p.setLanguage(language!);
  return p;
}

/** The canary's tree as text (node types and nesting; spans are fixed by the fixed input). */
function shapeOf(p: Parser): string | undefined {
  const t = p.parse(CANARY);
  if (!t) return undefined;
  try {
    // Count, error flag and top-level shape: a damaged parser returns an empty module (measured); the full
    // s-expression would cost ~1 ms per file.
    const r = t.rootNode;
    return `${r.descendantCount}:${r.hasError}:${r.namedChildCount}:${r.endIndex}`;
  } finally {
    t.delete();
  }
}

export async function initPythonParser(): Promise<void> {
  if (parser) return;
  loading ??= load();
  await loading;
}

/** The raw emscripten module of web-tree-sitter (undefined before initPythonParser). Only for measured hot paths. */
export function treeSitterBinding(): Record<string, unknown> | undefined {
  return binding;
}

/** How many times a damaged parser was replaced in this thread (for diagnostics and tests). */
export function parserReplacements(): number {
  return replacements;
}

function isTrap(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'RuntimeError' || /memory access out of bounds|Aborted\(|unreachable|RuntimeError/.test(err.message))
  );
}

/**
 * Whether the parser still gives the canary's known tree. Replaces it when not; throws ParserUnrecoverableError
 * when a fresh parser is damaged too. Returns false when the parser had to be replaced.
 */
export function checkParser(): boolean {
  let shape: string | undefined;
  try {
    shape = shapeOf(parser!);
  } catch {
    shape = undefined;
  }
  if (shape === canaryShape) return true;
  replaceParser();
  return false;
}

function replaceParser(): void {
  // A damaged parser may trap in its own destructor: leak it rather than risk that (it is one struct).
  try {
    parser?.delete();
  } catch {
    /* leaked */
  }
  replacements++;
  parser = newParser();
  let shape: string | undefined;
  try {
    shape = shapeOf(parser);
  } catch {
    shape = undefined;
  }
  if (shape !== canaryShape) throw new ParserUnrecoverableError('tree-sitter parser still damaged after replacement');
}

export interface ParseOptions {
  /** Cancel the parse past this many milliseconds (tree-sitter's progress callback). */
  timeoutMs?: number;
}

/**
 * Parses source text; the caller must call tree.delete() when done (wasm memory is not garbage-collected).
 * Throws ParseTimeoutError past the budget and ParserTrapError when the wasm trapped (the parser is replaced).
 */
export function parsePython(text: string, opts: ParseOptions = {}): Tree {
  if (!parser) throw new Error('codegraph: initPythonParser() must be awaited before parsing');
  const deadline = opts.timeoutMs !== undefined ? performance.now() + opts.timeoutMs : undefined;
  let tree: Tree | null;
  try {
    tree =
      deadline === undefined
        ? parser.parse(text)
        : // The callback runs every few hundred parse operations; its cost is not measurable next to the parse.
          parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
  } catch (err) {
    if (!isTrap(err)) throw err;
    replaceParser();
    throw new ParserTrapError(`tree-sitter trapped: ${(err as Error).message}`);
  }
  if (!tree) {
    // Cancelled: a later parse must start from the beginning, not resume this one.
    parser.reset();
    if (deadline !== undefined && performance.now() > deadline) throw new ParseTimeoutError(`parse exceeded its ${opts.timeoutMs} ms budget`);
    throw new Error('tree-sitter returned no tree');
  }
  return tree;
}

/**
 * The deepest stack of indentation levels the scanner could build for this text, over-approximated so it cannot be
 * fooled: the number of distinct indentation widths at line starts (the scanner's indent stack holds strictly
 * increasing widths, each the width of some line's leading whitespace, computed as the scanner does). Strings and
 * brackets cannot hide a line from this count.
 *
 * The scanner overflows at ≥384 levels in the worst case (255 open string delimiters leave (1024-257)/2 two-byte
 * slots); CPython itself refuses more than 100 levels ("too many levels of indentation"). Distinct widths also count
 * continuation lines aligned to brackets, so the limit (200) sits between real code (the stdlib's most is 44) and
 * the overflow.
 * Returns as soon as `limit` is exceeded.
 */
export function deepestIndentation(text: string, limit = Infinity): number {
  const seen = new Set<number>();
  const n = text.length;
  let i = 0;
  while (i < n) {
    // The scanner's own width rule (scanner.c): space +1, tab +8, CR and form feed reset, and a backslash-newline
    // continues the same run of whitespace.
    let w = 0;
    for (; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 32) w++;
      else if (ch === 9) w += 8;
      else if (ch === 13 || ch === 12) w = 0;
      else if (ch === 92) {
        let j = i + 1;
        if (text.charCodeAt(j) === 13) j++;
        if (text.charCodeAt(j) !== 10) break;
        i = j;
      } else break;
    }
    if (w > 0 && !seen.has(w & 0xffff)) {
      seen.add(w & 0xffff);
      if (seen.size > limit) return seen.size;
    }
    const nl = text.indexOf('\n', i);
    if (nl < 0) break;
    i = nl + 1;
  }
  return seen.size;
}

export type { Language, Node as SyntaxNode, Tree, TreeCursor } from 'web-tree-sitter';
