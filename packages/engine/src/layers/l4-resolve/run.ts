/**
 * L4 — cross-file resolution for one project.
 *
 * Inputs: the L1 output of this project (IR and interface facts) and the interface facts of the projects it may
 * import from (`deps`). Outputs, under `<project.outDir>/l4/`, all written atomically:
 * - `resolved.pack`: per file (pack record keyed by the file's L4 key), the lines of every L1 edge this layer had to
 *   finish — IMPORTS (every import), CALLS / INSTANTIATES / INHERITS / DECORATES left without `dst` by L1, and READS
 *   of names bound by imports — either completed (`dst`, `target`, `via`) or marked `unresolved` (with `external`
 *   when the name is outside the corpus);
 * - `manifest.json`: the interface digest, and per file its key, what it imports and its counts;
 * - `deps.json`: the file dependency graph, its topological order and its cycles;
 * - `stats.json`: counts and resolution rates.
 *
 * Incremental per file, as incremental compilers track a query's inputs: while a file is resolved, L4 records which
 * modules' interface facts its resolution read — every lookup that answered and every one that missed (reads.ts) —
 * and the manifest keeps that read set. A file's L4 key is (L4 format, its L1 key, the project's and its
 * dependencies' file list — paths and modules —, each module of its read set with its interface hash, the digest of
 * its value-flow answers). A body-only edit leaves every interface hash unchanged, so only the edited file is resolved
 * again; an edit that changes a file's interface re-resolves that file and the files whose resolution read its
 * module; adding, removing or renaming a file re-resolves the project. Where some file's facts are not regular (the
 * reads could not be named by module: inputs-index.ts), or without value flow, the key holds the interface digest of
 * the whole project and its dependencies instead of a read set. The symbol table is built from interface facts only
 * (l1/facts.pack), never from IR.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IrEdge, IrNode } from '../../ir/model';
import { readJsonOrUndefined, removeStaleTemps, writeFileAtomicSync, writeJsonAtomicSync } from '../../util/atomic';
import { hashString, initHash } from '../../util/hash';
import { PackReader, PackWriter } from '../../util/pack';
import { buildDeps, type DepsJson } from './deps';
import { Resolver, viaOf, type Res } from './resolver';
import { DamagedRecordError, L1Readers, withReaders, type IrStream, type ProjectOut, type ShardRef } from '../l1-structure/stream';
import { importBinding, LazySymbolTable, SymbolTable, unboundName, type ImportAttrs } from './symbols';
import { InputsIndex } from './inputs-index';
import { ReadTracker } from './reads';
import { defaultSummaryStore, ValueFlow, type FlowStats, type FlowTarget } from './valueflow';
import { T_DIRECT, T_INIT } from './valueflow/solver';
import { DECORATOR_KEY_SUFFIX } from './valueflow/shape';
import { addRates, emptyResolution, FileRates, finishResolution, type ResolutionStats } from './stats';
import { countGraphEdge, graphEdges, indexL4Lines, isResolved, type GraphCounts } from './complete';
import { addCounts } from '../../ir/model';
import { LineBuffer } from './line-buffer';

export interface L4Options {
  /** Index root; every path in the inputs and outputs is relative to it. */
  root: string;
  project: ProjectOut;
  /** Other projects whose definitions this project's names may resolve to (their L1 output directories). */
  deps?: readonly ProjectOut[];
  /** Resolve with value flow (default true): calls through variables, parameters, returns, attributes, containers. */
  valueFlow?: boolean;
  /**
   * Read the dependencies into value flow as flow summaries, solved once and cached (default true); false puts their
   * facts into the project's own fixpoint (as before summaries: for measuring what the summaries cost in precision).
   */
  flowSummaries?: boolean;
  /**
   * The directory where every project's L4 shares its dependencies' flow summaries (valueflow/summary-store.ts);
   * outside any project's outputs. Default `<root>/.codegraph/cache/flow-summaries`.
   */
  summaryStore?: string;
}

export interface L4Stats {
  files: number;
  imports: number;
  importsResolved: number;
  importsExternal: number;
  /** L1 edges L4 tried to complete (not counting IMPORTS). */
  edgesConsidered: number;
  edgesResolved: number;
  /** Files resolved in this run; the others' records were reused. */
  resolvedFiles: number;
  /**
   * Files of this project or its dependencies whose L1 output (IR or facts) could not be read — damaged, or gone
   * from a restored cache: what they define is missing from this run's answers. Absent when there are none.
   */
  unreadable?: string[];
  reusedFiles: number;
  /** Call sites and references resolved to a definition, by L1 or by this layer. */
  resolution: ResolutionStats;
  /** Value flow: facts loaded/extracted, the fixpoint's size and time, bounds hit. */
  flow?: FlowStats;
  /** The project's edges in the repo graph by kind, and how many of each are resolved (as `codegraph export`). */
  graph: GraphCounts;
  ms: number;
}

/** A line of a file's record in `resolved.pack`. */
export type L4Line =
  | {
      edge: string;
      id: string;
      src: string;
      /** Absent only for an import of a namespace package (no file, no node). */
      dst?: string;
      target: string;
      via: string;
      /** Kind of the destination node (Class, Function, Method, Variable, Module); absent with `external`. */
      kind?: string;
      /**
       * A derived call (`of`) to a name outside the corpus, which has no node (no `dst`): the application of an
       * external decorator (`@x.setter` → `builtins.property.setter`) as value flow names it. Its top-level module.
       */
      external?: string;
      /** The file defining the destination, when it is another file than the source's. */
      file?: string;
      /** The L1 kind when L4 changed it (a CALLS of a class becomes INSTANTIATES). */
      was?: string;
      /**
       * For a derived line — the CALLS to `__init__` after an INSTANTIATES, each further target value flow finds for
       * a call site, the call a decorator application makes — the L1 edge it derives from.
       */
      of?: string;
      /** A call Python makes implicitly (no L1 edge: `for` → `__iter__`, `a + b` → `__add__`): its span. */
      implicit?: true;
      span?: number[];
    }
  | { edge: string; id: string; unresolved: true; external?: string; target?: string; via?: string }
  /**
   * An L1 edge that does not happen: the `__init__` L1 found for a call of a class by name, where value flow shows
   * the name holds something else (a class decorator's result, a metaclass `__call__`): the call's own line says what
   * is called, and the `__init__` runs, if at all, from there.
   */
  | { edge: string; id: string; dropped: true };

/** Per-file counters of L4's work. */
type FileCounts = Pick<L4Stats, 'imports' | 'importsResolved' | 'importsExternal' | 'edgesConsidered' | 'edgesResolved'>;

/** What `l4/manifest.json` keeps per file: enough to rebuild deps.json and the stats without opening a record. */
export interface L4FileEntry {
  key: string;
  /** Files this file imports (other than itself), with the project of those outside this one. */
  imports: string[];
  foreign?: Record<string, string>;
  externals: string[];
  counts: FileCounts;
  resolution: ResolutionStats;
  /**
   * The modules whose interface facts the file's resolution read, by rank (LazySymbolTable.rankOf), sorted; absent
   * when the key holds the whole interface digest instead.
   */
  reads?: number[];
  /** The file's edges in the repo graph (L1 edges with this layer's completions; complete.ts), by kind. */
  graph: GraphCounts;
}

export interface L4Manifest {
  schema: 1;
  format: string;
  project: string;
  digest: string;
  files: Record<string, L4FileEntry>;
  /** This project's files whose IR could not be read (no entry in `files`). */
  missing?: string[];
  /** Files of this project or its dependencies whose IR or facts could not be read. */
  unreadable?: string[];
}

/** Bumped whenever what L4 writes for a file changes. */
export const L4_FORMAT = 'l4-5';

export const l4Dir = (outDir: string) => path.join(outDir, 'l4');
export const resolvedPackPath = (outDir: string) => path.join(l4Dir(outDir), 'resolved.pack');
export const l4ManifestPath = (outDir: string) => path.join(l4Dir(outDir), 'manifest.json');
export const depsPath = (outDir: string) => path.join(l4Dir(outDir), 'deps.json');
export const l4StatsPath = (outDir: string) => path.join(l4Dir(outDir), 'stats.json');

/** Builds the global symbol table of a project and its dependencies (this project first). Requires initHash(). */
export function buildSymbolTable(project: ProjectOut, deps: readonly ProjectOut[] = []): SymbolTable {
  const table = new SymbolTable();
  table.addProject(project);
  for (const d of deps) table.addProject(d);
  return table;
}

/**
 * The interface digest: every file's path, module and interface hash of the project and its dependencies, in the
 * order the symbol table adds them (first wins). Read from the L1 manifests only.
 */
export function interfaceDigest(project: ProjectOut, deps: readonly ProjectOut[], readers?: L1Readers): string {
  return withReaders(readers, (rs) => {
    const parts: string[] = [L4_FORMAT];
    const seen = new Set<string>();
    for (const p of [project, ...deps]) {
      if (seen.has(p.name)) continue;
      seen.add(p.name);
      parts.push(`\u0001${p.name}`);
      for (const r of rs.of(p).refs) parts.push(`${r.file}\0${r.module}\0${r.iface}`);
    }
    return hashString(parts.join('\n'));
  });
}

/**
 * What a read-set key covers besides the reads: every file's path and module of the project and its dependencies, in
 * table order — which modules exist, which file wins each, and what each read's rank names. Read from the L1
 * manifests only.
 */
export function fileListDigest(project: ProjectOut, deps: readonly ProjectOut[], readers?: L1Readers): string {
  return withReaders(readers, (rs) => {
    const parts: string[] = [L4_FORMAT, 'files'];
    const seen = new Set<string>();
    for (const p of [project, ...deps]) {
      if (seen.has(p.name)) continue;
      seen.add(p.name);
      parts.push(`\u0001${p.name}`);
      for (const r of rs.of(p).refs) parts.push(`${r.file}\0${r.module}`);
    }
    return hashString(parts.join('\n'));
  });
}

export async function runL4(opts: L4Options): Promise<L4Stats> {
  const t0 = performance.now();
  await initHash();
  const deps = opts.deps ?? [];
  const outDir = opts.project.outDir;
  removeStaleTemps(l4Dir(outDir));
  // Where an older L4 cached its dependencies' summaries (now shared in the summary store): not an output any more.
  fs.rmSync(path.join(l4Dir(outDir), 'flow-summary.pack'), { force: true });
  // Each project's L1 manifest is parsed once for the run's phases (stdlib's: ~1 MB of JSON).
  const readers = new L1Readers();
  const digest = interfaceDigest(opts.project, deps, readers);
  const prev = readJsonOrUndefined<L4Manifest>(l4ManifestPath(outDir));
  const prevFiles = prev?.schema === 1 && prev.format === L4_FORMAT ? prev.files : {};
  const prevPack = PackReader.open(resolvedPackPath(outDir));
  const l1 = readers.of(opts.project);
  let table: SymbolTable | undefined;
  /** The symbol table loaded as names are asked for: files are resolved against it when nothing was solved. */
  let lazy: LazySymbolTable | undefined;
  /** The resolver over the whole table, when the fixpoint was solved (shared with the files' when no reads are kept). */
  let solving: Resolver | undefined;
  const tableOf = () => (table ??= buildSymbolTable(opts.project, deps));
  let resolver: FileResolver | undefined;
  const files: Record<string, L4FileEntry> = {};
  const unreadable: string[] = [];
  let resolvedFiles = 0;
  let reusedFiles = 0;
  const pack = new PackWriter(resolvedPackPath(outDir));
  /**
   * The digest records are written under: the interface digest, unless some file's facts could not be read — then
   * what was resolved against that incomplete table is keyed apart, so a later run with the facts repaired (same
   * digest) resolves those files again instead of reusing results computed without them.
   */
  let writeDigest = digest;
  const keyUnreadable = (u: readonly string[]) => {
    if (u.length) writeDigest = hashString(`${digest}\0unreadable\0${u.join('\0')}`);
  };
  let flow: ValueFlow | undefined;
  /** With the lazy table's module ranks (every file's facts regular): what each file's resolution reads. */
  let tracker: ReadTracker | undefined;
  /** What a read-set key holds besides the reads: the file list (and the unreadable files, as `writeDigest`). */
  let filesDigest = '';
  const index = InputsIndex.open(outDir);
  try {
    if (opts.valueFlow !== false) {
      // The fixpoint is global: it runs whenever L4 does, and each file's key covers its part of the answer.
      const depProjects = deps.filter((d) => d.name !== opts.project.name);
      const prepared = await ValueFlow.prepare(opts.root, opts.project, deps, {
        summaries: opts.flowSummaries !== false,
        // The dependencies' fixpoints see their symbols only: their summaries must not depend on this project.
        depTable: () => buildSymbolTable(depProjects[0]!, depProjects.slice(1)),
        depProjects,
        store: opts.summaryStore ?? defaultSummaryStore(opts.root),
        index,
        readers,
      });
      // The whole table is built only if the fixpoint is solved; a run that reuses the answers loads what the files
      // it resolves ask for (LazySymbolTable: every file's facts regular, as the inputs index tells without decoding).
      lazy = LazySymbolTable.open([opts.project, ...deps], (ref) => index.regular(ref), readers);
      keyUnreadable(lazy ? lazy.unreadable : tableOf().unreadable);
      if (lazy) {
        const ranks = lazy;
        tracker = new ReadTracker((m) => ranks.rankOf(m));
        const list = fileListDigest(opts.project, deps, readers);
        filesDigest = writeDigest === digest ? list : hashString(`${list}\0${writeDigest}`);
      }
      // The solver's resolver reports no reads: value flow's answers enter each key as the file's answers digest, and
      // tracking its lookups made django's solve ~1.5x slower (measured); the files get a tracked resolver of their own.
      flow = await ValueFlow.build(opts.root, opts.project, deps, () => (solving ??= new Resolver(tableOf())), { prepared, interfaces: writeDigest });
    }
    /** A file's key: with a tracker, over the interfaces of the modules `reads` names, else over every interface. */
    const keyOf = (ref: ShardRef, flowDigest: string, reads: readonly number[] | undefined, base: string): string | undefined => {
      if (!tracker) return hashString(`${L4_FORMAT}\0${ref.key}\0${base}\0${flowDigest}`);
      if (!reads) return undefined;
      const ifaces = reads.map((r) => `${r}:${lazy!.ifaceOf(r) ?? ''}`).join(',');
      return hashString(`${L4_FORMAT}\0${ref.key}\0${filesDigest}\0${flowDigest}\0${ifaces}`);
    };
    for (const ref of l1.refs) {
      const flowDigest = flow?.digestOf(ref.file) ?? '';
      const old = prevFiles[ref.file];
      const key = old && keyOf(ref, flowDigest, old.reads, digest);
      if (key !== undefined && old?.key === key && prevPack && pack.copyFrom(prevPack, key)) {
        files[ref.file] = old;
        reusedFiles++;
        continue;
      }
      if (!resolver) {
        // Without read sets the solver's memoised answers are shared (the same answers: they depend on the name alone).
        const r = tracker ? new Resolver(table ?? lazy!, tracker) : (solving ?? new Resolver(lazy ?? tableOf()));
        resolver = new FileResolver(r, opts.project.name);
        resolver.flow = flow;
        if (!flow) keyUnreadable(tableOf().unreadable);
      }
      // Edges decoded one at a time as they are resolved: decoding whole records made most of sympy's L4 peak (its
      // largest files' edges are tens of MB as objects, all promoted to the old space before they die).
      const ir = l1.stream(ref);
      if (!ir) {
        unreadable.push(ref.file);
        continue;
      }
      let resolved: { entry: L4FileEntry; bytes: Uint8Array };
      try {
        resolved = resolver.resolveFile(ref, ir, (reads) => keyOf(ref, flowDigest, reads, writeDigest)!);
      } catch (err) {
        if (!(err instanceof DamagedRecordError)) throw err;
        unreadable.push(ref.file);
        continue;
      }
      const { entry, bytes } = resolved;
      pack.addRaw(entry.key, bytes);
      files[ref.file] = entry;
      resolvedFiles++;
    }
    pack.commit({ fsync: false });
    if (flow) index.save();
  } catch (err) {
    pack.abort();
    throw err;
  } finally {
    prevPack?.close();
    readers.close();
    flow?.close();
    lazy?.close();
  }
  const manifest: L4Manifest = { schema: 1, format: L4_FORMAT, project: opts.project.name, digest, files };
  if (unreadable.length) manifest.missing = [...unreadable].sort();
  const all = new Set([...unreadable, ...((table ?? lazy)?.unreadable ?? [])]);
  if (all.size) manifest.unreadable = [...all].sort();
  // Machine-read files, a line per file on django: written without indentation (28% of the manifest's bytes).
  writeFileAtomicSync(l4ManifestPath(outDir), `${JSON.stringify(manifest)}\n`);
  const depsJson = depsOf(manifest);
  writeFileAtomicSync(depsPath(outDir), `${JSON.stringify(depsJson)}\n`);
  const stats: L4Stats = { ...sumCounts(manifest), files: Object.keys(files).length + (manifest.missing?.length ?? 0), resolvedFiles, reusedFiles, ms: 0 };
  if (manifest.unreadable) stats.unreadable = manifest.unreadable;
  if (flow) {
    stats.flow = flow.stats;
    const usedLazy = !table && lazy !== undefined && resolver !== undefined;
    stats.flow.inputs = { factsDecoded: index.decoded, table: table ? 'built' : usedLazy ? 'lazy' : 'none', ...(usedLazy ? { tableFiles: lazy!.decoded } : {}) };
  }
  stats.ms = Math.round(performance.now() - t0);
  writeJsonAtomicSync(l4StatsPath(outDir), stats);
  return stats;
}

/** The file dependency graph of a project from its L4 manifest. */
export function depsOf(m: L4Manifest): DepsJson {
  const fileDeps = new Map<string, Set<string>>();
  const fileExternals = new Map<string, Set<string>>();
  const projectOf = new Map<string, string>();
  for (const [file, e] of Object.entries(m.files)) {
    fileDeps.set(file, new Set(e.imports));
    fileExternals.set(file, new Set(e.externals));
    for (const [f, p] of Object.entries(e.foreign ?? {})) projectOf.set(f, p);
  }
  // A file whose IR could not be read is still a file of the project (with nothing known of its imports).
  for (const f of m.missing ?? []) if (!fileDeps.has(f)) fileDeps.set(f, new Set());
  const deps = buildDeps(m.project, fileDeps, fileExternals, (f) => projectOf.get(f) ?? (fileDeps.has(f) ? m.project : undefined));
  if (m.unreadable?.length) deps.unreadable = m.unreadable;
  return deps;
}

function sumCounts(m: L4Manifest): Omit<L4Stats, 'files' | 'resolvedFiles' | 'reusedFiles' | 'ms'> {
  const c: FileCounts = { imports: 0, importsResolved: 0, importsExternal: 0, edgesConsidered: 0, edgesResolved: 0 };
  const resolution = emptyResolution();
  const graph: GraphCounts = { edges: {}, resolved: {} };
  for (const e of Object.values(m.files)) {
    for (const k of Object.keys(c) as (keyof FileCounts)[]) c[k] += e.counts[k];
    addRates(resolution, e.resolution);
    addCounts(graph.edges, e.graph.edges);
    addCounts(graph.resolved, e.graph.resolved);
  }
  return { ...c, resolution: finishResolution(resolution), graph };
}

/** Every L4 line of a project, file by file in path order (tests, exports). Requires initHash(). */
export function readResolved(outDir: string): L4Line[] {
  const out: L4Line[] = [];
  forEachResolved(outDir, (_file, lines) => {
    for (const l of lines) out.push(JSON.parse(l) as L4Line);
  });
  return out;
}

/** Calls `fn` with each file's L4 lines (raw JSON). Throws when the project has no L4 output. */
export function forEachResolved(outDir: string, fn: (file: string, lines: string[]) => void): void {
  const m = readJsonOrUndefined<L4Manifest>(l4ManifestPath(outDir));
  const pack = PackReader.open(resolvedPackPath(outDir));
  if (!m || !pack) throw new Error(`codegraph: no L4 output in ${outDir} (run L4 first)`);
  try {
    for (const [file, e] of Object.entries(m.files)) {
      const text = pack.text(e.key);
      if (text === undefined) throw new Error(`codegraph: L4 record of ${file} in ${outDir} is missing or damaged`);
      fn(file, text ? text.split('\n') : []);
    }
  } finally {
    pack.close();
  }
}

const SCOPE_KINDS = new Set(['Module', 'Class', 'Function', 'Method', 'Lambda']);

/** Whether span a contains span b ([line, col, endLine, endCol]). */
function contains(a: readonly number[], b: readonly number[]): boolean {
  const startsBefore = a[0]! < b[0]! || (a[0] === b[0] && a[1]! <= b[1]!);
  const endsAfter = a[2]! > b[2]! || (a[2] === b[2] && a[3]! >= b[3]!);
  return startsBefore && endsAfter;
}

/** A call site: its caller and span. */
const siteOf = (e: IrEdge): string => `${e.src}\0${e.span ? e.span.join(',') : e.id}`;

/** Decorators that keep the function callable as itself (or are modelled by name): no reason to ask value flow. */
const TRANSPARENT_DECORATORS = /^(staticmethod|classmethod|property|[\w.]*\.setter|[\w.]*\.getter|[\w.]*\.deleter|(functools\.)?(lru_cache|cache|cached_property|wraps)(\(.*\))?|abc\.abstractmethod|abstractmethod|(typing\.)?overload|override|dataclass(\(.*\))?|(dataclasses\.)?dataclass(\(.*\))?)$/;

const RESOLVABLE = new Set(['CALLS', 'INSTANTIATES', 'INHERITS', 'DECORATES']);
const UNRESOLVED: Res = { k: 'unresolved', fqn: '', flags: 0 };


/** Resolution of one file's edges against the table: its L4 lines, what it imports, its counters. */
class FileResolver {
  private stats: FileCounts = { imports: 0, importsResolved: 0, importsExternal: 0, edgesConsidered: 0, edgesResolved: 0 };
  /** The file's record: its lines, as they are written. */
  private out = new LineBuffer();
  /** The lines written for the edge being resolved (as objects): its graph edges and resolution state. */
  private edgeLines: L4Line[] = [];
  /** The file's resolution counts and graph edges, counted an edge at a time (the edges are not kept). */
  private rates: FileRates | undefined;
  private graph: GraphCounts = { edges: {}, resolved: {} };
  private file = '';
  private module = '';
  private deps = new Set<string>();
  private foreign: Record<string, string> = {};
  private externals = new Set<string>();
  private imports = new Map<string, IrNode>();
  /** Class and Method nodes by id, for `super()` calls. */
  private scopes = new Map<string, IrNode>();
  /** Value flow's answers, when L4 runs with it; this file's sites by span. */
  flow: ValueFlow | undefined;
  private sites: Map<string, FlowTarget[]> | undefined;
  /** Node id → its parent's id (the scope a decorator is applied in). */
  private parents = new Map<string, string>();
  /** Variables and parameters of the file: a call L1 took to one of them (`self.cb()`) calls what it holds. */
  private valueHolders = new Set<string>();
  /** The file's `__init__` methods. */
  private initCalls = new Set<string>();
  /** Definitions of the file under a decorator that may replace them. */
  private decorated = new Set<string>();
  /** Sites (siteOf) of class calls by name that value flow answered with what the name holds instead. */
  private replacedClassCalls = new Set<string>();

  constructor(
    private readonly r: Resolver,
    private readonly project: string,
  ) {}

  /** Resolves one file: its record (L4 lines as UTF-8, valid until the next file is resolved) and its manifest entry. */
  /** `keyOf`: the record's key, from what the resolution read (undefined without a tracker). */
  resolveFile(ref: ShardRef, ir: Pick<IrStream, 'nodes' | 'nextEdge'>, keyOf: (reads: number[] | undefined) => string): { entry: L4FileEntry; bytes: Uint8Array } {
    this.file = ref.file;
    this.module = ref.module;
    this.deps = new Set();
    this.foreign = {};
    this.externals = new Set();
    this.imports = new Map();
    this.scopes = new Map();
    this.sites = this.flow?.sitesOf(ref.file);
    this.out.reset();
    this.edgeLines = [];
    this.rates = new FileRates(ir.nodes);
    this.graph = { edges: {}, resolved: {} };
    this.stats = { imports: 0, importsResolved: 0, importsExternal: 0, edgesConsidered: 0, edgesResolved: 0 };
    const tracker = this.r.reads;
    tracker?.beginFile();
    this.run(ir.nodes, ir.nextEdge);
    const reads = tracker?.endFile();
    const entry: L4FileEntry = {
      key: keyOf(reads),
      ...(reads ? { reads } : {}),
      imports: [...this.deps].sort(),
      externals: [...this.externals].sort(),
      counts: this.stats,
      resolution: this.rates.result(),
      graph: this.graph,
    };
    if (Object.keys(this.foreign).length) entry.foreign = this.foreign;
    return { entry, bytes: this.out.bytes() };
  }

  private write(line: { edge: string; id: string; of?: string; unresolved?: true; external?: string; [k: string]: unknown }): void {
    this.out.push(JSON.stringify(line));
    this.edgeLines.push(line as L4Line);
  }

  /**
   * Counts edge `e` once resolved, from the lines written for it (as complete.ts's graphCounts and stats.ts's
   * countFile would over the whole file: every line L4 writes while resolving an edge is that edge's or derives from it).
   */
  private account(e: IrEdge): void {
    const lines = this.edgeLines;
    if (!lines.length) {
      this.rates!.edge(e, 0);
      countGraphEdge(this.graph, e.edge, e.dst !== undefined);
      return;
    }
    const c = indexL4Lines(lines);
    const own = c.byId.get(e.id);
    // A derived `__init__` call (`of`) is counted through the site of the edge it derives from.
    this.rates!.edge(e, own === undefined ? 0 : 'unresolved' in own ? (own.external !== undefined ? 2 : 0) : 1);
    for (const g of graphEdges([e], c)) countGraphEdge(this.graph, g.edge.edge, isResolved(g));
    this.edgeLines = [];
  }

  run(nodes: readonly IrNode[], nextEdge: () => IrEdge | undefined): void {
    this.parents = new Map();
    this.valueHolders = new Set();
    this.decorated = new Set();
    this.replacedClassCalls = new Set();
    this.initCalls = new Set();
    for (const n of nodes) {
      if (n.parent !== undefined) this.parents.set(n.id, n.parent);
      if (n.node === 'Variable' || n.node === 'Parameter') this.valueHolders.add(n.id);
      if (n.node === 'Method' && n.name === '__init__') this.initCalls.add(n.id);
      const decos = n.attrs?.decorators;
      if (Array.isArray(decos) && decos.some((d) => !TRANSPARENT_DECORATORS.test(String(d)))) this.decorated.add(n.id);
      if (n.node === 'Import') this.imports.set(n.id, n);
      else if (n.node === 'Class' || n.node === 'Method') this.scopes.set(n.id, n);
    }
    for (let e = nextEdge(); e; e = nextEdge()) {
      const kind = e.edge;
      if (kind === 'IMPORTS') this.onImport(e);
      else if (kind === 'READS') {
        // Only reads of a name bound by an import need L4; the rest are resolved in the file.
        const imp = e.dst === undefined ? undefined : this.imports.get(e.dst);
        if (imp) this.onImportRead(e, imp);
      } else if (RESOLVABLE.has(kind) && e.dst === undefined) this.onEdge(e);
      else if (kind === 'INSTANTIATES' && e.dst !== undefined) {
        // A class called by name whose name value flow shows holding something else: what flow calls there.
        const ts = this.flowTargets(e);
        if (ts && this.flowReplacesClass(ts) && this.completeByFlow(e, ts)) {
          this.stats.edgesConsidered++;
          this.replacedClassCalls.add(siteOf(e));
        }
      } else if (kind === 'CALLS' && e.dst !== undefined && this.initCalls.has(e.dst) && !(e.callee ?? '').endsWith('__init__')) {
        this.onNamedInit(e, e.dst);
      } else if (kind === 'CALLS' && e.dst !== undefined && this.flowKnowsBetter(e)) {
        const ts = this.flowTargets(e);
        if (ts && this.completeByFlow(e, ts)) this.stats.edgesConsidered++;
      }
      if (kind === 'DECORATES' && this.sites) this.onDecorator(e);
      this.account(e);
    }
    this.implicitCalls(nodes);
  }

  /**
   * The `__init__` L1 found for an instantiation by a depth-first walk of the file's classes: the C3 MRO (value
   * flow's) decides — unless the class is not what the site calls (its INSTANTIATES edge was then completed by flow,
   * with the `__init__`s flow found there): L1's `__init__` does not run here.
   */
  private onNamedInit(e: IrEdge, init: string): void {
    // L1 writes a class call's INSTANTIATES edge, then its `__init__` call, at the same span.
    if (this.replacedClassCalls.has(siteOf(e))) {
      this.write({ edge: e.edge, id: e.id, dropped: true });
      return;
    }
    const ts = this.flowTargets(e);
    if (!ts) return;
    const inits = ts.filter((t) => t.how === T_INIT && t.id !== undefined);
    if (inits.length && !(inits.length === 1 && inits[0]!.id === init)) {
      this.stats.edgesConsidered++;
      inits.forEach((t, i) => {
        const common = { edge: 'CALLS', src: e.src, dst: t.id, target: t.fqn, via: 'init', kind: t.kind, ...this.fileOfTarget(t) };
        if (i === 0) this.write({ id: e.id, ...common });
        else this.write({ id: hashString(`${e.id}\0__init__\0${t.id}`), ...common, of: e.id });
      });
    }
  }

  private addDep(fileIdx: number | undefined): void {
    const file = fileIdx === undefined ? undefined : this.r.table.files[fileIdx]!;
    if (file && file.path !== this.file) {
      this.deps.add(file.path);
      if (file.project !== this.project) this.foreign[file.path] = file.project;
    }
  }

  private onImport(e: IrEdge): void {
    const n = this.imports.get(e.src);
    if (!n) return;
    this.stats.imports++;
    // `from m import x` runs m (its `__init__.py` for a package) whatever x turns out to be: the file depends on
    // m's file as well as on the file defining x — a change to m's re-exports changes what x is.
    const a = (n.attrs ?? {}) as ImportAttrs;
    const r = this.resolveImport(n);
    // (Not when x is a submodule of m: `from . import errors` is `import pkg.errors`, which is no dependency on
    // the package's `__init__` — else every package importing its own submodules would be an import cycle.)
    if (a.name !== undefined && a.module && a.unresolved_relative === undefined && !(r.k === 'module' && r.fqn === `${a.module}.${a.name}`)) {
      const m = this.r.resolveModule(a.module);
      if (m.k === 'module') this.addDep(m.file);
    }
    if (r.k === 'def' || r.k === 'module') {
      this.stats.importsResolved++;
      this.addDep(r.file);
      const file = r.file === undefined ? undefined : this.r.table.files[r.file]!;
      this.write({
        edge: 'IMPORTS',
        id: e.id,
        src: e.src,
        ...(r.id !== undefined ? { dst: r.id } : {}),
        target: r.fqn,
        via: viaOf(r, 'import'),
        kind: r.kind,
        ...(file ? { file: file.path } : {}),
      });
      return;
    }
    if (r.k === 'external') {
      this.stats.importsExternal++;
      this.externals.add(r.ext!);
    }
    this.unresolved(e, r);
  }

  private resolveImport(n: IrNode): Res {
    const a = (n.attrs ?? {}) as ImportAttrs;
    if (a.unresolved_relative !== undefined || a.module === undefined) return UNRESOLVED;
    if (a.star) return this.r.resolveModule(a.module);
    if (a.name !== undefined) return this.r.resolveBinding({ m: a.module, n: a.name });
    return this.r.resolveModule(a.module);
  }

  private onImportRead(e: IrEdge, imp: IrNode): void {
    this.stats.edgesConsidered++;
    const b = importBinding(imp);
    this.complete(e, b ? this.r.resolveBinding(b.b) : UNRESOLVED, 'import');
  }

  private onEdge(e: IrEdge): void {
    this.stats.edgesConsidered++;
    const how = (e.attrs?.resolution as string | undefined) ?? '';
    let r: Res;
    let base: string;
    if (e.target !== undefined) [r, base] = [this.r.resolve(e.target), how || 'import'];
    else if (how === 'super') [r, base] = [this.resolveSuper(e), 'super'];
    else {
      const name = how === 'unresolved' ? unboundName(this.module, e.callee) : undefined;
      [r, base] = name !== undefined ? [this.r.resolve(name), 'star'] : [UNRESOLVED, ''];
    }
    // What names alone resolve stays (precision); what they leave open, value flow may answer.
    const ts = e.edge === 'CALLS' || e.edge === 'INSTANTIATES' ? this.flowTargets(e) : undefined;
    // A call of a variable (`config.handler()`, `from m import hook; hook()`) calls what the variable holds; a call
    // of a class whose name holds something else (`@singleton class C`) calls that.
    const holdsOther = r.k === 'def' && r.kind === 'Class' && ts !== undefined && this.flowReplacesClass(ts);
    if ((r.k !== 'def' || r.kind === 'Variable' || holdsOther) && ts && this.completeByFlow(e, ts)) return;
    const ext = r.k === 'def' || r.k === 'external' ? undefined : ts?.find((t) => t.how === T_DIRECT && t.external !== undefined);
    if (ext) this.write({ edge: e.edge, id: e.id, unresolved: true, external: ext.external, target: ext.fqn, via: 'flow' });
    else if (base === '') this.unresolved(e, r);
    else this.complete(e, r, base);
    if (ts) this.derivedByFlow(e, ts, false);
  }

  /**
   * Calls L1 resolved by name where what is called depends on values: a variable or parameter (`self.cb()`), a
   * method through `self`/`cls` (the receiver may be a subclass instance), `super()` (the receiver's MRO, not the
   * class's), a function or class replaced by a decorator. Value flow answers those when it has an answer.
   */
  private flowKnowsBetter(e: IrEdge): boolean {
    if (this.valueHolders.has(e.dst!)) return true;
    const callee = e.callee ?? '';
    if (callee.startsWith('super(') || /^(self|cls)\.\w+$/.test(callee)) return true;
    return this.decorated.has(e.dst!);
  }

  /**
   * Whether value flow answers a call that names a class with functions only: the name holds what a class decorator
   * returned (`@singleton class C` → `get`), or calling the class runs its metaclass's `__call__`. A site where flow
   * finds any class keeps the class: a decorator that returns its argument (`total_ordering`, `dataclass`) gives
   * back every class it decorates, context-insensitively, and the one named may be missing from a capped set — on
   * django, asking only for the named class to be missing replaced 280 such calls with other classes.
   */
  private flowReplacesClass(ts: readonly FlowTarget[]): boolean {
    let fn = false;
    for (const t of ts) {
      if (t.how !== T_DIRECT || t.id === undefined) continue;
      if (t.kind === 'Class') return false;
      fn = true;
    }
    return fn;
  }

  private flowTargets(e: IrEdge): FlowTarget[] | undefined {
    return e.span ? this.sites?.get(e.span.join(',')) : undefined;
  }

  /**
   * A call site answered by value flow: its first direct target on the edge's own line, the others derived (`of`),
   * then the `__init__`s and callbacks it runs. False when flow has no direct target in the corpus.
   */
  private completeByFlow(e: IrEdge, ts: FlowTarget[]): boolean {
    const direct = ts.filter((t) => t.how === T_DIRECT && t.id !== undefined);
    if (!direct.length) return false;
    this.stats.edgesResolved++;
    direct.forEach((t, i) => {
      const edge = t.kind === 'Class' ? 'INSTANTIATES' : 'CALLS';
      const common = { src: e.src, dst: t.id, target: t.fqn, via: 'flow', kind: t.kind, ...this.fileOfTarget(t) };
      if (i === 0) this.write({ edge, id: e.id, ...common, ...(edge !== e.edge ? { was: e.edge } : {}) });
      else this.write({ edge, id: hashString(`${e.id}\0flow\0${t.id}`), ...common, of: e.id });
    });
    this.derivedByFlow(e, ts, true);
    return true;
  }

  /** The calls a site makes besides its callee: `__init__` of what it instantiates (when `withInit`), callbacks. */
  private derivedByFlow(e: IrEdge, ts: FlowTarget[], withInit: boolean): void {
    for (const t of ts) {
      if (t.id === undefined || t.how === T_DIRECT || (t.how === T_INIT && !withInit)) continue;
      const [tag, via] = t.how === T_INIT ? ['__init__', 'init'] : ['callback', 'flow-callback'];
      this.write({ edge: t.kind === 'Class' ? 'INSTANTIATES' : 'CALLS', id: hashString(`${e.id}\0${tag}\0${t.id}`), src: e.src, dst: t.id, target: t.fqn, via, kind: t.kind, of: e.id, ...this.fileOfTarget(t) });
    }
  }

  private fileOfTarget(t: FlowTarget): { file?: string } {
    return t.file !== undefined && t.file !== this.file ? { file: t.file } : {};
  }

  /** Calls Python makes implicitly (no L1 edge): lines of their own with the span, from the innermost scope. */
  private implicitCalls(nodes: readonly IrNode[]): void {
    const sites = this.flow?.implicitOf(this.file) ?? [];
    if (!sites.length) return;
    const scopes = nodes.filter((n) => SCOPE_KINDS.has(n.node));
    for (const { span, targets } of sites) {
      let src: IrNode | undefined;
      for (const n of scopes) if (contains(n.span, span) && (!src || contains(src.span, n.span))) src = n;
      if (!src) continue;
      for (const t of targets) {
        const edge = t.kind === 'Class' ? 'INSTANTIATES' : 'CALLS';
        const id = hashString(`${this.file}\0${span.join(',')}\0${t.how}\0${t.id}`);
        this.write({ edge, id, src: src.id, dst: t.id, target: t.fqn, via: t.how === T_INIT ? 'init' : 'flow-implicit', kind: t.kind, span, implicit: true, ...this.fileOfTarget(t) });
        // After the file's edges: a graph edge of its own, resolved.
        countGraphEdge(this.graph, edge, true);
        this.rates!.implicit(src.id, span);
      }
    }
  }

  /** `@d def f`: applying d is a call of d (and of what d returns when d is a factory) by the enclosing scope. */
  private onDecorator(e: IrEdge): void {
    const ts = e.span ? this.sites?.get(e.span.join(',') + DECORATOR_KEY_SUFFIX) : undefined;
    const src = this.parents.get(e.src) ?? e.src;
    if (!ts) return;
    const outside = this.loneExternal(ts);
    if (outside) {
      this.write({ edge: 'CALLS', id: hashString(`${e.id}\0apply\0${outside.fqn}`), src, target: outside.fqn, via: 'flow-decorator', external: outside.external, of: e.id });
      if (e.span) this.rates!.implicit(src, e.span, 2);
      return;
    }
    for (const t of ts) {
      if (t.id === undefined) continue;
      // A class used as a decorator is instantiated: its `__init__` runs (and the class is what the name holds).
      const edge = t.kind === 'Class' ? 'INSTANTIATES' : 'CALLS';
      this.write({ edge, id: hashString(`${e.id}\0apply\0${t.id}`), src, dst: t.id, target: t.fqn, via: t.how === T_INIT ? 'init' : 'flow-decorator', kind: t.kind, of: e.id, ...this.fileOfTarget(t) });
      // A call site of the graph (enclosing scope, decorator span) that no L1 call edge has: counted with them.
      if (e.span) this.rates!.implicit(src, e.span);
    }
  }

  /**
   * Applying a decorator from outside the corpus is a call of it all the same (`@x.setter` → `builtins.property.setter`),
   * written when it is all value flow finds at the site: one name outside the corpus. Where flow finds several (a
   * decorator read through a value with a wide set, `@register.filter(…)` on django), those names are attribute paths
   * made up along that set (`builtins.int.numerator._exp`, 20 on each of 64 sites), not calls; on django the lone
   * names were all `builtins.property`, `.setter`, `classmethod` and `staticmethod` (635 sites).
   */
  private loneExternal(ts: readonly FlowTarget[]): (FlowTarget & { external: string }) | undefined {
    if (ts.length !== 1) return undefined;
    const t = ts[0]!;
    return t.how === T_DIRECT && t.id === undefined && t.external !== undefined ? (t as FlowTarget & { external: string }) : undefined;
  }

  /** `super().m()` in a method: m along the MRO of the method's class, after the class itself. */
  private resolveSuper(e: IrEdge): Res {
    const method = this.scopes.get(e.src);
    if (!method || method.node !== 'Method' || !e.callee) return UNRESOLVED;
    const cls = method.parent === undefined ? undefined : this.scopes.get(method.parent);
    if (!cls) return UNRESOLVED;
    const name = e.callee.slice(e.callee.lastIndexOf('.') + 1);
    return this.r.member(cls.fqn, name, true);
  }

  private complete(e: IrEdge, r: Res, base: string): void {
    // A call or a base that names a module is a misresolution, not a result.
    if (r.k !== 'def' && !(r.k === 'module' && r.id !== undefined && e.edge !== 'CALLS' && e.edge !== 'INHERITS')) {
      this.unresolved(e, r);
      return;
    }
    this.stats.edgesResolved++;
    const via = base === 'super' ? 'super' : viaOf(r, base);
    if (e.edge === 'CALLS' && r.kind === 'Class') {
      this.write({ edge: 'INSTANTIATES', id: e.id, src: e.src, dst: r.id, target: r.fqn, via, kind: r.kind, was: 'CALLS', ...this.fileOf(r) });
      const init = this.r.member(r.fqn, '__init__');
      if (init.k === 'def') {
        this.write({ edge: 'CALLS', id: hashString(`${e.id}\0__init__`), src: e.src, dst: init.id, target: init.fqn, via: 'init', kind: init.kind, of: e.id, ...this.fileOf(init) });
      }
      return;
    }
    this.write({ edge: e.edge, id: e.id, src: e.src, dst: r.id, target: r.fqn, via, kind: r.kind, ...this.fileOf(r) });
  }

  /** `{file}` of a destination in another file: consumers jump to it, the repo merge counts cross-project edges. */
  private fileOf(r: Res): { file?: string } {
    const f = r.file === undefined ? undefined : this.r.table.files[r.file]!.path;
    return f !== undefined && f !== this.file ? { file: f } : {};
  }

  private unresolved(e: IrEdge, r: Res): void {
    this.write({ edge: e.edge, id: e.id, unresolved: true, ...(r.k === 'external' ? { external: r.ext } : {}) });
  }
}
