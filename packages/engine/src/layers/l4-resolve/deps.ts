/**
 * The file dependency graph of a project as written to `l4/deps.json`: what each file imports (files anywhere in
 * the corpus, plus external top-level modules), the reverse, a topological order and the import cycles.
 */
import { kahnOrder, tarjanScc } from './graph';

export interface DepsJson {
  schema: 1;
  project: string;
  /** This project's files: the files they import (resolved, self excluded) and external modules, sorted. */
  files: Record<string, { imports: string[]; externals: string[] }>;
  /** File → this project's files that import it. */
  dependents: Record<string, string[]>;
  /** Every file of the project, dependencies before dependents (Kahn on the SCC condensation). */
  order: string[];
  /** Import cycles: strongly connected components of more than one file, each sorted, largest first. */
  cycles: string[][];
  /** Files of other projects this project imports, with their project. */
  foreign: Record<string, string>;
  /** Other projects imported from → number of files imported from each. */
  projects: Record<string, number>;
  /** Files whose L1 shard could not be read (corrupt or missing). */
  unreadable?: string[];
}

export function buildDeps(
  project: string,
  fileDeps: Map<string, Set<string>>,
  fileExternals: Map<string, Set<string>>,
  projectOf: (file: string) => string | undefined,
): DepsJson {
  const files = [...fileDeps.keys()].sort();
  const idx = new Map(files.map((f, i) => [f, i]));
  const adj: number[][] = files.map(() => []);
  const out: DepsJson = { schema: 1, project, files: {}, dependents: {}, order: [], cycles: [], foreign: {}, projects: {} };
  const dependents = new Map<string, string[]>();
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const imports = [...fileDeps.get(f)!].sort();
    out.files[f] = { imports, externals: [...(fileExternals.get(f) ?? [])].sort() };
    for (const d of imports) {
      let list = dependents.get(d);
      if (!list) dependents.set(d, (list = []));
      list.push(f);
      const j = idx.get(d);
      if (j !== undefined) adj[i]!.push(j);
      else {
        const p = projectOf(d);
        if (p !== undefined && p !== project && out.foreign[d] === undefined) {
          out.foreign[d] = p;
          out.projects[p] = (out.projects[p] ?? 0) + 1;
        }
      }
    }
  }
  for (const d of [...dependents.keys()].sort()) out.dependents[d] = dependents.get(d)!;
  const { comp, count } = tarjanScc(adj);
  const size = new Int32Array(count);
  for (let v = 0; v < files.length; v++) size[comp[v]!]++;
  const cycles = new Map<number, string[]>();
  for (let v = 0; v < files.length; v++) {
    const c = comp[v]!;
    if (size[c]! < 2) continue;
    let list = cycles.get(c);
    if (!list) cycles.set(c, (list = []));
    list.push(files[v]!);
  }
  out.cycles = [...cycles.values()].sort((a, b) => b.length - a.length || (a[0]! < b[0]! ? -1 : 1));
  out.order = kahnOrder(adj, comp, count, (v) => v).map((v) => files[v]!);
  return out;
}
