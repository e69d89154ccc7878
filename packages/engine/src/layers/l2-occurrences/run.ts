/**
 * L2: SCIP occurrences of a project, from its L1 IR.
 *
 * Outputs, under `<outDir>/l2/`:
 * - `docs.pack` — one record per file: its occurrences (see document.ts), keyed by xxh64(L2 format, L1 key): an
 *   unchanged file reuses its document (copied, never decompressed), an edited one recomputes only its own;
 * - `manifest.json` — per file the document's key and occurrence count;
 * - `stats.json`.
 *
 * A SCIP `index.scip` is an export (`codegraph export --format scip`, `writeProjectScip` / `writeRepoScip`): it
 * needs every document and, for cross-project symbols, every other project's definitions, so writing it on every
 * run would make each edit O(project) or O(repo) in bytes written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonOrUndefined, removeStaleTemps, writeJsonAtomicSync } from '../../util/atomic';
import { hashString, initHash } from '../../util/hash';
import { PackReader, PackWriter } from '../../util/pack';
import { ENGINE_VERSION } from '../../version';
import { AtomicLineWriter } from '../../util/line-writer';
import { L1Reader } from '../l1-structure/stream';
import { buildDocument, L2_FORMAT, type L2Doc, type Occ } from './document';
import { encodeDocument, encodeExternalSymbol, encodeMetadata, type OccurrenceIn, type SymbolInfoIn } from './scip';
import * as d from './symbols';
import { rangeKey, ResolvedSites, type FileSites } from './resolved';

export interface L2Options {
  /** Index root: documents' relative paths are L1's file paths, relative to it. */
  root: string;
  project: { name: string; outDir: string };
}

export interface L2Stats {
  files: number;
  computed: number;
  reused: number;
  /** Files whose L1 record was missing or damaged (no document). */
  missing: number;
  occurrences: number;
  /** Bytes of `docs.pack`. */
  bytes: number;
  ms: number;
}

export interface L2Manifest {
  schema: 1;
  format: number;
  files: Record<string, { key: string; occurrences: number }>;
}

export const l2Dir = (outDir: string) => path.join(outDir, 'l2');
export const docsPackPath = (outDir: string) => path.join(outDir, 'l2', 'docs.pack');
export const l2ManifestPath = (outDir: string) => path.join(outDir, 'l2', 'manifest.json');
export const l2StatsPath = (outDir: string) => path.join(outDir, 'l2', 'stats.json');

const docKey = (l1Key: string) => hashString(`${L2_FORMAT}\0${l1Key}`);

export async function runL2(opts: L2Options): Promise<L2Stats> {
  const t0 = Date.now();
  await initHash();
  const outDir = opts.project.outDir;
  const dir = l2Dir(outDir);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  // Outputs of the format before packs.
  for (const old of ['docs', 'index.scip', 'defs.json']) fs.rmSync(path.join(dir, old), { recursive: true, force: true });
  const prevManifest = readJsonOrUndefined<L2Manifest>(l2ManifestPath(outDir));
  const prev = PackReader.open(docsPackPath(outDir));
  const l1 = L1Reader.open(outDir);
  const pack = new PackWriter(docsPackPath(outDir));
  const manifest: L2Manifest = { schema: 1, format: L2_FORMAT, files: {} };
  let computed = 0;
  let reused = 0;
  let missing = 0;
  let occurrences = 0;
  try {
    for (const ref of l1.refs) {
      const key = docKey(ref.key);
      const old = prevManifest?.format === L2_FORMAT ? prevManifest.files[ref.file] : undefined;
      if (old?.key === key && prev && pack.copyFrom(prev, key)) {
        reused++;
        manifest.files[ref.file] = old;
        occurrences += old.occurrences;
        continue;
      }
      const ir = l1.record(ref);
      if (!ir) {
        missing++;
        continue;
      }
      const doc = buildDocument(ref.file, ref.module, ir.nodes, ir.edges);
      pack.addRaw(key, JSON.stringify(doc));
      manifest.files[ref.file] = { key, occurrences: doc.occ.length };
      occurrences += doc.occ.length;
      computed++;
    }
    pack.commit({ fsync: false });
  } catch (err) {
    pack.abort();
    throw err;
  } finally {
    prev?.close();
    l1.close();
  }
  writeJsonAtomicSync(l2ManifestPath(outDir), manifest);
  const stats: L2Stats = { files: Object.keys(manifest.files).length, computed, reused, missing, occurrences, bytes: pack.bytes, ms: Date.now() - t0 };
  writeJsonAtomicSync(l2StatsPath(outDir), stats);
  return stats;
}

/** A project's documents in path order: from its L2 pack, or computed from its L1 IR where the pack lacks one. */
function* projectDocs(outDir: string): Generator<L2Doc> {
  const m = readJsonOrUndefined<L2Manifest>(l2ManifestPath(outDir));
  const pack = PackReader.open(docsPackPath(outDir));
  const l1 = L1Reader.open(outDir);
  try {
    for (const ref of l1.refs) {
      const e = m?.format === L2_FORMAT ? m.files[ref.file] : undefined;
      const text = e && pack?.text(e.key);
      if (text !== undefined) {
        yield JSON.parse(text) as L2Doc;
        continue;
      }
      const ir = l1.record(ref);
      if (ir) yield buildDocument(ref.file, ref.module, ir.nodes, ir.edges);
    }
  } finally {
    pack?.close();
    l1.close();
  }
}

/** Documents of a project as a re-iterable source: each pass re-reads them (a project's occurrences can be millions). */
function docSource(outDir: string): Iterable<L2Doc> {
  return { [Symbol.iterator]: () => projectDocs(outDir) };
}

/**
 * Appends the SCIP Documents of a project's files, references resolved against its own and the owners' definitions,
 * and the sites the project's L4 resolved given L4's targets (when the project has L4 output).
 */
function encodeDocuments(resolver: Resolver, docs: Iterable<L2Doc>, outDir: string, out: AtomicLineWriter): { documents: number; occurrences: number; symbols: number } {
  let documents = 0;
  let occurrences = 0;
  let symbols = 0;
  const sites = ResolvedSites.open(outDir);
  try {
    for (const doc of docs) {
      const { occ, info } = resolver.document(doc, sites?.of(doc.file));
      documents++;
      occurrences += occ.length;
      symbols += info.length;
      out.writeBytes(encodeDocument(doc.file, occ, info));
    }
  } finally {
    sites?.close();
  }
  return { documents, occurrences, symbols };
}

const bySymbol = (a: SymbolInfoIn, b: SymbolInfoIn) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);

export interface ProjectScipOptions {
  root: string;
  project: { name: string; outDir: string };
  /** Package of the project's symbols. */
  package: d.PackageRef;
  /** Projects this one may reference (their L1 manifests give module ownership, their documents definitions). */
  owners?: Array<{ package: d.PackageRef; outDir: string }>;
  /** The `index.scip` to write. */
  out: string;
}

/** One project's SCIP index (an export: L2's documents resolved against the project and its owners). */
export async function writeProjectScip(o: ProjectScipOptions): Promise<{ documents: number; occurrences: number; symbols: number; externalSymbols: number; bytes: number }> {
  await initHash();
  const docs = docSource(o.project.outDir);
  const resolver = new Resolver(o.package, o.owners ?? [], docs);
  const out = new AtomicLineWriter(o.out);
  try {
    out.writeBytes(encodeMetadata(ENGINE_VERSION, o.root));
    const counts = encodeDocuments(resolver, docs, o.project.outDir, out);
    const externals = [...resolver.external.values()].sort(bySymbol);
    for (const s of externals) out.writeBytes(encodeExternalSymbol(s));
    out.commit();
    return { ...counts, externalSymbols: externals.length, bytes: out.bytes };
  } catch (err) {
    out.abort();
    throw err;
  }
}

export interface RepoScipOptions {
  root: string;
  projects: Array<{ name: string; outDir: string; package: d.PackageRef }>;
  /** The repo `index.scip` to write. */
  out: string;
}

/**
 * The repo-wide `index.scip`: every project's documents (read from its L2 output, never written to it) with
 * references resolved against every other project, so a cross-project reference carries exactly the symbol string
 * of its definition. A project's own `l2/index.scip` only knows itself: its L2 depends on nothing but its own L1,
 * which is what keeps an edit in one project from re-running the L2 of every project importing it.
 */
export async function writeRepoScip(o: RepoScipOptions): Promise<{ documents: number; occurrences: number; externalSymbols: number; bytes: number }> {
  await initHash();
  const prefixes = o.projects.map((p) => d.packagePrefix(p.package));
  const external = new Map<string, SymbolInfoIn>();
  let documents = 0;
  let occurrences = 0;
  const out = new AtomicLineWriter(o.out);
  const ownerCache = new Map<string, OwnerData>();
  try {
    out.writeBytes(encodeMetadata(ENGINE_VERSION, o.root));
    for (const p of o.projects) {
      const docs = docSource(p.outDir);
      const owners = o.projects.filter((q) => q !== p).map((q) => ({ package: q.package, outDir: q.outDir }));
      const resolver = new Resolver(p.package, owners, docs, ownerCache);
      const counts = encodeDocuments(resolver, docs, p.outDir, out);
      occurrences += counts.occurrences;
      documents += counts.documents;
      for (const [sym, info] of resolver.external) if (!external.has(sym) && !prefixes.some((x) => sym.startsWith(x))) external.set(sym, info);
    }
    for (const s of [...external.values()].sort(bySymbol)) out.writeBytes(encodeExternalSymbol(s));
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  return { documents, occurrences, externalSymbols: external.size, bytes: out.bytes };
}

/** What a resolver needs from another project: its module names and its definitions table. */
interface OwnerData {
  modules: string[];
  defs: Record<string, string>;
}

/** A project's definitions table: FQN → descriptor, from its documents (a definition wins over an `=` alias). */
function definitionsOf(docs: Iterable<L2Doc>, modules?: string[], hintModules?: Set<string>): Record<string, string> {
  const defs: Record<string, string> = {};
  for (const doc of docs) {
    modules?.push(doc.module);
    for (const [k, v] of Object.entries(doc.defs)) {
      const prev = defs[k];
      if (prev === undefined || (prev.startsWith('=') && !v.startsWith('='))) defs[k] = v;
    }
    if (hintModules) for (const m of doc.mods) hintModules.add(m);
  }
  return defs;
}

/** Reads an owner project's data once per cache (the repo index resolves every project against all the others). */
function loadOwner(outDir: string, cache: Map<string, OwnerData> | undefined): OwnerData {
  const hit = cache?.get(outDir);
  if (hit) return hit;
  const modules: string[] = [];
  const data: OwnerData = { modules, defs: definitionsOf(docSource(outDir), modules) };
  cache?.set(outDir, data);
  return data;
}

interface Table {
  prefix: string;
  defs: Record<string, string>;
}

/** Turns a document's symbol references into symbol strings, with the project-wide and owners' knowledge. */
class Resolver {
  readonly ownDefs: Record<string, string>;
  readonly external = new Map<string, SymbolInfoIn>();
  private readonly own: string;
  private tables: Table[] = [];
  /** Module name → package prefix of the project that has it (own modules win). */
  private modules = new Map<string, string>();
  private hintModules = new Set<string>();
  private cache = new Map<string, string>();

  constructor(pkg: d.PackageRef, owners: ReadonlyArray<{ package: d.PackageRef; outDir: string }>, docs: Iterable<L2Doc>, ownerCache?: Map<string, OwnerData>) {
    this.own = d.packagePrefix(pkg);
    const ownModules: string[] = [];
    this.ownDefs = definitionsOf(docs, ownModules, this.hintModules);
    this.tables.push({ prefix: this.own, defs: this.ownDefs });
    const ownerTables: Table[] = [];
    for (const o of owners) {
      const prefix = d.packagePrefix(o.package);
      const { modules, defs } = loadOwner(o.outDir, ownerCache);
      for (const m of modules) if (!this.modules.has(m)) this.modules.set(m, prefix);
      ownerTables.push({ prefix, defs });
    }
    for (const m of ownModules) this.modules.set(m, this.own);
    this.tables.push(...ownerTables);
  }

  /** Package prefix for a module: the project that has it or the longest prefix of it; else a placeholder. */
  private packageOf(module: string): string {
    let m = module;
    for (;;) {
      const p = this.modules.get(m);
      if (p) return p;
      const i = m.lastIndexOf('.');
      if (i < 0) break;
      m = m.slice(0, i);
    }
    return d.packagePrefix({ name: module.split('.')[0]!, version: '.' });
  }

  private lookup(fqn: string): { prefix: string; value: string } | undefined {
    for (const t of this.tables) {
      const v = t.defs[fqn];
      if (v !== undefined) return { prefix: t.prefix, value: v };
    }
    return undefined;
  }

  private isModule(name: string, hint: string): boolean {
    return name === hint || this.modules.has(name) || this.hintModules.has(name);
  }

  /** Symbol of a name defined outside this document. */
  resolve(fqn: string, hint: string, depth = 0): string {
    const key = `${fqn}|${hint}`;
    let s = this.cache.get(key);
    if (s === undefined) {
      s = this.compute(fqn, hint, depth);
      this.cache.set(key, s);
    }
    return s;
  }

  private compute(fqn: string, hint: string, depth: number): string {
    const hit = this.lookup(fqn);
    if (hit) {
      if (!hit.value.startsWith('=')) return hit.prefix + hit.value;
      if (depth < 8 && hit.value.slice(1) !== fqn) return this.resolve(hit.value.slice(1), '', depth + 1);
    }
    if (this.isModule(fqn, hint)) return this.packageOf(fqn) + d.namespace(fqn);
    // The longest prefix that names a definition or a module; the rest is appended by name.
    const segs = fqn.split('.');
    let base: string | undefined;
    let i = segs.length - 1;
    for (; i >= 1; i--) {
      const p = segs.slice(0, i).join('.');
      if (this.lookup(p) || this.isModule(p, hint)) {
        base = this.resolve(p, this.isModule(p, hint) ? p : '', depth + 1);
        break;
      }
    }
    if (base === undefined) {
      // Unknown everywhere: its top-level name is taken as the module (`requests.get` → `requests`/get().).
      i = 1;
      base = this.packageOf(segs[0]!) + d.namespace(segs[0]!);
    }
    for (let j = i; j < segs.length; j++) base += d.guessDescriptor(segs[j]!, j === segs.length - 1);
    return base;
  }

  /** Symbol of a name defined outside this document, noted as external when another package has it. */
  private foreign(fqn: string, hint: string): string {
    const s = this.resolve(fqn, hint);
    if (!s.startsWith(this.own) && !this.external.has(s)) this.external.set(s, { symbol: s, kind: 0, displayName: fqn.slice(fqn.lastIndexOf('.') + 1) });
    return s;
  }

  /**
   * A document's occurrences and symbol information. `sites` (L4's resolved reference sites of the file) give a
   * reference the symbol of what L4 resolved it to: it replaces the document's guess for a name resolved elsewhere
   * (`F`), and joins a reference to a variable or parameter (`h()` after `h = g` names `h` and calls `g`); an
   * imported name L4 found a definition for is that definition at the import, its reads and its calls.
   */
  document(doc: L2Doc, sites?: FileSites): { occ: OccurrenceIn[]; info: SymbolInfoIn[] } {
    const syms = doc.syms.map((r) => {
      switch (r[0]) {
        case 'D':
          return this.own + r.slice(1);
        case 'L':
          return 'local ' + r.slice(1);
        default: {
          const bar = r.indexOf('|');
          const fqn = bar < 0 ? r.slice(1) : r.slice(1, bar);
          const found = sites?.imports.get(fqn);
          if (found !== undefined && this.lookup(found)) return this.foreign(found, '');
          return this.foreign(fqn, bar < 0 ? '' : r.slice(bar + 1));
        }
      }
    });
    const all: Occ[] = sites?.calls.size ? this.withSites(doc, syms, sites.calls) : doc.occ;
    // Sort by range, then symbol; one occurrence per (range, symbol) with the roles or-ed together.
    const order = all.map((_, i) => i);
    const cmp = (a: number, b: number): number => {
      const x = all[a]!;
      const y = all[b]!;
      for (let k = 0; k < 4; k++) if (x[k] !== y[k]) return x[k]! - y[k]!;
      const sx = syms[x[4]!]!;
      const sy = syms[y[4]!]!;
      return sx < sy ? -1 : sx > sy ? 1 : 0;
    };
    order.sort(cmp);
    const occ: OccurrenceIn[] = [];
    let prev = -1;
    for (const i of order) {
      const o = all[i]!;
      if (prev >= 0 && cmp(prev, i) === 0) {
        const last = occ[occ.length - 1]!;
        last.roles |= o[5]!;
        if (!last.enclosing && o.length > 6) last.enclosing = o.slice(6, 10);
        continue;
      }
      prev = i;
      occ.push({ range: o.slice(0, 4), symbol: syms[o[4]!]!, roles: o[5]!, ...(o.length > 6 ? { enclosing: o.slice(6, 10) } : {}) });
    }
    const info: SymbolInfoIn[] = doc.info.map(([s, kind, name, enc, documentation]) => ({
      symbol: syms[s]!,
      kind,
      displayName: name,
      ...(enc >= 0 ? { enclosingSymbol: syms[enc]! } : {}),
      ...(documentation ? { documentation } : {}),
    }));
    return { occ, info };
  }

  /** The document's occurrences with L4's targets at their sites; new symbols are appended to `syms`. */
  private withSites(doc: L2Doc, syms: string[], sites: FileSites['calls']): Occ[] {
    const out: Occ[] = [];
    const index = new Map(syms.map((s, i) => [s, i]));
    const symbolIndex = (s: string): number => {
      let i = index.get(s);
      if (i === undefined) index.set(s, (i = syms.push(s) - 1));
      return i;
    };
    const targets = new Map<string, number[]>();
    for (const [k, fqns] of sites) {
      // A target outside every table known here (a function-local definition, a project this export was not given)
      // would only get a guessed symbol: the document's own occurrence stays instead.
      const known = fqns.filter((f) => this.lookup(f) !== undefined);
      if (known.length) targets.set(k, known.map((f) => symbolIndex(this.foreign(f, ''))));
    }
    for (const o of doc.occ) {
      // Only reference occurrences (no role) are call sites; a definition or import at the same range stays.
      const replaced = o[5] === 0 && doc.syms[o[4]!]![0] === 'F' && targets.has(rangeKey(o));
      if (!replaced) out.push(o);
    }
    for (const [k, idx] of targets) {
      const r = k.split(',').map(Number);
      for (const i of idx) out.push([r[0]!, r[1]!, r[2]!, r[3]!, i, 0]);
    }
    return out;
  }
}
