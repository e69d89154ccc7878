/**
 * SARIF 2.1.0 (OASIS; what GitHub code scanning and most CI dashboards read) from L8's findings: one run whose
 * `tool.driver` lists every rule with its configured level, one result per finding. Conventions that matter:
 * - locations are relative URIs under `uriBaseId: "%SRCROOT%"` (the workspace root), so the log is the same on every
 *   machine (Nx may restore it from a remote cache) and the consumer maps it onto its checkout;
 * - regions are 1-based lines and columns, columns in UTF-16 code units (SARIF's default `columnKind`, the same units
 *   as L1 spans), `endColumn` exclusive — L1's 0-based span plus one on each;
 * - `partialFingerprints["codegraph/v1"]` is the finding's line-move-stable fingerprint (the baseline compares it);
 * - a finding silenced by `# codegraph: ignore` stays, with `suppressions: [{ kind: "inSource" }]`.
 */
import { ENGINE_VERSION } from '../../version';
import type { Finding } from './finding';
import { PYRIGHT_PREFIX, RULES, levelOf, type RuleConfig } from './rules';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const FINGERPRINT_KEY = 'codegraph/v1';

/** A workspace-relative path as a relative URI reference (each segment percent-encoded). */
export function relativeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: string; enabled?: boolean };
}

function driverRules(findings: readonly Finding[], config: RuleConfig | undefined): SarifRule[] {
  const rules: SarifRule[] = RULES.map((r) => {
    const setting = levelOf(r.id, r.level, config);
    return {
      id: r.id,
      shortDescription: { text: r.summary },
      defaultConfiguration: setting === 'off' ? { level: r.level, enabled: false } : { level: setting },
    };
  });
  // Pyright's rules as they occur (their level is per diagnostic: Pyright's severity or the configuration's).
  const pyright = [...new Set(findings.filter((f) => f.rule.startsWith(PYRIGHT_PREFIX)).map((f) => f.rule))].sort();
  for (const id of pyright) {
    rules.push({
      id,
      shortDescription: { text: `Pyright: ${id.slice(PYRIGHT_PREFIX.length)} (from the project's L3 type analysis)` },
      helpUri: 'https://microsoft.github.io/pyright/#/configuration?id=type-check-diagnostics-settings',
      defaultConfiguration: { level: 'warning' },
    });
  }
  return rules;
}

/** The SARIF log of a set of findings (a project's or the whole workspace's). */
export function toSarif(findings: readonly Finding[], config?: RuleConfig): object {
  const rules = driverRules(findings, config);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule)!,
    level: f.level,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.range[0] + 1, startColumn: f.range[1] + 1, endLine: f.range[2] + 1, endColumn: f.range[3] + 1 },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource' }] } : {}),
  }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'codegraph', version: ENGINE_VERSION, semanticVersion: ENGINE_VERSION, rules } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
