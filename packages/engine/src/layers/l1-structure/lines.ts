/**
 * Raw access to IR JSON lines without parsing them: the cross-file layers skip most records (CONTAINS, WRITES,
 * Parameters...) by kind or parent before paying for JSON.parse.
 */

/** Record kind of a raw line: `{"node":"Class",...` → 'Class', `{"edge":"CALLS",...` → 'CALLS'. */
export function lineKind(line: string): string {
  return line.slice(9, line.indexOf('"', 9));
}

/** True for node lines (`{"node":...`), false for edge lines (`{"edge":...`). */
export function isNodeLine(line: string): boolean {
  return line.charCodeAt(2) === 110; // 'n'
}

/**
 * A string field of a raw record line without parsing it: `rawField(line, 'parent')`. Only for fields whose values
 * are never escaped (ids, kinds) and that no earlier string in the line can contain (`id`, `parent` follow `node`/
 * `edge` and precede any free text).
 */
export function rawField(line: string, key: string): string | undefined {
  const tag = `"${key}":"`;
  const i = line.indexOf(tag);
  if (i < 0) return undefined;
  const start = i + tag.length;
  return line.slice(start, line.indexOf('"', start));
}
