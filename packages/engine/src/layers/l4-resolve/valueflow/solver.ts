/**
 * The value-flow solver: Andersen-style inclusion constraints over abstract objects, context-insensitive,
 * interprocedural, across every file given (a project and its dependencies), to a fixpoint.
 *
 * - Nodes are integers; a named variable of the facts (`pkg.mod.x`, `pkg.mod.C.attr`, `pkg.mod.f.param`) is one node
 *   whatever file names it, which is how values cross files: `from pkg.mod import x` copies from node `pkg.mod.x`.
 * - Objects are integers (functions, classes, instances per class, modules, bound methods, containers per
 *   allocation site, literals of builtin types, external names, super proxies, staticmethod/classmethod/property
 *   wrappers). A node's points-to set is an append-only int array (processed prefix + pending delta).
 * - Bounded: a set stops growing at MAX_SET objects, the worklist at MAX_STEPS node visits; each hit is counted in
 *   `bounds`, never a hang.
 * - Provenance: the first reason each object entered each node (the node it was copied from, or the constraint that
 *   put it there), for `codegraph explain`.
 *
 * Class attribute lookup follows the C3 MRO (the symbol table's resolver for classes it knows, else C3 over the
 * bases' values); instantiation calls `__init__`, instances with `__call__` are callable, bound methods carry their
 * receiver into the first parameter, `super()` looks up after the method's class in the receiver's MRO.
 */
import type { ArgFact, FlowFacts } from '../../../lang/python/valueflow/model';
import { FN_ASYNC, FN_GENERATOR, Op, SITE_DECORATOR } from '../../../lang/python/valueflow/model';
import { c3Merge as c3, type Resolver } from '../resolver';
import { EDGE_KEY_SCALE, hash4, IdTable, ListIndex, SeqInterner, TripleSet, TupleSet } from './edge-set';
import { CallTable, H, HandlerTable } from './handler-table';
import { IntLists } from './int-lists';
import { fixedInt32, grown, release, trimmed } from './page-arrays';
import { purePassThrough } from './pass-through';
import { FLOW_SUMMARY_FORMAT, type FileSummary, type SummaryObj } from './summary';

export const MAX_SET = 96;
/**
 * What the solver makes of the same facts, versioned: part of every key that reuses solved results (a dependency
 * unit's summaries, a project's answers), so that an engine whose solver answers differently never reads what an
 * older one stored. Bump it with any change to what the solver derives.
 * 2: `x.__class__`/`type(x)`, receivers of classes made outside the corpus, None's attributes, `*args`/`**kwargs`.
 * 3: a call of a pure pass-through function gives its own arguments, not the function's merged return.
 * 4: `copy.copy(x)` / `copy.deepcopy(x)` hold x's objects.
 * 5: metaclasses — calling a class whose metaclass defines `__call__` calls that; `super().__call__` in it instantiates.
 */
export const SOLVER_SEMANTICS = 5;
const EMPTY: readonly number[] = [];

/** Builtin calls whose result is a value of a builtin type. */
const BUILTIN_RESULT_TYPES = new Map(
  ['str', 'bytes', 'int', 'float', 'bool', 'list', 'dict', 'set', 'frozenset', 'tuple', 'bytearray'].map((t) => [`builtins.${t}`, t]),
);
const STR_RESULT_METHODS = /^builtins\.str\.(strip|lstrip|rstrip|lower|upper|title|capitalize|casefold|swapcase|replace|format|join|center|ljust|rjust|zfill|expandtabs|translate|removeprefix|removesuffix)$|^builtins\.bytes\.decode$/;

/** Callables whose effect the solver models by name (callExternal), when they are read from a dependency summary. */
const MODELLED_BY_NAME = new Set(['functools.partial', 'functools.wraps', 'functools.lru_cache', 'functools.cache', 'functools.reduce', 'copy.copy', 'copy.deepcopy']);

/** Builtins that call a dunder of their argument. */
const BUILTIN_DUNDERS: Record<string, string> = {
  len: '__len__', str: '__str__', repr: '__repr__', iter: '__iter__', next: '__next__', bool: '__bool__',
  hash: '__hash__', abs: '__abs__', format: '__format__', reversed: '__reversed__', int: '__int__', float: '__float__',
};
export const MAX_STEPS = 50_000_000;
/** See FlowSolver.succIndex. */
const HASHED_SUCC = 16;
/** External names are kept to this many dotted parts (`os.path.join`): deeper ones add no information. */
const MAX_EXT_DEPTH = 4;
const MAX_MRO_DEPTH = 100;
/** Nodes a pass-through search visits back from one return before giving up (copies rarely chain further). */
const MAX_PASS_VISITS = 256;
/** What `super().__call__` in a metaclass reaches when no metaclass of the corpus defines it: `type.__call__`. */
const TYPE_CALL = 'builtins.type.__call__';

export const enum O {
  Func,
  Class,
  Inst,
  Module,
  Bound,
  Ext,
  Lit,
  Cont,
  Gen,
  Super,
  Wrap,
}

const WRAP_STATIC = 1;
const WRAP_CLASS = 2;
const WRAP_PROPERTY = 3;
/** `@x.setter`: the property's setter, called when the attribute is stored through an instance. */
const WRAP_SETTER = 4;
/** `@x.deleter`: kept so that the name does not read as a plain function; `del` through it is not modelled. */
const WRAP_DELETER = 5;
/** What reading `.setter` / `.getter` / `.deleter` on a property gives (an external name callExternal models). */
const PROPERTY_METHODS = new Set(['setter', 'getter', 'deleter']);
/** Builtins whose call wraps a function (the wrapper kind); `getter` makes a new property with that getter. */
const WRAP_KINDS = new Map([
  ['builtins.staticmethod', WRAP_STATIC],
  ['builtins.classmethod', WRAP_CLASS],
  ['builtins.property', WRAP_PROPERTY],
  ['builtins.property.getter', WRAP_PROPERTY],
  ['builtins.property.setter', WRAP_SETTER],
  ['builtins.property.deleter', WRAP_DELETER],
]);

/** How a target was reached from a site: called directly, the `__init__` of an instantiation, a callback. */
export const T_DIRECT = 0;
export const T_INIT = 1;
export const T_CALLBACK = 2;

interface FuncInfo {
  fqn: string;
  file: number;
  params: Array<[string, string]>;
  flags: number;
  line: number;
  col: number;
  /** Object of the `*args` tuple and `**kwargs` dict, when the function has them. */
  varargs?: number;
  kwargs?: number;
  /** A pure pass-through (pass-through.ts): the parameters its return copies; each call's result is its own arguments there. */
  pass?: number[];
}

interface ClassInfo {
  fqn: string;
  file: number;
  bases: number[];
  attrs: Set<string>;
  line: number;
  col: number;
  /** The node of its `metaclass=` expression, when it declares one. */
  meta?: number;
}

type Handler =
  | { h: 'load'; dst: number; name: string; site: number }
  | { h: 'implicit'; call: number; names: string[] }
  | { h: 'store'; name: string; src: number; site: number }
  | { h: 'setter'; src: number; via: number; site: number }
  | { h: 'elem'; dst: number }
  | { h: 'selem'; src: number }
  | { h: 'call'; call: number }
  | { h: 'super'; dst: number; cls: number }
  /** `super(C, obj)`: each class arriving here makes a super proxy with each object of `obj`. */
  | { h: 'superof'; dst: number; obj: number }
  /** Objects arriving here are called as a method of `self` (or plainly when self is -1). */
  | { h: 'callvia'; call: number; self: number }
  /** Objects arriving here are read through an instance or a class (method binding, properties) into dst. */
  | { h: 'access'; dst: number; via: number; cls: boolean; site: number }
  | { h: 'wrap'; dst: number; kind: number }
  /** Metaclasses arriving here decide what calling class `cls` runs: their `__call__`, else an instantiation. */
  | { h: 'metacall'; call: number; cls: number };

export interface SolveStats {
  nodes: number;
  objects: number;
  steps: number;
  /** Bounds hit: sets that reached MAX_SET objects, plus 1 if the step cap stopped the worklist. */
  bounds: number;
  ms: number;
}

/** The reason an object entered a node: the node it came from (≥ 0) or -(constraint description index + 1). */
export interface Provenance {
  from: number;
  /** For a binding of an argument: the site. */
  site?: number;
}


export class FlowSolver {
  // objects
  private okind: number[] = [];
  private oa: number[] = [];
  private ob: number[] = [];
  private oname: string[] = [];
  /** Each object's name as an id of `nameIds` (0 for ''): what the intern table compares. */
  private onameId: number[] = [];
  private readonly objectHash = (o: number) => hash4(this.okind[o]!, this.oa[o]!, this.ob[o]!, this.onameId[o]!);
  private ointern = new IdTable(this.objectHash);
  /** Object and field names by id (0 is ''). */
  private nameIds = new Map<string, number>([['', 0]]);
  // nodes
  /** Points-to sets (one list per node, ordered: a processed prefix, then the pending delta). */
  private pts = new IntLists(MAX_SET);
  /** Provenance, parallel to pts — kept only when asked (explain): it doubles the sets' memory. */
  private why: (number[] | undefined)[] = [];
  /** Per node, how many of its objects were propagated (at most MAX_SET: a byte). */
  private done = new Uint8Array(1024);
  private succ = new IntLists();
  /** Per node, its handlers' rows in `ht`. */
  private handlers = new IntLists();
  private ht = new HandlerTable();
  private named = new Map<string, number>();
  /**
   * Each node's name ('' for an expression's), kept only with provenance (explain's labels): one array slot per node
   * was 25–37 MB of sympy's heap at the fixpoint's end, and the answers never ask for a name.
   */
  private nodeName: string[] = [];
  /** Fields (`o.name` of an object that is not a module or class), in the order they were made: node, object, name. */
  private fieldNode: number[] = [];
  private fieldObj: number[] = [];
  private fieldName: string[] = [];
  private fieldNameId: number[] = [];
  private readonly fieldHash = (f: number) => hash4(this.fieldObj[f]!, this.fieldNameId[f]!, 0, 0);
  private fields = new IdTable(this.fieldHash);
  /** Field index by node (explain's labels; built on first use). */
  private fieldOfNode?: Map<number, number>;
  /**
   * Which successors the nodes with at least HASHED_SUCC of them have (a shorter list is searched instead: most nodes
   * have one to three, and hashing all of sympy's 6.5M edges took a 134 MB table), by position in `succ`.
   */
  private succIndex = new ListIndex(this.succ);
  private queue: number[] = [];
  /** Handlers added to nodes that had already propagated objects: applied to those `upto` objects by propagate. */
  private replays: Array<{ n: number; h: number; upto: number }> = [];
  /**
   * Class calls and dunder calls already issued: a chain of them ends instead of growing forever. `__init__` calls by
   * (class object, site, arguments); calls through a class attribute by (attribute node, receiver, result node,
   * site/kind/decorator packed, arguments).
   */
  private initIssued = new TripleSet();
  private viaIssued = new TupleSet(5);
  /** (class attribute node, instance, stored value, site) of the setter handlers issued. */
  private setterIssued = new TupleSet(4);
  private setterKey = new Int32Array(4);
  private viaKey = new Int32Array(5);
  /** Call argument lists by content (keys as ints: 0 positional, else -(interned name + 1)). */
  private argLists = new SeqInterner();
  private argsScratch: number[] = [];
  private calls = new CallTable();
  private namesRefs = new Map<string, number>();
  /** The empty argument list's id. */
  private readonly noArgs = this.argLists.intern([]);
  private queued: Uint8Array = new Uint8Array(1024);
  // program
  readonly funcs: FuncInfo[] = [];
  readonly classes: ClassInfo[] = [];
  private classByFqn = new Map<string, number>();
  readonly files: string[] = [];
  /** The module of each file. */
  private fileModule: string[] = [];
  /** Instance attributes of summarized classes (class index → attribute → objects): seeded into instances' fields. */
  private summaryInst = new Map<number, Map<string, number[]>>();
  /** Classes loaded from summaries: their receivers were seeded by the solve that made the summary. */
  private summaryClasses = new Set<number>();
  readonly modules = new Set<string>();
  private moduleGlobals = new Map<string, { globals: Set<string>; all?: string[]; stars?: string[] }>();
  /** Global site id × SITE_WIDTH → file, line, col, endLine, endCol, kind. */
  private siteData = new Int32Array(6 * 1024);
  private siteCount = 0;
  private siteRows?: number[][];
  /** Site id → targets (object * 4 + T_*). */
  private siteTargets = new IntLists();
  /** Sites in the order their first target was recorded (the order `targets` gives them in). */
  private recordedSites: number[] = [];
  /** Edge (from → to) labels for explain (only kept with provenance): argument bindings, by edge key. */
  private edgeSite = new Map<number, number>();
  /** Edge labels for explain: argument → call result edges of pure pass-throughs, by edge key → the function. */
  private passEdge = new Map<number, number>();
  /** (function, call result node, receiver) triples already bound. */
  private bindings = new TripleSet();
  private mros = new Map<number, number[]>();
  readonly stats: SolveStats = { nodes: 0, objects: 0, steps: 0, bounds: 0, ms: 0 };

  private readonly keepWhy: boolean;

  /** `provenance`: keep the first reason of every object in every set (for `codegraph explain`). */
  constructor(
    private readonly resolver?: Resolver,
    opts: { provenance?: boolean } = {},
  ) {
    this.keepWhy = opts.provenance ?? false;
  }

  // ------------------------------------------------------------------ loading

  /** Adds one file's facts. `file` is the path reported for its definitions. */
  addFacts(file: string, f: FlowFacts): void {
    const fileIdx = this.files.length;
    this.files.push(file);
    this.modules.add(f.module);
    this.moduleGlobals.set(f.module, { globals: new Set(f.globals), ...(f.all ? { all: f.all } : {}), ...(f.stars ? { stars: f.stars } : {}) });
    const vars = f.vars.map((n) => (n === '' ? this.newNode('') : this.node(n)));
    const funcBase = this.funcs.length;
    this.fileModule.push(f.module);
    for (const [fqn, params, flags, line, col] of f.funcs) this.addFunc({ fqn, file: fileIdx, params, flags, line, col });
    for (const [k, through] of purePassThrough(f, vars, (name) => this.named.get(name))) this.funcs[funcBase + k]!.pass = through;
    const classBase = this.classes.length;
    for (const [fqn, bases, attrs, line, col] of f.classes) {
      this.classByFqn.set(fqn, this.classes.length);
      this.classes.push({ fqn, file: fileIdx, bases: bases.map((b) => vars[b]!), attrs: new Set(attrs), line, col });
    }
    const siteBase = this.siteCount;
    for (const s of f.sites) this.addSite(fileIdx, s);
    const v = (i: unknown) => vars[i as number]!;
    for (let ci = 0; ci < f.c.length; ci++) {
      const c = f.c[ci]!;
      switch (c[0] as Op) {
        case Op.Func:
          this.addObj(v(c[1]), this.obj(O.Func, funcBase + (c[2] as number), 0, ''), -1);
          break;
        case Op.Class:
          this.addObj(v(c[1]), this.obj(O.Class, classBase + (c[2] as number), 0, ''), -1);
          break;
        case Op.Module:
          this.pendingModules.push([v(c[1]), c[2] as string]);
          break;
        case Op.From:
          this.pendingFroms.push([v(c[1]), c[2] as string, c[3] as string]);
          break;
        case Op.Copy:
          this.addEdge(v(c[2]), v(c[1]));
          break;
        case Op.Attr:
          this.addHandler(v(c[2]), { h: 'load', dst: v(c[1]), name: c[3] as string, site: c[4] === undefined ? -1 : siteBase + (c[4] as number) });
          break;
        case Op.Implicit: {
          const call = this.calls.add(v(c[1]), siteBase + (c[2] as number), this.factArgs(c[5] as ArgFact[], v), false, T_DIRECT);
          this.addHandler(v(c[3]), { h: 'implicit', call, names: c[4] as string[] });
          break;
        }
        case Op.Store:
          this.addHandler(v(c[1]), { h: 'store', name: c[2] as string, src: v(c[3]), site: c[4] === undefined ? -1 : siteBase + (c[4] as number) });
          break;
        case Op.Elem:
          this.addHandler(v(c[2]), { h: 'elem', dst: v(c[1]) });
          break;
        case Op.StoreElem:
          this.addHandler(v(c[1]), { h: 'selem', src: v(c[2]) });
          break;
        case Op.Call:
        case Op.Deco: {
          const site = (c[2] as number) < 0 ? -1 : siteBase + (c[2] as number);
          const args = c[0] === Op.Deco ? this.argsOf(v(c[4])) : this.factArgs(c[4] as ArgFact[], v);
          const call = this.calls.add(v(c[1]), site, args, c[0] === Op.Deco, T_DIRECT);
          this.addHandler(v(c[3]), { h: 'call', call });
          break;
        }
        case Op.Ret:
          this.addEdge(v(c[2]), this.retNode(funcBase + (c[1] as number)));
          break;
        case Op.Yield:
          this.addEdge(v(c[2]), this.node(`${this.funcs[funcBase + (c[1] as number)]!.fqn}.<yield>`));
          break;
        case Op.Lit:
          this.addObj(v(c[1]), this.obj(O.Lit, 0, 0, c[2] as string), -1);
          break;
        case Op.New:
          this.addObj(v(c[1]), this.obj(O.Cont, fileIdx, ci, c[2] as string), -1);
          break;
        case Op.SuperOf:
          this.addHandler(v(c[2]), { h: 'superof', dst: v(c[1]), obj: v(c[3]) });
          break;
        case Op.Super:
          this.addHandler(v(c[3]), { h: 'super', dst: v(c[1]), cls: this.obj(O.Class, classBase + (c[2] as number), 0, '') });
          break;
        case Op.Meta:
          this.classes[classBase + (c[1] as number)]!.meta = v(c[2]);
          break;
      }
    }
  }

  private addFunc(fi: FuncInfo): void {
    this.funcs.push(fi);
    const fqn = fi.fqn;
    for (const [name, kind] of fi.params) {
      if (kind === '*') this.addObj(this.node(`${fqn}.${name}`), (fi.varargs = this.obj(O.Cont, -1 - this.funcs.length, 0, `${fqn}.*${name}`)), -1);
      if (kind === '**') this.addObj(this.node(`${fqn}.${name}`), (fi.kwargs = this.obj(O.Cont, -1 - this.funcs.length, 1, `${fqn}.**${name}`)), -1);
    }
  }

  private pendingModules: Array<[number, string]> = [];
  /** (site, class object) of instantiations a metaclass's `__call__` superseded: dropped from the site's records. */
  private superseded: number[] = [];
  /** The call of a metaclass's `__call__` made for each (class call, class object) "call,cls" (its result discarded). */
  private metaCallsMade = new Map<string, number>();
  private pendingFroms: Array<[number, string, string]> = [];

  /** Module-level names made available by `*` imports, following `__all__`, to a fixpoint (chains of stars). */
  private linkStars(): void {
    let changed = true;
    let rounds = 0;
    while (changed && rounds++ < 20) {
      changed = false;
      for (const [mod, g] of this.moduleGlobals) {
        // The last `*` import binding a name wins: later stars are linked first (a name is linked once).
        for (const src of [...(g.stars ?? [])].reverse()) {
          const sg = this.moduleGlobals.get(src);
          if (!sg) continue;
          const names = sg.all ?? [...sg.globals].filter((n) => !n.startsWith('_'));
          for (const n of names) {
            if (g.globals.has(n)) continue;
            g.globals.add(n);
            changed = true;
            this.addEdge(this.node(`${src}.${n}`), this.node(`${mod}.${n}`));
          }
        }
      }
    }
  }

  private topInCorpus(m: string): boolean {
    const top = m.split('.')[0]!;
    if (this.modules.has(top)) return true;
    return this.resolver ? this.resolver.table.modules.has(top) || this.resolver.table.namespaces.has(top) : false;
  }

  private moduleObj(m: string): number {
    if (this.modules.has(m) || this.resolver?.table.namespaces.has(m)) return this.obj(O.Module, 0, 0, m);
    return this.extObj(m);
  }

  // ------------------------------------------------------------------ objects and nodes

  private obj(kind: O, a: number, b: number, name: string): number {
    const nameId = name === '' ? 0 : this.nameId(name);
    const t = this.ointern;
    for (let i = t.first(hash4(kind, a, b, nameId)); ; i = t.next(i)) {
      const o = t.at(i);
      if (o < 0) {
        const made = this.okind.length;
        this.okind.push(kind);
        this.oa.push(a);
        this.ob.push(b);
        this.oname.push(name);
        this.onameId.push(nameId);
        t.put(i, made);
        return made;
      }
      if (this.okind[o] === kind && this.oa[o] === a && this.ob[o] === b && this.onameId[o] === nameId) return o;
    }
  }

  /** The object of this kind and fields (no name) if it was made, else -1: a lookup that makes nothing. */
  private findObj(kind: O, a: number, b: number): number {
    const t = this.ointern;
    for (let i = t.first(hash4(kind, a, b, 0)); ; i = t.next(i)) {
      const o = t.at(i);
      if (o < 0) return -1;
      if (this.okind[o] === kind && this.oa[o] === a && this.ob[o] === b && this.onameId[o] === 0) return o;
    }
  }

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) this.nameIds.set(name, (id = this.nameIds.size));
    return id;
  }

  private extObj(name: string): number {
    return this.obj(O.Ext, 0, 0, name);
  }

  private newNode(name: string): number {
    const n = this.pts.add();
    this.succ.add();
    if (n >= this.done.length) {
      this.done = grown(this.done, Math.ceil(this.done.length * 1.5));
    }
    if (this.keepWhy) this.why.push(undefined);
    this.handlers.add();
    if (this.keepWhy) this.nodeName.push(name);
    return n;
  }

  /** The node of a named variable; `builtins.x` nodes hold the builtin. */
  node(name: string): number {
    let n = this.named.get(name);
    if (n === undefined) {
      n = this.newNode(name);
      this.named.set(name, n);
      if (name.startsWith('builtins.')) this.addObj(n, this.extObj(name), -1);
    }
    return n;
  }

  private retNode(fn: number): number {
    return this.node(`${this.funcs[fn]!.fqn}.<return>`);
  }

  /** Where `o.name` is stored: a module's global, a class attribute, else a field of that object. */
  private field(o: number, name: string): number {
    const k = this.okind[o]!;
    if (k === O.Module) return this.node(`${this.oname[o]}.${name}`);
    if (k === O.Class) return this.node(`${this.classes[this.oa[o]!]!.fqn}.${name}`);
    const nameId = this.nameId(name);
    const t = this.fields;
    for (let i = t.first(hash4(o, nameId, 0, 0)); ; i = t.next(i)) {
      const f = t.at(i);
      if (f >= 0) {
        if (this.fieldObj[f] === o && this.fieldNameId[f] === nameId) return this.fieldNode[f]!;
        continue;
      }
      const n = this.newNode(name);
      t.put(i, this.fieldNode.push(n) - 1);
      this.fieldObj.push(o);
      this.fieldName.push(name);
      this.fieldNameId.push(nameId);
      this.fieldOfNode?.set(n, this.fieldNode.length - 1);
      if (k === O.Inst && this.summaryInst.size) this.seedSummaryField(this.oa[this.oa[o]!]!, name, n);
      return n;
    }
  }

  private addObj(n: number, o: number, why: number): void {
    const pts = this.pts;
    const len = pts.length(n);
    // A set at the cap keeps its first MAX_SET objects; reaching it was counted once.
    if (len >= MAX_SET) return;
    if (pts.includes(n, o)) return;
    pts.push(n, o);
    if (this.keepWhy) (this.why[n] ??= []).push(why);
    if (len + 1 === MAX_SET) {
      this.stats.bounds++;
      pts.shareFinal(n);
    }
    this.enqueue(n);
  }

  private enqueue(n: number): void {
    if (n >= this.queued.length) {
      this.queued = grown(this.queued, Math.max(n + 1, this.queued.length * 2));
    }
    if (this.queued[n]) return;
    this.queued[n] = 1;
    this.queue.push(n);
  }

  private addEdge(from: number, to: number, site?: number): void {
    if (from === to) return;
    const succ = this.succ;
    const len = succ.length(from);
    if (len < HASHED_SUCC) {
      if (succ.includes(from, to)) return;
    } else if (!this.succIndex.add(from, to)) return;
    if (this.keepWhy && site !== undefined && site >= 0) this.edgeSite.set(from * EDGE_KEY_SCALE + to, site);
    succ.push(from, to);
    if (len + 1 === HASHED_SUCC) this.succIndex.addList(from);
    for (let i = 0; i < this.done[from]!; i++) this.addObj(to, this.pts.at(from, i), from);
  }

  /**
   * A handler sees every object of its node: those to come through propagate, those already propagated through a
   * replay the worklist runs later. Never applied here — a handler added while applying another (a class call
   * looking up `__init__`, whose value is a class being called…) would recurse as deep as such chains go.
   */
  private addHandler(n: number, h: Handler): void {
    const t = this.ht;
    let id: number;
    switch (h.h) {
      case 'load':
        id = t.add(H.Load, h.dst, t.str(h.name), h.site);
        break;
      case 'implicit':
        id = t.add(H.Implicit, h.call, this.namesRef(h.names));
        break;
      case 'store':
        id = t.add(H.Store, h.src, t.str(h.name), h.site);
        break;
      case 'setter':
        id = t.add(H.Setter, h.src, h.via, h.site);
        break;
      case 'elem':
        id = t.add(H.Elem, h.dst);
        break;
      case 'selem':
        id = t.add(H.Selem, h.src);
        break;
      case 'call':
        id = t.add(H.Call, h.call);
        break;
      case 'super':
        id = t.add(H.Super, h.dst, h.cls);
        break;
      case 'superof':
        id = t.add(H.SuperOf, h.dst, h.obj);
        break;
      case 'callvia':
        id = t.add(H.CallVia, h.call, h.self);
        break;
      case 'access':
        id = t.add(h.cls ? H.AccessCls : H.Access, h.dst, h.via, h.site);
        break;
      case 'wrap':
        id = t.add(H.Wrap, h.dst, h.kind);
        break;
      case 'metacall':
        id = t.add(H.MetaCall, h.call, h.cls);
        break;
    }
    this.handlers.push(n, id);
    const upto = this.done[n]!;
    if (upto > 0) this.replays.push({ n, h: id, upto });
  }

  // ------------------------------------------------------------------ solving

  solve(): SolveStats {
    // Every site is in (sites come with the facts): the table's growth room goes.
    if (this.siteData.length > this.siteCount * 6) this.siteData = trimmed(this.siteData, this.siteCount * 6);
    const t0 = performance.now();
    this.linkStars();
    for (const [dst, m] of this.pendingModules) {
      // `import a.b` binds a and runs a.b: both are modules when in the corpus.
      this.addObj(dst, this.moduleObj(m), -1);
    }
    for (const [dst, m, n] of this.pendingFroms) {
      const sub = `${m}.${n}`;
      if (this.modules.has(sub)) this.addObj(dst, this.obj(O.Module, 0, 0, sub), -1);
      if (this.modules.has(m) || this.resolver?.table.namespaces.has(m)) this.addEdge(this.node(sub), dst);
      else if (!this.modules.has(sub) && !this.topInCorpus(m)) this.addObj(dst, this.extObj(sub), -1);
      else if (!this.modules.has(sub)) this.addEdge(this.node(sub), dst);
    }
    this.pendingModules = [];
    this.pendingFroms = [];
    this.propagate();
    // Methods whose receiver nothing in the corpus provides (classes the framework user instantiates, mixins):
    // their `self` is at least an instance of their own class, `cls` the class. Seeded after the first fixpoint so
    // that real flow decides wherever it can.
    if (this.seedReceivers()) this.propagate();
    this.dropSuperseded();
    this.stats.nodes = this.pts.size;
    this.stats.objects = this.okind.length;
    this.stats.ms = Math.round(performance.now() - t0);
    return this.stats;
  }

  /**
   * Drops the fixpoint (sets, edges, handlers, names, issued calls), keeping what answers need: objects, functions,
   * classes, files, sites and their targets. The solver cannot solve or explain after this.
   */
  releaseFixpoint(): void {
    // Their pages go back now, not at V8's next full collection: L4 indexes the answers right after, and the fixpoint's
    // arrays (~570 MB on sympy) still resident while it allocated made the peak swing from run to run.
    for (const t of [this.pts, this.succ, this.succIndex, this.handlers, this.ht, this.fields, this.initIssued, this.viaIssued, this.setterIssued, this.argLists, this.calls, this.bindings, this.ointern]) t.release();
    release(this.done);
    release(this.queued);
    this.pts = new IntLists(MAX_SET);
    this.succ = new IntLists();
    this.succIndex = new ListIndex(this.succ);
    this.handlers = new IntLists();
    this.ht = new HandlerTable();
    this.why = [];
    this.done = new Uint8Array(0);
    this.queued = new Uint8Array(0);
    this.queue = [];
    this.replays = [];
    this.named = new Map();
    this.nodeName = [];
    this.fieldNode = [];
    this.fieldObj = [];
    this.fieldName = [];
    this.fieldNameId = [];
    this.fields = new IdTable(this.fieldHash);
    this.fieldOfNode = undefined;
    this.nameIds = new Map([['', 0]]);
    this.edgeSite = new Map();
    this.passEdge = new Map();
    this.initIssued = new TripleSet();
    this.viaIssued = new TupleSet(5);
    this.setterIssued = new TupleSet(4);
    this.argLists = new SeqInterner();
    this.calls = new CallTable();
    this.namesRefs = new Map();
    this.bindings = new TripleSet();
    this.mros = new Map();
    this.superseded = [];
    this.metaCallsMade = new Map();
    this.summaryInst = new Map();
    this.ointern = new IdTable(this.objectHash);
  }

  /**
   * Drops everything, the answers too (L4 calls it once they are indexed): what is left of the solver takes no memory
   * while the index is written out, though a closure may still hold the object.
   */
  releaseAll(): void {
    this.releaseFixpoint();
    this.okind = [];
    this.oa = [];
    this.ob = [];
    this.oname = [];
    this.onameId = [];
    this.funcs.length = 0;
    this.classes.length = 0;
    this.classByFqn = new Map();
    this.files.length = 0;
    this.fileModule = [];
    this.modules.clear();
    this.moduleGlobals = new Map();
    this.summaryClasses = new Set();
    release(this.siteData);
    this.siteData = new Int32Array(0);
    this.siteCount = 0;
    this.siteRows = undefined;
    this.siteTargets.release();
    this.siteTargets = new IntLists();
    this.recordedSites = [];
    this.pendingModules = [];
    this.pendingFroms = [];
  }

  private seedReceivers(): number {
    let seeded = 0;
    // Which classes a call in the corpus instantiates, before anything is seeded: the others are made outside it.
    const elsewhere = new Uint8Array(this.classes.length);
    for (let ci = 0; ci < this.classes.length; ci++) {
      if (!this.summaryClasses.has(ci) && this.findObj(O.Inst, this.obj(O.Class, ci, 0, ''), 0) < 0) elsewhere[ci] = 1;
    }
    /** Classes whose instances were seeded: made outside the corpus, by calling the class. */
    const made: number[] = [];
    const seed = (ci: number, pn: number, wrapKind: number) => {
      const cls = this.obj(O.Class, ci, 0, '');
      this.addObj(pn, wrapKind === WRAP_CLASS ? cls : this.obj(O.Inst, cls, 0, ''), -1);
      if (wrapKind !== WRAP_CLASS && made[made.length - 1] !== ci) made.push(ci);
      seeded++;
    };
    // A class made outside the corpus gets its inherited methods called there too (`run_from_argv` on a command):
    // its instance is a receiver of every method its MRO resolves to in a base of the corpus. Seeded first, so that a
    // base method a subclass instance reaches is not also given an instance of the base (often abstract).
    for (let ci = 0; ci < this.classes.length; ci++) {
      if (!elsewhere[ci]) continue;
      const mro = this.mro(ci);
      const shadowed = new Set(this.classes[ci]!.attrs);
      for (let j = 1; j < mro.length; j++) {
        const b = this.classes[mro[j]!]!;
        for (const name of b.attrs) {
          if (shadowed.has(name)) continue;
          shadowed.add(name);
          // A dependency's class is summarized: its methods' bodies are not in this fixpoint.
          if (!this.summaryClasses.has(mro[j]!)) this.forEachMethodReceiver(b, name, (pn, wrapKind) => seed(ci, pn, wrapKind));
        }
      }
    }
    // Methods no receiver reaches yet: `self` is at least an instance of their own class (`cls` the class).
    for (let ci = 0; ci < this.classes.length; ci++) {
      if (this.summaryClasses.has(ci)) continue;
      const c = this.classes[ci]!;
      for (const name of c.attrs) this.forEachMethodReceiver(c, name, (pn, wrapKind) => this.pts.length(pn) === 0 && seed(ci, pn, wrapKind));
    }
    // Such an instance was made by calling its class: its `__init__` (the MRO's, maybe a base's) ran on it, so the
    // attributes it sets (`self.stdout = OutputWrapper(…)` in a base command) are the instance's too. Called with no
    // arguments: what the caller outside passed is unknown, parameters keep their defaults.
    for (const ci of made) {
      const cls = this.obj(O.Class, ci, 0, '');
      if (!this.initIssued.add(cls, -1, this.noArgs)) continue;
      this.classCallVia(ci, '__init__', this.calls.add(this.newNode(''), -1, this.noArgs, false, T_INIT), this.obj(O.Inst, cls, 0, ''));
    }
    return seeded;
  }

  /**
   * The receiver parameter (`self`, or `cls` of a classmethod) of each method class `c` defines in its body under
   * `name`, with the kind of wrapper it is under (0 for a plain function).
   */
  private forEachMethodReceiver(c: ClassInfo, name: string, fn: (param: number, wrapKind: number) => void): void {
    const n = this.named.get(`${c.fqn}.${name}`);
    if (n === undefined) return;
    for (const o of this.ptsOf(n)) {
      const k = this.okind[o];
      const wrapKind = k === O.Wrap ? this.ob[o]! : 0;
      const fo = k === O.Func ? o : wrapKind === WRAP_CLASS || wrapKind === WRAP_PROPERTY ? this.oa[o]! : -1;
      if (fo < 0 || this.okind[fo] !== O.Func) continue;
      const f = this.funcs[this.oa[fo]!]!;
      const p0 = f.params[0];
      if (!p0 || (p0[1] !== 'p' && p0[1] !== 'po') || !f.fqn.startsWith(`${c.fqn}.`)) continue;
      fn(this.node(`${f.fqn}.${p0[0]}`), wrapKind);
    }
  }

  private propagate(): void {
    while (this.queue.length || this.replays.length) {
      if (this.stats.steps++ >= MAX_STEPS) {
        this.stats.bounds++;
        break;
      }
      const r = this.replays.pop();
      if (r) {
        for (let i = 0; i < r.upto; i++) this.apply(r.n, r.h, this.pts.at(r.n, i));
        continue;
      }
      const n = this.queue.pop()!;
      this.queued[n] = 0;
      const pts = this.pts;
      const succ = this.succ;
      const start = this.done[n]!;
      const end = pts.length(n);
      if (start === end) continue;
      this.done[n] = end;
      // Successors added while this node is processed are seen too (when it had any), as they were with arrays.
      const hasSucc = succ.length(n) > 0;
      // Likewise handlers.
      const hs = this.handlers;
      const hasHandlers = hs.length(n) > 0;
      for (let i = start; i < end; i++) {
        const o = pts.at(n, i);
        if (hasSucc) for (let j = 0; j < succ.length(n); j++) this.addObj(succ.at(n, j), o, n);
        if (hasHandlers) for (let j = 0; j < hs.length(n); j++) this.apply(n, hs.at(n, j), o);
      }
    }
  }

  private apply(n: number, id: number, o: number): void {
    const t = this.ht;
    const a = t.a[id]!;
    const b = t.b[id]!;
    switch (t.kind[id] as H) {
      case H.Load:
        this.load(o, t.strs[b]!, a, t.c[id]!);
        return;
      case H.Implicit:
        this.implicitCall(o, a, t.refs[b] as string[]);
        return;
      case H.Store:
        // Literals and external names are shared objects: a field stored on one would merge unrelated values.
        if (this.hasFields(o)) this.addEdge(a, this.field(o, t.strs[b]!));
        if (this.okind[o] === O.Inst && t.c[id]! >= 0) this.storeThroughProperty(o, t.strs[b]!, a, t.c[id]!);
        return;
      case H.Setter:
        if (this.okind[o] === O.Wrap && this.ob[o] === WRAP_SETTER) {
          this.callObj(this.oa[o]!, this.calls.add(this.newNode(''), t.c[id]!, this.argsOf(a), false, T_DIRECT), b);
        }
        return;
      case H.Elem:
        if (this.hasElems(o)) this.addEdge(this.field(o, '[]'), a);
        return;
      case H.Selem:
        if (this.hasElems(o)) this.addEdge(a, this.field(o, '[]'));
        return;
      case H.Call:
        this.callObj(o, a, -1);
        return;
      case H.Super:
        this.addObj(a, this.obj(O.Super, b, o, ''), n);
        return;
      case H.SuperOf:
        if (this.okind[o] === O.Class) this.addHandler(b, { h: 'super', dst: a, cls: o });
        return;
      case H.CallVia:
        this.callObj(o, a, b);
        return;
      case H.Access:
      case H.AccessCls:
        this.access(o, a, b, t.kind[id] === H.AccessCls, n, t.c[id]!);
        return;
      case H.Wrap:
        this.addObj(a, this.obj(O.Wrap, o, b, ''), n);
        return;
      case H.MetaCall:
        // A metaclass with `__call__` known only after the class was instantiated here: that instantiation did not
        // happen (its records go when the fixpoint is reached).
        if (this.metaCall(o, a, b)) this.superseded.push(this.calls.site[a]!, b);
        return;
    }
  }

  private hasFields(o: number): boolean {
    const k = this.okind[o];
    return k !== O.Lit && k !== O.Ext && k !== O.Super;
  }

  /** Containers, generators and instances (of classes that may subclass one) hold elements. */
  private hasElems(o: number): boolean {
    const k = this.okind[o];
    return k === O.Cont || k === O.Gen || k === O.Inst;
  }

  /** A call Python makes on o: its class's first method among `names` bound to o; `<new>` instantiates a class. */
  private implicitCall(o: number, call: number, names: string[]): void {
    const k = this.okind[o];
    if (k === O.Class && names[0] === '<new>') return this.callObj(o, call, -1);
    if (k === O.Class && names.includes('__class_getitem__')) return this.classCallVia(this.oa[o]!, '__class_getitem__', call, -1);
    if (k !== O.Inst) return;
    const cls = this.oa[this.oa[o]!]!;
    const mro = this.mro(cls);
    for (const name of names) {
      for (const c of mro) {
        if (this.classes[c]!.attrs.has(name)) return this.classCallVia(cls, name, call, o);
      }
    }
  }

  /** dst ⊇ o.name */
  private load(o: number, name: string, dst: number, site = -1): void {
    if (name === '__class__' && this.classOfValue(o, dst)) return;
    switch (this.okind[o]) {
      case O.Module: {
        const m = this.oname[o]!;
        this.addEdge(this.node(`${m}.${name}`), dst);
        if (this.modules.has(`${m}.${name}`)) this.addObj(dst, this.obj(O.Module, 0, 0, `${m}.${name}`), -1);
        return;
      }
      case O.Ext: {
        const e = this.oname[o]!;
        if (e.split('.').length < MAX_EXT_DEPTH) this.addObj(dst, this.extObj(`${e}.${name}`), -1);
        return;
      }
      case O.Lit:
        // None has no attributes of its own to call: `x.write()` where x may still be None reads none of it (on
        // django 519 edges named `builtins.NoneType.…`, each an AttributeError had it run).
        if (this.oname[o] !== 'NoneType') this.addObj(dst, this.extObj(`builtins.${this.oname[o]}.${name}`), -1);
        return;
      case O.Cont:
        this.addObj(dst, this.extObj(`builtins.${this.containerType(o)}.${name}`), -1);
        return;
      case O.Class:
        this.classMember(this.oa[o]!, name, dst, o, true, 0, undefined, site);
        return;
      case O.Inst: {
        this.addEdge(this.field(o, name), dst);
        this.classMember(this.oa[this.oa[o]!]!, name, dst, o, false, 0, undefined, site);
        return;
      }
      case O.Wrap:
        if (this.ob[o]! >= WRAP_PROPERTY && PROPERTY_METHODS.has(name)) {
          this.addObj(dst, this.extObj(`builtins.property.${name}`), -1);
          return;
        }
        this.addEdge(this.field(o, name), dst);
        return;
      case O.Super: {
        const cls = this.oa[this.oa[o]!]!;
        const self = this.ob[o]!;
        const k = this.okind[self];
        const selfCls = k === O.Inst ? this.oa[this.oa[self]!]! : k === O.Class ? this.oa[self]! : cls;
        const mro = this.mro(selfCls);
        const at = mro.indexOf(cls);
        if (at < 0 && k === O.Class && this.externalBase(this.mro(cls)) === 'builtins.type') return this.metaclassSuper(cls, name, dst, self);
        this.classMember(selfCls, name, dst, self, k === O.Class, at < 0 ? 1 : at + 1, at < 0 ? this.mro(cls) : mro);
        return;
      }
      default:
        this.addEdge(this.field(o, name), dst);
    }
  }

  /**
   * `o.__class__` (and `type(o)`, read the same way): the class of an instance, the builtin type of a literal or a
   * container. False for other objects, whose `__class__` is read as any attribute. `self.__class__(…)` and
   * `type(self)(…)` then instantiate the receiver's classes (copy and clone methods).
   */
  private classOfValue(o: number, dst: number): boolean {
    switch (this.okind[o]) {
      case O.Inst:
        this.addObj(dst, this.oa[o]!, -1);
        return true;
      case O.Lit:
        this.addObj(dst, this.extObj(`builtins.${this.oname[o]}`), -1);
        return true;
      case O.Cont:
        this.addObj(dst, this.extObj(`builtins.${this.containerType(o)}`), -1);
        return true;
      default:
        return false;
    }
  }

  /**
   * The builtin type of a container: the one it was made as (`[]`, `{}`, `sorted(…)`), or for a function's `*args`
   * and `**kwargs` (named after the function: `f.*args`) a tuple and a dict — `kwargs.pop(…)` is `builtins.dict.pop`.
   */
  private containerType(o: number): string {
    const name = this.oname[o]!;
    if (!name.includes('*')) return name;
    return this.ob[o] === 0 ? 'tuple' : 'dict';
  }

  /** A class attribute along the MRO from position `from`, read through `via` (an instance or a class). */
  private classMember(cls: number, name: string, dst: number, via: number, viaClass: boolean, from: number, order?: number[], site = -1): void {
    const mro = order ?? this.mro(cls);
    for (let i = from; i < mro.length; i++) {
      const c = this.classes[mro[i]!]!;
      if (c.attrs.has(name)) {
        this.addHandler(this.node(`${c.fqn}.${name}`), { h: 'access', dst, via, cls: viaClass, site });
        return;
      }
    }
    // Not declared in a class body: set from outside (`C.x = …`) somewhere along the MRO, or an external base's.
    let found = false;
    for (let i = from; i < mro.length; i++) {
      const n = this.named.get(`${this.classes[mro[i]!]!.fqn}.${name}`);
      if (n !== undefined) {
        found = true;
        this.addHandler(n, { h: 'access', dst, via, cls: viaClass, site });
      }
    }
    if (found) return;
    const ext = this.externalBase(mro);
    if (ext !== undefined) this.addObj(dst, this.extObj(`${ext}.${name}`), -1);
  }

  private externalBase(mro: number[]): string | undefined {
    // Read in place: this runs for every attribute a class lacks, and copying each base's set was 5% of django's L4.
    const pts = this.pts;
    for (const c of mro) {
      for (const b of this.classes[c]!.bases) {
        for (let i = 0, n = pts.length(b); i < n; i++) {
          const o = pts.at(b, i);
          if (this.okind[o] === O.Ext) return this.oname[o];
        }
      }
    }
    return undefined;
  }

  /** A class attribute's value as read through `via`: functions become bound methods, properties are called. */
  private access(o: number, dst: number, via: number, viaClass: boolean, from: number, site = -1): void {
    const k = this.okind[o];
    if (k === O.Func && !viaClass) {
      this.addObj(dst, this.obj(O.Bound, o, via, ''), from);
      return;
    }
    if (k === O.Wrap) {
      const inner = this.oa[o]!;
      const wk = this.ob[o]!;
      if (wk === WRAP_STATIC) this.addObj(dst, inner, from);
      else if (wk === WRAP_CLASS) {
        const cls = viaClass ? via : this.obj(O.Class, this.oa[this.oa[via]!]!, 0, '');
        this.addObj(dst, this.obj(O.Bound, inner, cls, ''), from);
      } else if (wk === WRAP_PROPERTY) {
        if (viaClass) this.addObj(dst, o, from);
        else this.callObj(inner, this.calls.add(dst, site, this.noArgs, false, T_DIRECT), via);
      } else if (viaClass) this.addObj(dst, o, from); // a setter's or deleter's property, read through the class
      return;
    }
    this.addObj(dst, o, from);
  }

  private mroDepth = 0;

  private withDepth<T>(fn: () => T): T {
    this.mroDepth++;
    try {
      return fn();
    } finally {
      this.mroDepth--;
    }
  }

  /** C3 linearisation (class indices); the resolver's for classes it knows, else over the bases' values. */
  mro(cls: number): number[] {
    const cached = this.mros.get(cls);
    if (cached) return cached;
    const self = [cls];
    this.mros.set(cls, self); // a base cycle sees the class alone
    const c = this.classes[cls]!;
    let order: number[] | undefined;
    if (this.resolver?.table.defs.get(c.fqn)?.kind === 'Class') {
      order = [];
      for (const fqn of this.resolver.mro(c.fqn)) {
        const i = this.classByFqn.get(fqn);
        if (i !== undefined) order.push(i);
      }
      if (order[0] !== cls) order.unshift(cls);
    } else {
      const bases: number[] = [];
      for (const b of c.bases) for (const o of this.ptsOf(b)) if (this.okind[o] === O.Class && !bases.includes(this.oa[o]!)) bases.push(this.oa[o]!);
      // Classes the symbol table does not know (defined in functions) recurse over their bases: depth-capped.
      const baseMros = this.mroDepth < MAX_MRO_DEPTH ? this.withDepth(() => bases.map((b) => this.mro(b))) : bases.map((b) => [b]);
      order = c3(cls, baseMros, bases) ?? [cls, ...baseMros.flat()].filter((x, i, a) => a.indexOf(x) === i);
    }
    this.mros.set(cls, order);
    return order;
  }

  // ------------------------------------------------------------------ calls

  private record(site: number, target: number, kind: number): void {
    if (site < 0) return;
    const code = target * 4 + kind;
    const t = this.siteTargets;
    while (t.size <= site) t.add();
    if (!t.length(site)) this.recordedSites.push(site);
    else if (t.includes(site, code)) return;
    t.push(site, code);
  }

  /** Site id → its targets (object * 4 + T_*), for the sites that have any, in the order they got their first. */
  *targets(): Generator<[number, number[]]> {
    for (const site of this.recordedSites) yield [site, this.siteTargets.toArray(site)];
  }

  /** The sites with targets, in the order `targets` gives them (read without copying each site's list). */
  get recordedSiteIds(): readonly number[] {
    return this.recordedSites;
  }

  siteTargetCount(site: number): number {
    return this.siteTargets.length(site);
  }

  /** A site's k-th target: object * 4 + T_*. */
  siteTargetAt(site: number, k: number): number {
    return this.siteTargets.at(site, k);
  }

  /** Field `f` of site `i` (0 file, 1 line, 2 col, 3 endLine, 4 endCol, 5 kind). */
  siteField(i: number, f: number): number {
    return this.siteData[i * 6 + f]!;
  }

  /** Calls object o (as a method of `self` when self ≥ 0). */
  private callObj(o: number, call: number, self: number): void {
    const calls = this.calls;
    switch (this.okind[o]) {
      case O.Func: {
        if (self >= 0) {
          // Through `callvia`: a function found as a class attribute, called on an instance.
          const k = this.okind[self];
          if (k === O.Inst || k === O.Class) return this.callObj(this.obj(O.Bound, o, self, ''), call, -1);
        }
        this.record(calls.site[call]!, o, calls.kind(call));
        this.bind(this.oa[o]!, call, -1);
        if (!this.funcs[this.oa[o]!]!.pass) this.result(this.oa[o]!, calls.dst[call]!);
        return;
      }
      case O.Bound: {
        const f = this.oa[o]!;
        // `type.__call__` bound to a class (`super().__call__(…)` in a metaclass): makes the instance, runs `__init__`.
        if (this.okind[f] === O.Ext && this.oname[f] === TYPE_CALL && this.okind[this.ob[o]!] === O.Class) return this.instantiate(this.ob[o]!, call);
        if (this.okind[f] !== O.Func) return this.callObj(f, call, -1);
        this.record(calls.site[call]!, f, calls.kind(call));
        this.bind(this.oa[f]!, call, this.ob[o]!);
        if (!this.funcs[this.oa[f]!]!.pass) this.result(this.oa[f]!, calls.dst[call]!);
        return;
      }
      case O.Class: {
        if (calls.deco(call) && this.classes[this.oa[o]!]!.fqn === undefined) return;
        // With a metaclass, what runs is its `__call__` if it defines one. Decided here for the metaclass values known
        // now — none known yet is `type`'s instantiation, made here as without metaclasses: deferring it changed the
        // order of sympy's fixpoint, and with it what its capped sets keep (−7% resolved calls, no metaclass with a
        // `__call__` involved). A metaclass arriving later is the handler's (its replay repeats these: adds nothing).
        const meta = this.metaclassNode(this.oa[o]!);
        if (meta === undefined || !this.pts.length(meta)) this.instantiate(o, call);
        else for (let i = 0, n = this.pts.length(meta); i < n; i++) this.metaCall(this.pts.at(meta, i), call, o);
        if (meta !== undefined) this.addHandler(meta, { h: 'metacall', call, cls: o });
        return;
      }
      case O.Inst: {
        this.classCallVia(this.oa[this.oa[o]!]!, '__call__', call, o);
        return;
      }
      case O.Wrap: {
        if (this.ob[o]! < WRAP_PROPERTY) this.callObj(this.oa[o]!, call, -1);
        return;
      }
      case O.Ext:
        this.callExternal(o, call);
        return;
      default:
    }
  }

  /** Class object o called as `type.__call__` does: an instance of it, and its `__init__` (along its MRO) run on it. */
  private instantiate(o: number, call: number): void {
    const calls = this.calls;
    this.record(calls.site[call]!, o, calls.kind(call));
    const inst = this.obj(O.Inst, o, 0, '');
    this.addObj(calls.dst[call]!, inst, -1);
    // One `__init__` call per class and arguments: its result is discarded, so a second one adds nothing.
    if (!this.initIssued.add(o, calls.site[call]!, calls.args[call]!)) return;
    const init = calls.add(this.newNode(''), calls.site[call]!, calls.args[call]!, false, T_INIT);
    this.classCallVia(this.oa[o]!, '__init__', init, inst);
  }

  /**
   * The node of the metaclass class `cls` is made by: the first `metaclass=` along its MRO (Python takes the most
   * derived of its bases' metaclasses; they agree but for conflicts, which are errors).
   */
  private metaclassNode(cls: number): number | undefined {
    for (const c of this.mro(cls)) {
      const meta = this.classes[c]!.meta;
      if (meta !== undefined) return meta;
    }
    return undefined;
  }

  /**
   * Metaclass m of class object `cls` is called: its `__call__` bound to the class when its MRO defines one, else
   * `type.__call__`. True when it was a `__call__`. The result is an instance of the class — what a metaclass's
   * `__call__` gives back but for rare tricks (a singleton's cached one, an enum's member) —, not what flow sees
   * it return: one `__call__` serves every class of the metaclass, and its return merges them all (on django, through
   * the stdlib's `EnumType.__call__`, enum members reached `str(date)`).
   */
  private metaCall(m: number, call: number, cls: number): boolean {
    if (this.okind[m] === O.Class && this.declaredIn(this.oa[m]!, '__call__') !== undefined) {
      const calls = this.calls;
      this.addObj(calls.dst[call]!, this.obj(O.Inst, cls, 0, ''), -1);
      const key = `${call},${cls}`;
      let viaMeta = this.metaCallsMade.get(key);
      if (viaMeta === undefined) {
        viaMeta = calls.add(this.newNode(''), calls.site[call]!, calls.args[call]!, calls.deco(call), calls.kind(call));
        this.metaCallsMade.set(key, viaMeta);
      }
      this.classCallVia(this.oa[m]!, '__call__', viaMeta, cls);
      return true;
    }
    this.instantiate(cls, call);
    return false;
  }

  /**
   * Drops the records of instantiations a metaclass's `__call__` superseded (see H.MetaCall): the class at the site,
   * and the `__init__` it ran there unless another class still recorded at the site runs the same one. What they
   * propagated stays: the instance is the call's result all the same, and `type.__call__` in the metaclass runs
   * that `__init__` with the same arguments.
   */
  private dropSuperseded(): void {
    const sup = this.superseded;
    const t = this.siteTargets;
    for (let i = 0; i < sup.length; i += 2) {
      const site = sup[i]!;
      const cls = sup[i + 1]!;
      if (site < 0 || site >= t.size || !t.length(site)) continue;
      const inits = new Set(this.initFuncs(cls));
      for (let k = 0; k < t.length(site); k++) {
        const o = t.at(site, k) >> 2;
        if (o !== cls && this.okind[o] === O.Class) for (const f of this.initFuncs(o)) inits.delete(f);
      }
      t.retain(site, (code) => (code >> 2) !== cls && !((code & 3) === T_INIT && inits.has(code >> 2)));
    }
    this.superseded = [];
  }

  /** The functions instantiating class object o runs as `__init__` (along its MRO). */
  private initFuncs(o: number): number[] {
    const n = this.declaredIn(this.oa[o]!, '__init__');
    return n === undefined ? [] : this.ptsOf(n).filter((f) => this.okind[f] === O.Func);
  }

  /**
   * `super().name` in a method of metaclass `meta` with a class as receiver: the class is an instance of the
   * metaclass, so the method is bound to it; `__call__` that no metaclass of the corpus after `meta` defines is
   * `type.__call__`, bound to the class (calling it instantiates the class).
   */
  private metaclassSuper(meta: number, name: string, dst: number, self: number): void {
    const mro = this.mro(meta);
    if (name === '__call__' && !mro.slice(1).some((c) => this.classes[c]!.attrs.has(name))) {
      this.addObj(dst, this.obj(O.Bound, this.extObj(TYPE_CALL), self, ''), -1);
      return;
    }
    this.classMember(meta, name, dst, self, false, 1, mro);
  }

  private classCallVia(cls: number, name: string, call: number, self: number): void {
    const n = this.declaredIn(cls, name);
    if (n === undefined) return;
    const calls = this.calls;
    // The same call of the same attribute on the same receiver into the same result is one handler.
    const key = this.viaKey;
    key[0] = n;
    key[1] = self;
    key[2] = calls.dst[call]!;
    // site ≥ -1, kind 0..2 and deco 0/1 (flags): one int.
    key[3] = (calls.site[call]! + 1) * 8 + calls.flags[call]!;
    key[4] = calls.args[call]!;
    if (this.viaIssued.add(key)) this.addHandler(n, { h: 'callvia', call, self });
  }

  /** The node of `name` in the body of the first class along `cls`'s MRO that binds it there. */
  private declaredIn(cls: number, name: string): number | undefined {
    for (const c of this.mro(cls)) {
      const ci = this.classes[c]!;
      if (ci.attrs.has(name)) return this.node(`${ci.fqn}.${name}`);
    }
    return undefined;
  }

  /**
   * `obj.name = src` through an instance: when a class along its MRO binds `name` in its body, a setter arriving at
   * that class attribute (`@name.setter`, `name = property(fget, fset)`) is called with (obj, src) at the store's
   * site. One handler per (attribute, instance, value, site); on django they added 82 nodes to 460K.
   */
  private storeThroughProperty(obj: number, name: string, src: number, site: number): void {
    const n = this.declaredIn(this.oa[this.oa[obj]!]!, name);
    if (n === undefined) return;
    const key = this.setterKey;
    key[0] = n;
    key[1] = obj;
    key[2] = src;
    key[3] = site;
    if (this.setterIssued.add(key)) this.addHandler(n, { h: 'setter', src, via: obj, site });
  }

  /**
   * The handler table's ref of a list of dunder names: one per distinct list (a few dozen), not one per implicit call
   * (each kept a file's facts array alive).
   */
  private namesRef(names: string[]): number {
    const key = names.join(',');
    let ref = this.namesRefs.get(key);
    if (ref === undefined) this.namesRefs.set(key, (ref = this.ht.ref(names.slice())));
    return ref;
  }

  /** A call's arguments from the facts as an interned list of [key, node] pairs (see argLists). */
  private factArgs(facts: readonly ArgFact[], node: (v: number) => number): number {
    const seq = this.argsScratch;
    seq.length = facts.length * 2;
    for (let i = 0; i < facts.length; i++) {
      const a = facts[i]!;
      if (typeof a === 'number') {
        seq[2 * i] = 0;
        seq[2 * i + 1] = node(a);
      } else {
        seq[2 * i] = this.argKey(a[0]);
        seq[2 * i + 1] = node(a[1]);
      }
    }
    return this.argLists.intern(seq);
  }

  /** Positional arguments `nodes` as an interned argument list. */
  private argsOf(...nodes: number[]): number {
    const seq = this.argsScratch;
    seq.length = 0;
    for (const n of nodes) seq.push(0, n);
    return this.argLists.intern(seq);
  }

  /** The key of a `*`, `**` or keyword argument: -(its interned name + 1); positional ones are 0. */
  private argKey(name: string): number {
    return -(this.ht.str(name) + 1);
  }

  private argName(key: number): string {
    return this.ht.strs[-key - 1]!;
  }

  private callExternal(o: number, callId: number): void {
    const name = this.oname[o]!;
    const calls = this.calls;
    const call = { site: calls.site[callId]!, dst: calls.dst[callId]!, deco: calls.deco(callId) };
    this.record(call.site, o, calls.kind(callId));
    // What builtin constructors and str methods return: values whose methods are builtin methods.
    const typeName = BUILTIN_RESULT_TYPES.get(name) ?? (STR_RESULT_METHODS.test(name) ? 'str' : undefined);
    if (typeName !== undefined && !call.deco) this.addObj(call.dst, this.obj(O.Lit, 0, 0, typeName), -1);
    const args = calls.args[callId]!;
    const lists = this.argLists;
    const arg = (i: number): number | undefined => {
      for (let a = 0; a < lists.length(args); a += 2) if (lists.at(args, a) === 0 && i-- === 0) return lists.at(args, a + 1);
      return undefined;
    };
    const kw = (k: string): number | undefined => {
      const key = this.argKey(k);
      for (let a = 0; a < lists.length(args); a += 2) if (lists.at(args, a) === key) return lists.at(args, a + 1);
      return undefined;
    };
    if (call.deco) {
      // An external decorator (or one the engine does not model) is assumed to keep the function callable as is.
      const a0 = arg(0);
      if (WRAP_KINDS.has(name)) this.wrapInto(a0, call.dst, name);
      else if (a0 !== undefined) this.addEdge(a0, call.dst);
      return;
    }
    switch (name) {
      case 'builtins.staticmethod':
      case 'builtins.classmethod':
      case 'builtins.property':
      case 'builtins.property.setter':
      case 'builtins.property.getter':
      case 'builtins.property.deleter':
        this.wrapInto(arg(0), call.dst, name);
        if (name === 'builtins.property') this.wrapInto(arg(1) ?? kw('fset'), call.dst, 'builtins.property.setter');
        return;
      case 'functools.partial':
      case 'functools.wraps':
      case 'functools.lru_cache':
      case 'functools.cache': {
        // partial(f, …) calls f later; wraps(g)/lru_cache(n) return a decorator that keeps the function.
        if (name === 'functools.partial') {
          const a0 = arg(0);
          if (a0 !== undefined) this.addEdge(a0, call.dst);
        } else this.addObj(call.dst, this.extObj('functools.<identity>'), -1);
        return;
      }
      case 'functools.<identity>':
      case 'copy.copy':
      case 'copy.deepcopy': {
        // A copy is an object of the same class (instances are abstracted per class) holding the same values: its
        // methods are the original's (`obj = copy.copy(self); obj._db = using` in django's managers and querysets).
        const a0 = arg(0);
        if (a0 !== undefined) this.addEdge(a0, call.dst);
        return;
      }
      case 'builtins.len':
      case 'builtins.str':
      case 'builtins.repr':
      case 'builtins.iter':
      case 'builtins.next':
      case 'builtins.bool':
      case 'builtins.hash':
      case 'builtins.abs':
      case 'builtins.format':
      case 'builtins.reversed':
      case 'builtins.int':
      case 'builtins.float': {
        // The builtin calls the argument's dunder: a call of a method of the corpus when its class defines it.
        const a0 = arg(0);
        const dunder = BUILTIN_DUNDERS[name.slice('builtins.'.length)]!;
        if (a0 !== undefined) this.addHandler(a0, { h: 'implicit', call: calls.add(call.dst, call.site, this.noArgs, false, T_CALLBACK), names: [dunder] });
        return;
      }
      case 'builtins.type': {
        // `type(x)` is x's class (the three-argument form makes a class: not modelled).
        const a0 = arg(0);
        if (a0 !== undefined && arg(1) === undefined) this.addHandler(a0, { h: 'load', dst: call.dst, name: '__class__', site: -1 });
        return;
      }
      case 'functools.reduce': {
        const f = arg(0);
        const xs = arg(1);
        if (f === undefined) return;
        const el = this.newNode('');
        if (xs !== undefined) this.addHandler(xs, { h: 'elem', dst: el });
        this.addHandler(f, { h: 'callvia', call: calls.add(this.newNode(''), call.site, this.argsOf(el, el), false, T_CALLBACK), self: -1 });
        return;
      }
      case 'builtins.map':
      case 'builtins.filter': {
        const f = arg(0);
        const xs = arg(1);
        if (f === undefined) return;
        const el = this.newNode('');
        if (xs !== undefined) this.addHandler(xs, { h: 'elem', dst: el });
        this.addHandler(f, { h: 'callvia', call: calls.add(this.newNode(''), call.site, this.argsOf(el), false, T_CALLBACK), self: -1 });
        return;
      }
      case 'builtins.sorted':
      case 'builtins.min':
      case 'builtins.max':
      case 'builtins.list.sort': {
        const f = kw('key');
        const xs = name === 'builtins.list.sort' ? undefined : arg(0);
        if (xs !== undefined && name === 'builtins.sorted') {
          const lst = this.obj(O.Cont, -2, o, 'list');
          this.addObj(call.dst, lst, -1);
          this.addHandler(xs, { h: 'elem', dst: this.field(lst, '[]') });
        }
        if (f === undefined) return;
        const el = this.newNode('');
        if (xs !== undefined) this.addHandler(xs, { h: 'elem', dst: el });
        this.addHandler(f, { h: 'callvia', call: calls.add(this.newNode(''), call.site, this.argsOf(el), false, T_CALLBACK), self: -1 });
        return;
      }
      default:
    }
  }

  private wrapInto(src: number | undefined, dst: number, name: string): void {
    if (src === undefined) return;
    this.addHandler(src, { h: 'wrap', dst, kind: WRAP_KINDS.get(name)! });
  }

  private result(fn: number, dst: number): void {
    const flags = this.funcs[fn]!.flags;
    if (flags & FN_ASYNC && !(flags & FN_GENERATOR)) {
      // A coroutine: `await` on it (the `<await>` field) gives what the function returns.
      const coro = this.obj(O.Gen, fn, 1, '');
      this.addObj(dst, coro, -1);
      this.addEdge(this.retNode(fn), this.field(coro, '<await>'));
      return;
    }
    if (flags & FN_GENERATOR) {
      const gen = this.obj(O.Gen, fn, 0, '');
      this.addObj(dst, gen, -1);
      this.addEdge(this.node(`${this.funcs[fn]!.fqn}.<yield>`), this.field(gen, '[]'));
    } else this.addEdge(this.retNode(fn), dst);
  }

  /**
   * Arguments → parameters (receiver first for a bound call). For a pure pass-through function, also the arguments of
   * the parameters it returns → the call's result; where the call leaves one of those out (a call Python would reject,
   * or `*args` the solver cannot place), the merged return instead.
   */
  private bind(fn: number, callId: number, self: number): void {
    const calls = this.calls;
    const call = { dst: calls.dst[callId]!, site: calls.site[callId]! };
    if (!this.bindings.add(fn, call.dst, self)) return;
    const f = this.funcs[fn]!;
    const ps = f.params;
    const pass = f.pass;
    let passBound = 0;
    const pnode = (i: number) => this.node(`${f.fqn}.${ps[i]![0]}`);
    const toParam = (v: number, j: number) => {
      this.addEdge(v, pnode(j), call.site);
      if (pass?.includes(j)) {
        this.addEdge(v, call.dst, call.site);
        if (this.keepWhy) this.passEdge.set(v * EDGE_KEY_SCALE + call.dst, fn);
        passBound |= 1 << pass.indexOf(j);
      }
    };
    let i = 0;
    if (self >= 0 && ps.length && ps[0]![1] !== '*' && ps[0]![1] !== '**' && ps[0]![1] !== 'k') {
      this.addObj(pnode(0), self, -1);
      if (pass?.[0] === 0) {
        this.addObj(call.dst, self, -1);
        passBound |= 1;
      }
      i = 1;
    }
    const args = calls.args[callId]!;
    const lists = this.argLists;
    const star = this.argKey('*');
    const starStar = this.argKey('**');
    for (let a = 0; a < lists.length(args); a += 2) {
      const k = lists.at(args, a);
      const v = lists.at(args, a + 1);
      if (k === 0) {
        if (i < ps.length && (ps[i]![1] === 'p' || ps[i]![1] === 'po')) toParam(v, i++);
        else if (f.varargs !== undefined) this.addEdge(v, this.field(f.varargs, '[]'), call.site);
      } else if (k === star) {
        const el = this.newNode('');
        this.addHandler(v, { h: 'elem', dst: el });
        // Forwarding (`f(*args)` into `def f(*args)`) stays in the tuple: spreading it over every parameter of
        // every function in a forwarding chain would merge them all.
        if (f.varargs !== undefined) this.addEdge(el, this.field(f.varargs, '[]'), call.site);
        else for (let j = i; j < ps.length && (ps[j]![1] === 'p' || ps[j]![1] === 'po'); j++) toParam(el, j);
      } else if (k === starStar) {
        const el = this.newNode('');
        this.addHandler(v, { h: 'elem', dst: el });
        if (f.kwargs !== undefined) this.addEdge(el, this.field(f.kwargs, '[]'), call.site);
        else for (let j = i; j < ps.length; j++) if (ps[j]![1] === 'p' || ps[j]![1] === 'k') toParam(el, j);
      } else {
        const kw = this.argName(k);
        const j = ps.findIndex((p) => p[0] === kw && (p[1] === 'p' || p[1] === 'k'));
        if (j >= 0) toParam(v, j);
        else if (f.kwargs !== undefined) this.addEdge(v, this.field(f.kwargs, '[]'), call.site);
      }
    }
    if (pass && passBound !== (1 << pass.length) - 1) this.result(fn, call.dst);
  }

  // ------------------------------------------------------------------ summaries

  /**
   * Loads files solved elsewhere as fixed facts: their definitions first (objects of one file may be defined in
   * another), then their summarized sets, instance attributes and pass-through edges. Nothing of their bodies runs.
   */
  addSummaries(list: ReadonlyArray<{ file: string; summary: FileSummary }>): void {
    const funcAt = new Map<string, number>();
    const classAt = new Map<string, number>();
    const firsts: Array<{ func: number; cls: number }> = [];
    for (const { file, summary: s } of list) {
      const fileIdx = this.files.length;
      this.files.push(file);
      this.fileModule.push(s.module);
      this.modules.add(s.module);
      // Star imports were linked by the solve that made the summary: `globals` is complete.
      this.moduleGlobals.set(s.module, { globals: new Set(s.globals), ...(s.all ? { all: s.all } : {}) });
      firsts.push({ func: this.funcs.length, cls: this.classes.length });
      for (const [fqn, params, flags, line, col] of s.funcs) {
        funcAt.set(`${file}|${fqn}|${line}|${col}`, this.funcs.length);
        this.addFunc({ fqn, file: fileIdx, params, flags, line, col });
      }
      for (const [fqn, bases, attrs, line, col, metas] of s.classes) {
        classAt.set(`${file}|${fqn}|${line}|${col}`, this.classes.length);
        this.classByFqn.set(fqn, this.classes.length);
        this.summaryClasses.add(this.classes.length);
        this.classes.push({ fqn, file: fileIdx, bases: bases.map(() => this.newNode('')), attrs: new Set(attrs), line, col, ...(metas ? { meta: this.newNode('') } : {}) });
      }
    }
    list.forEach(({ summary: s }, si) => {
      const memo = new Int32Array(s.objs.length).fill(-2);
      const obj = (i: number): number => {
        if (memo[i] !== -2) return memo[i]!;
        const r = s.objs[i]!;
        let o = -1;
        switch (r[0]) {
          case 'f': {
            const fi = funcAt.get(`${r[1]}|${r[2]}|${r[3]}|${r[4]}`);
            if (fi !== undefined) o = this.obj(O.Func, fi, 0, '');
            break;
          }
          case 'c': {
            const ci = classAt.get(`${r[1]}|${r[2]}|${r[3]}|${r[4]}`);
            if (ci !== undefined) o = this.obj(O.Class, ci, 0, '');
            break;
          }
          case 'i': {
            const c = obj(r[1]);
            if (c >= 0) o = this.obj(O.Inst, c, 0, '');
            break;
          }
          case 'm':
            o = this.obj(O.Module, 0, 0, r[1]);
            break;
          case 'e':
            o = this.extObj(r[1]);
            break;
          case 'l':
            o = this.obj(O.Lit, 0, 0, r[1]);
            break;
          case 'w': {
            const inner = obj(r[2]);
            if (inner >= 0) o = this.obj(O.Wrap, inner, r[1], '');
            break;
          }
          case 'b': {
            const f = obj(r[1]);
            const self = obj(r[2]);
            if (f >= 0 && self >= 0) o = this.obj(O.Bound, f, self, '');
            break;
          }
        }
        memo[i] = o;
        return o;
      };
      const fill = (n: number, objs: readonly number[]) => {
        for (const i of objs) {
          const o = obj(i);
          if (o >= 0) this.addObj(n, o, -1);
        }
      };
      const { func: funcBase, cls: classBase } = firsts[si]!;
      s.classes.forEach(([, bases, , , , metas], j) => {
        const c = this.classes[classBase + j]!;
        bases.forEach((b, k) => fill(c.bases[k]!, [b]));
        if (metas) fill(c.meta!, metas);
      });
      for (const [name, objs] of s.sets) {
        // What the engine models by name stays modelled: through a summary, `functools.partial(f)` or an
        // `lru_cache`d function would give back only what the dependency's own solve saw, never the caller's function
        // or its results (measured on django: the URL resolver behind a cached `get_resolver()`, views through
        // `partial(_path, …)`).
        if (MODELLED_BY_NAME.has(name)) this.addObj(this.node(name), this.extObj(name), -1);
        else fill(this.node(name), objs);
      }
      for (const [c, attr, objs] of s.inst) {
        const co = obj(c);
        if (co < 0) continue;
        let byAttr = this.summaryInst.get(this.oa[co]!);
        if (!byAttr) this.summaryInst.set(this.oa[co]!, (byAttr = new Map()));
        const list = byAttr.get(attr) ?? [];
        for (const i of objs) {
          const o = obj(i);
          if (o >= 0 && !list.includes(o)) list.push(o);
        }
        byAttr.set(attr, list);
      }
      for (const [fi, params, pure] of s.pass) {
        const f = this.funcs[funcBase + fi]!;
        if (pure) f.pass = params;
        for (const p of params) this.addEdge(this.node(`${f.fqn}.${f.params[p]![0]}`), this.retNode(funcBase + fi));
      }
    });
  }

  /** A new field of an instance: what summarized classes along its MRO say their instances hold there. */
  private seedSummaryField(cls: number, name: string, n: number): void {
    // Only an MRO the symbol table gives: one built from bases' values now could be cached before they arrive.
    const known = this.resolver?.table.defs.get(this.classes[cls]!.fqn)?.kind === 'Class';
    for (const c of known ? this.mro(cls) : [cls]) {
      for (const o of this.summaryInst.get(c)?.get(name) ?? EMPTY) this.addObj(n, o, -1);
    }
  }

  /** Summaries of the given files (indices in `files`), after solve(); see summary.ts. */
  summarize(fileIdxs: ReadonlySet<number>): Map<string, FileSummary> {
    interface Building {
      s: FileSummary;
      memo: Map<number, number>;
      interned: Map<string, number>;
    }
    const byFile = new Map<number, Building>();
    for (const f of fileIdxs) {
      const s: FileSummary = { format: FLOW_SUMMARY_FORMAT, module: this.fileModule[f]!, globals: [], funcs: [], classes: [], objs: [], sets: [], inst: [], pass: [] };
      const g = this.moduleGlobals.get(s.module);
      if (g) {
        s.globals = [...g.globals];
        if (g.all) s.all = g.all;
      }
      byFile.set(f, { s, memo: new Map(), interned: new Map() });
    }
    const enc = (b: Building, o: number): number => {
      const seen = b.memo.get(o);
      if (seen !== undefined) return seen;
      let r: SummaryObj | undefined;
      switch (this.okind[o]) {
        case O.Func: {
          const fi = this.funcs[this.oa[o]!]!;
          r = ['f', this.files[fi.file]!, fi.fqn, fi.line, fi.col];
          break;
        }
        case O.Class: {
          const ci = this.classes[this.oa[o]!]!;
          r = ['c', this.files[ci.file]!, ci.fqn, ci.line, ci.col];
          break;
        }
        case O.Inst: {
          const c = enc(b, this.oa[o]!);
          if (c >= 0) r = ['i', c];
          break;
        }
        case O.Module:
          r = ['m', this.oname[o]!];
          break;
        case O.Ext:
          r = ['e', this.oname[o]!];
          break;
        case O.Lit:
          r = ['l', this.oname[o]!];
          break;
        case O.Cont:
          // A container collapses to its type (`list`): its methods still resolve; `*args`/`**kwargs` tuples go.
          if (/^\w+$/.test(this.oname[o]!)) r = ['l', this.oname[o]!];
          break;
        case O.Wrap: {
          const inner = enc(b, this.oa[o]!);
          if (inner >= 0) r = ['w', this.ob[o]!, inner];
          break;
        }
        case O.Bound: {
          const f = enc(b, this.oa[o]!);
          const self = f >= 0 ? enc(b, this.ob[o]!) : -1;
          if (self >= 0) r = ['b', f, self];
          break;
        }
        default:
      }
      let i = -1;
      if (r) {
        const key = JSON.stringify(r);
        i = b.interned.get(key) ?? -1;
        if (i < 0) {
          i = b.s.objs.push(r) - 1;
          b.interned.set(key, i);
        }
      }
      b.memo.set(o, i);
      return i;
    };
    const encSet = (b: Building, n: number): number[] => {
      const out: number[] = [];
      const pts = this.pts;
      for (let k = 0, len = pts.length(n); k < len; k++) {
        const i = enc(b, pts.at(n, k));
        if (i >= 0 && !out.includes(i)) out.push(i);
      }
      return out;
    };
    // Definitions, and which file owns each module, class and function name.
    const ownerOf = new Map<string, { file: number; kind: 'm' | 'c' | 'f' }>();
    for (const f of fileIdxs) ownerOf.set(this.fileModule[f]!, { file: f, kind: 'm' });
    const funcIndex = new Map<number, number>();
    for (let fi = 0; fi < this.funcs.length; fi++) {
      const f = this.funcs[fi]!;
      const b = byFile.get(f.file);
      if (!b) continue;
      funcIndex.set(fi, b.s.funcs.push([f.fqn, f.params, f.flags, f.line, f.col]) - 1);
      if (!ownerOf.has(f.fqn)) ownerOf.set(f.fqn, { file: f.file, kind: 'f' });
    }
    for (const c of this.classes) {
      const b = byFile.get(c.file);
      if (!b) continue;
      const bases: number[] = [];
      for (const n of c.bases) for (const i of encSet(b, n)) if (!bases.includes(i)) bases.push(i);
      const row: FileSummary['classes'][number] = [c.fqn, bases, [...c.attrs], c.line, c.col];
      // A declared metaclass stays declared, even when what it holds is not summarized (a later `type` fallback).
      if (c.meta !== undefined) row.push(encSet(b, c.meta));
      b.s.classes.push(row);
      ownerOf.set(c.fqn, { file: c.file, kind: 'c' });
    }
    for (const [name, n] of this.named) {
      if (!this.pts.length(n)) continue;
      const dot = name.lastIndexOf('.');
      if (dot < 0) continue;
      const owner = ownerOf.get(name.slice(0, dot));
      if (!owner) continue;
      const last = name.slice(dot + 1);
      // A function's locals and parameters are its own business; its return (and yield) is what callers see.
      if (owner.kind === 'f' && last !== '<return>' && last !== '<yield>') continue;
      const b = byFile.get(owner.file)!;
      const objs = encSet(b, n);
      if (objs.length) b.s.sets.push([name, objs]);
    }
    for (let fi = 0; fi < this.fieldNode.length; fi++) {
      const n = this.fieldNode[fi]!;
      const o = this.fieldObj[fi]!;
      if (this.okind[o] !== O.Inst || !this.pts.length(n)) continue;
      const cls = this.oa[o]!;
      const b = byFile.get(this.classes[this.oa[cls]!]!.file);
      if (!b) continue;
      const objs = encSet(b, n);
      if (objs.length) b.s.inst.push([enc(b, cls), this.fieldName[fi]!, objs]);
    }
    // Pass-through: a backward search from each return over the copy edges, marking the nodes that reach it.
    const preds = this.predecessors();
    const mark = fixedInt32(this.pts.size);
    let stamp = 0;
    const queue: number[] = [];
    for (const [fi, local] of funcIndex) {
      const f = this.funcs[fi]!;
      if (f.pass) {
        byFile.get(f.file)!.s.pass.push([local, f.pass, 1]);
        continue;
      }
      const ret = this.named.get(`${f.fqn}.<return>`);
      if (ret === undefined || preds.start[ret] === preds.start[ret + 1]) continue;
      stamp++;
      mark[ret] = stamp;
      queue.length = 0;
      queue.push(ret);
      for (let q = 0; q < queue.length && queue.length < MAX_PASS_VISITS; q++) {
        const n = queue[q]!;
        for (let j = preds.start[n]!; j < preds.start[n + 1]!; j++) {
          const m = preds.list[j]!;
          if (mark[m] !== stamp) {
            mark[m] = stamp;
            queue.push(m);
          }
        }
      }
      const through: number[] = [];
      f.params.forEach(([name, kind], p) => {
        if (kind === '*' || kind === '**') return;
        const pn = this.named.get(`${f.fqn}.${name}`);
        if (pn !== undefined && mark[pn] === stamp) through.push(p);
      });
      if (through.length) byFile.get(f.file)!.s.pass.push([local, through]);
    }
    // The summaries are made at the end of the unit's fixpoint, its high point: these go before they are stored.
    for (const a of [mark, preds.start, preds.list]) release(a);
    const out = new Map<string, FileSummary>();
    for (const [f, b] of byFile) out.set(this.files[f]!, b.s);
    return out;
  }

  /** The copy edges reversed, as compressed rows: node n's predecessors are list[start[n] .. start[n + 1]). */
  private predecessors(): { start: Int32Array; list: Int32Array } {
    const size = this.pts.size;
    // Mapped (page-arrays.ts): the dependency unit's summaries are made at the end of its fixpoint, the high point.
    const start = fixedInt32(size + 1);
    for (let n = 0; n < size; n++) for (let j = 0; j < this.succ.length(n); j++) start[this.succ.at(n, j) + 1]++;
    for (let n = 0; n < size; n++) start[n + 1] += start[n]!;
    const fill = fixedInt32(size);
    fill.set(start.subarray(0, size));
    const list = fixedInt32(start[size]!);
    for (let n = 0; n < size; n++) for (let j = 0; j < this.succ.length(n); j++) list[fill[this.succ.at(n, j)]!++] = n;
    release(fill);
    return { start, list };
  }

  // ------------------------------------------------------------------ results

  /** What an object is, for targets and explanations. */
  describe(o: number): string {
    switch (this.okind[o]) {
      case O.Func:
        return this.funcs[this.oa[o]!]!.fqn;
      case O.Class:
        return this.classes[this.oa[o]!]!.fqn;
      case O.Inst:
        return `${this.describe(this.oa[o]!)}()`;
      case O.Module:
        return `module ${this.oname[o]}`;
      case O.Bound:
        return `${this.describe(this.oa[o]!)} bound to ${this.describe(this.ob[o]!)}`;
      case O.Ext:
        return this.oname[o]!;
      case O.Lit:
        return `${this.oname[o]} literal`;
      case O.Cont:
        return `${this.oname[o]}@${this.oa[o]}:${this.ob[o]}`;
      case O.Gen:
        return `generator of ${this.funcs[this.oa[o]!]!.fqn}`;
      case O.Super:
        return `super(${this.describe(this.oa[o]!)})`;
      case O.Wrap:
        return `${['', 'staticmethod', 'classmethod', 'property'][this.ob[o]!]}(${this.describe(this.oa[o]!)})`;
      default:
        return `object ${o}`;
    }
  }

  kindOf(o: number): O {
    return this.okind[o]!;
  }

  funcOf(o: number): FuncInfo | undefined {
    return this.okind[o] === O.Func ? this.funcs[this.oa[o]!] : undefined;
  }

  classOf(o: number): ClassInfo | undefined {
    return this.okind[o] === O.Class ? this.classes[this.oa[o]!] : undefined;
  }

  nameOf(o: number): string {
    return this.oname[o]!;
  }

  /** The objects of a named variable (tests, explain). */
  valuesOf(name: string): string[] {
    const n = this.named.get(name);
    return n === undefined ? [] : this.ptsOf(n).map((o) => this.describe(o));
  }

  nodeLabel(n: number): string {
    if (!this.fieldOfNode) {
      this.fieldOfNode = new Map();
      this.fieldNode.forEach((node, f) => this.fieldOfNode!.set(node, f));
    }
    const f = this.fieldOfNode.get(n);
    if (f !== undefined) return `${this.describe(this.fieldObj[f]!)}.${this.fieldName[f]}`;
    return this.nodeName[n] || `(expression ${n})`;
  }

  nodeOf(name: string): number | undefined {
    return this.named.get(name);
  }

  /** The chain of nodes an object went through to reach node n, first reason each time (explain). */
  provenance(n: number, o: number, max = 30): Array<{ node: number; site?: number; passThrough?: string }> {
    const out: Array<{ node: number; site?: number; passThrough?: string }> = [];
    const seen = new Set<number>();
    let cur = n;
    while (out.length < max && !seen.has(cur)) {
      seen.add(cur);
      const i = this.pts.indexOf(cur, o);
      const from = i < 0 ? undefined : this.why[cur]?.[i];
      if (from === undefined) break;
      out.push({ node: cur });
      if (from < 0) break;
      const site = this.edgeSite.get(from * EDGE_KEY_SCALE + cur);
      if (site !== undefined) out[out.length - 1]!.site = site;
      const fn = this.passEdge.get(from * EDGE_KEY_SCALE + cur);
      if (fn !== undefined) out[out.length - 1]!.passThrough = this.funcs[fn]!.fqn;
      cur = from;
    }
    return out;
  }

  /** The call handlers' callee node for a site (explain): the node whose objects were called there. */
  calleeNodeOf(site: number): number | undefined {
    const t = this.ht;
    for (let n = 0; n < this.handlers.size; n++) {
      for (let j = 0; j < this.handlers.length(n); j++) {
        const id = this.handlers.at(n, j);
        if (t.kind[id] === H.Call && this.calls.site[t.a[id]!] === site) return n;
      }
    }
    return undefined;
  }

  objectsOf(n: number): readonly number[] {
    return this.ptsOf(n);
  }

  private ptsOf(n: number): readonly number[] {
    return this.pts.length(n) ? this.pts.toArray(n) : EMPTY;
  }

  isDecoratorSite(site: number): boolean {
    return this.siteData[site * 6 + 5] === SITE_DECORATOR;
  }

  private addSite(file: number, s: readonly number[]): void {
    const at = this.siteCount++ * 6;
    if (at + 6 > this.siteData.length) {
      this.siteData = grown(this.siteData, Math.ceil(this.siteData.length * 1.5 / 6) * 6);
    }
    this.siteData[at] = file;
    for (let i = 0; i < 5; i++) this.siteData[at + 1 + i] = s[i]!;
    this.siteRows = undefined;
  }

  /** How many sites the facts added so far have: the next file's sites are numbered from here. */
  get siteTotal(): number {
    return this.siteCount;
  }

  /** Site `i`: [file, line, col, endLine, endCol, kind]. */
  siteAt(i: number): number[] {
    return Array.from(this.siteData.subarray(i * 6, i * 6 + 6));
  }

  /** Every site as [file, line, col, endLine, endCol, kind] (explain; built on first use, not kept by the solver). */
  get sites(): readonly number[][] {
    if (!this.siteRows) {
      const rows: number[][] = [];
      for (let i = 0; i < this.siteCount; i++) rows.push(this.siteAt(i));
      this.siteRows = rows;
    }
    return this.siteRows;
  }
}

