/**
 * `createDependencies`: an edge from project A to project B when A's Python code imports a top-level package that
 * B provides, or when A's pyproject declares B's distribution. Only `ctx.filesToProcess` are read — Nx keeps the
 * edges of unchanged files from its previous graph — so a warm graph computation reads nothing.
 *
 * Import lines are found with a line-anchored scan rather than a parse: the project graph must stay cheap, and an
 * edge only needs the top-level module name. Finer resolution is L4's job.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
// Types only: loading @nx/devkit at run time costs Nx's every project-graph computation a few hundred ms.
import type { CreateDependencies, CreateDependenciesContext, DependencyType, RawProjectGraphDependency } from '@nx/devkit';
import type * as Engine from '@codegraph/engine';
import { PYTHON_TAG, type CodegraphPluginOptions } from '../utils/options';

export { PYTHON_TAG };

/** `DependencyType.static` (an edge found in a file's source), without loading @nx/devkit for its value. */
const STATIC = 'static' as DependencyType.static;

const IMPORT_LINE = /^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([^#\n;]+))/gm;
/** Names too generic to say which project they come from. */
const AMBIGUOUS = new Set(['tests', 'test', 'testing', 'docs', 'scripts', 'examples', 'setup', 'conftest', 'src']);

/**
 * The engine, loaded on first use: Nx loads the plugin on every command, but calls createDependencies only when
 * the project graph must be recomputed.
 */
function engine(): typeof Engine {
  return require('@codegraph/engine');
}

/** PEP 503 name normalisation: the engine's, so the project graph and L9 compare names alike. */
export function normalizeDist(name: string): string {
  return engine().normalizeDist(name);
}

/** Top-level module names that appear in the import statements of a Python source. */
export function importedTopLevels(source: string): Set<string> {
  const out = new Set<string>();
  IMPORT_LINE.lastIndex = 0;
  for (let m = IMPORT_LINE.exec(source); m; m = IMPORT_LINE.exec(source)) {
    if (m[1]) out.add(m[1].split('.')[0]!);
    else if (m[2]) {
      for (const part of m[2].replace(/[()\\]/g, ' ').split(',')) {
        const mod = part.trim().split(/\s+/)[0];
        if (mod && /^[A-Za-z_][\w.]*$/.test(mod)) out.add(mod.split('.')[0]!);
      }
    }
  }
  return out;
}

/** PEP 508 requirement strings → normalised distribution names. */
export function declaredDistributions(pyproject: string): string[] {
  const block = /^\s*dependencies\s*=\s*\[([\s\S]*?)\]/m.exec(pyproject)?.[1] ?? '';
  const names: string[] = [];
  for (const m of block.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)/g)) names.push(normalizeDist(m[1]!));
  return names;
}

/** The distribution name a Python project declares (pyproject PEP 621 or Poetry, else setup.cfg), as written. */
export function declaredName(abs: string): string | undefined {
  try {
    const text = fs.readFileSync(path.join(abs, 'pyproject.toml'), 'utf8');
    // Just the name: a full TOML parse is not worth it on every graph computation.
    const m = /^\[(?:project|tool\.poetry)\][^[]*?^name\s*=\s*["']([^"']+)["']/ms.exec(text);
    if (m) return m[1]!;
  } catch {
    /* no pyproject */
  }
  try {
    const m = /^\[metadata\][^[]*?^name\s*=\s*(\S+)/ms.exec(fs.readFileSync(path.join(abs, 'setup.cfg'), 'utf8'));
    if (m) return m[1]!;
  } catch {
    /* no setup.cfg */
  }
  return undefined;
}

/** Which project provides each top-level module (names provided by several projects are dropped). */
function moduleOwners(ctx: CreateDependenciesContext, pyProjects: [string, string][]): Map<string, string> {
  const owners = new Map<string, string | null>();
  const roots = new Set(pyProjects.map(([, r]) => r));
  for (const [name, root] of pyProjects) {
    const abs = path.join(ctx.workspaceRoot, root);
    const layout = engine().detectLayout(ctx.workspaceRoot, abs);
    for (const sr of layout.sourceRoots) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(ctx.workspaceRoot, sr), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        let mod: string | undefined;
        if (e.isDirectory() && /^[A-Za-z_]\w*$/.test(e.name) && !roots.has(path.posix.join(sr, e.name))) {
          const dir = path.join(ctx.workspaceRoot, sr, e.name);
          if (fs.existsSync(path.join(dir, '__init__.py')) || fs.readdirSync(dir).some((f) => f.endsWith('.py'))) mod = e.name;
        } else if (e.isFile() && /^[A-Za-z_]\w*\.py$/.test(e.name)) mod = e.name.slice(0, -3);
        if (!mod || AMBIGUOUS.has(mod)) continue;
        const prev = owners.get(mod);
        owners.set(mod, prev === undefined || prev === name ? name : null);
      }
    }
  }
  const out = new Map<string, string>();
  for (const [mod, owner] of owners) if (owner) out.set(mod, owner);
  return out;
}

export const createDependencies: CreateDependencies<CodegraphPluginOptions> = (_options, ctx) => {
  const pyProjects: [string, string][] = Object.entries(ctx.projects)
    .filter(([, p]) => p.tags?.includes(PYTHON_TAG))
    .map(([n, p]) => [n, p.root]);
  if (pyProjects.length === 0) return [];
  const owners = moduleOwners(ctx, pyProjects);
  const byDist = new Map<string, string>();
  for (const [name, root] of pyProjects) {
    const dist = declaredName(path.join(ctx.workspaceRoot, root));
    if (dist) byDist.set(normalizeDist(dist), name);
  }
  const isPython = new Set(pyProjects.map(([n]) => n));
  const deps: RawProjectGraphDependency[] = [];
  const seen = new Set<string>();
  for (const [source, files] of Object.entries(ctx.filesToProcess.projectFileMap)) {
    if (!isPython.has(source)) continue;
    for (const { file } of files) {
      const base = path.posix.basename(file);
      let targets: Iterable<string | undefined>;
      if (file.endsWith('.py')) {
        let text: string;
        try {
          text = fs.readFileSync(path.join(ctx.workspaceRoot, file), 'latin1');
        } catch {
          continue; // vanished since Nx listed it
        }
        targets = [...importedTopLevels(text)].map((m) => owners.get(m));
      } else if (base === 'pyproject.toml') {
        targets = declaredDistributions(fs.readFileSync(path.join(ctx.workspaceRoot, file), 'utf8')).map((d) => byDist.get(d));
      } else continue;
      for (const target of targets) {
        if (!target || target === source) continue;
        const key = `${source}\0${target}\0${file}`;
        if (seen.has(key)) continue;
        seen.add(key);
        deps.push({ source, target, sourceFile: file, type: STATIC });
      }
    }
  }
  return deps;
};
