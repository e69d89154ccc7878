/**
 * The names a `from m import *` binds, when the workspace can tell: m's `__all__` (as L1 read it, a literal list),
 * else its public module-level names (definitions and import bindings not starting with `_`), plus what its own
 * star imports bind. Undefined — "cannot tell" — when m is outside the workspace (`from os.path import *`), binds
 * names dynamically, or chains stars deeper than MAX_DEPTH; the file is then not checked for undefined names.
 */
import type { FileFacts } from '../l1-structure/interface';

const MAX_DEPTH = 8;

export interface StarSources {
  /** The interface facts of the file defining `module`, undefined when no workspace file does. */
  facts(module: string): FileFacts | undefined;
  /** The module binds names no statement shows (dynamic.ts). */
  dynamic(module: string): boolean;
}

export function starNames(module: string, src: StarSources, seen = new Set<string>()): Set<string> | undefined {
  if (seen.has(module)) return new Set(); // a cycle adds nothing new
  if (seen.size >= MAX_DEPTH) return undefined;
  seen.add(module);
  const f = src.facts(module);
  if (!f?.module || src.dynamic(module)) return undefined;
  if (f.module.all) return new Set(f.module.all);
  const names = new Set<string>();
  const prefix = `${f.module.fqn}.`;
  for (const [fqn] of f.defs) {
    const name = fqn.startsWith(prefix) ? fqn.slice(prefix.length) : '';
    if (name && !name.includes('.') && !name.startsWith('_')) names.add(name);
  }
  for (const [name] of f.binds) if (!name.startsWith('_')) names.add(name);
  for (const m of f.module.stars ?? []) {
    const more = starNames(m, src, seen);
    if (!more) return undefined;
    for (const n of more) names.add(n);
  }
  return names;
}
