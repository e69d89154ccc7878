/**
 * Value flow in L4: loads the flow facts of a project and its dependencies, solves them, and answers, per file of the
 * project, which definitions each call site (keyed by the span L1 gave its edge) may call — plus a digest of those
 * answers, which L4 folds into the file's record key (an edit elsewhere that changes what flows into this file
 * re-resolves it; one that changes nothing leaves it reused).
 */
import type { IrNode } from '../../../ir/model';
import { hashString } from '../../../util/hash';
import { L1Reader, type ProjectOut, type ShardRef } from '../../l1-structure/stream';
import type { Resolver } from '../resolver';
import { forEachFlowFacts, type FlowSourceStats } from './facts-source';
import { SITE_IMPLICIT } from '../../../lang/python/valueflow/model';
import { FlowSolver, O, T_DIRECT, type SolveStats } from './solver';

export { FlowSolver } from './solver';

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
}

/** A call Python makes implicitly at a span (no L1 edge): `for` → `__iter__`, `a + b` → `__add__`, a property read. */
export interface ImplicitSite {
  span: [number, number, number, number];
  targets: FlowTarget[];
}

export class ValueFlow {
  private byFile = new Map<string, Map<string, FlowTarget[]>>();
  private implicitByFile = new Map<string, ImplicitSite[]>();
  private digests = new Map<string, string>();
  private refs = new Map<string, { outDir: string; ref: ShardRef }>();
  private nodesByPos = new Map<string, Map<string, IrNode>>();
  private readers = new Map<string, L1Reader>();

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

  /** Loads every file's facts (project first, then deps), solves, and indexes the project's sites. */
  static async build(root: string, project: ProjectOut, deps: readonly ProjectOut[], resolver: Resolver, opts: { provenance?: boolean } = {}): Promise<ValueFlow> {
    const solver = new FlowSolver(resolver, opts);
    const own = new Set<string>();
    const source = await forEachFlowFacts(root, project, deps, (f) => {
      if (f.project === project.name) own.add(f.file);
      solver.addFacts(f.file, f.facts);
    });
    const solve = solver.solve();
    const vf = new ValueFlow(solver, { source, solve, sitesWithTargets: 0 });
    for (const p of [project, ...deps]) {
      const l1 = L1Reader.open(p.outDir);
      vf.readers.set(p.outDir, l1);
      for (const ref of l1.refs) if (!vf.refs.has(ref.file)) vf.refs.set(ref.file, { outDir: p.outDir, ref });
    }
    vf.index(own);
    // The index holds the answers; what it needed to build them goes (L4 resolves every file after this).
    vf.nodesByPos.clear();
    for (const r of vf.readers.values()) r.close();
    vf.readers.clear();
    vf.refs.clear();
    if (!opts.provenance) vf.kept = undefined;
    return vf;
  }

  close(): void {
    for (const r of this.readers.values()) r.close();
    this.readers.clear();
  }

  /** Targets of the sites of a project file, by "line,col,endLine,endCol". */
  sitesOf(file: string): Map<string, FlowTarget[]> | undefined {
    return this.byFile.get(file);
  }

  /** The implicit calls of a project file whose targets are in the corpus. */
  implicitOf(file: string): ImplicitSite[] {
    return this.implicitByFile.get(file) ?? [];
  }

  /** Digest of a file's flow answers ('' when it has none). */
  digestOf(file: string): string {
    return this.digests.get(file) ?? '';
  }

  private index(own: Set<string>): void {
    const s = this.solver;
    const perFile = new Map<string, string[]>();
    for (const [site, codes] of s.targets) {
      const [fileIdx, l, c, el, ec, kind] = s.siteAt(site);
      const file = s.files[fileIdx!]!;
      if (!own.has(file)) continue;
      const list: FlowTarget[] = [];
      for (const code of codes) {
        const t = this.target(code >> 2, code & 3);
        if (t) list.push(t);
      }
      if (!list.length) continue;
      const key = `${l},${c},${el},${ec}`;
      if (kind === SITE_IMPLICIT) {
        const inCorpus = list.filter((t) => t.id !== undefined);
        if (!inCorpus.length) continue;
        let imp = this.implicitByFile.get(file);
        if (!imp) this.implicitByFile.set(file, (imp = []));
        imp.push({ span: [l!, c!, el!, ec!], targets: inCorpus });
      } else {
        let m = this.byFile.get(file);
        if (!m) this.byFile.set(file, (m = new Map()));
        m.set(key, list);
      }
      if (list.some((t) => t.id !== undefined)) this.stats.sitesWithTargets++;
      let parts = perFile.get(file);
      if (!parts) perFile.set(file, (parts = []));
      parts.push(`${kind}:${key}=${list.map((t) => `${t.how}:${t.id ?? t.external ?? t.fqn}`).join('|')}`);
    }
    for (const [file, parts] of perFile) this.digests.set(file, hashString(parts.sort().join('\n')));
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
    const node = this.nodeAt(file, line, col);
    if (!node) return { how, fqn };
    return { how, id: node.id, fqn: node.fqn, kind: node.node, file };
  }

  /** The L1 Function/Method/Class/Lambda node whose name (lambda: whole span) starts at line:col. */
  private nodeAt(file: string, line: number, col: number): IrNode | undefined {
    let m = this.nodesByPos.get(file);
    if (!m) {
      m = new Map();
      this.nodesByPos.set(file, m);
      const r = this.refs.get(file);
      const ir = r ? this.readers.get(r.outDir)?.record(r.ref) : undefined;
      for (const n of ir?.nodes ?? []) {
        if (n.node === 'Lambda') m.set(`${n.span[0]},${n.span[1]}`, n);
        else if (n.node === 'Function' || n.node === 'Method' || n.node === 'Class') {
          const ns = n.attrs?.name_span as number[] | undefined;
          if (ns) m.set(`${ns[0]},${ns[1]}`, n);
        }
      }
    }
    return m.get(`${line},${col}`);
  }
}

export const isDirect = (t: FlowTarget) => t.how === T_DIRECT;
