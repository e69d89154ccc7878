/** Test helpers: extract real Python and look at the IR by FQN rather than by id. */
import { extractPython, initHash, initPythonParser, type EdgeKind, type FileIr, type NodeKind } from '@codegraph/engine';

export async function initEngine(): Promise<void> {
  await initHash();
  await initPythonParser();
}

export interface View {
  ir: FileIr;
  /** FQNs of the nodes of a kind, in document order. */
  fqns(kind: NodeKind): string[];
  node(fqn: string): FileIr['nodes'][number];
  /** Edges of a kind as `src -> dst` (resolved) or `src => target` (FQN only) or `src ?> callee` (unresolved). */
  edges(kind: EdgeKind): string[];
  edge(kind: EdgeKind, from: string, to: string): FileIr['edges'][number] | undefined;
}

export function py(source: string, file = 'pkg/mod.py', module = 'pkg.mod'): View {
  const ir = extractPython(file, module, Buffer.from(source, 'utf8'));
  const byId = new Map(ir.nodes.map((n) => [n.id, n]));
  const name = (id: string) => byId.get(id)?.fqn ?? `<${id}>`;
  const render = (e: FileIr['edges'][number]) =>
    e.dst ? `${name(e.src)} -> ${name(e.dst)}` : e.target ? `${name(e.src)} => ${e.target}` : `${name(e.src)} ?> ${e.callee}`;
  return {
    ir,
    fqns: (kind) => ir.nodes.filter((n) => n.node === kind).map((n) => n.fqn),
    node: (fqn) => {
      const n = ir.nodes.find((x) => x.fqn === fqn);
      if (!n) throw new Error(`no node ${fqn}; have ${ir.nodes.map((x) => x.fqn).join(', ')}`);
      return n;
    },
    edges: (kind) => ir.edges.filter((e) => e.edge === kind).map(render).sort(),
    edge: (kind, from, to) => ir.edges.find((e) => e.edge === kind && name(e.src) === from && (e.dst ? name(e.dst) : e.target ?? e.callee) === to),
  };
}

/** A view extracted on first use, so suites can declare it at describe time (before the parser is loaded). */
export function lazyPy(source: string, file?: string, module?: string): View {
  let v: View | undefined;
  const get = () => (v ??= py(source, file, module));
  return {
    get ir() {
      return get().ir;
    },
    fqns: (k) => get().fqns(k),
    node: (f) => get().node(f),
    edges: (k) => get().edges(k),
    edge: (k, a, b) => get().edge(k, a, b),
  };
}
