/**
 * IR records as JSON lines: making them (`irLines`), and telling a line's kind without parsing it.
 */
import type { IrEdge, IrNode } from '../../ir/model';

/** Record kind of a raw line: `{"node":"Class",...` → 'Class', `{"edge":"CALLS",...` → 'CALLS'. */
export function lineKind(line: string): string {
  return line.slice(9, line.indexOf('"', 9));
}

/** True for node lines (`{"node":...`), false for edge lines (`{"edge":...`). */
export function isNodeLine(line: string): boolean {
  return line.charCodeAt(2) === 110; // 'n'
}

/** A file's records as the JSON lines every reader documents (docs/ir.md): nodes, then edges, one per line. */
export function irLines(r: { nodes: readonly IrNode[]; edges: readonly IrEdge[] }): string[] {
  const lines: string[] = [];
  for (const n of r.nodes) lines.push(JSON.stringify(n));
  for (const e of r.edges) lines.push(JSON.stringify(e));
  return lines;
}
