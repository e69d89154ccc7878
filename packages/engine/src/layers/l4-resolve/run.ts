/**
 * L4 — cross-file resolution for one project.
 *
 * Inputs: the L1 output of this project and of the projects it may import from (`deps`). Outputs, under
 * `<project.outDir>/l4/`, all written atomically:
 * - `resolved.jsonl`: one line per L1 edge this layer had to finish — IMPORTS (every import), CALLS / INSTANTIATES
 *   / INHERITS / DECORATES left without `dst` by L1, and READS of names bound by imports — either completed
 *   (`dst`, `target`, `via`) or marked `unresolved` (with `external` when the name is outside the corpus);
 * - `deps.json`: the file dependency graph, its topological order and its cycles;
 * - `symbols.json`: this project's modules and definitions (the part of the global table it contributes);
 * - `stats.json`.
 *
 * Two streaming passes, one shard in memory at a time: the first builds the global symbol table (this project
 * first, so its modules win over same-named ones elsewhere), the second resolves this project's edges.
 */
import * as path from 'node:path';
import type { IrEdge, IrNode } from '../../ir/model';
import { removeStaleTemps, writeFileAtomicSync, writeJsonAtomicSync } from '../../util/atomic';
import { hashString, initHash } from '../../util/hash';
import { buildDeps, type DepsJson } from './deps';
import { AtomicLineWriter } from '../../util/line-writer';
import { Resolver, viaOf, type Res } from './resolver';
import { isNodeLine, lineKind, projectShards, rawField, shardLines, type ProjectOut } from '../l1-structure/stream';
import { importBinding, SymbolTable, unboundName, type ImportAttrs } from './symbols';

export interface L4Options {
  /** Index root; every path in the inputs and outputs is relative to it. */
  root: string;
  project: ProjectOut;
  /** Other projects whose definitions this project's names may resolve to (their L1 output directories). */
  deps?: readonly ProjectOut[];
  /** What `symbols.json` holds: this project's definitions (default), every project's, or nothing. */
  symbols?: 'project' | 'global' | 'none';
}

export interface L4Stats {
  files: number;
  imports: number;
  importsResolved: number;
  importsExternal: number;
  /** L1 edges L4 tried to complete (not counting IMPORTS). */
  edgesConsidered: number;
  edgesResolved: number;
  ms: number;
}

/** A line of `resolved.jsonl`. */
export type L4Line =
  | {
      edge: string;
      id: string;
      src: string;
      /** Absent only for an import of a namespace package (no file, no node). */
      dst?: string;
      target: string;
      via: string;
      /** Kind of the destination node (Class, Function, Method, Variable, Module). */
      kind: string;
      /** The file defining the destination, when it is another file than the source's. */
      file?: string;
      /** The L1 kind when L4 changed it (a CALLS of a class becomes INSTANTIATES). */
      was?: string;
      /** For the CALLS to `__init__` L4 adds after an INSTANTIATES: the L1 edge it derives from. */
      of?: string;
    }
  | { edge: string; id: string; unresolved: true; external?: string };

export const l4Dir = (outDir: string) => path.join(outDir, 'l4');
export const resolvedPath = (outDir: string) => path.join(l4Dir(outDir), 'resolved.jsonl');
export const depsPath = (outDir: string) => path.join(l4Dir(outDir), 'deps.json');
export const symbolsPath = (outDir: string) => path.join(l4Dir(outDir), 'symbols.json');
export const l4StatsPath = (outDir: string) => path.join(l4Dir(outDir), 'stats.json');

/** Builds the global symbol table of a project and its dependencies (this project first). Requires initHash(). */
export function buildSymbolTable(project: ProjectOut, deps: readonly ProjectOut[] = []): SymbolTable {
  const table = new SymbolTable();
  table.addProject(project);
  for (const d of deps) table.addProject(d);
  return table;
}

export async function runL4(opts: L4Options): Promise<L4Stats> {
  const t0 = performance.now();
  await initHash();
  // Temps left by a killed run (`resolved.jsonl.tmp-*`...) are never picked up again: remove them first.
  removeStaleTemps(l4Dir(opts.project.outDir));
  const table = buildSymbolTable(opts.project, opts.deps ?? []);
  const resolver = new Resolver(table);
  const out = new AtomicLineWriter(resolvedPath(opts.project.outDir));
  const ctx = new FileResolver(resolver, out);
  try {
    for (const s of projectShards(opts.project.outDir)) {
      const lines = shardLines(s.shard);
      ctx.beginFile(s.file, s.module);
      if (lines) ctx.run(lines);
    }
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  const deps: DepsJson = buildDeps(opts.project.name, ctx.fileDeps, ctx.fileExternals, (f) => ctx.projectOf.get(f));
  if (table.unreadable.length) deps.unreadable = table.unreadable;
  writeJsonAtomicSync(depsPath(opts.project.outDir), deps);
  if (opts.symbols !== 'none') {
    const sym = table.toJSON(opts.symbols === 'global' ? undefined : opts.project.name);
    writeFileAtomicSync(symbolsPath(opts.project.outDir), JSON.stringify(sym) + '\n');
  }
  const stats: L4Stats = { ...ctx.stats, files: ctx.fileDeps.size, ms: Math.round(performance.now() - t0) };
  writeJsonAtomicSync(l4StatsPath(opts.project.outDir), stats);
  return stats;
}

const RESOLVABLE = new Set(['CALLS', 'INSTANTIATES', 'INHERITS', 'DECORATES']);
const UNRESOLVED: Res = { k: 'unresolved', fqn: '', flags: 0 };


/** Resolution of one file's edges against the table; accumulates the dependency graph and the counters. */
class FileResolver {
  readonly stats = { imports: 0, importsResolved: 0, importsExternal: 0, edgesConsidered: 0, edgesResolved: 0 };
  readonly fileDeps = new Map<string, Set<string>>();
  readonly fileExternals = new Map<string, Set<string>>();
  /** Project of every file this project imports from. */
  readonly projectOf = new Map<string, string>();
  private file = '';
  private module = '';
  private deps = new Set<string>();
  private externals = new Set<string>();
  private imports = new Map<string, IrNode>();
  /** Raw lines of Class and Method nodes, parsed only for `super()` calls. */
  private scopes = new Map<string, string>();

  constructor(
    private readonly r: Resolver,
    private readonly out: AtomicLineWriter,
  ) {}

  beginFile(file: string, module: string): void {
    this.file = file;
    this.module = module;
    this.deps = new Set();
    this.externals = new Set();
    this.fileDeps.set(file, this.deps);
    this.fileExternals.set(file, this.externals);
    this.imports.clear();
    this.scopes.clear();
  }

  run(lines: readonly string[]): void {
    for (const line of lines) {
      const kind = lineKind(line);
      if (isNodeLine(line)) {
        if (kind === 'Import') {
          const n = JSON.parse(line) as IrNode;
          this.imports.set(n.id, n);
        } else if (kind === 'Class' || kind === 'Method') this.scopes.set(rawField(line, 'id')!, line);
        continue;
      }
      if (kind === 'IMPORTS') this.onImport(JSON.parse(line) as IrEdge);
      else if (kind === 'READS') {
        // Only reads of a name bound by an import need L4; the rest are resolved in the file.
        const dst = rawField(line, 'dst');
        const imp = dst === undefined ? undefined : this.imports.get(dst);
        if (imp) this.onImportRead(JSON.parse(line) as IrEdge, imp);
      } else if (RESOLVABLE.has(kind) && !line.includes('"dst":"')) this.onEdge(JSON.parse(line) as IrEdge);
    }
  }

  private addDep(fileIdx: number | undefined): void {
    const file = fileIdx === undefined ? undefined : this.r.table.files[fileIdx]!;
    if (file && file.path !== this.file) {
      this.deps.add(file.path);
      this.projectOf.set(file.path, file.project);
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
      this.out.write({
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
    if (e.target !== undefined) this.complete(e, this.r.resolve(e.target), how || 'import');
    else if (how === 'super') this.complete(e, this.resolveSuper(e), 'super');
    else {
      const name = how === 'unresolved' ? unboundName(this.module, e.callee) : undefined;
      if (name !== undefined) this.complete(e, this.r.resolve(name), 'star');
      else this.unresolved(e, UNRESOLVED);
    }
  }

  /** `super().m()` in a method: m along the MRO of the method's class, after the class itself. */
  private resolveSuper(e: IrEdge): Res {
    const methodLine = this.scopes.get(e.src);
    if (!methodLine || lineKind(methodLine) !== 'Method' || !e.callee) return UNRESOLVED;
    const method = JSON.parse(methodLine) as IrNode;
    const clsLine = method.parent === undefined ? undefined : this.scopes.get(method.parent);
    if (!clsLine) return UNRESOLVED;
    const cls = JSON.parse(clsLine) as IrNode;
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
      this.out.write({ edge: 'INSTANTIATES', id: e.id, src: e.src, dst: r.id, target: r.fqn, via, kind: r.kind, was: 'CALLS', ...this.fileOf(r) });
      const init = this.r.member(r.fqn, '__init__');
      if (init.k === 'def') {
        this.out.write({ edge: 'CALLS', id: hashString(`${e.id}\0__init__`), src: e.src, dst: init.id, target: init.fqn, via: 'init', kind: init.kind, of: e.id, ...this.fileOf(init) });
      }
      return;
    }
    this.out.write({ edge: e.edge, id: e.id, src: e.src, dst: r.id, target: r.fqn, via, kind: r.kind, ...this.fileOf(r) });
  }

  /** `{file}` of a destination in another file: consumers jump to it, the repo merge counts cross-project edges. */
  private fileOf(r: Res): { file?: string } {
    const f = r.file === undefined ? undefined : this.r.table.files[r.file]!.path;
    return f !== undefined && f !== this.file ? { file: f } : {};
  }

  private unresolved(e: IrEdge, r: Res): void {
    this.out.write({ edge: e.edge, id: e.id, unresolved: true, ...(r.k === 'external' ? { external: r.ext } : {}) });
  }
}
