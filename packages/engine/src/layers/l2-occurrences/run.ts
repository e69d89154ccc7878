/**
 * L2: SCIP occurrences of a project, from its L1 shards.
 *
 * Output, under `<outDir>/l2/`:
 * - `docs/<key>.json` — one file's occurrences (see document.ts), keyed by xxh64(L2 format, L1 shard key): an
 *   unchanged file reuses its document, an edited one recomputes only its own;
 * - `defs.json` — FQN → descriptors of the project's global definitions (and module-level import bindings), what
 *   dependent projects resolve their references against;
 * - `index.scip` — the project's SCIP Index;
 * - `stats.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonOrUndefined, removeStaleTemps, writeFileAtomicSync, writeJsonAtomicSync } from '../../util/atomic';
import { hashString, initHash } from '../../util/hash';
import { ENGINE_VERSION } from '../../version';
import { manifestPath, type L1Manifest } from '../l1-structure/run';
import { AtomicLineWriter } from '../../util/line-writer';
import { projectShards, shardLines } from '../l1-structure/stream';
import { buildDocument, L2_FORMAT, type L2Doc } from './document';
import { encodeDocument, encodeExternalSymbol, encodeMetadata, type OccurrenceIn, type SymbolInfoIn } from './scip';
import * as d from './symbols';

export interface L2Options {
  /** Index root: documents' relative paths are L1's file paths, relative to it. */
  root: string;
  project: { name: string; outDir: string };
  /** Package of the project's symbols. */
  package: d.PackageRef;
  /** Projects this one may reference (their L1 manifests give module ownership; their `l2/defs.json`, if any, kinds). */
  owners?: Array<{ package: d.PackageRef; outDir: string }>;
}

export interface L2Stats {
  files: number;
  computed: number;
  reused: number;
  /** Files whose L1 shard was missing or corrupt (no document). */
  missing: number;
  occurrences: number;
  symbols: number;
  externalSymbols: number;
  bytes: number;
  ms: number;
}

export const l2Dir = (outDir: string) => path.join(outDir, 'l2');
export const scipPath = (outDir: string) => path.join(outDir, 'l2', 'index.scip');
export const defsPath = (outDir: string) => path.join(outDir, 'l2', 'defs.json');
export const l2StatsPath = (outDir: string) => path.join(outDir, 'l2', 'stats.json');

/**
 * The JSON of a cached document, or undefined when absent or corrupt. Line 1 is the xxh64 of the rest: a document
 * torn by a crash (written without fsync) or damaged on disk is recomputed, never trusted.
 */
function intactBody(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const nl = text.indexOf('\n');
  if (nl !== 16) return undefined;
  const body = text.slice(nl + 1);
  return hashString(body) === text.slice(0, nl) ? body : undefined;
}

function readDoc(file: string): L2Doc | undefined {
  const body = intactBody(file);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as L2Doc;
  } catch {
    return undefined;
  }
}

/** A file's document: where it is cached, or the document itself when it was computed but not cached. */
type DocRef = { file: string } | { doc: L2Doc };

/**
 * Every file's document, as references: the cached one when its L1 shard is unchanged, else computed (and cached
 * if `write`). Documents are re-read when needed rather than held: a project's occurrences can be millions.
 */
function documentsOf(outDir: string, write: boolean): { refs: DocRef[]; computed: number; reused: number; missing: number } {
  const docsDir = path.join(l2Dir(outDir), 'docs');
  if (write) {
    fs.mkdirSync(docsDir, { recursive: true });
    removeStaleTemps(docsDir);
  }
  const refs: DocRef[] = [];
  const keep = new Set<string>();
  let computed = 0;
  let reused = 0;
  let missing = 0;
  for (const ref of projectShards(outDir)) {
    const l1Key = path.basename(ref.shard, '.jsonl');
    const name = `${hashString(`${L2_FORMAT}\0${l1Key}`)}.json`;
    const docFile = path.join(docsDir, name);
    // Only the checksum is checked here (the documents are parsed when used): the name already covers the L2
    // format and the L1 key, which covers the file's path and content.
    if (intactBody(docFile) !== undefined) {
      reused++;
      refs.push({ file: docFile });
    } else {
      const lines = shardLines(ref.shard);
      if (!lines) {
        missing++;
        continue;
      }
      const doc = buildDocument(ref.file, ref.module, lines);
      computed++;
      if (write) {
        const body = JSON.stringify(doc);
        writeFileAtomicSync(docFile, `${hashString(body)}\n${body}`, { fsync: false });
        refs.push({ file: docFile });
      } else refs.push({ doc });
    }
    keep.add(name);
  }
  if (write) for (const n of fs.readdirSync(docsDir)) if (!keep.has(n)) fs.rmSync(path.join(docsDir, n), { force: true });
  return { refs, computed, reused, missing };
}

function* loadDocs(refs: readonly DocRef[]): Generator<L2Doc> {
  for (const r of refs) {
    if ('doc' in r) yield r.doc;
    else {
      const doc = readDoc(r.file);
      if (!doc) throw new Error(`codegraph: L2 document ${r.file} vanished or changed during the run`);
      yield doc;
    }
  }
}

/** Appends the SCIP Documents of a project's files, references resolved against its own and the owners' definitions. */
function encodeDocuments(resolver: Resolver, refs: readonly DocRef[], out: AtomicLineWriter): { occurrences: number; symbols: number } {
  let occurrences = 0;
  let symbols = 0;
  for (const doc of loadDocs(refs)) {
    const { occ, info } = resolver.document(doc);
    occurrences += occ.length;
    symbols += info.length;
    out.writeBytes(encodeDocument(doc.file, occ, info));
  }
  return { occurrences, symbols };
}

const bySymbol = (a: SymbolInfoIn, b: SymbolInfoIn) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);

export async function runL2(opts: L2Options): Promise<L2Stats> {
  const t0 = Date.now();
  await initHash();
  const dir = l2Dir(opts.project.outDir);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  const { refs, computed, reused, missing } = documentsOf(opts.project.outDir, true);

  const resolver = new Resolver(opts, loadDocs(refs));
  writeJsonAtomicSync(defsPath(opts.project.outDir), resolver.ownDefs);

  // Streamed to disk document by document: the index of a large project is hundreds of MB.
  const out = new AtomicLineWriter(scipPath(opts.project.outDir));
  let counts: { occurrences: number; symbols: number };
  let externals: SymbolInfoIn[];
  try {
    out.writeBytes(encodeMetadata(ENGINE_VERSION, opts.root));
    counts = encodeDocuments(resolver, refs, out);
    externals = [...resolver.external.values()].sort(bySymbol);
    for (const s of externals) out.writeBytes(encodeExternalSymbol(s));
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }

  const stats: L2Stats = {
    files: refs.length,
    computed,
    reused,
    missing,
    occurrences: counts.occurrences,
    symbols: counts.symbols,
    externalSymbols: externals.length,
    bytes: out.bytes,
    ms: Date.now() - t0,
  };
  writeJsonAtomicSync(l2StatsPath(opts.project.outDir), stats);
  return stats;
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
      const { refs } = documentsOf(p.outDir, false);
      const owners = o.projects.filter((q) => q !== p).map((q) => ({ package: q.package, outDir: q.outDir }));
      const resolver = new Resolver({ root: o.root, project: { name: p.name, outDir: p.outDir }, package: p.package, owners }, loadDocs(refs), ownerCache);
      occurrences += encodeDocuments(resolver, refs, out).occurrences;
      documents += refs.length;
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
  defs?: Record<string, string>;
}

/** Reads an owner project's data once per cache (the repo index resolves every project against all the others). */
function loadOwner(outDir: string, cache: Map<string, OwnerData> | undefined): OwnerData {
  const hit = cache?.get(outDir);
  if (hit) return hit;
  const m = readJsonOrUndefined<L1Manifest>(manifestPath(outDir));
  const data: OwnerData = {
    modules: Object.values(m?.files ?? {}).map((e) => e.module),
    defs: readJsonOrUndefined<Record<string, string>>(path.join(l2Dir(outDir), 'defs.json')),
  };
  cache?.set(outDir, data);
  return data;
}

interface Table {
  prefix: string;
  defs: Record<string, string>;
}

/** Turns a document's symbol references into symbol strings, with the project-wide and owners' knowledge. */
class Resolver {
  readonly ownDefs: Record<string, string> = {};
  readonly external = new Map<string, SymbolInfoIn>();
  private readonly own: string;
  private tables: Table[] = [];
  /** Module name → package prefix of the project that has it (own modules win). */
  private modules = new Map<string, string>();
  private hintModules = new Set<string>();
  private cache = new Map<string, string>();

  constructor(opts: L2Options, docs: Iterable<L2Doc>, ownerCache?: Map<string, OwnerData>) {
    this.own = d.packagePrefix(opts.package);
    const ownModules: string[] = [];
    for (const doc of docs) {
      ownModules.push(doc.module);
      for (const [k, v] of Object.entries(doc.defs)) {
        const prev = this.ownDefs[k];
        if (prev === undefined || (prev.startsWith('=') && !v.startsWith('='))) this.ownDefs[k] = v;
      }
      for (const m of doc.mods) this.hintModules.add(m);
    }
    this.tables.push({ prefix: this.own, defs: this.ownDefs });
    const ownerTables: Table[] = [];
    for (const o of opts.owners ?? []) {
      const prefix = d.packagePrefix(o.package);
      const { modules, defs } = loadOwner(o.outDir, ownerCache);
      for (const m of modules) if (!this.modules.has(m)) this.modules.set(m, prefix);
      if (defs) ownerTables.push({ prefix, defs });
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

  document(doc: L2Doc): { occ: OccurrenceIn[]; info: SymbolInfoIn[] } {
    const syms = doc.syms.map((r) => {
      switch (r[0]) {
        case 'D':
          return this.own + r.slice(1);
        case 'L':
          return 'local ' + r.slice(1);
        default: {
          const bar = r.indexOf('|');
          const s = bar < 0 ? this.resolve(r.slice(1), '') : this.resolve(r.slice(1, bar), r.slice(bar + 1));
          if (!s.startsWith(this.own) && !this.external.has(s)) {
            const fqn = bar < 0 ? r.slice(1) : r.slice(1, bar);
            this.external.set(s, { symbol: s, kind: 0, displayName: fqn.slice(fqn.lastIndexOf('.') + 1) });
          }
          return s;
        }
      }
    });
    // Sort by range, then symbol; one occurrence per (range, symbol) with the roles or-ed together.
    const order = doc.occ.map((_, i) => i);
    const cmp = (a: number, b: number): number => {
      const x = doc.occ[a]!;
      const y = doc.occ[b]!;
      for (let k = 0; k < 4; k++) if (x[k] !== y[k]) return x[k]! - y[k]!;
      const sx = syms[x[4]!]!;
      const sy = syms[y[4]!]!;
      return sx < sy ? -1 : sx > sy ? 1 : 0;
    };
    order.sort(cmp);
    const occ: OccurrenceIn[] = [];
    let prev = -1;
    for (const i of order) {
      const o = doc.occ[i]!;
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
}
