/**
 * L9 — package analysis for one project. Inputs: the project's packaging files (pyproject.toml, setup.cfg,
 * requirement files), its L1 output, and the L1 output + distribution names of the other workspace projects.
 * Output: `<out>/l9/packages.json` — declared vs imported third-party packages, with what is undeclared/unused.
 */
import * as path from 'node:path';
import { removeStaleTemps, writeJsonAtomicSync } from '../../util/atomic';
import { initHash } from '../../util/hash';
import { projectImports, providedModules, type ImportUse } from './imports';
import { knownProviders, staticImportNames } from './mapping';
import { normalizeDist } from './pep508';
import { parsePyproject } from './pyproject';
import { parseRequirementFiles } from './requirements';
import { parseSetupCfg } from './setup-cfg';
import { PY_STDLIB_MODULES } from './stdlib';
import type { DeclaredDep, DepGroup, PackageDiagnostic, DistMapping, ImportedName, PackagesReport, UndeclaredImport, UnusedDep } from './types';

export interface L9Options {
  /** Index root: every path in the output is relative to it. */
  root: string;
  /** Absolute path of the Python project. */
  projectDir: string;
  /** Where the project's L1 output is, and where `l9/` is written. */
  outDir: string;
  /** Project name for the report; defaults to the declared distribution name, else the directory name. */
  name?: string;
  /** The other projects of the monorepo: declared distribution name and L1 output directory. */
  workspace?: { name: string; outDir: string }[];
}

export function packagesPath(outDir: string): string {
  return path.join(outDir, 'l9', 'packages.json');
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function runL9(opts: L9Options): Promise<PackagesReport> {
  await initHash();
  removeStaleTemps(path.dirname(packagesPath(opts.outDir)));
  const pyproject = parsePyproject(opts.root, opts.projectDir);
  const setupCfg = parseSetupCfg(opts.root, opts.projectDir);
  const reqs = parseRequirementFiles(opts.root, opts.projectDir);
  const ownDistRaw = pyproject.name ?? setupCfg.name;
  const ownDist = ownDistRaw ? normalizeDist(ownDistRaw) : undefined;
  const diagnostics: PackageDiagnostic[] = [...pyproject.diagnostics, ...setupCfg.diagnostics, ...reqs.diagnostics];
  // A project naming itself (`acme[dev]` in its own extras) declares no outside dependency.
  const declared = [...pyproject.declared, ...setupCfg.declared, ...reqs.declared].filter((d) => d.name !== ownDist).sort(compareDeclared);

  const scan = projectImports(opts.outDir);
  diagnostics.push(...scan.diagnostics);
  const importedNames = new Set(scan.imported.keys());

  const workspace = workspaceModules(opts, ownDist, diagnostics);
  const mapping = mapDistributions(declared, workspace, importedNames);
  const providers = new Map<string, string[]>();
  // Stubs do not make an import work, so they never keep a name from being undeclared.
  for (const m of mapping) if (!m.stubs) for (const i of m.imports) providers.set(i, [...(providers.get(i) ?? []), m.dist]);

  const imported: ImportedName[] = [];
  const undeclared: UndeclaredImport[] = [];
  const optionalUndeclared: UndeclaredImport[] = [];
  for (const name of [...importedNames].sort(cmp)) {
    if (PY_STDLIB_MODULES.has(name)) continue;
    const use = scan.imported.get(name)!;
    const base = { name, files: [...use.files].sort(cmp), testOnly: use.nonTest.size === 0 };
    const providedBy = (providers.get(name) ?? []).sort(cmp);
    const optional = use.required.size === 0;
    imported.push({ ...base, optional, providedBy });
    if (providedBy.length === 0) (optional ? optionalUndeclared : undeclared).push({ ...base, candidates: candidates(name, workspace) });
  }
  const unused: UnusedDep[] = [];
  for (const m of mapping) {
    if (m.imports.some((i) => importedNames.has(i))) continue;
    const groups = [...new Set(declared.filter((d) => d.name === m.dist).map((d) => d.group))].sort(cmp) as DepGroup[];
    unused.push({ dist: m.dist, imports: m.imports, groups });
  }

  const report: PackagesReport = {
    schema: 1,
    project: opts.name ?? ownDistRaw ?? path.basename(opts.projectDir),
    ...(ownDist ? { distribution: ownDist } : {}),
    declared,
    imported,
    mapping,
    undeclared,
    optionalUndeclared,
    unused,
    diagnostics: diagnostics.sort((a, b) => cmp(a.file, b.file) || cmp(a.message, b.message)),
  };
  writeJsonAtomicSync(packagesPath(opts.outDir), report);
  return report;
}

function compareDeclared(a: DeclaredDep, b: DeclaredDep): number {
  return cmp(a.name, b.name) || cmp(a.group, b.group) || cmp(a.source, b.source) || (a.line ?? 0) - (b.line ?? 0) || cmp(a.raw, b.raw);
}

/** Normalised distribution name → top-level modules, for the workspace projects other than this one. */
function workspaceModules(opts: L9Options, ownDist: string | undefined, diagnostics: PackageDiagnostic[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const w of opts.workspace ?? []) {
    const dist = normalizeDist(w.name);
    if (dist === ownDist) continue;
    const mods = providedModules(w.outDir);
    if (mods) out.set(dist, [...new Set([...(out.get(dist) ?? []), ...mods])].sort(cmp));
    else diagnostics.push({ file: path.relative(opts.root, w.outDir).split(path.sep).join('/'), message: `workspace project ${w.name} has no L1 output; its import names are guessed` });
  }
  return out;
}

function mapDistributions(declared: DeclaredDep[], workspace: Map<string, string[]>, imported: ReadonlySet<string>): DistMapping[] {
  const dists = [...new Set(declared.map((d) => d.name))].sort(cmp);
  return dists.map((dist) => {
    const ws = workspace.get(dist);
    // A workspace project with no modules of its own yet falls back to the static rules.
    if (ws?.length) return { dist, imports: ws, rule: 'workspace' as const };
    const s = staticImportNames(dist, imported);
    return { dist, imports: [...s.imports].sort(cmp), rule: s.rule, ...(s.stubs ? { stubs: true as const } : {}) };
  });
}

/** What could be declared to provide an undeclared import. */
function candidates(name: string, workspace: Map<string, string[]>): string[] {
  const ws = [...workspace].filter(([, mods]) => mods.includes(name)).map(([d]) => d);
  if (ws.length) return ws.sort(cmp);
  const known = knownProviders(name);
  return known.length ? known : [normalizeDist(name)];
}
