/**
 * Value flow in L4: loads the flow facts of a project and its dependencies, solves them, and answers, per file of the
 * project, which definitions each call site (keyed by the span L1 gave its edge) may call — plus a digest of those
 * answers, which L4 folds into the file's record key (an edit elsewhere that changes what flows into this file
 * re-resolves it; one that changes nothing leaves it reused).
 */
import * as path from 'node:path';
import type { IrNode } from '../../../ir/model';
import { hashString } from '../../../util/hash';
import { L1Reader, type L1Readers, type ProjectOut, type ShardRef } from '../../l1-structure/stream';
import { Resolver } from '../resolver';
import type { Symbols } from '../symbols';
import { flowRefs, forEachFlowFacts, type FlowFile, type FlowRef, type FlowSourceStats } from './facts-source';
import { answersDigest, readAnswers, writeAnswers, type Answers, type FactsInput, type FileAnswers } from './answers';
import { DECORATOR_KEY_SUFFIX, rekeyAnswers, shapeKey } from './shape';
import { probeFromL5 } from './facts-probe';
import type { FlowFacts } from '../../../lang/python/valueflow';
import type { SummaryEntry } from './summary';
import { SummaryStore, type StoredSummaries } from './summary-store';
import { dependencyUnits, type DepUnit } from './dep-units';
import { UnitDeriver } from './derive-unit';
import { InputsIndex } from '../inputs-index';
import { SITE_DECORATOR, SITE_IMPLICIT } from '../../../lang/python/valueflow/model';
import { FlowSolver, O, SOLVER_SEMANTICS, T_DIRECT, type SolveStats } from './solver';
import { SiteAnswers } from './site-answers';

export { FlowSolver } from './solver';

/** Where the dependency summaries are shared when the caller names no place: beside the default output root. */
export const defaultSummaryStore = (root: string) => path.join(root, '.codegraph', 'cache', 'flow-summaries');

/** A definition (or external name) a site may call. */
export interface FlowTarget {
  /** T_DIRECT, T_INIT (`__init__` of an instantiation), T_CALLBACK (map/filter/sorted key). */
  how: number;
  /** In the corpus: the L1 node. */
  id?: string;
  fqn: string;
  kind?: string;
  file?: string;
  /** Outside the corpus: the top-level module (`builtins`, `os`). */
  external?: string;
}

export interface FlowStats {
  source: FlowSourceStats;
  solve: SolveStats;
  /** Sites of this project with at least one target in the corpus. */
  sitesWithTargets: number;
  /**
   * Every input of the fixpoint was as in the previous run, the project's facts up to their positions: its answers
   * were reused, nothing was solved.
   */
  answersReused?: boolean;
  /** Of those reused answers: the files whose facts only moved, whose answers were re-keyed by their sites' new spans. */
  answersRekeyed?: number;
  /** The reuse was found from the L5 facts' checksums (facts-probe.ts): only the moved files' facts were decoded. */
  answersProbed?: boolean;
  /** The dependencies' summaries: solved in this run (`solve` set) or read from the cache. */
  deps?: DepFlowStats;
  /**
   * Set by L4 (run.ts): what the run decoded of the interface facts of the project and its dependencies — the files
   * the inputs index did not know (inputs-index.ts) — and the symbol table: built whole (the fixpoint was solved),
   * loaded a module at a time for the files resolved (`lazy`, `tableFiles` of them decoded), or not needed.
   */
  inputs?: { factsDecoded: number; table: 'built' | 'lazy' | 'none'; tableFiles?: number };
}

/** See ValueFlow.prepare. */
export interface PreparedFlow {
  refs: ReturnType<typeof flowRefs>;
  summaries?: DepSummaries;
}

/** The dependencies' summaries, as prepared: parsed only when the project's fixpoint is solved. */
export interface DepSummaries {
  /**
   * The summaries, read (or derived, when the store lost a unit the index knew) and parsed; forgotten here (they are
   * loaded once: the caller may still hold the prepared flow).
   */
  take(): Promise<SummaryEntry[]>;
  /**
   * Reads every unit's entry (not parsing it) now: before the caller builds the project's symbol table, so that
   * reading them (a unit of the stdlib is 32 MB of text once decompressed) does not add to the solve's peak.
   */
  load(): Promise<void>;
  /** Forgets them unparsed (the answers were reused). */
  drop(): void;
  /** How many dependency files they summarize. */
  files: number;
  /** The digest of the summaries' shapes (summary-store.ts): what the project's answers depend on. */
  shape: string;
  stats: DepFlowStats;
}

export interface DepFlowStats {
  files: number;
  /** Units (import cycles of the dependencies' top-level packages, dep-units.ts) the reached files fall in. */
  units: number;
  /** Units read from the workspace's summary store (derived by an earlier run or another dependent). */
  read: number;
  /** Units solved by this run (then stored for the others). */
  derived: number;
  /** Of those, the units derived in a worker thread (derive-unit.ts; the others in L4's own). */
  workerUnits?: number;
  /** Units whose shape L4's inputs index knew (inputs-index.ts): not read unless the project's fixpoint is solved. */
  indexed?: number;
  /** Every unit was read: nothing of the dependencies was solved. */
  cached: boolean;
  /** Time spent waiting for another run deriving a unit this run needs. */
  waitedMs: number;
  /** For the derived units: loading their facts, and their fixpoints (summed). */
  source?: FlowSourceStats;
  solve?: SolveStats;
  /** Summarizing derived units and storing them. */
  summarizeMs?: number;
  ms: number;
}

/**
 * The summaries of the reached dependency files, unit by unit in dependency order (`units`, dep-units.ts): each
 * read from the workspace's summary store under its key, else solved — its own facts plus the summaries of the units
 * it reaches, against a symbol table of the dependencies alone (`depTable`) — and stored for every other dependent. A
 * unit `index` knows (inputs-index.ts: its shape and size are a function of its key) is not read until its summaries
 * are taken: a run that reuses its answers needs their shape only.
 */
async function dependencySummaries(
  root: string,
  project: ProjectOut,
  units: readonly DepUnit[],
  depTable: () => Symbols,
  tableProjects: readonly ProjectOut[] | undefined,
  store: SummaryStore,
  index: InputsIndex,
): Promise<NonNullable<PreparedFlow['summaries']>> {
  const t0 = performance.now();
  const loaded: Array<StoredSummaries | undefined> = [];
  // Parsed once when a derived unit needs them: while deriving, the units it imports.
  const parsed: Array<SummaryEntry[] | undefined> = [];
  const shapes: string[] = [];
  const stats: DepFlowStats = { files: 0, units: units.length, read: 0, derived: 0, indexed: 0, cached: true, waitedMs: 0, ms: 0 };
  const deriver = new UnitDeriver(root, project, depTable, tableProjects && { root, project, tableProjects: [...tableProjects] });
  const derive = async (unit: DepUnit) => {
    const closure: string[] = [];
    for (const j of unit.closure) closure.push((await load(j)).json());
    const got = await deriver.derive({ key: unit.key, refs: unit.refs, closure });
    if (got.inWorker) stats.workerUnits = (stats.workerUnits ?? 0) + 1;
    addSource(stats, got.source);
    addSolve(stats, got.solve);
    stats.summarizeMs = (stats.summarizeMs ?? 0) + got.summarizeMs;
    return { entry: got.entry };
  };
  const load = async (j: number): Promise<StoredSummaries> => {
    const had = loaded[j];
    if (had) return had;
    const unit = units[j]!;
    const got = await store.readOrDerive(unit.key, () => derive(unit));
    stats.waitedMs += got.waitedMs;
    if (got.derived) stats.derived++;
    else stats.read++;
    index.setUnit(unit.key, { files: got.files, shape: got.shape });
    return (loaded[j] = got);
  };
  const entriesOf = async (j: number) => (parsed[j] ??= (await load(j)).entries());
  try {
    for (let j = 0; j < units.length; j++) {
      const known = index.unit(units[j]!.key);
      if (known) {
        stats.indexed!++;
        // Kept among the store's recently used entries, as a read would.
        store.touch(units[j]!.key);
      }
      const info = known ?? (await load(j));
      shapes.push(info.shape);
      stats.files += info.files;
    }
  } finally {
    // Before the dependent's own work: the worker's heap goes back to the system.
    await deriver.close();
  }
  stats.cached = stats.derived === 0;
  stats.ms = Math.round(performance.now() - t0);
  const drop = () => {
    loaded.length = 0;
    parsed.length = 0;
  };
  const take = async () => {
    const t = performance.now();
    const out: SummaryEntry[] = [];
    try {
      for (let j = 0; j < units.length; j++) for (const e of await entriesOf(j)) out.push(e);
    } finally {
      await deriver.close();
    }
    drop();
    stats.cached = stats.derived === 0;
    stats.ms += Math.round(performance.now() - t);
    return out;
  };
  const loadAll = async () => {
    const t = performance.now();
    try {
      for (let j = 0; j < units.length; j++) await load(j);
    } finally {
      await deriver.close();
    }
    stats.cached = stats.derived === 0;
    stats.ms += Math.round(performance.now() - t);
  };
  return { take, load: loadAll, drop, files: stats.files, shape: hashString(shapes.join('\n')), stats };
}

function addSource(stats: DepFlowStats, s: FlowSourceStats): void {
  const t = (stats.source ??= { files: 0, fromL5: 0, extracted: 0, reused: 0, fromSummaries: 0, unreached: 0, unreadable: [], ms: 0 });
  t.files += s.files;
  t.fromL5 += s.fromL5;
  t.extracted += s.extracted;
  t.reused += s.reused;
  t.unreadable.push(...s.unreadable);
  t.ms += s.ms;
}

function addSolve(stats: DepFlowStats, s: SolveStats): void {
  const t = (stats.solve ??= { nodes: 0, objects: 0, steps: 0, bounds: 0, ms: 0 });
  t.nodes += s.nodes;
  t.objects += s.objects;
  t.steps += s.steps;
  t.bounds += s.bounds;
  t.ms += s.ms;
}

/** A call Python makes implicitly at a span (no L1 edge): `for` → `__iter__`, `a + b` → `__add__`, a property read. */
export interface ImplicitSite {
  span: [number, number, number, number];
  targets: FlowTarget[];
}

export class ValueFlow {
  private answers = new SiteAnswers();
  private implicitByFile = new Map<string, ImplicitSite[]>();
  /** The previous run's answers when they were reused (nothing solved): each file's sites read from them as asked. */
  private reusedAnswers: Map<string, FileAnswers> | undefined;
  private digests = new Map<string, string>();
  /** Per file, each answered implicit call's index among the file's sites (see FileAnswers; calls keep theirs in `answers`). */
  private implicitIndex = new Map<string, number[]>();
  private refs = new Map<string, { outDir: string; ref: ShardRef }>();
  /** Per file, its definitions by position: only what a target names (a decoded node holds its attributes too). */
  private nodesByPos = new Map<string, Map<string, DefAt>>();
  private readers = new Map<string, L1Reader>();
  /** "file\0fqn" of the functions and classes the solver saw once in their file (see target()). */
  private unique = new Set<string>();
  private table: Symbols | undefined;

  private constructor(
    private kept: FlowSolver | undefined,
    readonly stats: FlowStats,
  ) {}

  /**
   * The solved constraint program (explain). Kept only when built with `provenance`: L4 needs just the per-site
   * answers, and the solver's sets, handlers and edges are most of value flow's memory.
   */
  get solver(): FlowSolver {
    if (!this.kept) throw new Error('codegraph: the value-flow solver is kept only when built with { provenance: true }');
    return this.kept;
  }

  /**
   * What value flow reads besides the project's facts: which files (the project's, the reached dependency files), and
   * the dependencies' summaries — read from the store, or solved now. L4 calls it before building the project's symbol
   * table, so that the dependencies' fixpoint (and their own table) never share the heap with it.
   */
  static async prepare(
    root: string,
    project: ProjectOut,
    deps: readonly ProjectOut[],
    opts: {
      provenance?: boolean;
      summaries?: boolean;
      depTable: () => Symbols;
      /**
       * How `depTable` is built — `buildSymbolTable(depProjects[0], depProjects.slice(1))` (run.ts) —, so that a
       * worker thread can build it: units are then derived there (derive-unit.ts), else in this thread.
       */
      depProjects?: readonly ProjectOut[];
      store: string;
      index?: InputsIndex;
      readers?: L1Readers;
    },
  ): Promise<PreparedFlow> {
    const index = opts.index ?? InputsIndex.none();
    const refs = flowRefs(project, deps, index, opts.readers);
    if (opts.provenance || opts.summaries === false || !refs.deps.length) return { refs };
    const units = dependencyUnits(refs.deps, index, opts.readers);
    return { refs, summaries: await dependencySummaries(root, project, units, opts.depTable, opts.depProjects, new SummaryStore(opts.store), index) };
  }

  /**
   * Loads the project's facts and its dependencies' flow summaries, solves, and indexes the project's sites.
   *
   * The dependencies (the files of the packages the project's imports reach) are solved on their own, unit by unit,
   * and enter this project's fixpoint as summaries — shared with every other dependent through the summary store
   * (summary-store.ts), so a unit is solved once per content in the workspace and a run whose dependencies did not
   * change loads the summaries and solves the project alone. The summaries are a function of the dependencies' facts
   * only (solved against a symbol table of the dependencies alone), so a read and a freshly solved unit are the same
   * bytes. With `provenance` (explain), or `summaries: false`, every file's facts go
   * into one fixpoint instead (the chain behind a call may run through a dependency's body).
   *
   * `resolver` may be given as a function: it is then called only when the fixpoint is solved (a run that reuses its
   * answers never builds the symbol table the solver resolves against).
   */
  static async build(
    root: string,
    project: ProjectOut,
    deps: readonly ProjectOut[],
    resolver: Resolver | (() => Resolver),
    opts: { provenance?: boolean; summaries?: boolean; depTable?: () => Symbols; store?: string; prepared?: PreparedFlow; interfaces?: string } = {},
  ): Promise<ValueFlow> {
    const resolverOf = typeof resolver === 'function' ? resolver : () => resolver;
    const prepared =
      opts.prepared ??
      (await ValueFlow.prepare(root, project, deps, { ...opts, depTable: opts.depTable ?? (() => resolverOf().table), store: opts.store ?? defaultSummaryStore(root) }));
    const { refs, summaries } = prepared;
    const depStats = summaries?.stats;
    // What the fixpoint reads, for reusing its answers (answers.ts): each file's facts by their shape (shape.ts), so
    // that an edit that leaves a file's facts as they were up to positions (a comment, a line inserted in a body)
    // reuses the answers. The shape of a file whose facts are as in the previous run (same digest) is the recorded
    // one: only the edited files' facts are hashed. From L5, the facts record's checksum is the digest: hashing
    // every file's facts as JSON was a tenth of L4's time after a one-file edit of django.
    const prev = opts.provenance ? undefined : readAnswers(project.outDir);
    const keyOf = (inputs: ReadonlyMap<string, FactsInput>) =>
      hashString([`solver ${SOLVER_SEMANTICS}`, opts.interfaces ?? '', summaries?.shape ?? '', ...[...inputs].map(([file, i]) => `${file}\0${i.shape}`)].join('\n'));
    if (prev && (summaries || !refs.deps.length)) {
      // Every file from L5 and as before up to positions: the answers without loading the facts (facts-probe.ts).
      const t0 = performance.now();
      const probe = probeFromL5(project, refs.own, prev);
      if (probe && keyOf(probe.inputs) === prev.key) {
        // The facts cache as a run reading every file from L5 leaves it: empty.
        await forEachFlowFacts(root, project, [], () => undefined);
        const count = summaries?.files ?? 0;
        summaries?.drop();
        const n = refs.own.length;
        const source: FlowSourceStats = { files: n + count, fromL5: n, extracted: 0, reused: 0, fromSummaries: count, unreached: refs.unreached, unreadable: [], ms: Math.round(performance.now() - t0) };
        const vf = ValueFlow.reused(project.outDir, prev, probe.inputs, probe.moved, source, depStats);
        vf.stats.answersProbed = true;
        return vf;
      }
    }
    // The summaries' entries first, then the symbol table the solver resolves against (see DepSummaries.load).
    await summaries?.load();
    const r = resolverOf();
    const solver = new FlowSolver(r, opts);
    const own = new Set<string>();
    const inputs = new Map<string, FactsInput>();
    /** The files whose facts changed only by positions since the previous run: their answers need re-keying. */
    const moved = new Map<string, FlowFacts>();
    const siteBase = new Map<string, number>();
    const add = (f: FlowFile) => {
      if (f.project === project.name) own.add(f.file);
      if (!opts.provenance) {
        const digest = f.digest ?? hashString(JSON.stringify(f.facts));
        const was = prev?.inputs.get(f.file);
        const shape = was?.digest === digest ? was.shape : shapeKey(f.facts);
        inputs.set(f.file, { digest, shape });
        if (was && was.digest !== digest && was.shape === shape) moved.set(f.file, f.facts);
      }
      siteBase.set(f.file, solver.siteTotal);
      solver.addFacts(f.file, f.facts);
    };
    let source: FlowSourceStats;
    if (!summaries) {
      source = await forEachFlowFacts(root, project, [...refs.own, ...refs.deps], add, { unreached: refs.unreached });
    } else {
      const count = summaries.files;
      solver.addSummaries(await summaries.take());
      // The dependencies' facts are not kept in this project's cache: their units are shared (summary-store.ts).
      source = await forEachFlowFacts(root, project, refs.own, add, { unreached: refs.unreached });
      source.fromSummaries = count;
      source.files += count;
    }
    const answersKey = keyOf(inputs);
    if (prev?.key === answersKey) return ValueFlow.reused(project.outDir, prev, inputs, moved, source, depStats);
    const solve = solver.solve();
    // The answers need the objects and sites only: the sets, edges and handlers go at once, before anything else is
    // allocated beside them (the fixpoint's end is L4's high point).
    if (!opts.provenance) solver.releaseFixpoint();
    const vf = new ValueFlow(solver, { source, solve, sitesWithTargets: 0, ...(depStats ? { deps: depStats } : {}) });
    for (const p of [project, ...deps]) {
      const l1 = L1Reader.open(p.outDir);
      vf.readers.set(p.outDir, l1);
      for (const ref of l1.refs) if (!vf.refs.has(ref.file)) vf.refs.set(ref.file, { outDir: p.outDir, ref });
    }
    vf.table = r.table;
    const count = new Map<string, number>();
    for (const d of [...solver.funcs, ...solver.classes]) {
      const k = `${solver.files[d.file]}\0${d.fqn}`;
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    for (const [k, n] of count) if (n === 1) vf.unique.add(k);
    vf.index(own, siteBase);
    // The answers are indexed: nothing of the solver is read again (it stays referenced from this function's scope).
    if (!opts.provenance) solver.releaseAll();
    vf.table = undefined;
    vf.unique.clear();
    // The index holds the answers; what it needed to build them goes (L4 resolves every file after this).
    vf.nodesByPos.clear();
    for (const r of vf.readers.values()) r.close();
    vf.readers.clear();
    vf.refs.clear();
    if (!opts.provenance) {
      vf.kept = undefined;
      // A file's answers as maps only while they are written (answers.ts), not all at once.
      function* files(): Generator<[string, FileAnswers]> {
        for (const [file, digest] of vf.digests) {
          const a = vf.answers.withOrdinals(file);
          const sites = [...(a?.sites ?? [])];
          yield [file, { sites, implicit: vf.implicitByFile.get(file) ?? [], siteIndex: sites.map(([key]) => a!.ordinals.get(key)!), implicitIndex: vf.implicitIndex.get(file) ?? [], digest }];
        }
      }
      writeAnswers(project.outDir, { key: answersKey, inputs, files: files(), sitesWithTargets: vf.stats.sitesWithTargets });
    }
    vf.implicitIndex.clear();
    return vf;
  }

  /**
   * The previous run's answers for facts of the same shapes (`inputs`): as they were, but for the files whose facts
   * moved (`moved`), re-keyed by their sites' new spans. The record is rewritten naming these facts — what a cold run
   * over them would write.
   */
  private static reused(outDir: string, prev: Answers, inputs: Map<string, FactsInput>, moved: ReadonlyMap<string, FlowFacts>, source: FlowSourceStats, deps: DepFlowStats | undefined): ValueFlow {
    const skipped: SolveStats = { nodes: 0, objects: 0, steps: 0, bounds: 0, ms: 0 };
    const stats: FlowStats = { source, solve: skipped, sitesWithTargets: prev.sitesWithTargets, answersReused: true, answersRekeyed: 0, ...(deps ? { deps } : {}) };
    const vf = new ValueFlow(undefined, stats);
    const memo = new Map<FlowTarget, string>();
    for (const [file, was] of prev.files) {
      const facts = moved.get(file);
      const a = facts ? rekeyAnswers(was, facts, memo) : was;
      if (facts) stats.answersRekeyed!++;
      prev.files.set(file, a);
      if (a.implicit.length) vf.implicitByFile.set(file, a.implicit);
      vf.digests.set(file, a.digest);
    }
    // Read as they are: L4 asks for the sites of the files it resolves only (one, after a positions-only edit).
    vf.reusedAnswers = prev.files;
    if ([...inputs].some(([file, i]) => prev.inputs.get(file)?.digest !== i.digest)) writeAnswers(outDir, { ...prev, inputs });
    return vf;
  }

  close(): void {
    for (const r of this.readers.values()) r.close();
    this.readers.clear();
  }

  /** Targets of the sites of a project file, by "line,col,endLine,endCol". */
  sitesOf(file: string): Map<string, FlowTarget[]> | undefined {
    if (this.reusedAnswers) {
      // As SiteAnswers builds it: a span met again keeps its first place with the later answer; no sites, no map.
      const a = this.reusedAnswers.get(file);
      return a?.sites.length ? new Map(a.sites) : undefined;
    }
    return this.answers.sitesOf(file);
  }

  /** The implicit calls of a project file whose targets are in the corpus. */
  implicitOf(file: string): ImplicitSite[] {
    return this.implicitByFile.get(file) ?? [];
  }

  /** Digest of a file's flow answers ('' when it has none). */
  digestOf(file: string): string {
    return this.digests.get(file) ?? '';
  }

  /** `siteBase`: per file, the id of its first site (its sites are numbered on from there). */
  private index(own: Set<string>, siteBase: ReadonlyMap<string, number>): void {
    const s = this.solver;
    // One FlowTarget per object and way of reaching it, shared by every site that has it: sympy's sites have ~3M
    // targets among ~0.3M objects.
    const memo = new Map<number, FlowTarget | null>();
    const targetOf = (code: number) => {
      let t = memo.get(code);
      if (t === undefined) memo.set(code, (t = this.target(code >> 2, code & 3) ?? null));
      return t;
    };
    const span: number[] = [0, 0, 0, 0];
    // Read in place (no copy of each site's targets or row): what the index allocates while the released fixpoint
    // still waits for a collection adds to L4's peak.
    const list: FlowTarget[] = [];
    for (const site of s.recordedSiteIds) {
      const file = s.files[s.siteField(site, 0)]!;
      if (!own.has(file)) continue;
      list.length = 0;
      for (let k = 0, n = s.siteTargetCount(site); k < n; k++) {
        const t = targetOf(s.siteTargetAt(site, k));
        if (t) list.push(t);
      }
      if (!list.length) continue;
      const ordinal = site - siteBase.get(file)!;
      for (let f = 0; f < 4; f++) span[f] = s.siteField(site, f + 1);
      if (s.siteField(site, 5) === SITE_IMPLICIT) {
        const inCorpus = list.filter((t) => t.id !== undefined);
        if (!inCorpus.length) continue;
        let imp = this.implicitByFile.get(file);
        if (!imp) {
          this.implicitByFile.set(file, (imp = []));
          this.implicitIndex.set(file, []);
        }
        imp.push({ span: [span[0]!, span[1]!, span[2]!, span[3]!], targets: inCorpus });
        this.implicitIndex.get(file)!.push(ordinal);
      } else {
        this.answers.add(file, ordinal, span, list, s.siteField(site, 5) === SITE_DECORATOR);
      }
      if (list.some((t) => t.id !== undefined)) this.stats.sitesWithTargets++;
    }
    this.answers.seal();
    // A file's digest from its answers, one file's maps at a time (all of them at once were ~100 MB on sympy).
    const texts = new Map<FlowTarget, string>();
    for (const file of new Set([...this.answers.files(), ...this.implicitByFile.keys()])) {
      this.digests.set(file, answersDigest(this.answers.sitesOf(file) ?? [], this.implicitByFile.get(file) ?? [], texts));
    }
  }

  private target(o: number, how: number): FlowTarget | undefined {
    const s = this.solver;
    const k = s.kindOf(o);
    if (k === O.Ext) {
      const name = s.nameOf(o);
      // Engine-internal names, and dunders of external bases (`builtins.Exception.__init__` from `super().__init__()`):
      // what those run is outside the corpus and not a call anyone asks about.
      if (name.includes('<') || /\.__\w+__$/.test(name)) return undefined;
      return { how, fqn: name, external: name.split('.')[0]! };
    }
    let file: string;
    let line: number;
    let col: number;
    let fqn: string;
    if (k === O.Func) {
      const f = s.funcOf(o)!;
      ({ line, col, fqn } = f);
      file = s.files[f.file]!;
    } else if (k === O.Class) {
      const c = s.classOf(o)!;
      ({ line, col, fqn } = c);
      file = s.files[c.file]!;
    } else return undefined;
    // An addressable definition (module-level, class member) defined once in its file is the symbol table's: no need
    // to decode the file's IR to find its node. Redefinitions (`f#2`) are numbered by value flow and L1 apart:
    // those go by position. Checked on django + stdlib: 36,622 targets, the same node either way.
    const def = this.unique.has(`${file}\0${fqn}`) && !fqn.includes('#') ? this.table?.defs.get(fqn) : undefined;
    if (def && this.table!.files[def.file]!.path === file && (k === O.Class ? def.kind === 'Class' : def.kind === 'Function' || def.kind === 'Method')) {
      return { how, id: def.id, fqn, kind: def.kind, file };
    }
    const node = this.nodeAt(file, line, col);
    if (!node) return { how, fqn };
    return { how, id: node.id, fqn: node.fqn, kind: node.node, file };
  }

  /** The L1 Function/Method/Class/Lambda node whose name (lambda: whole span) starts at line:col. */
  private nodeAt(file: string, line: number, col: number): DefAt | undefined {
    let m = this.nodesByPos.get(file);
    if (!m) {
      m = new Map();
      this.nodesByPos.set(file, m);
      const r = this.refs.get(file);
      // Nodes only: decoding the file's edges too made most of the garbage that set sympy's L4 peak here.
      const nodes = r ? this.readers.get(r.outDir)?.nodes(r.ref) : undefined;
      for (const n of nodes ?? []) {
        if (n.node === 'Lambda') m.set(`${n.span[0]},${n.span[1]}`, { id: n.id, fqn: n.fqn, node: n.node });
        else if (n.node === 'Function' || n.node === 'Method' || n.node === 'Class') {
          const ns = n.attrs?.name_span as number[] | undefined;
          if (ns) m.set(`${ns[0]},${ns[1]}`, { id: n.id, fqn: n.fqn, node: n.node });
        }
      }
    }
    return m.get(`${line},${col}`);
  }
}

/** What a flow target takes from the L1 node of a definition. */
type DefAt = Pick<IrNode, 'id' | 'fqn' | 'node'>;

export const isDirect = (t: FlowTarget) => t.how === T_DIRECT;
