/**
 * `unresolved-import`: an import that resolves nowhere — a workspace module or name that does not exist (L4 left
 * the import unresolved without calling it external: its top-level package is in the workspace), or a relative
 * import that climbs above the top-level package. Imports of names outside the workspace are L9's business
 * (`undeclared-dependency`): whether `requests` is installed is not something a static index can know. Imports
 * guarded by `try: … except ImportError` are skipped: the code is written to run without them; so are imports of a
 * module's implicit attributes (`__doc__`), of names from a module (or under a package) that binds names
 * dynamically or star-imports what cannot be enumerated (dynamic.ts, stars.ts: `from hashlib import sha1` is fine
 * although no statement of hashlib binds `sha1`), and of namespace packages (a directory without `.py` files).
 *
 * Reads L4's manifest (per-file counts tell which files have an unresolved import, so only those records are
 * opened), L4's record of those files and their L1 IR (for the import's span and how it is written).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IrNode } from '../../ir/model';
import { PackReader } from '../../util/pack';
import type { ImportAttrs } from '../l1-structure/interface';
import type { L1Reader } from '../l1-structure/stream';
import { resolvedPackPath, type L4Line, type L4Manifest } from '../l4-resolve/run';
import type { RawFinding } from './finding';
import { MODULE_ATTRIBUTES } from './dynamic';

/** How the import reads: as written for absolute imports; relative ones by their level and absolute target (L1 resolved it). */
function message(a: ImportAttrs & { level?: number }): string {
  if (a.unresolved_relative !== undefined) return `"from ${a.unresolved_relative} import ${a.name ?? '*'}": the relative import goes above the top-level package`;
  const target = a.name !== undefined ? `${a.module}.${a.name}` : (a.module ?? '');
  if (a.level) return `relative import of "${target}" (level ${a.level}): no such module or name in the workspace`;
  const written = a.name !== undefined || a.star ? `from ${a.module} import ${a.star ? '*' : a.name}` : `import ${a.module}`;
  return `"${written}": no module or name "${target}" in the workspace`;
}

/** What the rule needs to know about the workspace's modules (run.ts provides it over this project and its dependencies). */
export interface ImportContext {
  /** Index root: paths are relative to it. */
  root: string;
  /** The file defining a module, undefined when no workspace file does. */
  moduleFile(m: string): string | undefined;
  /** The module's names can be told statically: it binds none dynamically and its star imports can be enumerated. */
  namesKnown(m: string): boolean;
  /** The module's file binds `name` at module level (a definition, an import, `__all__`), by its interface facts. */
  binds(m: string, name: string): boolean;
}

/**
 * The import cannot be judged: the module it reads from, or a package above it, binds names at run time, or the
 * missing part is a directory — a namespace package (data folders imported as packages), which L0 does not list.
 */
function unjudgeable(a: ImportAttrs, ctx: ImportContext): boolean {
  const full = a.name !== undefined ? `${a.module}.${a.name}` : (a.module ?? '');
  const parts = full.split('.');
  if (parts.includes('__init__')) return true; // `from pkg.__init__ import x` imports the package's file again
  // L4 leaves a name unresolved when its resolution ends in a cycle or past its depth cap too: a name the module's
  // own facts show, or a module that has a file, exists — not a finding.
  if (ctx.moduleFile(full) !== undefined) return true;
  if (a.name !== undefined && a.module && ctx.binds(a.module, a.name)) return true;
  for (let i = parts.length - 1; i >= 1; i--) {
    const container = parts.slice(0, i).join('.');
    const file = ctx.moduleFile(container);
    if (file === undefined) continue;
    if (!ctx.namesKnown(container)) return true;
    if (file.endsWith('__init__.py') && isDirectory(path.join(ctx.root, path.dirname(file), parts[i]!))) return true;
    return false;
  }
  return false;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function unresolvedImportFindings(outDir: string, l4: L4Manifest, l1: L1Reader, ctx: ImportContext): RawFinding[] {
  const out: RawFinding[] = [];
  let pack: PackReader | undefined;
  try {
    for (const ref of l1.refs) {
      const e = l4.files[ref.file];
      if (!e || e.counts.imports - e.counts.importsResolved - e.counts.importsExternal <= 0) continue;
      pack ??= PackReader.open(resolvedPackPath(outDir));
      const text = pack?.text(e.key);
      if (text === undefined) continue;
      const unresolved = new Set<string>();
      for (const line of text.split('\n')) {
        if (!line) continue;
        const l = JSON.parse(line) as L4Line;
        if (l.edge === 'IMPORTS' && 'unresolved' in l && l.external === undefined) unresolved.add(l.id);
      }
      if (unresolved.size === 0) continue;
      const ir = l1.record(ref);
      if (!ir) continue;
      const nodes = new Map<string, IrNode>(ir.nodes.filter((n) => n.node === 'Import').map((n) => [n.id, n]));
      for (const edge of ir.edges) {
        if (edge.edge !== 'IMPORTS' || !unresolved.has(edge.id)) continue;
        const node = nodes.get(edge.src);
        const a = (node?.attrs ?? {}) as ImportAttrs & { level?: number; optional?: boolean };
        if (!node || a.optional || (a.name !== undefined && MODULE_ATTRIBUTES.has(a.name))) continue;
        if (a.unresolved_relative === undefined && unjudgeable(a, ctx)) continue;
        // The imported name as written (`nothing` in `from pkg import nothing`), not the whole statement.
        const span = (edge.span ?? node.span) as number[];
        out.push({ rule: 'unresolved-import', level: 'warning', message: message(a), file: ref.file, range: [span[0]!, span[1]!, span[2]!, span[3]!] });
      }
    }
  } finally {
    pack?.close();
  }
  return out;
}
