/**
 * The compact on-disk form of a file's IR, and its exact inverse.
 *
 * Most of a JSON IR line is redundant: ids are hashes of other fields (a node's is xxh64(file, fqn); an edge's is
 * xxh64(src, kind, dst|target|callee, ordinal)), every record repeats the file path, a nested node's FQN is its
 * parent's plus its name, a CONTAINS edge restates the node's parent, and an edge to a node of the file repeats that
 * node's FQN. Hashes do not compress (16 hex digits of entropy each), so on the stdlib they were ~70% of the
 * compressed IR. The compact form drops everything derivable and points at nodes by their index in the file:
 *
 *     node:      [0, kind, name, fqn | 0, span, parent, attrs | 0, id | 0, file | 0]
 *     edge:      [1, kind, src, dst, target, callee | 0, span | 0, attrs | 0, id | 0]
 *     contains:  [2, dst]                       (src = dst's parent, target = dst's FQN, id derived)
 *
 * where `parent`/`src`/`dst` are a node index, -1 for none, or an explicit id string; `fqn | 0` is 0 when it is the
 * parent's FQN + "." + name; `target` is 0 when absent, 1 when it is the FQN of `dst`; `id | 0` and `file | 0` are
 * 0 when derivable. The encoder falls back to an explicit value whenever the derivation would not give back exactly
 * what was there (and to a verbatim line, `[3, json]`, for a record whose shape it does not know), so decoding
 * always reproduces the original lines byte for byte — `codegraph dump` and every reader see the documented JSON.
 */
import type { IrEdge, IrNode } from '../../ir/model';
import { hashString } from '../../util/hash';
import { irLines } from './lines';

const NODE_KEYS = ['node', 'id', 'name', 'fqn', 'file', 'span', 'parent', 'attrs'];
const EDGE_KEYS = ['edge', 'id', 'src', 'dst', 'target', 'callee', 'span', 'attrs'];

/** True when the object's keys are, in order, a subsequence of `order` that includes every required key. */
function canonical(o: object, order: readonly string[], required: number): boolean {
  let j = 0;
  let seen = 0;
  for (const k in o) {
    while (j < order.length && order[j] !== k) j++;
    if (j === order.length) return false;
    if (j < required) seen++;
    j++;
  }
  return seen === required;
}

function edgeKey(src: string, kind: string, dst: string | undefined, target: string | undefined, callee: string | undefined): string {
  return `${src}\0${kind}\0${dst ?? target ?? callee ?? ''}`;
}

/** Edge ids as extraction makes them: identical (src, kind, destination) edges are told apart by an ordinal. */
class EdgeIds {
  private ordinals = new Map<string, number>();
  id(key: string): string {
    const ord = this.ordinals.get(key);
    this.ordinals.set(key, (ord ?? 0) + 1);
    return hashString(ord ? `${key}\0${ord}` : key);
  }
}

/** Encodes a file's records as compact lines (one JSON array per line). Requires initHash(). */
export function encodeCompact(file: string, nodes: readonly IrNode[], edges: readonly IrEdge[]): string {
  const out: string[] = [];
  // Position of a node id (its first occurrence); per position, as the decoder will rebuild them: id, FQN, parent.
  const index = new Map<string, number>();
  const idAt: string[] = [];
  const fqns: string[] = [];
  const parents: number[] = [];
  const ref = (id: string | undefined): number | string => (id === undefined ? -1 : (index.get(id) ?? id));
  for (const n of nodes) {
    const at = idAt.length;
    if (!canonical(n, NODE_KEYS, 6)) {
      out.push(JSON.stringify([3, JSON.stringify(n)]));
      if (!index.has(n.id)) index.set(n.id, at);
      idAt.push(n.id);
      fqns.push(n.fqn);
      parents.push(-1);
      continue;
    }
    const parent = ref(n.parent);
    const derivedFqn = typeof parent === 'number' && parent >= 0 ? `${fqns[parent]}.${n.name}` : undefined;
    const nodeFile = n.file === file ? 0 : n.file;
    const id = hashString(`${n.file}\0${n.fqn}`) === n.id ? 0 : n.id;
    if (!index.has(n.id)) index.set(n.id, at);
    idAt.push(n.id);
    fqns.push(n.fqn);
    parents.push(typeof parent === 'number' ? parent : -1);
    out.push(JSON.stringify([0, n.node, n.name, derivedFqn === n.fqn ? 0 : n.fqn, n.span, parent, n.attrs ?? 0, id, nodeFile]));
  }
  const ids = new EdgeIds();
  for (const e of edges) {
    const derivedId = ids.id(edgeKey(e.src, e.edge, e.dst, e.target, e.callee));
    if (!canonical(e, EDGE_KEYS, 3)) {
      out.push(JSON.stringify([3, JSON.stringify(e)]));
      continue;
    }
    const id = derivedId === e.id ? 0 : e.id;
    const src = ref(e.src);
    const dst = ref(e.dst);
    if (
      e.edge === 'CONTAINS' &&
      id === 0 &&
      typeof dst === 'number' &&
      dst >= 0 &&
      parents[dst] === src &&
      idAt[dst] === e.dst &&
      e.target === fqns[dst] &&
      e.callee === undefined &&
      e.span === undefined &&
      e.attrs === undefined
    ) {
      out.push(`[2,${dst}]`);
      continue;
    }
    const target = e.target === undefined ? 0 : typeof dst === 'number' && dst >= 0 && e.target === fqns[dst] ? 1 : e.target;
    out.push(JSON.stringify([1, e.edge, src, dst, target, e.callee ?? 0, e.span ?? 0, e.attrs ?? 0, id]));
  }
  return out.join('\n');
}

/**
 * Decodes compact lines back to the records they were made from, as objects whose keys are in the order extraction
 * wrote them (so JSON.stringify gives back the exact original lines). Requires initHash().
 */
export function decodeCompactRecords(file: string, compact: string, opts: { nodesOnly?: boolean } = {}): { nodes: IrNode[]; edges: IrEdge[] } {
  const r = new CompactReader(file, compact);
  const nodes: IrNode[] = [];
  const edges: IrEdge[] = [];
  if (opts.nodesOnly) {
    for (let n = r.nextNode(); n; n = r.nextNode()) nodes.push(n);
    return { nodes, edges };
  }
  for (let x = r.next(); x; x = r.next()) {
    if (isNode(x)) nodes.push(x);
    else edges.push(x);
  }
  return { nodes, edges };
}

const isNode = (x: IrNode | IrEdge): x is IrNode => (x as IrNode).node !== undefined;

/**
 * Reads a file's compact lines one record at a time, so that a reader can go through a big file's edges without
 * holding them all (sympy's largest test file has 133K call edges: 42 MB as objects). Nodes come first (the encoder
 * writes them so): `nextNode` gives them and stops at the first edge, `nextEdge` then gives the edges. Throws on a
 * damaged line (as JSON.parse does), whenever it is reached.
 */
export class CompactReader {
  private start = 0;
  private readonly ids: string[] = [];
  private readonly fqns: string[] = [];
  private readonly parents: number[] = [];
  private readonly edgeIds = new EdgeIds();
  /** An edge read while looking for a node (a verbatim line is only known by parsing it). */
  private pending: IrEdge | undefined;

  constructor(
    private readonly file: string,
    private readonly compact: string,
  ) {}

  /** The next node, or undefined once the nodes are done. */
  nextNode(): IrNode | undefined {
    const c = this.compact;
    if (this.pending || c.startsWith('[1,', this.start) || c.startsWith('[2,', this.start)) return undefined;
    const x = this.next();
    if (!x || isNode(x)) return x;
    this.pending = x;
    return undefined;
  }

  /** The next edge, or undefined at the end; a node after the first edge is a damaged record. */
  nextEdge(): IrEdge | undefined {
    const x = this.next();
    if (x && isNode(x)) throw new Error(`codegraph: node ${x.id} after the edges of ${this.file}`);
    return x;
  }

  /** The next record, node or edge, or undefined at the end. */
  next(): IrNode | IrEdge | undefined {
    if (this.pending) {
      const e = this.pending;
      this.pending = undefined;
      return e;
    }
    const compact = this.compact;
    if (this.start >= compact.length) return undefined;
    let end = compact.indexOf('\n', this.start);
    if (end < 0) end = compact.length;
    const rec = JSON.parse(compact.slice(this.start, end)) as unknown[];
    this.start = end + 1;
    const { ids, fqns, parents, edgeIds } = this;
    const id = (r: number | string): string | undefined => (typeof r === 'string' ? r : r >= 0 ? ids[r] : undefined);
    switch (rec[0]) {
      case 0: {
        const [, kind, name, fqnOr0, span, parent, attrs, idOr0, fileOr0] = rec as [0, IrNode['node'], string, string | 0, IrNode['span'], number | string, Record<string, unknown> | 0, string | 0, string | 0];
        const fqn = fqnOr0 === 0 ? `${fqns[parent as number]}.${name}` : fqnOr0;
        const nodeFile = fileOr0 === 0 ? this.file : fileOr0;
        const nid = idOr0 === 0 ? hashString(`${nodeFile}\0${fqn}`) : idOr0;
        const n: IrNode = { node: kind, id: nid, name, fqn, file: nodeFile, span };
        const p = id(parent);
        if (p !== undefined) n.parent = p;
        if (attrs !== 0) n.attrs = attrs;
        ids.push(nid);
        fqns.push(fqn);
        parents.push(typeof parent === 'number' ? parent : -1);
        return n;
      }
      case 1: {
        const [, kind, srcRef, dstRef, targetOr, callee, span, attrs, idOr0] = rec as [1, IrEdge['edge'], number | string, number | string, string | 0 | 1, string | 0, IrEdge['span'] | 0, Record<string, unknown> | 0, string | 0];
        const src = id(srcRef)!;
        const dst = id(dstRef);
        const target = targetOr === 0 ? undefined : targetOr === 1 ? fqns[dstRef as number] : targetOr;
        const derived = edgeIds.id(edgeKey(src, kind, dst, target, callee === 0 ? undefined : callee));
        const e: IrEdge = { edge: kind, id: idOr0 === 0 ? derived : idOr0, src };
        if (dst !== undefined) e.dst = dst;
        if (target !== undefined) e.target = target;
        if (callee !== 0) e.callee = callee;
        if (span !== 0) e.span = span;
        if (attrs !== 0) e.attrs = attrs;
        return e;
      }
      case 2: {
        const d = rec[1] as number;
        const src = ids[parents[d]!]!;
        const dst = ids[d]!;
        const eid = edgeIds.id(edgeKey(src, 'CONTAINS', dst, undefined, undefined));
        return { edge: 'CONTAINS', id: eid, src, dst, target: fqns[d] };
      }
      case 3: {
        // A verbatim record still takes part in later derivations (ordinals count every edge, nodes are indexed).
        const r = JSON.parse(rec[1] as string) as IrNode & IrEdge;
        if (r.node !== undefined) {
          ids.push(r.id);
          fqns.push(r.fqn);
          parents.push(-1);
        } else edgeIds.id(edgeKey(r.src, r.edge, r.dst, r.target, r.callee));
        return r;
      }
      default:
        throw new Error(`codegraph: unknown compact IR record ${String(rec[0])}`);
    }
  }
}

/** Decodes compact lines back to the exact JSON lines they were made from (nodes, then edges). Requires initHash(). */
export function decodeCompact(file: string, compact: string): string[] {
  return irLines(decodeCompactRecords(file, compact));
}
