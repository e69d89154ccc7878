/**
 * `codegraph check [index]`: the workspace's L8 findings against a baseline, for CI. Reads the L8 outputs (a repo
 * federation's projects, or one project's outputs) — it never indexes; when they are missing it says which command
 * builds them. Exit codes: 0 no new finding at or above `--fail-on`, 1 new findings, 2 bad usage or no L8 output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFederation } from '../layers/repo/merge';
import { diagnosticsPath } from '../layers/l8-diagnostics/run';
import { readWorkspaceDiagnostics } from '../layers/l8-diagnostics/repo';
import { newFindings, readBaseline, writeBaseline, type Baseline } from '../layers/l8-diagnostics/baseline';
import { atLeast, checkRuleConfig, levelOf, type Level, type RuleConfig, type RuleSetting } from '../layers/l8-diagnostics/rules';
import type { Finding } from '../layers/l8-diagnostics/finding';
import { UsageError } from './errors';

export interface CheckOptions {
  baseline?: string;
  updateBaseline?: boolean;
  failOn: Level;
  json?: boolean;
  rule?: string[];
}

const BUILD_HINT =
  'build them first: `npx nx run repo:codegraph-index` in an Nx workspace with @codegraph/nx (or `nx run <project>:codegraph-l8`), or `codegraph index <dir>` without Nx';

/** `rule=level` pairs → a rule configuration; a usage error names what is wrong. */
export function parseRuleOptions(pairs: readonly string[] | undefined): RuleConfig | undefined {
  if (!pairs?.length) return undefined;
  const config: Record<string, string> = {};
  for (const p of pairs) {
    const m = /^([^=\s]+)=(\S+)$/.exec(p);
    if (!m) throw new UsageError(`--rule expects <rule>=<off|note|warning|error>, got '${p}'`);
    config[m[1]!] = m[2]!;
  }
  const problems = checkRuleConfig(config);
  if (problems.length) throw new UsageError(`--rule: ${problems.join('; ')}`);
  return config as Record<string, RuleSetting>;
}

/** The projects whose L8 output to read: every project of a federation, or the one project of an output folder. */
function projectsOf(index: string): Array<{ name: string; outDir: string }> {
  const fed = readFederation(index);
  if (fed) return fed.projects.map((p) => ({ name: p.name, outDir: p.outDir }));
  if (fs.existsSync(diagnosticsPath(index)) || fs.existsSync(path.join(index, 'l1'))) return [{ name: path.basename(index), outDir: index }];
  // A workspace or project directory: the index it holds (`codegraph check examples/shop`).
  for (const inner of [path.join(index, '.codegraph', 'repo'), path.join(index, '.codegraph', 'index')]) {
    if (fs.existsSync(inner)) return projectsOf(inner);
  }
  throw new UsageError(`no codegraph index in ${index}: ${BUILD_HINT}`);
}

/** The default index: the Nx plugin's repo federation, else `codegraph index`'s default output. */
function defaultIndex(): string {
  const repo = path.join('.codegraph', 'repo');
  return fs.existsSync(path.join(repo, 'projects.json')) ? repo : path.join('.codegraph', 'index');
}

function applyRules(findings: readonly Finding[], config: RuleConfig | undefined): Finding[] {
  if (!config) return [...findings];
  const out: Finding[] = [];
  for (const f of findings) {
    const level = levelOf(f.rule, f.level, config);
    if (level !== 'off') out.push({ ...f, level });
  }
  return out;
}

const where = (f: Finding) => `${f.file}:${f.range[0] + 1}:${f.range[1] + 1}`;

export async function checkCommand(indexArg: string | undefined, o: CheckOptions): Promise<number> {
  if (o.updateBaseline && !o.baseline) throw new UsageError('--update-baseline needs --baseline <file>');
  const rules = parseRuleOptions(o.rule);
  const index = path.resolve(indexArg ?? defaultIndex());
  const w = readWorkspaceDiagnostics(projectsOf(index));
  if (w.missing.length) throw new UsageError(`no L8 diagnostics for ${w.missing.join(', ')} in ${index}: ${BUILD_HINT}`);
  const findings = applyRules(w.findings, rules);

  if (o.updateBaseline) {
    const b = writeBaseline(path.resolve(o.baseline!), findings);
    const text = `codegraph check: baseline ${o.baseline} written with ${b.findings.length} finding(s)`;
    process.stdout.write(o.json ? `${JSON.stringify({ baseline: o.baseline, findings: b.findings.length })}\n` : `${text}\n`);
    return 0;
  }
  let baseline: Baseline | undefined;
  if (o.baseline) {
    if (!fs.existsSync(o.baseline)) throw new UsageError(`no baseline at ${o.baseline} (create it with --update-baseline)`);
    try {
      baseline = readBaseline(o.baseline);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const fresh = newFindings(findings, baseline);
  const failing = fresh.filter((f) => atLeast(f.level, o.failOn));
  const suppressed = findings.filter((f) => f.suppressed).length;
  const code = failing.length ? 1 : 0;
  if (o.json) {
    const report = { failOn: o.failOn, exitCode: code, total: findings.length, suppressed, new: fresh.length, failing, baseline: baseline?.findings.length };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return code;
  }
  const lines = failing.map((f) => `${where(f)}: ${f.level} [${f.rule}] ${f.message}`);
  const below = fresh.length - failing.length;
  lines.push(
    `codegraph check: ${failing.length} new finding(s) at ${o.failOn} or above` +
      (below ? `, ${below} new below it` : '') +
      `; ${findings.length} in all (${suppressed} suppressed in source${baseline ? `, ${findings.length - suppressed - fresh.length} in the baseline` : ''})`,
  );
  for (const p of w.projects) {
    const t = Object.keys(p.truncated).length;
    if (t) lines.push(`  ${p.project}: ${t} file(s) over the per-file cap (see l8/diagnostics.json "truncated")`);
    if (p.stale.length) lines.push(`  ${p.project}: ${p.stale.length} file(s) changed since they were indexed; re-run the index for exact positions`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return code;
}
