/**
 * pip requirement files: `requirements*.txt` and `requirements/*.txt` in the project directory, following
 * `-r`/`--requirement` includes (relative to the including file, cycle-safe). Options (`-e`, `-c`, `--index-url`,
 * per-requirement `--hash`...), local paths and bare URLs are not declarations of a named distribution and are skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { declare, readText, relPath, type Parsed } from './sources';
import type { DepGroup } from './types';

/** Requirement files of a project directory, sorted so the output does not depend on readdir order. */
export function requirementFiles(projectDir: string): string[] {
  // Case-sensitive like pip's conventions; symlinks to files count, directories never match.
  return fg
    .sync(['requirements*.txt', '*-requirements.txt', 'requirements/*.txt'], { cwd: projectDir, absolute: true, onlyFiles: true, dot: false })
    .map((f) => path.normalize(f))
    .sort();
}

const MAIN_STEMS = new Set(['', 'base', 'main', 'prod', 'production', 'common', 'runtime', 'install', 'core']);
const DEV_STEMS = new Set(['dev', 'devel', 'develop', 'development', 'test', 'tests', 'testing', 'lint', 'ci', 'typing']);

/**
 * The group a requirement file's name suggests (a naming convention, not a standard): `requirements.txt`,
 * `requirements/base.txt` → main; `requirements-dev.txt`, `test-requirements.txt`, `requirements/tests.txt` → dev;
 * anything else (`requirements-docs.txt`) → `group:<stem>`.
 */
export function requirementGroup(file: string): DepGroup {
  const base = path.basename(file, '.txt').toLowerCase();
  const stem = base.replace(/^requirements[-_.]?/, '').replace(/[-_.]?requirements$/, '');
  if (MAIN_STEMS.has(stem)) return 'main';
  if (DEV_STEMS.has(stem)) return 'dev';
  return `group:${stem}`;
}

/** Logical lines: `\`-continuations joined, comments (`#` at the start or after whitespace) removed. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const physical = text.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    let s = physical[i]!;
    while (s.endsWith('\\') && i + 1 < physical.length) s = s.slice(0, -1) + ' ' + physical[++i]!;
    s = s.replace(/(^|\s)#.*$/, '').trim();
    if (s) out.push({ text: s, line: start + 1 });
  }
  return out;
}

const INCLUDE = /^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=[^\s-]))(.+)$/;

/** Parses the project's requirement files; each (file, group) pair is read once, which also breaks include cycles. */
export function parseRequirementFiles(root: string, projectDir: string): Parsed {
  const out: Parsed = { declared: [], diagnostics: [] };
  const roots = requirementFiles(projectDir);
  const isRoot = new Set(roots);
  const seen = new Set<string>();
  const visit = (file: string, group: DepGroup) => {
    const key = `${file}\0${group}`;
    if (seen.has(key)) return;
    seen.add(key);
    const source = relPath(root, file);
    const text = readText(file);
    if (text === undefined) {
      out.diagnostics.push({ file: source, message: 'cannot read requirement file' });
      return;
    }
    for (const { text: l, line } of logicalLines(text)) {
      const inc = INCLUDE.exec(l);
      if (inc) {
        const target = path.resolve(path.dirname(file), inc[1]!.trim());
        if (!fs.existsSync(target)) out.diagnostics.push({ file: source, message: `line ${line}: included file not found: ${inc[1]!.trim()}` });
        // A root file is parsed under its own name's group; an included one inherits the includer's.
        else if (!isRoot.has(target)) visit(target, group);
        continue;
      }
      if (l.startsWith('-')) continue; // -e, -c, -i, --index-url, -f...: not a named declaration
      if (/^(?:\.{0,2}[/\\]|\.$|[a-z][a-z0-9+.-]*:\/\/|file:)/i.test(l)) continue; // local path or bare URL
      // Per-requirement options (`--hash=...`, `--config-settings`) follow the requirement after whitespace.
      declare(out, l.replace(/\s+--?[a-z].*$/i, ''), source, group, line);
    }
  };
  for (const f of roots) visit(f, requirementGroup(f));
  return out;
}
