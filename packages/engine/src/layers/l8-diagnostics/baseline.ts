/**
 * The baseline: the fingerprints of findings a team has accepted, so CI fails only on new ones
 * (`codegraph check --baseline <file>`). A finding is new when its fingerprint is not in the baseline; fingerprints
 * survive line moves (finding.ts), so code shifted by an edit above it is not new.
 */
import * as fs from 'node:fs';
import { writeJsonAtomicSync } from '../../util/atomic';
import type { Finding } from './finding';

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  file: string;
  /** For people reading the file in review; not compared. */
  message: string;
}

export interface Baseline {
  schema: 1;
  tool: 'codegraph';
  findings: BaselineEntry[];
}

/** Reads a baseline; throws with a message naming the file when it is not one. */
export function readBaseline(file: string): Baseline {
  const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Baseline>;
  if (j?.tool !== 'codegraph' || j.schema !== 1 || !Array.isArray(j.findings)) throw new Error(`${file}: not a codegraph baseline (schema 1)`);
  return j as Baseline;
}

/** The baseline of a set of findings: every unsuppressed one, sorted (a stable file in version control). */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const entries = findings
    .filter((f) => !f.suppressed)
    .map((f) => ({ fingerprint: f.fingerprint, rule: f.rule, file: f.file, message: f.message }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { schema: 1, tool: 'codegraph', findings: entries };
}

export function writeBaseline(file: string, findings: readonly Finding[]): Baseline {
  const b = baselineOf(findings);
  writeJsonAtomicSync(file, b);
  return b;
}

/** Findings not in the baseline (all of them without one), suppressed ones never. */
export function newFindings(findings: readonly Finding[], baseline: Baseline | undefined): Finding[] {
  const known = new Set(baseline?.findings.map((e) => e.fingerprint) ?? []);
  return findings.filter((f) => !f.suppressed && !known.has(f.fingerprint));
}
