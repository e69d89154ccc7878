/** Shared plumbing of the declaration parsers: reading files, root-relative names, building declarations. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRequirement } from './pep508';
import type { DeclaredDep, DepGroup, PackageDiagnostic } from './types';

/** What a parser returns: declarations in file order, plus what it could not read. */
export interface Parsed {
  declared: DeclaredDep[];
  diagnostics: PackageDiagnostic[];
}

export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Root-relative, `/`-separated: outputs must not depend on where the repo is checked out or on the OS. */
export function relPath(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

/** A declaration from a PEP 508 string, or a diagnostic when the string is not one. */
export function declare(out: Parsed, raw: string, source: string, group: DepGroup, line: number | undefined): void {
  const req = parseRequirement(raw);
  if (!req) {
    out.diagnostics.push({ file: source, message: `${line ? `line ${line}: ` : ''}not a PEP 508 requirement: ${JSON.stringify(raw)}` });
    return;
  }
  out.declared.push({ name: req.name, raw: raw.trim(), source, ...(line ? { line } : {}), group, ...rest(req) });
}

function rest(req: { extras?: string[]; marker?: string; url?: string }): Pick<DeclaredDep, 'extras' | 'marker' | 'url'> {
  return { ...(req.extras ? { extras: req.extras } : {}), ...(req.marker ? { marker: req.marker } : {}), ...(req.url ? { url: req.url } : {}) };
}
