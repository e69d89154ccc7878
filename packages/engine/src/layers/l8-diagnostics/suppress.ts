/**
 * In-source suppressions: `# codegraph: ignore` (every rule) or `# codegraph: ignore[rule-a, rule-b]` in a comment on
 * the finding's first line. A `pyright/<rule>` finding is also silenced by `ignore[pyright]`.
 */

const IGNORE = /#\s*codegraph:\s*ignore(?:\[([^\]]*)\])?/g;

/** The rules a line suppresses: `'all'`, a set of rule ids, or undefined when it has no such comment. */
export function suppressionsOf(line: string): 'all' | Set<string> | undefined {
  if (!line.includes('codegraph')) return undefined;
  let rules: Set<string> | undefined;
  for (const m of line.matchAll(IGNORE)) {
    if (m[1] === undefined) return 'all';
    rules ??= new Set();
    for (const r of m[1].split(',')) if (r.trim()) rules.add(r.trim());
  }
  return rules;
}

export function isSuppressed(line: string, rule: string): boolean {
  const s = suppressionsOf(line);
  if (s === undefined) return false;
  if (s === 'all') return true;
  return s.has(rule) || (rule.startsWith('pyright/') && s.has('pyright'));
}
