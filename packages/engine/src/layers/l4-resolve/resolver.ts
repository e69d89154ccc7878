/**
 * Name resolution over the global symbol table, the way Python's import system and attribute lookup would do it
 * at run time, statically:
 *
 * - `a.b.c` is resolved one attribute at a time from the top-level module; every prefix result is memoised, so
 *   the thousands of edges that name `os.path.join` or `core.models.Order` cost one lookup each.
 * - An attribute of a module is, in order: a definition in it, a name it imports (a re-export, followed
 *   transitively), a name made available by one of its `*` imports (following the source's `__all__` when it has
 *   one, else its public names), a submodule.
 * - An attribute of a class is looked up along its C3 MRO (bases resolved through imports and re-exports, across
 *   files and projects).
 * - A top-level name that is not a module of the corpus is external (`os`, `requests`), and stays so for every
 *   attribute under it.
 *
 * Cycles (re-export loops, circular `*` imports, `class A(B)` / `class B(A)`) end as unresolved: a name being
 * resolved is marked in progress before its parts are, and an explicit depth cap bounds the recursion whatever the
 * input. An answer computed while a cycle back to a name still in progress (or the depth cap) cut it short depends on
 * where the query started, not on the name alone: with a `ReadTracker` it is kept only until the outermost query ends
 * (`local`), so that every answer is the same whatever was asked before it — what lets L4 reuse a file's record
 * computed in another run's order. (Without one — value flow's solver, which asks in one fixed order per solve — it
 * is memoised like any other.)
 *
 * With a `ReadTracker`, every lookup of the table is reported as the modules it reads, and every memoised answer keeps
 * what computing it read (reads.ts): what a file's resolution read is then known whatever was memoised before it.
 */
import type { Binding, DefRec, Symbols } from './symbols';
import { ReadSet, type ReadTracker } from './reads';

export const VIA_REEXPORT = 1;
export const VIA_STAR = 2;
export const VIA_MRO = 4;
export const VIA_INSTANCE = 8;

export type ResKind = 'def' | 'module' | 'external' | 'unresolved';

export interface Res {
  k: ResKind;
  /** Canonical FQN of the definition or module. */
  fqn: string;
  /** Node id (definitions and modules with a file; namespace packages have none). */
  id?: string;
  /** Node kind: Class, Function, Method, Variable, Module. */
  kind?: string;
  /** Index into SymbolTable.files. */
  file?: number;
  /** Top-level module name of an external name. */
  ext?: string;
  /** VIA_* bits: how the name was reached. */
  flags: number;
}

const UNRESOLVED: Res = { k: 'unresolved', fqn: '', flags: 0 };
const MAX_DEPTH = 200;

export class Resolver {
  /** Answers that are functions of the name alone. */
  private memo = new Map<string, Res>();
  /** Answers cut short by a computation under way, with the depth of the shallowest one: for the current query only. */
  private local = new Map<string, { r: Res; cut: number }>();
  /** Names being resolved, with their frame's depth. */
  private inProgress = new Map<string, number>();
  /** Per open frame (by depth), the shallowest frame depth its answer was cut short by (Infinity: none). */
  private cuts: number[] = [];
  private mros = new Map<string, string[]>();
  /** Linearisations computed while a frame was cut short (as `local`, for the current query only). */
  private localMros = new Map<string, { order: string[]; cut: number }>();
  private externals = new Map<string, Res>();
  private depth = 0;
  /** With a tracker: what computing each memoised answer read (`memo`'s and `mros`' keys). */
  private memoReads = new Map<string, ReadSet>();
  private mroReads = new Map<string, ReadSet>();

  constructor(
    readonly table: Symbols,
    readonly reads?: ReadTracker,
  ) {}

  /** Resolves a dotted name as an attribute path (`from`-import targets, call targets, bases...). */
  resolve(fqn: string): Res {
    const t = this.reads;
    const d = this.table.defs.get(fqn);
    t?.under(fqn);
    if (d) return defRes(fqn, d, 0);
    const m = this.memo.get(fqn);
    if (m) {
      t?.use(this.memoReads.get(fqn));
      return m;
    }
    const l = this.local.get(fqn);
    if (l) {
      t?.use(this.memoReads.get(fqn));
      this.cutTo(l.cut);
      return l.r;
    }
    const at = this.inProgress.get(fqn);
    if (at !== undefined) {
      // A cycle back to this name: unresolved here, and what asked depends on all that computation reads.
      t?.link(this.memoReads.get(fqn)!);
      this.cutTo(at);
      return UNRESOLVED;
    }
    if (this.depth >= MAX_DEPTH) {
      t?.linkOutermost();
      this.cutTo(0);
      return UNRESOLVED;
    }
    const depth = this.depth;
    this.inProgress.set(fqn, depth);
    this.cuts.push(Infinity);
    if (t) this.memoReads.set(fqn, t.begin());
    this.depth++;
    let r: Res;
    let cut: number;
    try {
      const dot = fqn.lastIndexOf('.');
      r = dot < 0 ? this.top(fqn) : this.attr(this.resolve(fqn.slice(0, dot)), fqn.slice(0, dot), fqn.slice(dot + 1));
    } finally {
      this.depth--;
      cut = this.cuts.pop()!;
      this.inProgress.delete(fqn);
      if (t) this.memoReads.set(fqn, t.end());
    }
    // Without a tracker (value flow's solver: one fixed order per solve), every answer is kept: recomputing the cut
    // ones per query made sympy's solve ~2x slower (its packages import each other in large cycles).
    if (cut < depth && this.reads) {
      this.local.set(fqn, { r, cut });
      this.cutTo(cut);
    } else {
      this.memo.set(fqn, r);
      if (cut < depth) this.cutTo(cut);
    }
    if (depth === 0) {
      this.local.clear();
      this.localMros.clear();
    }
    return r;
  }

  /** The innermost open frame's answer depends on the frame at `depth` (still under way). */
  private cutTo(depth: number): void {
    const top = this.cuts.length - 1;
    if (top >= 0 && depth < this.cuts[top]!) this.cuts[top] = depth;
  }

  /**
   * Resolves a dotted name as `import a.b.c` does: modules first (a package attribute shadowing a submodule of
   * the same name does not change what `import pkg.x` imports), then as an attribute path (`import os.path`).
   */
  resolveModule(name: string): Res {
    const m = this.table.modules.get(name);
    this.reads?.module(name);
    if (m) return { k: 'module', fqn: name, id: m.id, kind: 'Module', file: m.file, flags: 0 };
    if (this.table.isNamespace(name)) return { k: 'module', fqn: name, kind: 'Module', flags: 0 };
    return this.resolve(name);
  }

  /** What an import binding refers to: `from m import n` tries n as an attribute of m, then as submodule m.n. */
  resolveBinding(b: Binding): Res {
    const mod = this.resolveModule(b.m);
    if (b.n === undefined || mod.k !== 'module') return mod.k === 'external' || b.n === undefined ? mod : UNRESOLVED;
    const r = this.resolve(`${mod.fqn}.${b.n}`);
    if (r.k !== 'unresolved') return withFlags(r, mod.flags);
    return withFlags(this.resolveModule(`${mod.fqn}.${b.n}`), mod.flags);
  }

  /**
   * Canonical FQNs of a class and its bases in lookup order (the class first): Python's C3 linearisation, so a
   * diamond (`class D(B, C)`, both from A) looks in B, C, then A. A hierarchy C3 rejects (Python would raise
   * TypeError) falls back to depth-first order, duplicates skipped.
   */
  mro(cls: string): string[] {
    const t = this.reads;
    const cached = this.mros.get(cls);
    if (cached) {
      t?.use(this.mroReads.get(cls));
      return cached;
    }
    const local = this.localMros.get(cls);
    if (local) {
      t?.use(this.mroReads.get(cls));
      this.cutTo(local.cut);
      return local.order;
    }
    // Whether a frame under way cuts this computation short: the innermost frame's cut, watched from here.
    const top = this.cuts.length - 1;
    const cutBefore = top >= 0 ? this.cuts[top]! : Infinity;
    if (top >= 0) this.cuts[top] = Infinity;
    /** The classes linearised by this call (kept for the current query only when it was cut short). */
    const done: string[] = [];
    // Iterative post-order over the bases (a 3,000-class chain must not overflow the stack): a class is linearised
    // once all its bases are; a base still in progress (an inheritance cycle) counts as itself alone.
    const inProgress = new Set<string>();
    /** With a tracker: per class in progress, what its linearisation reads (its bases' lookups, their MROs). */
    const reading = new Map<string, { bases: ReadSet; mro: ReadSet }>();
    const stack = [cls];
    while (stack.length) {
      const c = stack[stack.length - 1]!;
      if (this.mros.has(c)) {
        stack.pop();
        continue;
      }
      let bases: string[];
      if (t) {
        let r = reading.get(c);
        if (!r) {
          t.begin();
          bases = this.basesOf(c);
          reading.set(c, (r = { bases: t.end(false), mro: new ReadSet() }));
        } else bases = this.basesOf(c); // read before: the same lookups, now memoised
      } else bases = this.basesOf(c);
      if (!inProgress.has(c)) {
        inProgress.add(c);
        const pending = bases.filter((b) => !this.mros.has(b) && !inProgress.has(b));
        if (pending.length) {
          stack.push(...pending);
          continue;
        }
      }
      const baseMros = bases.map((b) => this.mros.get(b) ?? this.localMros.get(b)?.order ?? [b]);
      this.mros.set(c, c3Merge(c, baseMros, bases) ?? dfsOrder(c, baseMros));
      done.push(c);
      if (t) {
        const r = reading.get(c)!;
        t.begin(r.mro);
        t.use(r.bases);
        // A base still in progress (a cycle) decides this order by what its own linearisation reads.
        for (const b of bases) {
          const done = this.mroReads.get(b);
          if (done) t.use(done);
          else if (reading.has(b)) t.link(reading.get(b)!.mro);
        }
        this.mroReads.set(c, t.end(false));
      }
      inProgress.delete(c);
      stack.pop();
    }
    t?.use(this.mroReads.get(cls));
    const order = this.mros.get(cls) ?? this.localMros.get(cls)!.order;
    if (top >= 0) {
      const cut = this.cuts[top]!;
      this.cuts[top] = Math.min(cutBefore, cut);
      if (cut !== Infinity && this.reads) {
        for (const c of done) {
          this.localMros.set(c, { order: this.mros.get(c)!, cut });
          this.mros.delete(c);
        }
      }
    }
    return order;
  }

  /** A class's bases that resolve to classes of the corpus, canonical, without duplicates or itself. */
  private basesOf(cls: string): string[] {
    const out: string[] = [];
    this.reads?.under(cls);
    for (const b of this.table.bases.get(cls) ?? []) {
      const r = this.resolve(b);
      if (r.k === 'def' && r.kind === 'Class' && r.fqn !== cls && !out.includes(r.fqn)) out.push(r.fqn);
    }
    return out;
  }

  /** A member of a class through its MRO; VIA_MRO when it is inherited. */
  member(cls: string, name: string, skipSelf = false): Res {
    const order = this.mro(cls);
    for (let i = skipSelf ? 1 : 0; i < order.length; i++) {
      const fqn = `${order[i]}.${name}`;
      const d = this.table.defs.get(fqn);
      this.reads?.under(fqn);
      if (d) return defRes(fqn, d, i > 0 ? VIA_MRO : 0);
    }
    return UNRESOLVED;
  }

  private top(name: string): Res {
    const m = this.table.modules.get(name);
    this.reads?.module(name);
    if (m) return { k: 'module', fqn: name, id: m.id, kind: 'Module', file: m.file, flags: 0 };
    if (this.table.namespaces.has(name)) return { k: 'module', fqn: name, kind: 'Module', flags: 0 };
    return this.external(name);
  }

  private external(top: string): Res {
    let r = this.externals.get(top);
    if (!r) this.externals.set(top, (r = { k: 'external', fqn: top, ext: top, flags: 0 }));
    return r;
  }

  /** `name` as an attribute of `p`, where `p` was resolved from the text `prefix`. */
  private attr(p: Res, prefix: string, name: string): Res {
    switch (p.k) {
      case 'external':
      case 'unresolved':
        return p;
      case 'module':
        // Reached through a re-export: continue from the canonical module so its own lookups are shared.
        if (p.fqn !== prefix) return withFlags(this.resolve(`${p.fqn}.${name}`), p.flags);
        return this.moduleMember(p.fqn, name);
      case 'def': {
        if (p.kind === 'Class') return withFlags(this.member(p.fqn, name), p.flags);
        // A variable holding an instance (`router = Router()` at module level): its attributes are the class's.
        if (p.kind === 'Variable') this.reads?.under(p.fqn);
        const t = p.kind === 'Variable' ? this.table.varTypes.get(p.fqn) : undefined;
        if (t === undefined) return UNRESOLVED; // other attributes of functions and variables are dynamic
        const cls = this.resolve(t);
        return cls.k === 'def' && cls.kind === 'Class' ? withFlags(this.member(cls.fqn, name), p.flags | VIA_INSTANCE) : UNRESOLVED;
      }
    }
  }

  private moduleMember(mod: string, name: string): Res {
    const rec = this.table.modules.get(mod);
    this.reads?.module(mod);
    // (A definition `mod.name` was found by resolve() before getting here.)
    const b = rec?.binds?.get(name);
    if (b) {
      const r = this.resolveBinding(b);
      // `from . import sub` in a package binds the submodule itself: that is not a re-export.
      if (r.k !== 'unresolved') return r.k === 'module' && r.fqn === `${mod}.${name}` ? r : withFlags(r, VIA_REEXPORT);
    }
    let externalStar: Res | undefined;
    if (rec?.stars) {
      // The last `*` import binding a name wins, as at run time.
      for (const s of [...rec.stars].reverse()) {
        const src = this.resolveModule(s);
        if (src.k === 'external') externalStar ??= src;
        if (src.k !== 'module' || !this.exports(src.fqn, name)) continue;
        const r = this.resolve(`${src.fqn}.${name}`);
        if (r.k !== 'unresolved') return withFlags(r, VIA_STAR);
      }
    }
    const sub = `${mod}.${name}`;
    if (this.table.modules.has(sub) || this.table.namespaces.has(sub)) return this.resolveModule(sub);
    // Not found, but the module re-exports everything of a module outside the corpus (`from _struct import *`):
    // the name most likely comes from there.
    return externalStar ?? UNRESOLVED;
  }

  /** Whether `from mod import *` makes `name` available: `__all__` when literal, else the public names. */
  private exports(mod: string, name: string): boolean {
    const all = this.table.modules.get(mod)?.all;
    this.reads?.module(mod);
    return all ? all.includes(name) : !name.startsWith('_');
  }
}

function defRes(fqn: string, d: DefRec, flags: number): Res {
  return { k: 'def', fqn, id: d.id, kind: d.kind, file: d.file, flags };
}

function withFlags(r: Res, flags: number): Res {
  if (!flags || r.k === 'unresolved' || r.k === 'external' || (r.flags & flags) === flags) return r;
  return { ...r, flags: r.flags | flags };
}

/** The `via` label of a resolution: how the name was reached, else the kind of L1 hint it started from. */
export function viaOf(r: Res, base: string): string {
  if (r.flags & VIA_STAR) return 'star';
  if (r.flags & VIA_MRO) return 'mro';
  if (r.flags & VIA_INSTANCE) return 'instance';
  if (r.flags & VIA_REEXPORT) return 'reexport';
  return base;
}

/** Python's C3 merge of the bases' linearisations; undefined when none is consistent. */
export function c3Merge<T>(head: T, baseMros: readonly (readonly T[])[], bases: readonly T[]): T[] | undefined {
  const seqs = [...baseMros.map((m) => [...m]), [...bases]];
  const out = [head];
  for (;;) {
    const live = seqs.filter((s) => s.length > 0);
    if (!live.length) return out;
    const cand = live.map((s) => s[0]!).find((c) => !live.some((t) => t.indexOf(c) > 0));
    if (cand === undefined) return undefined;
    out.push(cand);
    for (const s of live) if (s[0] === cand) s.shift();
  }
}

function dfsOrder<T>(head: T, baseMros: readonly (readonly T[])[]): T[] {
  const out = [head];
  for (const m of baseMros) for (const c of m) if (!out.includes(c)) out.push(c);
  return out;
}
