/**
 * One file's L7 rows, computed from its layer records alone — no database, no other file — so that prepare workers
 * (prepare-pool.ts) can compute them for many files at once while the builder writes (build.ts). What depends on
 * the other files is left to the builder: the file's database id, chunk-id suffixes (a second chunk with the same
 * kind and FQN gets one), 48-bit id collisions across files, and names through the project's import aliases.
 */
import { visibilityOf, type IrEdge, type IrNode, type L2Doc, type L4Line, type L4Manifest, type ShardRef } from '@codegraph/engine';
import { dedent, signatureOf } from '../chunks/chunks';
import { statementEndLine } from '../chunks/scan';
import { readSource } from '../chunks/source';
import { applyL4 } from './complete';
import { edgeCode, encodeFileCalls, encodeIds, encodeInbound, encodeSpans, kindCode, symId, textHash, VISIBILITIES, type InboundSite, type OutboundCall, type SymbolSpan } from './codec';
import { packSignature, searchText, storedQual } from './schema';

/** Everything the builder reads for one file (inputs.ts). */
export interface FileInput {
  ref: ShardRef;
  key: string;
  loc: number;
  hash: string;
  ir: { nodes: IrNode[]; edges: IrEdge[] } | undefined;
  e4: L4Manifest['files'][string] | undefined;
  l4text: string | undefined;
  l2key: string | undefined;
  l2text: string | undefined;
}

/** A file's rows, less what the builder adds (see the module comment). Plain data: it crosses a worker boundary. */
export interface PreparedFile {
  file: string;
  module: string;
  loc: number;
  hash: string;
  l1: string;
  l2: string | null;
  l4: string | null;
  key: string;
  isTest: boolean;
  /** The source was read and matched L1's hash: signatures, chunks and code words are there. */
  chunked: boolean;
  /** No readable L1 record: the file row only. */
  unreadable: boolean;
  /** Why the source could not be used, when it could not. */
  skipped?: string;
  /** The file's text for the code index. */
  code?: string;
  /** `symbols` rows without `file` and `csuffix`: [id, qual, name, kind, sl, el, parent, signature, docstring, flags, cstart, chash]. */
  symbols: unknown[][];
  /** The FQN of each row of `symbols`. */
  fqns: string[];
  /** Per chunk, in node order: its id (`kind\0fqn`), its hash in hex, its row in `symbols` (-1: left out as a collision). */
  chunks: Array<[string, string, number]>;
  /** Symbols left out because their 48-bit id was taken. */
  collisions: number;
  search: Array<[number, string]>;
  /** `file_symbols` blobs. */
  ids: Uint8Array;
  spans: Uint8Array;
  inbound: Array<[number, Uint8Array]>;
  /** The file's `outbound` blob (codec.ts, encodeFileCalls), when it makes calls. */
  outbound?: Uint8Array;
  /** Imported names and the FQN L4 resolved them to (`core.format_money` → `core.money.format_money`), in edge order. */
  aliases: Array<[string, string]>;
  /** Edges stored (resolved ones into `inbound`, unresolved calls into `outbound`). */
  stored: number;
  chunkCount: number;
  occ?: PreparedOccurrences;
  /** The L2 document could not be parsed. */
  damagedL2?: boolean;
}

/**
 * The file's L2 occurrences that are neither definitions nor of document-local symbols, before the builder puts
 * their names through the project's aliases: `names` are `D<fqn>` (a definition of this document) or `F<name>` (as
 * imported); `sites` holds five numbers per occurrence — line, col, roles, index in `names`, index in `targets` (the
 * canonical targets of the resolved edges at that position) or -1.
 */
export interface PreparedOccurrences {
  names: string[];
  sites: Int32Array;
  targets: string[][];
}

const SYMBOL_NODES = new Set(['Module', 'Class', 'Function', 'Method', 'Variable']);
const DEF_NODES = new Set(['Class', 'Function', 'Method']);
const CALL_KINDS = new Set(['CALLS', 'INSTANTIATES']);

export function isSymbol(n: IrNode, byId: Map<string, IrNode>): boolean {
  if (!SYMBOL_NODES.has(n.node)) return false;
  if (n.node !== 'Variable') return true;
  const p = n.parent ? byId.get(n.parent) : undefined;
  return p?.node === 'Module' || p?.node === 'Class';
}

/**
 * One file's rows. `isTaken` says whether another file already has a symbol id (the builder knows; a worker does not
 * and passes nothing — the builder then checks, and prepares again in its own process on a collision).
 * Requires initHash().
 */
export function prepareFile(f: FileInput, root: string, isTaken?: (id: number) => boolean): PreparedFile {
  const { ref, ir } = f;
  const isTest = ir?.nodes.find((n) => n.node === 'File')?.attrs?.is_test === true;
  const src = ir ? readSource(root, ref.file, f.hash) : undefined;
  const out: PreparedFile = {
    file: ref.file,
    module: ref.module,
    loc: f.loc,
    hash: f.hash,
    l1: ref.key,
    l2: f.l2key ?? null,
    l4: f.e4?.key ?? null,
    key: f.key,
    isTest,
    chunked: src?.ok === true,
    unreadable: !ir,
    symbols: [],
    fqns: [],
    chunks: [],
    collisions: 0,
    search: [],
    ids: new Uint8Array(0),
    spans: new Uint8Array(0),
    inbound: [],
    aliases: [],
    stored: 0,
    chunkCount: 0,
  };
  if (!ir) return out;
  if (src && !src.ok) out.skipped = src.reason;
  const lines = src?.ok ? src.source.lines : [];
  // Every word of the file, for search over code text (one row per file, no positions: a few bytes per word).
  if (lines.length) out.code = lines.join('\n');
  const positions = prepareRows(out, ref.module, ir, f.l4text, lines, isTest, isTaken);
  // Parsed once the completed edges and their maps are garbage: for sympy's largest file those and the L2 document
  // together were the largest part of the prepare's peak heap.
  if (f.l2text) {
    try {
      out.occ = prepareOccurrences(JSON.parse(f.l2text) as L2Doc, positions);
    } catch {
      out.damagedL2 = true;
    }
  }
  return out;
}

/**
 * The symbol and edge rows of `out`; returns, per `line:col`, the canonical targets of the resolved edges there. L4's
 * lines are parsed here and live only as long as this call.
 */
function prepareRows(out: PreparedFile, module: string, ir: NonNullable<FileInput['ir']>, l4text: string | undefined, lines: readonly string[], isTest: boolean, isTaken?: (id: number) => boolean): Map<string, Set<string>> {
  const edges = applyL4(ir.edges, l4text ? (l4text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) as L4Line[]) : []);
  const byId = new Map(ir.nodes.map((n) => [n.id, n]));
  const spans = new Map<number, SymbolSpan>();
  const ids = prepareSymbols(out, module, ir.nodes, byId, edges, lines, isTest, spans, isTaken);
  // Edge sources are symbols of this file: `inbound` stores their ordinal among its symbols (by id), 1–2 bytes.
  ids.sort((a, b) => a - b);
  out.ids = encodeIds(ids);
  out.spans = encodeSpans(ids.map((id) => spans.get(id)!));
  return prepareEdges(out, byId, ir.edges, edges, new Map(ids.map((id, i) => [id, i])));
}

/** Symbols (with their chunk's start and hash) and their full-text rows; returns the ids written. */
function prepareSymbols(out: PreparedFile, module: string, nodes: readonly IrNode[], byId: Map<string, IrNode>, edges: readonly IrEdge[], lines: readonly string[], isTest: boolean, spans: Map<number, SymbolSpan>, isTaken?: (id: number) => boolean): number[] {
  const written: number[] = [];
  const seen = new Set<number>();
  // Where each definition starts, decorators included (DECORATES edges carry the decorator expressions' spans).
  const start = new Map<string, number>();
  for (const e of edges) if (e.edge === 'DECORATES' && e.span) start.set(e.src, Math.min(start.get(e.src) ?? Infinity, e.span[0]));
  // What `symbols.qual` holds per symbol (schema.ts: NULL when the FQN follows from the module and the names).
  const symbolParent = (n: IrNode) => {
    const p = n.parent ? byId.get(n.parent) : undefined;
    return p && p.node !== 'Module' && isSymbol(p, byId) ? p : undefined;
  };
  const quals = new Map<string, string | null>();
  const qualOf = (n: IrNode): string | null => {
    if (quals.has(n.id)) return quals.get(n.id)!;
    const p = symbolParent(n);
    const q = storedQual(n.fqn, { module, kind: n.node, name: n.name, ...(p ? { parent: { name: p.name, qual: qualOf(p), topLevel: !symbolParent(p) } } : {}) });
    quals.set(n.id, q);
    return q;
  };
  for (const n of nodes) {
    if (!isSymbol(n, byId)) continue;
    const parent = n.parent ? byId.get(n.parent) : undefined;
    const doc = typeof n.attrs?.docstring === 'string' && n.attrs.docstring.trim() ? (n.attrs.docstring as string) : null;
    const isDef = DEF_NODES.has(n.node);
    // The first line only (what listings show); the whole docstring is in the code index and the source.
    const doc1 = doc ? doc.trim().split('\n')[0]!.trim() : null;
    const sig = isDef && lines.length ? signatureOf(n, lines) : null;
    const vis = VISIBILITIES.indexOf(((n.attrs?.visibility as string | undefined) ?? visibilityOf(n.name)) as (typeof VISIBILITIES)[number]);
    const test = isTest || n.attrs?.is_test === true;
    const moduleLevel = n.node === 'Variable' && parent?.node === 'Module';
    // The code chunk: a definition from its first decorator to its last line; a module-level name's statement.
    let text: string | undefined;
    let cstart: number | null = null;
    if (lines.length && isDef) {
      const s = Math.min(n.span[0], start.get(n.id) ?? Infinity);
      if (s !== n.span[0]) cstart = s;
      text = dedent(lines.slice(s, n.span[2] + 1));
    } else if (lines.length && moduleLevel) {
      text = lines.slice(n.span[0], statementEndLine(lines, n.span[0]) + 1).join('\n');
    }
    const chash = text === undefined ? null : textHash(text);
    const id = symId(n.id);
    const taken = seen.has(id) || isTaken?.(id) === true;
    // The chunk id is claimed even by a symbol then left out, as it always was: the suffixes stay the same.
    if (text !== undefined) out.chunks.push([`${kindCode(n.node)}\0${n.fqn}`, chash!.toString(16).padStart(12, '0'), taken ? -1 : out.symbols.length]);
    if (taken) {
      out.collisions++;
      continue;
    }
    seen.add(id);
    written.push(id);
    spans.set(id, { kind: kindCode(n.node), start: Math.min(n.span[0], start.get(n.id) ?? Infinity), end: n.span[2] });
    out.symbols.push([id, qualOf(n), n.name, kindCode(n.node), n.span[0], n.span[2], parent && isSymbol(parent, byId) ? symId(parent.id) : null, sig === null ? null : packSignature(sig, n.name), doc1, vis | (test ? 4 : 0), cstart, chash]);
    out.fqns.push(n.fqn);
    if (text !== undefined) out.chunkCount++;
    if (n.node === 'Variable' && !moduleLevel) continue;
    // Qualified names only: docstrings and code are words of the source, in the per-file `code` index.
    out.search.push([id, searchText(n.node, n.fqn, module)]);
  }
  return written;
}

/**
 * Resolved edges (CONTAINS excepted: `symbols.parent` holds it) into `inbound`, per destination; calls into the
 * file's `outbound` blob, per caller, one entry per distinct callee (its first site). An edge's source is the nearest
 * enclosing symbol (a lambda's or an import's scope); edges to locals and parameters are left out. Returns, per
 * `line:col`, the canonical targets of the resolved edges there (occurrences there are the same reference).
 */
function prepareEdges(out: PreparedFile, byId: Map<string, IrNode>, l1Edges: readonly IrEdge[], edges: readonly IrEdge[], ordinal: ReadonlyMap<number, number>): Map<string, Set<string>> {
  const scopeOf = new Map<string, number>();
  const scope = (id: string): number => {
    const have = scopeOf.get(id);
    if (have !== undefined) return have;
    let n = byId.get(id);
    while (n && !isSymbol(n, byId)) n = n.parent ? byId.get(n.parent) : undefined;
    const s = symId(n?.id ?? id);
    scopeOf.set(id, s);
    return s;
  };
  const asWritten = new Map(l1Edges.filter((e) => e.edge === 'IMPORTS').map((e) => [e.id, e.target]));
  const inbound = new Map<number, InboundSite[]>();
  const outbound = new Map<number, { seen: Set<string>; calls: OutboundCall[] }>();
  const positions = new Map<string, Set<string>>();
  for (const e of edges) {
    if (edgeCode(e.edge) < 0) continue;
    const local = e.dst ? byId.get(e.dst) : undefined;
    if (local && !isSymbol(local, byId)) continue;
    const src = scope(e.src);
    const line = e.span?.[0] ?? 0;
    const col = e.span?.[1] ?? 0;
    const srcOrdinal = ordinal.get(src);
    if (e.dst && srcOrdinal !== undefined) {
      const dst = symId(e.dst);
      let list = inbound.get(dst);
      if (!list) inbound.set(dst, (list = []));
      list.push({ kind: e.edge as InboundSite['kind'], src: srcOrdinal, line, col });
      out.stored++;
      if (e.target && e.span) {
        const k = `${line}:${col}`;
        let set = positions.get(k);
        if (!set) positions.set(k, (set = new Set()));
        set.add(e.target);
      }
    }
    if (CALL_KINDS.has(e.edge)) {
      let o = outbound.get(src);
      if (!o) outbound.set(src, (o = { seen: new Set(), calls: [] }));
      const label = e.dst ? `#${e.dst}` : (e.target ?? e.callee ?? '?');
      if (!o.seen.has(label)) {
        o.seen.add(label);
        const external = e.attrs?.external as string | undefined;
        o.calls.push(e.dst ? { line, col, dst: symId(e.dst) } : { line, col, label, ...(external ? { external } : {}) });
        if (!e.dst) out.stored++;
      }
    }
    // `from core import format_money` names core.format_money; L4 says it is core.money.format_money.
    const written = e.edge === 'IMPORTS' ? asWritten.get(e.id) : undefined;
    if (written && e.target && written !== e.target && e.attrs?.via) out.aliases.push([written, e.target]);
  }
  for (const [dst, sites] of inbound) {
    sites.sort((a, b) => a.line - b.line || a.col - b.col);
    out.inbound.push([dst, encodeInbound(sites)]);
  }
  for (const { calls } of outbound.values()) calls.sort((a, b) => a.line - b.line || a.col - b.col);
  if (outbound.size) out.outbound = encodeFileCalls([...outbound].map(([src, { calls }]) => ({ src, calls })), ordinal);
  return positions;
}

/** The occurrences the builder may keep (PreparedOccurrences): not definitions, of a `D` or `F` symbol. */
function prepareOccurrences(doc: L2Doc, positions: Map<string, Set<string>>): PreparedOccurrences {
  const byDescriptor = new Map<string, string>();
  for (const [fqn, dsc] of Object.entries(doc.defs)) if (!dsc.startsWith('=')) byDescriptor.set(dsc, fqn);
  const nameOf = doc.syms.map((s) => {
    const str = String(s);
    if (str.startsWith('D')) {
      const fqn = byDescriptor.get(str.slice(1));
      return fqn === undefined ? undefined : `D${fqn}`;
    }
    if (str.startsWith('F')) return `F${str.slice(1).split('|')[0]!}`;
    return undefined;
  });
  const names: string[] = [];
  const index = new Map<string, number>();
  // Target sets, each once per file: most occurrences are at a resolved edge's position, and sending a copy of its
  // targets with each doubled what the prepare workers send.
  const targets: string[][] = [];
  const setIndex = new Map<Set<string>, number>();
  const keyIndex = new Map<string, number>();
  const targetsOf = (at: Set<string>): number => {
    let i = setIndex.get(at);
    if (i === undefined) {
      const list = [...at];
      const key = list.join('\n');
      i = keyIndex.get(key);
      if (i === undefined) keyIndex.set(key, (i = targets.push(list) - 1));
      setIndex.set(at, i);
    }
    return i;
  };
  const sites: number[] = [];
  for (const o of doc.occ) {
    const name = nameOf[o[4] as number];
    const roles = o[5] as number;
    if (!name || roles & 1) continue;
    const at = positions.get(`${o[0]}:${o[1]}`);
    // A definition's name is final here: at a resolved edge to it, the edge says more (an imported name is only
    // final once the builder has put it through the project's aliases).
    if (at && name[0] === 'D' && at.has(name.slice(1))) continue;
    let i = index.get(name);
    if (i === undefined) {
      index.set(name, (i = names.length));
      names.push(name);
    }
    sites.push(o[0] as number, o[1] as number, roles, i, at ? targetsOf(at) : -1);
  }
  return { names, sites: Int32Array.from(sites), targets };
}
