/**
 * Pyright's diagnostics in the shape `l3/diagnostics.json` keeps (read by L8): rule, severity, message, range.
 * Ranges use L1's span convention: 0-based lines, 0-based UTF-16 columns — exactly LSP's, so they are copied.
 * Hints (unused names, unreachable code: severity 4) are editor decorations, not findings: dropped.
 */
import type { Diagnostic } from 'vscode-languageserver-protocol';

export interface L3Diagnostic {
  /** Pyright's rule (`reportAttributeAccessIssue`), or `pyright` when it gives none. */
  rule: string;
  severity: 'error' | 'warning' | 'information';
  message: string;
  range: [number, number, number, number];
}

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information' } as const;

export function toFileDiagnostic(d: Diagnostic): L3Diagnostic | undefined {
  const sev = SEVERITY[(d.severity ?? 1) as 1 | 2 | 3];
  if (!sev) return undefined;
  const r = d.range;
  return { rule: typeof d.code === 'string' && d.code ? d.code : 'pyright', severity: sev, message: d.message, range: [r.start.line, r.start.character, r.end.line, r.end.character] };
}
