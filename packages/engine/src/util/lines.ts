/**
 * Line starts of a text and the line of an index in it — how UTF-16 indices (web-tree-sitter's, for a JS string)
 * become tree-sitter's rows and columns: rows count `\n` only, a column is the index minus its line's start.
 */

/** Index of the first character of each line; line 0 starts at 0. */
export function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** The 0-based line holding `index` (binary search over `lineStarts`). */
export function lineAt(starts: readonly number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
