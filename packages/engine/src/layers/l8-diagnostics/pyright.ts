/**
 * `pyright/<rule>`: Pyright's diagnostics for the files L3 analysed, read from the project's `l3/diagnostics.json`
 * (written by L3) when it exists: `{ "files": { "<workspace-relative path>": [{ "rule", "severity":
 * "error|warning|information", "message", "range": [startLine, startCol, endLine, endCol] }] } }`, ranges in L1's
 * convention. Entries that do not have that shape are counted, not trusted.
 */
import type { Level } from './rules';
import { PYRIGHT_PREFIX } from './rules';
import type { RawFinding } from './finding';

const LEVELS: Record<string, Level> = { error: 'error', warning: 'warning', information: 'note' };

export function pyrightFindings(json: unknown): { findings: RawFinding[]; malformed: number } {
  const findings: RawFinding[] = [];
  let malformed = 0;
  const files = (json as { files?: unknown } | undefined)?.files;
  if (!files || typeof files !== 'object') return { findings, malformed: json === undefined ? 0 : 1 };
  for (const [file, list] of Object.entries(files as Record<string, unknown>)) {
    if (!Array.isArray(list)) {
      malformed++;
      continue;
    }
    for (const d of list as Array<Record<string, unknown>>) {
      const r = d?.range;
      const level = LEVELS[String(d?.severity)];
      const ok = Array.isArray(r) && r.length === 4 && r.every((x) => Number.isInteger(x) && x >= 0) && level && typeof d.message === 'string';
      if (!ok) {
        malformed++;
        continue;
      }
      const rule = typeof d.rule === 'string' && d.rule ? d.rule : 'general';
      findings.push({ rule: PYRIGHT_PREFIX + rule, level, message: d.message as string, file, range: r as [number, number, number, number] });
    }
  }
  return { findings, malformed };
}
