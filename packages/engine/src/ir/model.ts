/**
 * The IR model shared by every layer and every language front end. docs/ir.md is the user-facing description;
 * keep the two in step.
 *
 * Records are plain data so a file's IR can be written as JSON lines and read back by any tool.
 */

export const NODE_KINDS = [
  'File',
  'Module',
  'Class',
  'Function',
  'Method',
  'Lambda',
  'Variable',
  'Parameter',
  'Import',
] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export const EDGE_KINDS = [
  'CONTAINS',
  'CALLS',
  'READS',
  'WRITES',
  'IMPORTS',
  'INHERITS',
  'DECORATES',
  'INSTANTIATES',
] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** [startLine, startColumn, endLine, endColumn]; 0-based lines, columns in UTF-16 code units (as LSP and SCIP). */
export type Span = [number, number, number, number];

export type Visibility = 'public' | 'internal' | 'private';

export interface IrNode {
  /** Kind of the node; the key is named after the record type so a JSON line says what it is. */
  node: NodeKind;
  /** Stable id: xxh64 of (file path, FQN). Unchanged when unrelated code moves. */
  id: string;
  name: string;
  /** Fully qualified name: module path + scope chain, e.g. `pkg.mod.Class.method`. */
  fqn: string;
  /** File path relative to the index root, with `/` separators. */
  file: string;
  span: Span;
  /** Id of the containing node (absent on File nodes). */
  parent?: string;
  attrs?: Record<string, unknown>;
}

export interface IrEdge {
  edge: EdgeKind;
  /** Stable id: xxh64 of (src, kind, target, ordinal among identical edges). */
  id: string;
  src: string;
  /** Id of the destination when it is resolved inside the indexed code. */
  dst?: string;
  /** FQN of the destination when known (always set with dst; set alone when only the name is known, e.g. imports). */
  target?: string;
  /** The callee / base / decorator expression as written, for edges L4 may still have to resolve. */
  callee?: string;
  /** Where the edge is expressed (the call site, the base expression, ...). */
  span?: Span;
  attrs?: Record<string, unknown>;
}

export type NodeCounts = Partial<Record<NodeKind, number>>;
export type EdgeCounts = Partial<Record<EdgeKind, number>>;

export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  span?: Span;
}

/** What a front end produces for one file. */
export interface FileIr {
  file: string;
  module: string;
  nodes: IrNode[];
  edges: IrEdge[];
  diagnostics: Diagnostic[];
  loc: number;
  syntaxErrors: number;
}

export function countKinds<R, F extends keyof R>(records: readonly R[], key: F): Partial<Record<R[F] & string, number>> {
  const counts: Partial<Record<R[F] & string, number>> = {};
  for (const r of records) {
    const k = r[key] as R[F] & string;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

export function addCounts<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>> | undefined): void {
  if (!from) return;
  for (const k of Object.keys(from) as K[]) into[k] = (into[k] ?? 0) + (from[k] ?? 0);
}

export function visibilityOf(name: string): Visibility {
  if (name.startsWith('__') && name.endsWith('__') && name.length > 4) return 'public';
  if (name.startsWith('__')) return 'private';
  if (name.startsWith('_')) return 'internal';
  return 'public';
}
