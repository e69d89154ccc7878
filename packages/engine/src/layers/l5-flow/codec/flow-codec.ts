/**
 * FileFlow (lang/python/flow/model.ts) as a compact binary record, and its exact inverse.
 *
 * What is dropped because the decoder rebuilds it: block and def `id`s (their index), `entry`/`exit` when they are
 * 0 and the last block, a use's `name` (its def's), a phi's `preds` when equal to the previous phi's.
 * Positions are deltas from the previous position of the same list (spans and statements from the scope's start,
 * def and use positions from the previous one), block references deltas from the block they belong to, so most
 * values take one byte. Streams: structure (counts, kinds, flags), span and statement positions, edge and dominator
 * references, def positions, def references, use positions, use references, string references, strings.
 *
 * Whatever the encoder does not expect (an id that is not its index, a phi whose args and preds differ in length,
 * an unknown kind) throws NotEncodable and the caller stores JSON: decoding gives back exactly what was encoded.
 */
import type { FileFlow, FlowEdgeKind, FlowScopeKind, ScopeFlow, SsaDef, SsaDefKind, SsaUse } from '../../../lang/python/flow/model';
import { ByteReader, ByteWriter, joinStreams, NotEncodable, splitStreams, StringTable, WriterSet } from './bytes';

export const FLOW_RECORD_TAG = 1;

const SCOPE_KINDS: readonly FlowScopeKind[] = ['module', 'class', 'function', 'lambda', 'comprehension'];
const EDGE_KINDS: readonly FlowEdgeKind[] = ['normal', 'true', 'false', 'loop', 'exhausted', 'case', 'no-match', 'exception', 'finally', 'break', 'continue', 'return', 'raise'];
const DEF_KINDS: readonly SsaDefKind[] = ['entry', 'param', 'assign', 'augassign', 'walrus', 'for', 'with', 'except', 'import', 'def', 'class', 'match', 'comprehension', 'del', 'phi'];
const indexOf = <T>(list: readonly T[]): Map<T, number> => new Map(list.map((k, i) => [k, i]));
const SCOPE_KIND = indexOf(SCOPE_KINDS);
const EDGE_KIND = indexOf(EDGE_KINDS);
const DEF_KIND = indexOf(DEF_KINDS);

const DEF_OUTER = 0x10;
const DEF_PHI_ARGS = 0x20;
const SCOPE_ENTRY_EXIT = 1;

function kind<T>(map: Map<T, number>, k: T): number {
  const i = map.get(k);
  if (i === undefined) throw new NotEncodable(`unknown kind ${String(k)}`);
  return i;
}

/** -1 (none) → 0, else the zigzag distance from `b`, plus one. */
function writeTreeRef(w: ByteWriter, b: number, ref: number): void {
  if (ref === -1) w.uv(0);
  else {
    const d = ref - b;
    w.uv((d < 0 ? -2 * d - 1 : 2 * d) + 1);
  }
}

function readTreeRef(r: ByteReader, b: number): number {
  const z = r.uv();
  if (z === 0) return -1;
  const zz = z - 1;
  return b + (zz % 2 ? -(zz + 1) / 2 : zz / 2);
}

function sameList(a: readonly number[] | undefined, b: readonly number[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const WRITERS = new WriterSet(9);

export function encodeFlow(flow: FileFlow): Uint8Array {
  // Defs' and uses' positions and references in streams of their own: each has its own statistics.
  const [s, p, r, n, t, defPos, defRefs, usePos, useRefs] = WRITERS.take() as [ByteWriter, ByteWriter, ByteWriter, ByteWriter, ByteWriter, ByteWriter, ByteWriter, ByteWriter, ByteWriter];
  const strings = new StringTable();
  const skipped = flow.skipped;
  s.uv(flow.scopes.length);
  s.u8(skipped ? 1 : 0);
  let prevStart = 0;
  for (const sc of flow.scopes) {
    const nb = sc.blocks.length;
    s.u8(kind(SCOPE_KIND, sc.kind));
    strings.ref(n, sc.name);
    p.sv(sc.span[0] - prevStart);
    p.sv(sc.span[1] - sc.span[0]);
    prevStart = sc.span[0];
    s.sv(sc.parent);
    s.uv(nb);
    const plainEnds = sc.entry === 0 && sc.exit === nb - 1;
    s.u8(plainEnds ? 0 : SCOPE_ENTRY_EXIT);
    if (!plainEnds) {
      s.sv(sc.entry);
      s.sv(sc.exit);
    }
    let pos = sc.span[0];
    for (let b = 0; b < nb; b++) {
      const block = sc.blocks[b]!;
      if (block.id !== b) throw new NotEncodable('block id is not its index');
      s.uv(block.stmts.length);
      for (const [a, z] of block.stmts) {
        p.sv(a - pos);
        p.sv(z - a);
        pos = z;
      }
    }
    s.uv(sc.edges.length);
    let from = 0;
    for (const e of sc.edges) {
      r.sv(e.from - from);
      r.sv(e.to - e.from);
      s.u8(kind(EDGE_KIND, e.kind));
      from = e.from;
    }
    if (sc.idom.length !== nb || sc.ipdom.length !== nb) throw new NotEncodable('dominator trees do not cover the blocks');
    for (let b = 0; b < nb; b++) writeTreeRef(r, b, sc.idom[b]!);
    for (let b = 0; b < nb; b++) writeTreeRef(r, b, sc.ipdom[b]!);
    for (const list of [sc.globals, sc.nonlocals]) {
      s.uv(list.length);
      for (const g of list) strings.ref(n, g);
    }
    encodeDefs(sc, s, defPos, defRefs, n, strings);
    encodeUses(sc, s, usePos, useRefs, n, strings);
  }
  if (skipped) {
    s.uv(skipped.length);
    for (const k of skipped) {
      strings.ref(n, k.name);
      p.sv(k.span[0]);
      p.sv(k.span[1] - k.span[0]);
      strings.ref(n, k.reason);
    }
  }
  strings.write(t);
  return joinStreams(FLOW_RECORD_TAG, [s, p, r, defPos, defRefs, usePos, useRefs, n, t]);
}

function encodeDefs(sc: ScopeFlow, s: ByteWriter, p: ByteWriter, r: ByteWriter, n: ByteWriter, strings: StringTable): void {
  s.uv(sc.defs.length);
  let block = 0;
  let at = sc.span[0];
  let preds: number[] | undefined;
  for (let i = 0; i < sc.defs.length; i++) {
    const d = sc.defs[i]!;
    if (d.id !== i) throw new NotEncodable('def id is not its index');
    if (d.outer !== undefined && d.outer !== true) throw new NotEncodable('def.outer is not true');
    if ((d.args === undefined) !== (d.preds === undefined)) throw new NotEncodable('phi with args or preds alone');
    strings.ref(n, d.name);
    s.u8(kind(DEF_KIND, d.kind) | (d.outer ? DEF_OUTER : 0) | (d.args ? DEF_PHI_ARGS : 0));
    r.sv(d.block - block);
    block = d.block;
    if (d.at === -1) p.uv(0);
    else {
      const delta = d.at - at;
      p.uv((delta < 0 ? -2 * delta - 1 : 2 * delta) + 1);
      at = d.at;
    }
    if (d.args && d.preds) {
      if (d.args.length !== d.preds.length) throw new NotEncodable('phi args and preds differ in length');
      if (sameList(preds, d.preds)) s.uv(0);
      else {
        s.uv(d.preds.length + 1);
        for (const q of d.preds) r.sv(q - d.block);
        preds = d.preds;
      }
      for (const a of d.args) r.uv(a + 1);
    }
  }
}

function encodeUses(sc: ScopeFlow, s: ByteWriter, p: ByteWriter, r: ByteWriter, n: ByteWriter, strings: StringTable): void {
  s.uv(sc.uses.length);
  let at = sc.span[0];
  for (const u of sc.uses) {
    p.sv(u.at - at);
    at = u.at;
    // The name is its def's, almost always: say so with the low bit, else store it.
    const own = sc.defs[u.def]?.name === u.name;
    r.uv(u.def * 2 + (own ? 0 : 1));
    if (!own) strings.ref(n, u.name);
  }
}

type Streams9 = [ByteReader, ByteReader, ByteReader, ByteReader, ByteReader, ByteReader, ByteReader, ByteReader, ByteReader];

export function decodeFlow(buf: Uint8Array): FileFlow {
  const [s, p, r, defPos, defRefs, usePos, useRefs, n, t] = splitStreams(buf, 9) as Streams9;
  const strings = StringTable.read(t, buf);
  const str = () => strings.read(n);
  const nScopes = s.uv();
  const hasSkipped = s.u8() === 1;
  const scopes: ScopeFlow[] = new Array(nScopes);
  let prevStart = 0;
  for (let i = 0; i < nScopes; i++) {
    const kindOf = SCOPE_KINDS[s.u8()]!;
    const name = str();
    const start = prevStart + p.sv();
    const span: [number, number] = [start, start + p.sv()];
    prevStart = start;
    const parent = s.sv();
    const nb = s.uv();
    let entry = 0;
    let exit = nb - 1;
    if (s.u8() & SCOPE_ENTRY_EXIT) {
      entry = s.sv();
      exit = s.sv();
    }
    const blocks: ScopeFlow['blocks'] = new Array(nb);
    let pos = start;
    for (let b = 0; b < nb; b++) {
      const ns = s.uv();
      const stmts: Array<[number, number]> = new Array(ns);
      for (let k = 0; k < ns; k++) {
        const a = pos + p.sv();
        pos = a + p.sv();
        stmts[k] = [a, pos];
      }
      blocks[b] = { id: b, stmts };
    }
    const ne = s.uv();
    const edges: ScopeFlow['edges'] = new Array(ne);
    let from = 0;
    for (let e = 0; e < ne; e++) {
      from += r.sv();
      const to = from + r.sv();
      edges[e] = { from, to, kind: EDGE_KINDS[s.u8()]! };
    }
    const idom: number[] = new Array(nb);
    for (let b = 0; b < nb; b++) idom[b] = readTreeRef(r, b);
    const ipdom: number[] = new Array(nb);
    for (let b = 0; b < nb; b++) ipdom[b] = readTreeRef(r, b);
    const globals: string[] = new Array(s.uv());
    for (let g = 0; g < globals.length; g++) globals[g] = str();
    const nonlocals: string[] = new Array(s.uv());
    for (let g = 0; g < nonlocals.length; g++) nonlocals[g] = str();
    const defs = decodeDefs(s, defPos, defRefs, str, start);
    const uses = decodeUses(s, usePos, useRefs, str, defs, start);
    scopes[i] = { kind: kindOf, name, span, parent, entry, exit, blocks, edges, idom, ipdom, globals, nonlocals, defs, uses };
  }
  if (!hasSkipped) return { scopes };
  const skipped: NonNullable<FileFlow['skipped']> = new Array(s.uv());
  for (let k = 0; k < skipped.length; k++) {
    const name = str();
    const a = p.sv();
    skipped[k] = { name, span: [a, a + p.sv()], reason: str() };
  }
  return { scopes, skipped };
}

function decodeDefs(s: ByteReader, p: ByteReader, r: ByteReader, str: () => string, start: number): SsaDef[] {
  const defs: SsaDef[] = new Array(s.uv());
  let block = 0;
  let at = start;
  let preds: number[] = [];
  for (let i = 0; i < defs.length; i++) {
    const name = str();
    const k = s.u8();
    block += r.sv();
    const z = p.uv();
    let defAt = -1;
    if (z !== 0) {
      const zz = z - 1;
      at += zz % 2 ? -(zz + 1) / 2 : zz / 2;
      defAt = at;
    }
    const d: SsaDef = { id: i, name, kind: DEF_KINDS[k & 0x0f]!, block, at: defAt };
    if (k & DEF_OUTER) d.outer = true;
    if (k & DEF_PHI_ARGS) {
      const np = s.uv();
      if (np > 0) {
        preds = new Array(np - 1);
        for (let q = 0; q < np - 1; q++) preds[q] = block + r.sv();
      }
      const args: number[] = new Array(preds.length);
      for (let a = 0; a < args.length; a++) args[a] = r.uv() - 1;
      d.args = args;
      // A copy per phi, as JSON gives: a consumer may change one phi's list without touching its neighbours'.
      d.preds = preds.slice();
    }
    defs[i] = d;
  }
  return defs;
}

function decodeUses(s: ByteReader, p: ByteReader, r: ByteReader, str: () => string, defs: readonly SsaDef[], start: number): SsaUse[] {
  const uses: SsaUse[] = new Array(s.uv());
  let at = start;
  for (let i = 0; i < uses.length; i++) {
    at += p.sv();
    const x = r.uv();
    const def = Math.floor(x / 2);
    const name = x % 2 ? str() : defs[def]?.name;
    if (name === undefined) throw new RangeError('use of a def out of range');
    uses[i] = { name, at, def };
  }
  return uses;
}
