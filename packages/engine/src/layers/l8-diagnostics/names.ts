/**
 * `undefined-name`: a name read where no enclosing scope binds it and that is not a builtin — a NameError when the
 * line runs. It reads L5's per-scope SSA (`FileFlow`): a read whose reaching definition is the scope's `entry`
 * definition is a free name, resolved here as Python does (enclosing function scopes, skipping class bodies, then
 * the module, then builtins).
 *
 * Conservative on purpose — a false alarm costs more trust than a miss:
 * - a name bound anywhere in the scope it is read in, or in any enclosing class body, is never reported (flow-
 *   sensitive cases, read-before-assignment, class-scope subtleties are a type checker's job);
 * - a name declared `global` anywhere in the file counts as a module name, a `nonlocal` one as bound;
 * - files skipped whole: with syntax errors (the tree is a guess), with a `from x import *` the workspace cannot
 *   enumerate (stars.ts: x outside the workspace or dynamic; a workspace module's exports count as bound), a
 *   module-level `__getattr__`, any read of `globals`/`locals`/`vars`/`exec` or another way
 *   of binding module names dynamically (dynamic.ts), a scope L5 skipped by its budget, an `except NameError`
 *   (code that probes names on purpose), or code that adds builtins (`gettext.install()`, `builtins.x = …`);
 * - in a package's `__init__`, a name that is one of its submodules is bound (importing `pkg.sub` anywhere binds
 *   `sub` in `pkg`: asyncio's `__init__` reads `base_events` after `from .base_events import *`).
 */
import type { FileFlow, ScopeFlow } from '../../lang/python/flow/model';
import { PY_BUILTINS } from '../../lang/python/builtins';

/**
 * Names Python provides that `dir(builtins)`'s public part leaves out: module attributes, constants, `__class__`;
 * and `_`, which the REPL and `gettext.install()` put in builtins (a translation function read everywhere).
 */
const IMPLICIT_NAMES: ReadonlySet<string> = new Set(
  (
    '_ NotImplemented Ellipsis __debug__ __name__ __file__ __doc__ __package__ __spec__ __loader__ __path__ __builtins__ ' +
    '__cached__ __annotations__ __dict__ __class__ __module__ __qualname__ __build_class__ __import__ WindowsError'
  ).split(' '),
);

/** Reads of these may bind names no statement shows: the file is not checked. */
const DYNAMIC_BINDERS: ReadonlySet<string> = new Set(['globals', 'locals', 'vars', 'exec']);

export interface UndefinedRead {
  name: string;
  /** Start index (in the decoded text) of the identifier read. */
  at: number;
}

/** Names a scope binds as its own SSA values (not `entry`/`phi`, not stores into an outer scope). */
function boundIn(s: ScopeFlow): Set<string> {
  const b = new Set<string>();
  for (const d of s.defs) if (d.kind !== 'entry' && d.kind !== 'phi' && !d.outer) b.add(d.name);
  return b;
}

/**
 * The reads of one file that no scope binds, in text order; empty when the file is not checked (see the header).
 * Star imports are the caller's to check (L1's interface facts know them; the flow does not: stars.ts).
 */
export function undefinedReads(flow: FileFlow): UndefinedRead[] {
  if (flow.skipped?.length) return [];
  const scopes = flow.scopes;
  const bound = scopes.map(boundIn);
  const moduleIdx = scopes.findIndex((s) => s.parent < 0);
  if (moduleIdx < 0) return [];
  const moduleNames = new Set(bound[moduleIdx]);
  if (moduleNames.has('__getattr__')) return [];
  for (const s of scopes) {
    for (const g of s.globals) moduleNames.add(g);
    for (const u of s.uses) if (DYNAMIC_BINDERS.has(u.name)) return [];
  }
  const out: UndefinedRead[] = [];
  scopes.forEach((s, i) => {
    const entryDefs = new Set(s.defs.filter((d) => d.kind === 'entry').map((d) => d.id));
    const nonlocals = new Set(s.nonlocals);
    const globals = new Set(s.globals);
    for (const u of s.uses) {
      if (!entryDefs.has(u.def)) continue;
      const n = u.name;
      if (moduleNames.has(n) || PY_BUILTINS.has(n) || IMPLICIT_NAMES.has(n) || nonlocals.has(n)) continue;
      if (!globals.has(n) && boundSomewhereAbove(scopes, bound, i, n)) continue;
      out.push({ name: n, at: u.at });
    }
  });
  return out.sort((a, b) => a.at - b.at);
}

/** `n` is bound in scope `i` itself or in an enclosing scope other than the module (class bodies included: conservative). */
function boundSomewhereAbove(scopes: readonly ScopeFlow[], bound: readonly Set<string>[], i: number, n: string): boolean {
  for (let j = i; j >= 0 && scopes[j]!.parent >= 0; j = scopes[j]!.parent) {
    if (bound[j]!.has(n) || scopes[j]!.nonlocals.includes(n)) return true;
  }
  return false;
}

/**
 * The file probes names on purpose (`except NameError`, alone or in a tuple) or adds builtins (`builtins.x = …`,
 * `setattr(builtins, …)`, `gettext.install()` — which binds `_`, `ngettext`, … for every module): its undefined-name
 * reads are not reported.
 */
export function probesOrAddsNames(text: string): boolean {
  return (
    /except\s*\*?\s*\(?[^:\n]*\bNameError\b/.test(text) ||
    /\b(?:__)?builtins(?:__)?\.\w+\s*=[^=]|setattr\(\s*(?:__)?builtins|__builtins__\[/.test(text) ||
    (text.includes('gettext') && /\.install\(/.test(text))
  );
}
