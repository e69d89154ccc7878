/**
 * The workspace's diagnostics: every project's `l8/diagnostics.json`, read through the repo federation or a list of
 * project output folders, and the repo-wide SARIF (`<repo out>/codegraph.sarif`, paths relative to the workspace
 * root — the same paths the projects' logs use).
 */
import * as path from 'node:path';
import { readJsonOrUndefined, writeFileAtomicSync } from '../../util/atomic';
import { compareFindings, type Finding } from './finding';
import { diagnosticsPath, type DiagnosticsJson } from './run';
import { toSarif } from './sarif';

export const repoSarifPath = (repoOutDir: string) => path.join(repoOutDir, 'codegraph.sarif');

export interface WorkspaceDiagnostics {
  findings: Finding[];
  projects: DiagnosticsJson[];
  /** Projects whose L8 output is missing. */
  missing: string[];
}

/** Reads the L8 output of each project (by name and output folder). */
export function readWorkspaceDiagnostics(projects: ReadonlyArray<{ name: string; outDir: string }>): WorkspaceDiagnostics {
  const out: WorkspaceDiagnostics = { findings: [], projects: [], missing: [] };
  for (const p of projects) {
    const d = readJsonOrUndefined<DiagnosticsJson>(diagnosticsPath(p.outDir));
    if (!d || d.schema !== 1 || !Array.isArray(d.findings)) {
      out.missing.push(p.name);
      continue;
    }
    out.projects.push(d);
    out.findings.push(...d.findings);
  }
  out.findings.sort(compareFindings);
  return out;
}

/** Writes the repo-wide SARIF from the projects' L8 outputs; returns what it read. */
export function writeRepoSarif(projects: ReadonlyArray<{ name: string; outDir: string }>, repoOutDir: string): WorkspaceDiagnostics {
  const w = readWorkspaceDiagnostics(projects);
  // One plugin configuration covers every project under Nx: the first project's rules describe the driver.
  writeFileAtomicSync(repoSarifPath(repoOutDir), JSON.stringify(toSarif(w.findings, w.projects[0]?.rules), null, 1) + '\n');
  return w;
}
