/**
 * Where a Python project's modules live, so a file path maps to the module name Python would import it by.
 *
 * Source roots come from the packaging config when it says (setuptools `package-dir` / `packages.find.where`,
 * Poetry `packages.from`, Hatch wheel `packages`, setup.cfg `package_dir`), else a `src/` directory holding
 * Python code, and always the project directory itself (tests/, scripts, flat layouts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';

export interface ProjectLayout {
  /** Project directory relative to the index root ('' for the root itself), `/`-separated. */
  dir: string;
  /** Source roots relative to the index root, most specific (longest) first. */
  sourceRoots: string[];
  /** Distribution name from pyproject/setup.cfg when declared. */
  name?: string;
  /** Version from pyproject/setup.cfg when declared literally (SCIP symbols carry it). */
  version?: string;
}

const toPosix = (p: string) => p.split(path.sep).join('/');

function joinRel(a: string, b: string): string {
  const j = path.posix.normalize(a ? `${a}/${b}` : b);
  return j === '.' ? '' : j.replace(/\/$/, '');
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

type Toml = Record<string, unknown>;
const obj = (v: unknown): Toml | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Toml) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Roots declared in pyproject.toml, relative to the project directory. */
function pyprojectRoots(toml: Toml): string[] {
  const roots: string[] = [];
  const tool = obj(toml.tool);
  const st = obj(tool?.setuptools);
  const pd = obj(st?.['package-dir']);
  if (typeof pd?.[''] === 'string') roots.push(pd[''] as string);
  const find = obj(obj(st?.packages)?.find);
  for (const w of arr(find?.where)) if (typeof w === 'string') roots.push(w);
  for (const p of arr(obj(tool?.poetry)?.packages)) {
    const from = obj(p)?.from;
    if (typeof from === 'string') roots.push(from);
  }
  const wheel = obj(obj(obj(obj(tool?.hatch)?.build)?.targets)?.wheel);
  for (const p of arr(wheel?.packages)) if (typeof p === 'string' && p.includes('/')) roots.push(path.posix.dirname(p));
  const pdm = obj(obj(tool?.pdm)?.build);
  if (typeof pdm?.['package-dir'] === 'string') roots.push(pdm['package-dir'] as string);
  return roots;
}

function setupCfgRoots(text: string): string[] {
  const roots: string[] = [];
  // `package_dir = =src` (possibly on a continuation line) and `[options.packages.find] where = src`.
  const m = /package_dir\s*=\s*(?:\n\s+)?=\s*(\S+)/.exec(text);
  if (m) roots.push(m[1]!);
  const w = /\[options\.packages\.find\][^[]*?where\s*=\s*(\S+)/.exec(text);
  if (w) roots.push(w[1]!);
  return roots;
}

function looksLikeSourceDir(abs: string): boolean {
  try {
    return fs.readdirSync(abs, { withFileTypes: true }).some((e) => e.name.endsWith('.py') || (e.isDirectory() && fs.existsSync(path.join(abs, e.name, '__init__.py'))));
  } catch {
    return false;
  }
}

export function detectLayout(indexRoot: string, projectDirAbs: string): ProjectLayout {
  const dir = toPosix(path.relative(indexRoot, projectDirAbs));
  const roots: string[] = [];
  let name: string | undefined;
  let version: string | undefined;
  const pyproject = readText(path.join(projectDirAbs, 'pyproject.toml'));
  if (pyproject !== undefined) {
    try {
      const toml = parseToml(pyproject) as Toml;
      name = (obj(toml.project)?.name ?? obj(obj(toml.tool)?.poetry)?.name) as string | undefined;
      const v = obj(toml.project)?.version ?? obj(obj(toml.tool)?.poetry)?.version;
      if (typeof v === 'string') version = v;
      roots.push(...pyprojectRoots(toml));
    } catch {
      // A broken pyproject must not stop indexing; the layout falls back to conventions.
    }
  }
  const setupCfg = readText(path.join(projectDirAbs, 'setup.cfg'));
  if (setupCfg !== undefined) {
    roots.push(...setupCfgRoots(setupCfg));
    name ??= /^\s*name\s*=\s*(\S+)/m.exec(setupCfg)?.[1];
    const v = /^\s*version\s*=\s*([0-9][^\s;]*)\s*$/m.exec(setupCfg)?.[1]; // not `attr:` / `file:` indirections
    if (v && version === undefined) version = v;
  }
  if (roots.length === 0 && looksLikeSourceDir(path.join(projectDirAbs, 'src'))) roots.push('src');
  const all = new Set(roots.map((r) => joinRel(dir, r.replace(/^\.\//, ''))));
  all.add(dir);
  const sourceRoots = [...all].sort((a, b) => b.length - a.length);
  return { dir, sourceRoots, ...(name ? { name } : {}), ...(version ? { version } : {}) };
}

/** `pkg/mod.py` → `pkg.mod`, `pkg/__init__.py` → `pkg`, relative to the most specific source root. */
export function moduleNameFor(file: string, layout: ProjectLayout): string {
  let rel = file;
  for (const r of layout.sourceRoots) {
    if (r === '') break;
    if (file.startsWith(r + '/')) {
      rel = file.slice(r.length + 1);
      break;
    }
  }
  let parts = rel.replace(/\.pyi?$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts = parts.slice(0, -1);
  return parts.join('.');
}
