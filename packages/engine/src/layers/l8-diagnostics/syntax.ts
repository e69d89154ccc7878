/**
 * `syntax-error`: what tree-sitter could not parse, with exact ranges. L1 already records each ERROR / MISSING node
 * of a file as a `syntax-error` diagnostic with its span (at most 20 per file, with the file's full count in the
 * manifest), so this reads L1's manifest and re-parses nothing; the count says how many more a file has.
 */
import type { L1Manifest } from '../l1-structure/run';
import type { RawFinding } from './finding';

export interface SyntaxFindings {
  findings: RawFinding[];
  /** Files whose syntax errors are more than L1 lists: file → how many are not listed. */
  unlisted: Record<string, number>;
}

/** L1's message (`missing )`, `syntax error near '…'`) with the missing token quoted, for readability. */
function message(l1: string): string {
  const missing = /^missing (.+)$/.exec(l1);
  return missing ? `syntax error: missing "${missing[1]}"` : l1;
}

export function syntaxFindings(m: L1Manifest): SyntaxFindings {
  const findings: RawFinding[] = [];
  const unlisted: Record<string, number> = {};
  for (const { file, diagnostics } of m.diagnostics) {
    if (!m.files[file]) continue; // a transient failure's entry: no IR, nothing parsed
    let listed = 0;
    for (const d of diagnostics) {
      if (d.code !== 'syntax-error' || !d.span) continue;
      listed++;
      findings.push({ rule: 'syntax-error', level: 'error', message: message(d.message), file, range: [d.span[0], d.span[1], d.span[2], d.span[3]] });
    }
    const total = m.files[file]!.syntaxErrors;
    if (total > listed) unlisted[file] = total - listed;
  }
  return { findings, unlisted };
}
