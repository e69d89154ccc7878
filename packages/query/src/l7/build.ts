/**
 * L7 — the retrieval index of one project: `<outDir>/l7/index.sqlite`, built from layer outputs only.
 *
 * Inputs (all under the project's `outDir`, plus the project's source files under `root`):
 * - `l1/manifest.json`, `l1/ir.pack` — files, nodes (symbols, spans, signatures' positions, docstrings), edges;
 * - `l4/manifest.json`, `l4/resolved.pack` — L4's completions of those edges (dst, canonical target, `via`), and
 *   the files each file imports (`file_deps`, `file_externals`);
 * - `l2/manifest.json`, `l2/docs.pack` — occurrences (definitions and references, with roles);
 * - the source files, for chunk text: each is checked against the content hash L1 recorded (a file edited since
 *   then gets no chunks, and the stats say so — rebuild L1 first).
 * Output: the database, written to a temp file in one transaction and renamed over the old one, so a reader sees
 * either the old or the new index, never a half-written one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import {
  docsPackPath,
  initHash,
  l2ManifestPath,
  l4ManifestPath,
  L1Reader,
  PackReader,
  resolvedPackPath,
  readJsonOrUndefined,
  type IrEdge,
  type IrNode,
  type L2Doc,
  type L2Manifest,
  type L4Line,
  type L4Manifest,
} from '@codegraph/engine';
import { chunkFile, disambiguate, projectChunk, signatureOf, type Chunk } from '../chunks/chunks';
import { readSource } from '../chunks/source';
import { INDEX_SQL, L7_SCHEMA, l7DbPath, l7Dir, SCHEMA_SQL, SEARCHABLE_KINDS } from './schema';
import { applyL4 } from './complete';

export interface BuildL7Options {
  /** Workspace (index) root: file paths in the layer outputs are relative to it. */
  root: string;
  project: { name: string; outDir: string };
  /** Where to write the database; default `<outDir>/l7/index.sqlite`. */
  out?: string;
  /** Repo name in chunk ids; default: the workspace's package.json name, else the root folder's name. */
  repo?: string;
}

export interface L7Stats {
  project: string;
  files: number;
  /** Files without chunks: source unreadable or changed since L1 (see `skipped`). */
  unchunked: number;
  skipped: string[];
  /** Files whose L1 record is missing or damaged (no symbols, no chunks). */
  unreadable: string[];
  symbols: number;
  edges: number;
  occurrences: number;
  chunks: number;
  bytes: number;
  ms: number;
}

/** Node kinds kept as symbols; Variables only at module or class level (locals stay in the layer outputs). */
const SYMBOL_KINDS = new Set(['Module', 'Class', 'Function', 'Method', 'Variable']);
const EDGE_KINDS = new Set(['CALLS', 'INSTANTIATES', 'INHERITS', 'DECORATES', 'IMPORTS', 'READS', 'WRITES']);

export function repoNameOf(root: string): string {
  const pkg = readJsonOrUndefined<{ name?: string }>(path.join(root, 'package.json'));
  return pkg?.name || path.basename(path.resolve(root));
}

export async function buildL7(o: BuildL7Options): Promise<L7Stats> {
  const t0 = performance.now();
  await initHash();
  const outDir = o.project.outDir;
  const dbPath = o.out ?? l7DbPath(outDir);
  const repo = o.repo ?? repoNameOf(o.root);
  const l1 = L1Reader.open(outDir);
  const l4m = readJsonOrUndefined<L4Manifest>(l4ManifestPath(outDir));
  const l4 = PackReader.open(resolvedPackPath(outDir));
  if (!l4m || !l4) {
    l1.close();
    throw new Error(`codegraph: no L4 output for project ${o.project.name} in ${outDir} (run its codegraph-l4 target first)`);
  }
  const l2m = readJsonOrUndefined<L2Manifest>(l2ManifestPath(outDir));
  const l2 = PackReader.open(docsPackPath(outDir));

  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  removeStaleTemps(path.dirname(dbPath), path.basename(dbPath));
  const tmp = `${dbPath}.tmp-${process.pid}-${Date.now()}`;
  const db = new Database(tmp);
  const stats: L7Stats = { project: o.project.name, files: 0, unchunked: 0, skipped: [], unreadable: [], symbols: 0, edges: 0, occurrences: 0, chunks: 0, bytes: 0, ms: 0 };
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(SCHEMA_SQL);
    const ins = {
      meta: db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)'),
      file: db.prepare('INSERT INTO files(path, module, loc, hash, is_test, chunked) VALUES (?, ?, ?, ?, ?, ?)'),
      symbol: db.prepare('INSERT OR IGNORE INTO symbols(id, fqn, name, kind, file, sl, sc, el, ec, parent, signature, docstring, visibility, is_test) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      edge: db.prepare('INSERT INTO edges(src, dst, kind, target, callee, file, line, col, via, resolution, external, dst_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      occ: db.prepare('INSERT INTO occurrences(file, sl, sc, el, ec, name, roles) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      name: db.prepare('INSERT INTO names(id, fqn) VALUES (?, ?)'),
      alias: db.prepare('INSERT OR IGNORE INTO aliases(name, fqn) VALUES (?, ?)'),
      dep: db.prepare('INSERT INTO file_deps(src, dst, dst_project) VALUES (?, ?, ?)'),
      ext: db.prepare('INSERT INTO file_externals(file, module) VALUES (?, ?)'),
      chunk: db.prepare('INSERT INTO chunks(id, kind, fqn, parent, file, sl, sc, el, ec, text, hash, visibility, is_test, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      search: db.prepare('INSERT INTO search(rowid, name, fqn, doc, text) VALUES (?, ?, ?, ?, ?)'),
    };
    const takenIds = new Set<string>();
    const moduleChunks: Chunk[] = [];
    const insertChunks = (chunks: readonly Chunk[], docs: Map<string, string>) => {
      for (const c of chunks) {
        const s = c.span;
        const r = ins.chunk.run(c.id, c.kind, c.fqn, c.parent ?? null, c.file ?? null, s?.[0] ?? null, s?.[1] ?? null, s?.[2] ?? null, s?.[3] ?? null, c.text, c.hash, c.visibility, c.isTest ? 1 : 0, c.tokens);
        if (SEARCHABLE_KINDS.has(c.kind)) ins.search.run(r.lastInsertRowid, c.fqn.split('.').pop() ?? c.fqn, c.fqn, docs.get(c.fqn) ?? '', c.text);
        stats.chunks++;
      }
    };

    db.transaction(() => {
      for (const ref of l1.refs) {
        stats.files++;
        const entry = l1.manifest.files[ref.file]!;
        const ir = l1.record(ref);
        if (!ir) {
          stats.unreadable.push(ref.file);
          ins.file.run(ref.file, ref.module, entry.loc, entry.hash, 0, 0);
          continue;
        }
        const e4 = l4m.files[ref.file];
        const l4text = e4 ? l4.text(e4.key) : undefined;
        const edges = applyL4(ir.edges, l4text ? (l4text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) as L4Line[]) : []);
        const fileNode = ir.nodes.find((n) => n.node === 'File');
        const isTest = fileNode?.attrs?.is_test === true;
        const src = readSource(o.root, ref.file, entry.hash);
        ins.file.run(ref.file, ref.module, entry.loc, entry.hash, isTest ? 1 : 0, src.ok ? 1 : 0);
        const lines = src.ok ? src.source.lines : [];
        const docs = insertSymbols(ir.nodes, lines, ins.symbol, stats);
        insertEdges(ref.file, ir.nodes, ir.edges, edges, ins, stats);
        for (const d of e4?.imports ?? []) ins.dep.run(ref.file, d, e4?.foreign?.[d] ?? null);
        for (const x of e4?.externals ?? []) ins.ext.run(ref.file, x);
        if (!src.ok) {
          stats.unchunked++;
          stats.skipped.push(src.reason);
          continue;
        }
        const chunks = disambiguate(
          chunkFile({ repo, file: ref.file, module: ref.module, nodes: ir.nodes, edges, lines, isTest }, `chunk:${repo}:project:${o.project.name}`),
          takenIds,
        );
        moduleChunks.push(...chunks.filter((c) => c.kind === 'module'));
        insertChunks(chunks, docs);
      }
      insertChunks([projectChunk(repo, o.project.name, moduleChunks)], new Map());
      if (l2m && l2) insertOccurrences(l2m, l2, ins, db, stats);
      db.exec(INDEX_SQL);
      for (const [k, v] of Object.entries({
        schema: String(L7_SCHEMA),
        project: o.project.name,
        repo,
        l4_digest: l4m.digest,
        files: String(stats.files),
        symbols: String(stats.symbols),
        edges: String(stats.edges),
        occurrences: String(stats.occurrences),
        chunks: String(stats.chunks),
      }))
        ins.meta.run(k, v);
    })();
    db.exec("INSERT INTO search(search) VALUES('optimize')");
    db.pragma('optimize');
    db.close();
    fs.renameSync(tmp, dbPath);
  } catch (err) {
    if (db.open) db.close();
    fs.rmSync(tmp, { force: true });
    throw err;
  } finally {
    l1.close();
    l4.close();
    l2?.close();
  }
  stats.bytes = fs.statSync(dbPath).size;
  stats.ms = Math.round(performance.now() - t0);
  return stats;
}

/** Temp databases of killed runs (`index.sqlite.tmp-*`) would otherwise pile up in the output folder. */
function removeStaleTemps(dir: string, base: string): void {
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) if (f.startsWith(`${base}.tmp-`)) fs.rmSync(path.join(dir, f), { force: true });
}

type Stmt = Database.Statement;

/** Inserts the file's symbols; returns FQN → docstring (for the search index). */
function insertSymbols(nodes: readonly IrNode[], lines: readonly string[], stmt: Stmt, stats: L7Stats): Map<string, string> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const docs = new Map<string, string>();
  for (const n of nodes) {
    if (!isSymbol(n, byId)) continue;
    const doc = typeof n.attrs?.docstring === 'string' ? (n.attrs.docstring as string) : null;
    if (doc) docs.set(n.fqn, doc);
    const sig = (n.node === 'Class' || n.node === 'Function' || n.node === 'Method') && lines.length ? signatureOf(n, lines) : null;
    const vis = (n.attrs?.visibility as string | undefined) ?? 'public';
    const r = stmt.run(n.id, n.fqn, n.name, n.node, n.file, n.span[0], n.span[1], n.span[2], n.span[3], n.parent ?? null, sig, doc, vis, n.attrs?.is_test === true ? 1 : 0);
    stats.symbols += r.changes;
  }
  return docs;
}

function isSymbol(n: IrNode, byId: Map<string, IrNode>): boolean {
  if (!SYMBOL_KINDS.has(n.node)) return false;
  if (n.node !== 'Variable') return true;
  const p = n.parent ? byId.get(n.parent) : undefined;
  return p?.node === 'Module' || p?.node === 'Class';
}

/**
 * Inserts the file's edges (CONTAINS excepted: `symbols.parent` holds it) with L4's completions. An edge's source is
 * the nearest enclosing symbol (a lambda's or an import's scope); edges to locals and parameters are left out.
 */
function insertEdges(
  file: string,
  nodes: readonly IrNode[],
  l1Edges: readonly IrEdge[],
  edges: readonly IrEdge[],
  ins: { edge: Stmt; alias: Stmt },
  stats: L7Stats,
): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const scopeOf = new Map<string, string>();
  const scope = (id: string): string => {
    const have = scopeOf.get(id);
    if (have) return have;
    let n = byId.get(id);
    while (n && !isSymbol(n, byId)) n = n.parent ? byId.get(n.parent) : undefined;
    const s = n?.id ?? id;
    scopeOf.set(id, s);
    return s;
  };
  const asWritten = new Map(l1Edges.filter((e) => e.edge === 'IMPORTS').map((e) => [e.id, e.target]));
  for (const e of edges) {
    if (!EDGE_KINDS.has(e.edge)) continue;
    const local = e.dst ? byId.get(e.dst) : undefined;
    if (local && !isSymbol(local, byId)) continue;
    const a = e.attrs ?? {};
    ins.edge.run(
      scope(e.src),
      e.dst ?? null,
      e.edge,
      e.target ?? null,
      e.callee ?? null,
      file,
      e.span?.[0] ?? null,
      e.span?.[1] ?? null,
      (a.via as string | undefined) ?? null,
      (a.resolution as string | undefined) ?? null,
      (a.external as string | undefined) ?? null,
      (a.file as string | undefined) ?? (e.dst ? file : null),
    );
    stats.edges++;
    // `from core import format_money` names core.format_money; L4 says it is core.money.format_money.
    const written = e.edge === 'IMPORTS' ? asWritten.get(e.id) : undefined;
    if (written && e.target && written !== e.target && e.attrs?.via) ins.alias.run(written, e.target);
  }
}

/**
 * Occurrences from L2's documents: `D` symbols resolve through the project's definitions (every document's `defs`),
 * `F` names through the aliases L4's imports gave; document-local symbols are left out.
 */
function insertOccurrences(m: L2Manifest, pack: PackReader, ins: { occ: Stmt; name: Stmt }, db: Database.Database, stats: L7Stats): void {
  // Names and files are interned: an occurrence row is seven integers (the stdlib has ~800K of them).
  const fileIds = new Map((db.prepare('SELECT rowid, path FROM files').all() as Array<{ rowid: number; path: string }>).map((r) => [r.path, r.rowid]));
  const nameIds = new Map<string, number>();
  const nameId = (fqn: string) => {
    let id = nameIds.get(fqn);
    if (id === undefined) {
      nameIds.set(fqn, (id = nameIds.size + 1));
      ins.name.run(id, fqn);
    }
    return id;
  };
  const byDescriptor = new Map<string, string>();
  const docs: L2Doc[] = [];
  for (const [file, e] of Object.entries(m.files)) {
    const text = pack.text(e.key);
    if (text === undefined) continue;
    try {
      const doc = JSON.parse(text) as L2Doc;
      docs.push(doc);
      for (const [fqn, d] of Object.entries(doc.defs)) if (!d.startsWith('=')) byDescriptor.set(d, fqn);
    } catch {
      stats.skipped.push(`${file}: damaged L2 document`);
    }
  }
  const alias = db.prepare('SELECT fqn FROM aliases WHERE name = ?').pluck();
  const aliasCache = new Map<string, string>();
  const canonical = (name: string) => {
    let f = aliasCache.get(name);
    if (f !== undefined) return f;
    // `core.Order.total`: the longest aliased prefix (`core.Order` → `core.models.Order`) gives the canonical name.
    f = name;
    for (let i = name.length; i > 0; i = name.lastIndexOf('.', i - 1)) {
      const hit = alias.get(name.slice(0, i)) as string | undefined;
      if (hit) {
        f = hit + name.slice(i);
        break;
      }
    }
    aliasCache.set(name, f);
    return f;
  };
  for (const doc of docs) {
    const file = fileIds.get(doc.file);
    if (file === undefined) continue;
    const fqns = doc.syms.map((s) => {
      const str = String(s);
      if (str.startsWith('D')) return byDescriptor.get(str.slice(1));
      if (str.startsWith('F')) return canonical(str.slice(1).split('|')[0]!);
      return undefined;
    });
    for (const o of doc.occ) {
      const fqn = fqns[o[4] as number];
      if (!fqn) continue;
      ins.occ.run(file, o[0], o[1], o[2], o[3], nameId(fqn), o[5]);
      stats.occurrences++;
    }
  }
}
