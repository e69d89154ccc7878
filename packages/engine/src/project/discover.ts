/**
 * Finds the source files of a project. A hand-written walk rather than a glob library because it must
 * (1) follow symlinked directories yet never loop (each real directory is visited once), (2) survive entries that
 * vanish or cannot be read mid-walk, (3) stop at nested projects, which are indexed on their own, and
 * (4) never read outside the index root: a symlink whose target resolves outside it (`env.py -> /proc/self/environ`)
 * is refused with a diagnostic, because whatever it points at would land in outputs that travel to a remote cache.
 *
 * When several paths reach one file (a symlinked alias of a package), the path without symlinks wins, whatever
 * the directory order: the real tree is walked first, symlinked directories after it in path order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Minimatch } from 'minimatch';
import type { Diagnostic } from '../ir/model';

/**
 * Directory names that are tool folders, never a project's own sources. Virtualenvs are recognised by their
 * `pyvenv.cfg` whatever their name, and `build`/`dist` are skipped only when they are not a Python package (the
 * stdlib has a `venv` package; `build` and `dist` are valid package names too).
 */
export const DEFAULT_EXCLUDED_DIRS: readonly string[] = [
  'node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', '.tox', '.nox', '.mypy_cache',
  '.pytest_cache', '.ruff_cache', '.codegraph', '.nx', 'site-packages', '.eggs',
];
/** Build-output folder names: skipped unless they hold an `__init__.py` (then they are a package of that name). */
export const BUILD_OUTPUT_DIRS: readonly string[] = ['build', 'dist'];

export interface DiscoverOptions {
  extensions: readonly string[];
  /** Directory names skipped anywhere (default DEFAULT_EXCLUDED_DIRS; virtualenvs and build outputs aside). */
  excludedNames?: readonly string[];
  /** Absolute directories skipped (nested projects). */
  excludedDirs?: readonly string[];
  /**
   * Globs of files skipped, relative to the walked directory (`**\/test_*.py`, `tests/**`; minimatch syntax, dot files
   * matched): the exclusions a build tool leaves out of a task's hash, so that what is indexed is what is hashed.
   */
  excludedFiles?: readonly string[];
}

/** A path that was found but not indexed, and why. */
export interface Skipped {
  /** Relative to the index root, `/`-separated (non-UTF-8 names are shown with escapes). */
  path: string;
  reason: 'excluded-name' | 'excluded-file' | 'virtualenv' | 'build-output' | 'nested-project' | 'symlink-outside-root' | 'non-utf8-name' | 'symlink-alias';
}

export interface Discovered {
  /** Paths relative to the index root, `/`-separated, sorted. */
  files: string[];
  diagnostics: Diagnostic[];
  /** Directories and files deliberately not indexed (sorted by path). */
  skipped: Skipped[];
}

function inside(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

/** A file name that does not survive UTF-8 decoding cannot be named in the IR (JSON strings): shown escaped. */
function escapedName(raw: Buffer): string {
  let out = '';
  for (const b of raw) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

export function discoverFiles(indexRoot: string, dirAbs: string, opts: DiscoverOptions): Discovered {
  const excludedNames = new Set(opts.excludedNames ?? DEFAULT_EXCLUDED_DIRS);
  const excludedDirs = new Set((opts.excludedDirs ?? []).map((d) => path.resolve(d)));
  const excludedFiles = (opts.excludedFiles ?? []).map((g) => new Minimatch(g, { dot: true }));
  const walkRoot = path.resolve(dirAbs);
  const fileExcluded = (abs: string) => {
    if (excludedFiles.length === 0) return false;
    const r = path.relative(walkRoot, abs).split(path.sep).join('/');
    return excludedFiles.some((m) => m.match(r));
  };
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(path.resolve(indexRoot));
  } catch {
    realRoot = path.resolve(indexRoot);
  }
  const rel = (abs: string) => path.relative(indexRoot, abs).split(path.sep).join('/');
  const visited = new Set<string>();
  /** Real path of each file found → its path; the first (non-symlinked, or smallest aliased) path wins. */
  const byReal = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const skipped: Skipped[] = [];
  const stack: string[] = [path.resolve(dirAbs)];
  /** Symlinked directories, walked after the real tree, smallest path first. */
  const deferred: string[] = [];
  const refuse = (abs: string, reason: Skipped['reason'], message: string) => {
    skipped.push({ path: rel(abs), reason });
    diagnostics.push({ severity: 'warning', code: reason, message: `${rel(abs)}: ${message}` });
  };

  for (;;) {
    let dir = stack.pop();
    if (dir === undefined) {
      if (deferred.length === 0) break;
      deferred.sort();
      dir = deferred.shift()!;
    }
    let real: string;
    let entries: fs.Dirent<Buffer>[];
    try {
      real = fs.realpathSync(dir);
      if (!inside(real, realRoot)) {
        refuse(dir, 'symlink-outside-root', `resolves to ${real}, outside the index root; not read`);
        continue;
      }
      if (visited.has(real)) {
        // A second path to a directory already walked (an alias or a loop): the first, real path is kept.
        if (dir !== path.resolve(dirAbs)) skipped.push({ path: rel(dir), reason: 'symlink-alias' });
        continue;
      }
      visited.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      diagnostics.push({ severity: 'warning', code: 'unreadable-dir', message: `${rel(dir)}: ${(err as Error).message}` });
      continue;
    }
    for (const e of entries) {
      const raw = e.name as unknown as Buffer;
      const name = raw.toString('utf8');
      if (!Buffer.from(name, 'utf8').equals(raw)) {
        const shown = rel(path.join(dir, escapedName(raw)));
        skipped.push({ path: shown, reason: 'non-utf8-name' });
        diagnostics.push({ severity: 'warning', code: 'non-utf8-name', message: `${shown}: file name is not valid UTF-8; not indexed` });
        continue;
      }
      const abs = path.join(dir, name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      const isLink = e.isSymbolicLink();
      let target = path.join(real, name);
      if (isLink) {
        try {
          target = fs.realpathSync(abs);
          const st = fs.statSync(target);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          diagnostics.push({ severity: 'warning', code: 'broken-symlink', message: `${rel(abs)}: dangling or looping symlink` });
          continue;
        }
        if ((isDir || (isFile && opts.extensions.some((x) => name.endsWith(x)))) && !inside(target, realRoot)) {
          refuse(abs, 'symlink-outside-root', `symlink to ${target}, outside the index root; not read`);
          continue;
        }
      }
      if (isDir) {
        if (excludedNames.has(name) || name.endsWith('.egg-info')) skipped.push({ path: rel(abs), reason: 'excluded-name' });
        else if (excludedDirs.has(abs)) skipped.push({ path: rel(abs), reason: 'nested-project' });
        else if (fs.existsSync(path.join(abs, 'pyvenv.cfg'))) skipped.push({ path: rel(abs), reason: 'virtualenv' });
        else if (BUILD_OUTPUT_DIRS.includes(name) && !fs.existsSync(path.join(abs, '__init__.py'))) skipped.push({ path: rel(abs), reason: 'build-output' });
        else if (isLink) deferred.push(abs);
        else stack.push(abs);
      } else if (isFile && opts.extensions.some((x) => name.endsWith(x))) {
        if (fileExcluded(abs)) {
          skipped.push({ path: rel(abs), reason: 'excluded-file' });
          continue;
        }
        const r = rel(abs);
        const prev = byReal.get(target);
        if (prev === undefined) byReal.set(target, r);
        else {
          // Two paths to one file: the one without a symlink wins, else the smaller path (order-independent).
          const keepNew = !isLink && (fs.lstatSync(path.join(indexRoot, prev)).isSymbolicLink() || r < prev);
          const loser = keepNew ? prev : r;
          if (keepNew) byReal.set(target, r);
          skipped.push({ path: loser, reason: 'symlink-alias' });
        }
      }
    }
  }
  const files = [...byReal.values()].sort();
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics, skipped };
}

/** The error of a read refused because the path now resolves outside the root (it changed since discovery). */
export class OutsideRootError extends Error {
  readonly code = 'symlink-outside-root';
}

/**
 * Reads a discovered file, re-checking confinement at read time: the path may have been replaced by a symlink
 * since discovery. Throws OutsideRootError instead of reading outside `root`.
 */
export function readConfined(root: string, abs: string): Buffer {
  const real = fs.realpathSync(abs);
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    realRoot = path.resolve(root);
  }
  if (!inside(real, realRoot)) throw new OutsideRootError(`resolves to ${real}, outside the index root; not read`);
  return fs.readFileSync(real);
}
