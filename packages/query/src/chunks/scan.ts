/**
 * Lexical scans over source lines — brackets, strings and comments only, never a parse — to find where a `def` /
 * `class` header ends (its `:`) and where a module-level statement ends. The IR gives every definition's start and
 * end; these two positions are all chunks need beyond it.
 */

/** A position: 0-based line and column. */
export interface Pos {
  line: number;
  col: number;
}

const MAX_LINES = 400;

/**
 * Walks the text from `from`, calling `stop(ch, depth)` at every character outside strings and comments; returns the
 * position where it returned true, or undefined. Strings (with prefixes and triple quotes) and comments are skipped.
 */
function walk(lines: readonly string[], from: Pos, stop: (ch: string, depth: number, atEol: boolean) => boolean): Pos | undefined {
  let depth = 0;
  let quote = '';
  for (let l = from.line; l < lines.length && l < from.line + MAX_LINES; l++) {
    const s = lines[l]!;
    let c = l === from.line ? from.col : 0;
    for (; c < s.length; c++) {
      const ch = s[c]!;
      if (quote) {
        if (ch === '\\') c++;
        else if (s.startsWith(quote, c)) {
          c += quote.length - 1;
          quote = '';
        }
        continue;
      }
      if (ch === '#') break;
      if (ch === '"' || ch === "'") {
        quote = s.startsWith(ch.repeat(3), c) ? ch.repeat(3) : ch;
        c += quote.length - 1;
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
      if (stop(ch, depth, false)) return { line: l, col: c };
    }
    // A single-quoted string cannot span lines (unless escaped, handled above by skipping the next char).
    if (quote.length === 1) quote = '';
    const continued = s.trimEnd().endsWith('\\');
    if (!quote && !continued && stop('\n', depth, true)) return { line: l, col: s.length };
  }
  return undefined;
}

/** Where the header of the definition starting at `from` ends: the position of its `:` (outside brackets). */
export function headerEnd(lines: readonly string[], from: Pos): Pos | undefined {
  return walk(lines, from, (ch, depth) => ch === ':' && depth === 0);
}

/** The last line of the statement starting at `line` (brackets, strings and backslash continuations followed). */
export function statementEndLine(lines: readonly string[], line: number): number {
  return walk(lines, { line, col: 0 }, (_ch, depth, atEol) => atEol && depth === 0)?.line ?? line;
}
