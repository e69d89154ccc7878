/** L8 public API: diagnostics (rules, SARIF, suppressions, baseline) of a project and of the workspace. */
export { runL8, diagnosticsPath, projectSarifPath, l8Dir, MAX_FINDINGS_PER_FILE, type L8Options, type DiagnosticsJson } from './run';
export { RULES, ruleInfo, checkRuleConfig, levelOf, atLeast, type Level, type RuleSetting, type RuleConfig, type RuleInfo } from './rules';
export { toSarif, relativeUri, FINGERPRINT_KEY, SARIF_SCHEMA_URI } from './sarif';
export { readBaseline, writeBaseline, baselineOf, newFindings, type Baseline, type BaselineEntry } from './baseline';
export { suppressionsOf, isSuppressed } from './suppress';
export { readWorkspaceDiagnostics, writeRepoSarif, repoSarifPath, type WorkspaceDiagnostics } from './repo';
export type { Finding, RawFinding, Range } from './finding';
