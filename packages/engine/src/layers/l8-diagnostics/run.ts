/**
 * L8 — diagnostics for one project: what is broken, with a rule id, a level and a location, in the formats CI reads.
 *
 * Inputs (all outputs of earlier layers, plus the source text of files that have a finding):
 * - `l1/manifest.json` (syntax errors with spans), `l1/ir.pack` / `facts.pack` (import spans, star imports);
 * - `l4/manifest.json` + `resolved.pack` (imports that resolve nowhere), `l5/flow.pack` (free names), `l9/packages.json`
 *   (undeclared / unused dependencies), and `l3/diagnostics.json` when L3 ran (Pyright's diagnostics).
 * A missing optional layer (L4, L5, L9, L3) means its rules report nothing; `layers` in the output says which ran.
 *
 * Outputs, under `<out>/l8/`, written atomically: `diagnostics.json` (docs/ir.md, "L8") and `codegraph.sarif`
 * (SARIF 2.1.0). Per rule the configured level applies (`off` drops it); at most MAX_FINDINGS_PER_FILE findings per
 * file are kept (a huge broken generated file must not produce 100K results), the rest counted in `truncated`.
 */
import { l3DiagnosticsPath } from '../l3-types/paths';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonOrUndefined, removeStaleTemps, writeFileAtomicSync, writeJsonAtomicSync } from '../../util/atomic';
import { hashString, initHash } from '../../util/hash';
import { L1Reader, type ProjectOut } from '../l1-structure/stream';
import { l4ManifestPath, type L4Manifest } from '../l4-resolve/run';
import { L5Reader } from '../l5-flow/stream';
import { packagesPath } from '../l9-packages/run';
import type { PackagesReport } from '../l9-packages/types';
import { dependencyFindings } from './dependencies';
import { compareFindings, type Finding, type RawFinding } from './finding';
import { unresolvedImportFindings } from './imports';
import { probesOrAddsNames, undefinedReads } from './names';
import { bindsNamesDynamically } from './dynamic';
import { starNames } from './stars';
import { moduleHomes, starSources, WorkspaceFacts } from './workspace';
import { pyrightFindings } from './pyright';
import { levelOf, type Level, type RuleConfig } from './rules';
import { toSarif } from './sarif';
import { Sources } from './source';
import { isSuppressed } from './suppress';
import { syntaxFindings } from './syntax';

export const MAX_FINDINGS_PER_FILE = 100;

export interface L8Options {
  /** Index root (the workspace root under Nx): every path in the inputs and outputs is relative to it. */
  root: string;
  /** The project's output folder (its `l1/`, `l4/`, … are read, `l8/` written). */
  outDir: string;
  project?: string;
  /** Per-rule levels (`off|note|warning|error`); rules left out keep their defaults (rules.ts). */
  rules?: RuleConfig;
  /** The projects this one imports from (their L1 output), as given to L4: where an imported module's file is. */
  deps?: readonly ProjectOut[];
}

export interface DiagnosticsJson {
  schema: 1;
  project: string;
  /** Which inputs were there: a rule family whose layer did not run reports nothing. */
  layers: { l4: boolean; l5: boolean; l9: boolean; l3: boolean };
  /** The rule configuration the levels come from (only what differs from the defaults). */
  rules: RuleConfig;
  /** Findings in file, position, rule order; suppressed ones included (flagged). */
  findings: Finding[];
  counts: { error: number; warning: number; note: number; suppressed: number };
  byRule: Record<string, number>;
  /** Findings dropped by the per-file cap, per file. */
  truncated: Record<string, number>;
  /** Syntax errors L1 counted but did not list (it lists 20 per file), per file. */
  unlistedSyntaxErrors: Record<string, number>;
  /** Files whose bytes differ from what L1 indexed: their positions may be off (re-run the layers). */
  stale: string[];
  /** Entries of `l3/diagnostics.json` that did not have the documented shape. */
  malformedL3?: number;
  ms: number;
}

export const l8Dir = (outDir: string) => path.join(outDir, 'l8');
export const diagnosticsPath = (outDir: string) => path.join(l8Dir(outDir), 'diagnostics.json');
export const projectSarifPath = (outDir: string) => path.join(l8Dir(outDir), 'codegraph.sarif');

export async function runL8(o: L8Options): Promise<DiagnosticsJson> {
  const t0 = performance.now();
  await initHash();
  removeStaleTemps(l8Dir(o.outDir));
  const l1 = L1Reader.open(o.outDir);
  const files = l1.manifest.files;
  const sources = new Sources(o.root, (f) => files[f]?.hash);
  const raw: RawFinding[] = [];
  const workspace = new WorkspaceFacts(l1, moduleHomes(l1, o.deps ?? []));
  try {
    const syntax = syntaxFindings(l1.manifest);
    raw.push(...syntax.findings);

    const l4 = readJsonOrUndefined<L4Manifest>(l4ManifestPath(o.outDir));
    if (l4?.files) {
      const namesKnown = (m: string) => {
        const home = workspace.home(m);
        if (!home || bindsNamesDynamically(sources.get(home.file)?.text ?? '')) return false;
        return (workspace.facts(m)?.module?.stars ?? []).every((s) => starNames(s, starSources(workspace, sources)) !== undefined);
      };
      const binds = (m: string, name: string) => {
        const f = workspace.facts(m);
        if (!f?.module) return false;
        const fqn = `${f.module.fqn}.${name}`;
        return !!f.module.all?.includes(name) || f.binds.some((b) => b[0] === name) || f.defs.some((d) => d[0] === fqn);
      };
      raw.push(...unresolvedImportFindings(o.outDir, l4, l1, { root: o.root, moduleFile: (m) => workspace.home(m)?.file, namesKnown, binds }));
    }

    const l5 = L5Reader.tryOpen(o.outDir);
    if (l5) {
      try {
        raw.push(...undefinedNameFindings(l5, l1, sources, workspace));
      } finally {
        l5.close();
      }
    }

    const l9 = readJsonOrUndefined<PackagesReport>(packagesPath(o.outDir));
    if (l9) raw.push(...dependencyFindings(l9, l1, sources));

    const l3json = readJsonOrUndefined<unknown>(l3DiagnosticsPath(o.outDir));
    // A file that is there but not JSON is reported (malformedL3), never taken for "L3 did not run".
    const l3Corrupt = l3json === undefined && fs.existsSync(l3DiagnosticsPath(o.outDir));
    const pyright = pyrightFindings(l3json);
    const malformedL3 = pyright.malformed + (l3Corrupt ? 1 : 0);
    raw.push(...pyright.findings);

    const { findings, truncated } = finish(raw, o.rules, sources);
    const counts = { error: 0, warning: 0, note: 0, suppressed: 0 };
    const byRule: Record<string, number> = {};
    for (const f of findings) {
      if (f.suppressed) counts.suppressed++;
      else counts[f.level]++;
      byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    }
    const out: DiagnosticsJson = {
      schema: 1,
      project: o.project ?? l1.manifest.project,
      layers: { l4: !!l4?.files, l5: !!l5, l9: !!l9, l3: l3json !== undefined || l3Corrupt },
      rules: o.rules ?? {},
      findings,
      counts,
      byRule,
      truncated,
      unlistedSyntaxErrors: syntax.unlisted,
      stale: sources.stale,
      ...(malformedL3 ? { malformedL3 } : {}),
      ms: 0,
    };
    writeFileAtomicSync(projectSarifPath(o.outDir), JSON.stringify(toSarif(findings, o.rules), null, 1) + '\n');
    out.ms = Math.round(performance.now() - t0);
    writeJsonAtomicSync(diagnosticsPath(o.outDir), out);
    return out;
  } finally {
    workspace.close();
    l1.close();
  }
}

/** Free names of every file L5 analysed, at their positions in the source. */
function undefinedNameFindings(l5: L5Reader, l1: L1Reader, sources: Sources, workspace: WorkspaceFacts): RawFinding[] {
  const out: RawFinding[] = [];
  const refs = new Map(l1.refs.map((r) => [r.file, r]));
  for (const file of l5.paths) {
    const ref = refs.get(file);
    if (!ref || l1.manifest.files[file]!.syntaxErrors > 0) continue;
    const flow = l5.flow(file);
    if (!flow) continue;
    // The facts (star imports) are read only for the few files that have a free name at all.
    let reads = undefinedReads(flow);
    if (reads.length === 0) continue;
    const facts = l1.factsOf(ref);
    if (!facts) continue;
    const src = sources.get(file);
    if (!src || probesOrAddsNames(src.text) || bindsNamesDynamically(src.text)) continue;
    const pkg = facts.module?.pkg ? facts.module.fqn : undefined;
    if (pkg !== undefined) reads = reads.filter((r) => workspace.home(`${pkg}.${r.name}`) === undefined);
    if (facts.module?.stars?.length) {
      // Names the star imports bind are bound; a star the workspace cannot enumerate leaves the file unchecked.
      const bound = new Set<string>();
      let known = true;
      for (const m of facts.module.stars) {
        const names = starNames(m, starSources(workspace, sources));
        if (!names) known = false;
        else for (const n of names) bound.add(n);
      }
      if (!known) continue;
      reads = reads.filter((r) => !bound.has(r.name));
    }
    for (const r of reads) {
      const [line, col] = src.position(r.at);
      out.push({ rule: 'undefined-name', level: 'warning', message: `"${r.name}" is not defined (bound in no enclosing scope, not a builtin)`, file, range: [line, col, line, col + r.name.length] });
    }
  }
  return out;
}

/**
 * Levels from the configuration (`off` dropped), file/position order, the per-file cap, suppressions and
 * fingerprints. The fingerprint is rule + file + hash of the line's trimmed text + the occurrence index of that
 * triple: moving code up or down keeps it, editing the line or adding the same finding before it changes it.
 */
function finish(raw: RawFinding[], config: RuleConfig | undefined, sources: Sources): { findings: Finding[]; truncated: Record<string, number> } {
  const kept: RawFinding[] = [];
  for (const f of raw) {
    const level = levelOf(f.rule, f.level, config);
    if (level !== 'off') kept.push({ ...f, level: level as Level });
  }
  kept.sort(compareFindings);
  const findings: Finding[] = [];
  const truncated: Record<string, number> = {};
  const perFile = new Map<string, number>();
  const occurrences = new Map<string, number>();
  for (const f of kept) {
    const n = (perFile.get(f.file) ?? 0) + 1;
    perFile.set(f.file, n);
    if (n > MAX_FINDINGS_PER_FILE) {
      truncated[f.file] = (truncated[f.file] ?? 0) + 1;
      continue;
    }
    const line = sources.get(f.file)?.line(f.range[0]) ?? '';
    const key = `${f.rule}\0${f.file}\0${hashString(line.trim())}`;
    const k = occurrences.get(key) ?? 0;
    occurrences.set(key, k + 1);
    findings.push({ ...f, fingerprint: hashString(`${key}\0${k}`), ...(isSuppressed(line, f.rule) ? { suppressed: true as const } : {}) });
  }
  return { findings, truncated };
}
