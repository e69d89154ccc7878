/**
 * `createDependencies`: an edge from project A to project B when A's Python code imports a top-level package that
 * B provides, or when A's pyproject declares B's distribution. Only `ctx.filesToProcess` are read — Nx keeps the
 * edges of unchanged files from its previous graph — so a warm graph computation reads and parses nothing.
 *
 * Imports come from the engine's tree-sitter parse (`extractImports`), not from a text scan: a docstring or string
 * that says `import requests` is no import, and a false edge there made false cycles in real code. An import that
 * runs at import time gives a `static` edge; one that only runs later or never (inside a function, under
 * `if TYPE_CHECKING:`) a `dynamic` edge: still an edge — `nx affected` and the dependency closure of L4 need it, since
 * L4 resolves those imports too — but one that `nx graph` draws dashed and that is no import-time cycle.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
// Types only: loading @nx/devkit at run time costs Nx's every project-graph computation a few hundred ms.
import type { CreateDependencies, CreateDependenciesContext, DependencyType, RawProjectGraphDependency } from '@nx/devkit';
import type * as Engine from '@codegraph/engine';
import { PYTHON_TAG, type CodegraphPluginOptions } from '../utils/options';

export { PYTHON_TAG };

/** `DependencyType.static` / `.dynamic`, without loading @nx/devkit for their values. */
const STATIC = 'static' as DependencyType.static;
const DYNAMIC = 'dynamic' as DependencyType.dynamic;

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

/**
 * Top-level modules the absolute imports of a Python source name, each with whether some import of it runs at
 * import time (`true`) or all of them run only later or never (`false`: function-level, `TYPE_CHECKING`). Relative
 * imports stay inside their project and are left out. Requires `await initPythonParser()`.
 */
export function importedTopLevels(source: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const imp of engine().extractImports(source)) {
    if (imp.level !== 0 || imp.module === '__future__') continue;
    const top = imp.module.split('.')[0]!;
    const eager = !imp.functionLevel && !imp.typeChecking;
    out.set(top, (out.get(top) ?? false) || eager);
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

export const createDependencies: CreateDependencies<CodegraphPluginOptions> = async (_options, ctx) => {
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
  // One edge per (source, target, file); static wins over dynamic when a file has both kinds of import.
  const deps = new Map<string, RawProjectGraphDependency>();
  const add = (source: string, target: string | undefined, file: string, eager: boolean) => {
    if (!target || target === source) return;
    const key = `${source}\0${target}\0${file}`;
    const prev = deps.get(key);
    if (prev && (prev.type === STATIC || !eager)) return;
    deps.set(key, { source, target, sourceFile: file, type: eager ? STATIC : DYNAMIC });
  };
  let parserReady = false;
  for (const [source, files] of Object.entries(ctx.filesToProcess.projectFileMap)) {
    if (!isPython.has(source)) continue;
    for (const { file } of files) {
      const abs = path.join(ctx.workspaceRoot, file);
      if (file.endsWith('.py')) {
        let bytes: Buffer;
        try {
          bytes = fs.readFileSync(abs);
        } catch {
          continue; // vanished since Nx listed it
        }
        if (!parserReady) {
          await engine().initPythonParser();
          parserReady = true;
        }
        for (const [top, eager] of importedTopLevels(engine().decodePythonSource(bytes).text)) add(source, owners.get(top), file, eager);
      } else if (path.posix.basename(file) === 'pyproject.toml') {
        let text: string;
        try {
          text = fs.readFileSync(abs, 'utf8');
        } catch {
          continue;
        }
        for (const d of declaredDistributions(text)) add(source, byDist.get(d), file, true);
      }
    }
  }
  return [...deps.values()];
};
