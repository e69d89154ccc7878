/**
 * Finds the source files of a project. A hand-written walk rather than a glob library because it must
 * (1) follow symlinked directories yet never loop (each real directory is visited once), (2) survive entries that
 * vanish or cannot be read mid-walk, and (3) stop at nested projects, which are indexed on their own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../ir/model';

/** Directories that never hold a project's own sources. */
export const DEFAULT_EXCLUDED_DIRS: readonly string[] = [
  'node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', '.nox', '.mypy_cache',
  '.pytest_cache', '.ruff_cache', '.codegraph', '.nx', 'site-packages', '.eggs', 'build', 'dist',
];

export interface DiscoverOptions {
  extensions: readonly string[];
  /** Directory names skipped anywhere. */
  excludedNames?: readonly string[];
  /** Absolute directories skipped (nested projects). */
  excludedDirs?: readonly string[];
}

export interface Discovered {
  /** Paths relative to the index root, `/`-separated, sorted. */
  files: string[];
  diagnostics: Diagnostic[];
}

export function discoverFiles(indexRoot: string, dirAbs: string, opts: DiscoverOptions): Discovered {
  const excludedNames = new Set(opts.excludedNames ?? DEFAULT_EXCLUDED_DIRS);
  const excludedDirs = new Set((opts.excludedDirs ?? []).map((d) => path.resolve(d)));
  const visited = new Set<string>();
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const stack = [path.resolve(dirAbs)];
  while (stack.length) {
    const dir = stack.pop()!;
    let real: string;
    let entries: fs.Dirent[];
    try {
      real = fs.realpathSync(dir);
      if (visited.has(real)) continue; // symlink loop or a second link to the same directory
      visited.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      diagnostics.push({ severity: 'warning', code: 'unreadable-dir', message: `${path.relative(indexRoot, dir)}: ${(err as Error).message}` });
      continue;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = fs.statSync(abs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          diagnostics.push({ severity: 'warning', code: 'broken-symlink', message: `${path.relative(indexRoot, abs)}: dangling or looping symlink` });
          continue;
        }
      }
      if (isDir) {
        if (!excludedNames.has(e.name) && !e.name.endsWith('.egg-info') && !excludedDirs.has(abs)) stack.push(abs);
      } else if (isFile && opts.extensions.some((x) => e.name.endsWith(x))) {
        files.push(path.relative(indexRoot, abs).split(path.sep).join('/'));
      }
    }
  }
  files.sort();
  return { files, diagnostics };
}
