/**
 * Value flow's answers per call site of a project's files, held compactly from the index until every file is
 * resolved: per file one Int32Array of records `[kind, line, col, endLine, endCol, n, target…]`, targets as indices
 * into one table of FlowTargets (each distinct target once). A file's `Map<span key, FlowTarget[]>` — what L4's
 * file resolution reads — is built when that file asks for it, and dropped with it.
 *
 * Why: as maps of strings to JS arrays, sympy's 505K sites with answers (~3M targets) held ~170 MB of the heap
 * through the whole per-file resolution, and V8 sizes the heap it lets grow from what is live.
 */
import { SITE_IMPLICIT } from '../../../lang/python/valueflow/model';
import type { FlowTarget } from './index';

export class SiteAnswers {
  private readonly targets: FlowTarget[] = [];
  private readonly targetIdx = new Map<FlowTarget, number>();
  private readonly building = new Map<string, number[]>();
  private readonly done = new Map<string, Int32Array>();

  /** Adds a site's answer (sites of one file in the order their maps are to be built: a repeated span replaces). */
  add(file: string, kind: number, span: readonly number[], targets: readonly FlowTarget[]): void {
    let rec = this.building.get(file);
    if (!rec) this.building.set(file, (rec = []));
    rec.push(kind, span[0]!, span[1]!, span[2]!, span[3]!, targets.length);
    for (const t of targets) {
      let i = this.targetIdx.get(t);
      if (i === undefined) this.targetIdx.set(t, (i = this.targets.push(t) - 1));
      rec.push(i);
    }
  }

  /** Ends adding: each file's records go into one typed array. */
  seal(): void {
    for (const [file, rec] of this.building) this.done.set(file, Int32Array.from(rec));
    this.building.clear();
    this.targetIdx.clear();
  }

  /** Files with answers, in the order they got their first. */
  files(): IterableIterator<string> {
    return this.done.keys();
  }

  /** A file's call sites (not implicit calls) by "line,col,endLine,endCol", or undefined when it has none. */
  sitesOf(file: string): Map<string, FlowTarget[]> | undefined {
    let m: Map<string, FlowTarget[]> | undefined;
    this.forEach(file, (kind, key, targets) => {
      if (kind === SITE_IMPLICIT) return;
      (m ??= new Map()).set(key, targets());
    });
    return m;
  }

  /** Every site of the file (implicit calls too): its kind, span key and targets (built on demand). */
  forEach(file: string, fn: (kind: number, key: string, targets: () => FlowTarget[]) => void): void {
    const rec = this.done.get(file);
    if (!rec) return;
    for (let at = 0; at < rec.length; ) {
      const kind = rec[at]!;
      const key = `${rec[at + 1]},${rec[at + 2]},${rec[at + 3]},${rec[at + 4]}`;
      const n = rec[at + 5]!;
      const from = at + 6;
      fn(kind, key, () => {
        const out: FlowTarget[] = new Array(n);
        for (let k = 0; k < n; k++) out[k] = this.targets[rec[from + k]!]!;
        return out;
      });
      at = from + n;
    }
  }
}
