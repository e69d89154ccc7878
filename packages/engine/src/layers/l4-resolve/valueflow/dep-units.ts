/**
 * The units a dependent's dependency summaries are derived in: the strongly connected components of the import graph
 * between the dependencies' top-level packages (a package alone, or an import cycle of them), in dependency order.
 *
 * A unit is solved from its own files' facts plus the summaries of every unit it reaches through imports, against the
 * dependencies' symbol table, and keyed by exactly that: its files' project, path, module, interface hash and facts
 * key (in table order: projects providing the same package both appear, first wins), and the keys of the units it
 * imports — so the whole closure's facts and interfaces. Not the rest of the table: a unit's code names other code
 * only through its imports, which the closure follows (every file of a package an import reaches is in it; a package
 * that exists in one dependent's table and not in another's changes the closure, hence the key). So the key names the same
 * summaries whichever dependent reaches the unit, even dependents with different dependency sets (an app depending on
 * `core` and `payments`, `payments` on `core` alone, share `core`'s units), and django, sympy and a project nested in
 * the stdlib share the stdlib's units instead of each solving the part of the stdlib its imports reach.
 */
import { hashString } from '../../../util/hash';
import { withReaders, type L1Readers } from '../../l1-structure/stream';
import { InputsIndex, topLevel } from '../inputs-index';
import type { FlowRef } from './facts-source';
import { FLOW_SUMMARY_FORMAT } from './summary';
import { SOLVER_SEMANTICS } from './solver';

export interface DepUnit {
  /** Its top-level packages, sorted. */
  packages: string[];
  /** Its files, in the order value flow loads them (as given to dependencyUnits). */
  refs: FlowRef[];
  /** Units it imports directly (indices into the returned list, all smaller than its own). */
  imports: number[];
  /** Every unit it reaches (indices, smaller than its own), sorted by key: the summaries its solve loads. */
  closure: number[];
  key: string;
}


/** Groups the reached dependency files `refs` into units, dependencies first (imports from `index`, inputs-index.ts). */
export function dependencyUnits(refs: readonly FlowRef[], index: InputsIndex = InputsIndex.none(), readers?: L1Readers): DepUnit[] {
  const filesOf = new Map<string, FlowRef[]>();
  for (const r of refs) {
    const top = topLevel(r.ref.module);
    let list = filesOf.get(top);
    if (!list) filesOf.set(top, (list = []));
    list.push(r);
  }
  // Imports between the reached packages, from the interface facts (as reachablePackages follows them).
  const importsOf = new Map<string, Set<string>>();
  for (const top of filesOf.keys()) importsOf.set(top, new Set());
  // A project's facts are decoded only for a file the index does not know yet.
  withReaders(readers, (rs) => {
    for (const r of refs) {
      const out = importsOf.get(topLevel(r.ref.module))!;
      for (const t of index.importedTops(rs.of(r.project), r.ref) ?? []) out.add(t);
    }
  });
  const nodes = [...filesOf.keys()].sort();
  const succ = (n: string) => [...importsOf.get(n)!].filter((m) => m !== n && filesOf.has(m)).sort();
  const sccs = tarjan(nodes, succ);
  const unitOf = new Map<string, number>();
  const units: DepUnit[] = [];
  for (const packages of sccs) {
    const i = units.length;
    for (const p of packages) unitOf.set(p, i);
    const imports = new Set<number>();
    for (const p of packages) for (const m of succ(p)) if (unitOf.get(m) !== i) imports.add(unitOf.get(m)!);
    const closure = new Set<number>();
    for (const j of imports) {
      closure.add(j);
      for (const k of units[j]!.closure) closure.add(k);
    }
    const importList = [...imports].sort((a, b) => a - b);
    const fileRefs = packages.flatMap((p) => filesOf.get(p)!);
    const key = hashString(
      [
        `${FLOW_SUMMARY_FORMAT}/${SOLVER_SEMANTICS}`,
        ...fileRefs.map((r) => `${r.project.name}\0${r.ref.file}\0${r.ref.module}\0${r.ref.iface}\0${r.key}`),
        ...importList.map((j) => units[j]!.key).sort(),
      ].join('\n'),
    );
    units.push({ packages, refs: fileRefs, imports: importList, closure: [], key });
    units[i]!.closure = [...closure].sort((a, b) => (units[a]!.key < units[b]!.key ? -1 : units[a]!.key > units[b]!.key ? 1 : 0));
  }
  // Files in the order given (a unit's files follow its packages' sorted order; refs within a package keep theirs).
  return units;
}

/**
 * Strongly connected components, each emitted after every component it reaches (dependencies first). Iterative: an
 * import chain may be thousands of packages deep.
 */
function tarjan(nodes: readonly string[], succ: (n: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ n: string; out: string[]; i: number }> = [];
    const enter = (n: string) => {
      index.set(n, next);
      low.set(n, next++);
      stack.push(n);
      onStack.add(n);
      work.push({ n, out: succ(n), i: 0 });
    };
    enter(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      if (top.i < top.out.length) {
        const m = top.out[top.i++]!;
        if (!index.has(m)) enter(m);
        else if (onStack.has(m)) low.set(top.n, Math.min(low.get(top.n)!, index.get(m)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.n;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.n)!));
      }
      if (low.get(top.n) === index.get(top.n)) {
        const scc: string[] = [];
        let m: string;
        do {
          m = stack.pop()!;
          onStack.delete(m);
          scc.push(m);
        } while (m !== top.n);
        out.push(scc.sort());
      }
    }
  }
  return out;
}
