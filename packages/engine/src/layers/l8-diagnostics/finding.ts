/** The shape of a finding, as the rule families produce it and as `l8/diagnostics.json` stores it (docs/ir.md, "L8"). */
import type { Level } from './rules';

/** [startLine, startColumn, endLine, endColumn]: 0-based lines, UTF-16 columns, end exclusive — L1's span convention. */
export type Range = [number, number, number, number];

/** What a rule family reports, before configuration, suppressions and fingerprints. */
export interface RawFinding {
  rule: string;
  /** The rule's default level (for Pyright's rules, the severity Pyright gave). */
  level: Level;
  message: string;
  /** Relative to the index root (the workspace root under Nx), `/`-separated. */
  file: string;
  range: Range;
}

export interface Finding extends RawFinding {
  /**
   * Stable under line moves: rule, file, the hash of the line's trimmed text and the occurrence index of that
   * (rule, file, text) — SARIF's `partialFingerprints`, what the baseline compares.
   */
  fingerprint: string;
  /** Silenced by a `# codegraph: ignore` comment on its line: kept (SARIF `suppressions`), never counted as new. */
  suppressed?: true;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** File, then position, then rule: the order of every output. */
export function compareFindings(a: RawFinding, b: RawFinding): number {
  return cmp(a.file, b.file) || a.range[0] - b.range[0] || a.range[1] - b.range[1] || cmp(a.rule, b.rule) || cmp(a.message, b.message);
}
