/**
 * L8's rules: stable ids, what each finds, and its default severity. This table is the one source of truth for rule
 * ids and defaults — the SARIF driver, the CLI (`--rule`), the Nx plugin option (`diagnostics.rules`) and the docs
 * all read it. Pyright's own rules (`pyright/<rule>`) are not listed: they come from L3's output as they are.
 */

/** What a finding weighs: SARIF's levels. `off` (in a configuration only) drops the rule's findings. */
export type Level = 'error' | 'warning' | 'note';
export type RuleSetting = Level | 'off';

export interface RuleInfo {
  id: string;
  level: Level;
  /** One line: what the rule finds (SARIF `shortDescription`). */
  summary: string;
}

export const RULES: readonly RuleInfo[] = [
  { id: 'syntax-error', level: 'error', summary: 'Python that does not parse: the span tree-sitter could not read (ERROR) or a token it had to assume (MISSING).' },
  {
    id: 'unresolved-import',
    level: 'warning',
    summary: 'An import of a workspace module or name that does not exist there, or a relative import that points outside any package.',
  },
  { id: 'undefined-name', level: 'warning', summary: 'A name read but bound in no enclosing scope, not a builtin (NameError when that line runs).' },
  {
    id: 'undeclared-dependency',
    level: 'warning',
    summary: 'A third-party module imported unconditionally that no declared dependency of the project provides (L9).',
  },
  { id: 'unused-dependency', level: 'note', summary: 'A declared dependency whose modules the project never imports (L9).' },
];

/** Severity of Pyright's diagnostics when the configuration says nothing about `pyright/<rule>` or `pyright`. */
export const PYRIGHT_PREFIX = 'pyright/';

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleInfo(id: string): RuleInfo | undefined {
  return BY_ID.get(id);
}

/** Per-rule settings: rule id (or `pyright` for every Pyright rule, or `pyright/<rule>`) → level or `off`. */
export type RuleConfig = Readonly<Record<string, RuleSetting>>;

const SETTINGS: ReadonlySet<string> = new Set(['off', 'note', 'warning', 'error']);

/** Checks a configuration; returns the problems (unknown rule ids, unknown levels), empty when it is valid. */
export function checkRuleConfig(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [rule, setting] of Object.entries(config)) {
    if (!BY_ID.has(rule) && rule !== 'pyright' && !rule.startsWith(PYRIGHT_PREFIX)) {
      problems.push(`unknown rule "${rule}" (rules: ${[...BY_ID.keys(), 'pyright', 'pyright/<rule>'].join(', ')})`);
    }
    if (typeof setting !== 'string' || !SETTINGS.has(setting)) problems.push(`rule "${rule}": "${String(setting)}" is not one of off, note, warning, error`);
  }
  return problems;
}

/**
 * The level a finding of `rule` gets: the configuration's setting for the rule (for Pyright's: `pyright/<rule>`,
 * then `pyright`), else `fallback` — the rule's default, or the severity Pyright gave.
 */
export function levelOf(rule: string, fallback: Level, config: RuleConfig | undefined): RuleSetting {
  if (config) {
    const own = config[rule];
    if (own) return own;
    if (rule.startsWith(PYRIGHT_PREFIX) && config.pyright) return config.pyright;
  }
  return fallback;
}

const RANK: Record<Level, number> = { note: 0, warning: 1, error: 2 };

/** `level` is at or above `threshold`. */
export function atLeast(level: Level, threshold: Level): boolean {
  return RANK[level] >= RANK[threshold];
}
