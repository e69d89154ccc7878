/**
 * Value flow's answers per call site of a project's files (implicit calls are kept apart, see ValueFlow), held
 * compactly from the index until every file is resolved: per file one Int32Array of records
 * `[ordinal, line, col, endLine, endCol, decorator (0/1), n, target…]` — the ordinal being the site's index among its file's sites
 * (answers.ts re-keys moved files by it) — targets as indices into one table of FlowTargets (each distinct target
 * once). A file's `Map<span key, FlowTarget[]>` — what L4's file resolution reads — is built when that file asks for
 * it, and dropped with it.
 *
 * Why: as maps of strings to JS arrays, sympy's 505K sites with answers (~3M targets) held ~170 MB of the heap
 * through the whole per-file resolution, and V8 sizes the heap it lets grow from what is live.
 */
import type { FlowTarget } from './index';
import { DECORATOR_KEY_SUFFIX } from './shape';

export class SiteAnswers {
  private readonly targets: FlowTarget[] = [];
  private readonly targetIdx = new Map<FlowTarget, number>();
  /** Per file while adding: its records so far, in a typed array with room to grow (JS number arrays were 8 bytes an int). */
  private readonly building = new Map<string, { rec: Int32Array; n: number }>();
  private readonly done = new Map<string, Int32Array>();

  /**
   * Adds a site's answer. A span met again replaces the earlier answer (and ordinal), keeping its place; a decorator
   * application is keyed apart from the call at its span (see siteKey).
   */
  add(file: string, ordinal: number, span: readonly number[], targets: readonly FlowTarget[], decorator = false): void {
    let b = this.building.get(file);
    if (!b) this.building.set(file, (b = { rec: new Int32Array(64), n: 0 }));
    const need = b.n + 7 + targets.length;
    if (need > b.rec.length) {
      const r = new Int32Array(Math.max(need, b.rec.length * 2));
      r.set(b.rec.subarray(0, b.n));
      b.rec = r;
    }
    const rec = b.rec;
    let at = b.n;
    rec[at++] = ordinal;
    for (let k = 0; k < 4; k++) rec[at++] = span[k]!;
    rec[at++] = decorator ? 1 : 0;
    rec[at++] = targets.length;
    for (const t of targets) {
      let i = this.targetIdx.get(t);
      if (i === undefined) this.targetIdx.set(t, (i = this.targets.push(t) - 1));
      rec[at++] = i;
    }
    b.n = at;
  }

  /** Ends adding: each file's records go into one typed array of their exact size. */
  seal(): void {
    for (const [file, b] of this.building) this.done.set(file, b.rec.slice(0, b.n));
    this.building.clear();
    this.targetIdx.clear();
  }

  /** Files with answers, in the order they got their first. */
  files(): IterableIterator<string> {
    return this.done.keys();
  }

  /** A file's sites by "line,col,endLine,endCol", or undefined when it has none. */
  sitesOf(file: string): Map<string, FlowTarget[]> | undefined {
    return this.withOrdinals(file)?.sites;
  }

  /** A file's sites (as `sitesOf`) and each one's ordinal, in the same order. */
  withOrdinals(file: string): { sites: Map<string, FlowTarget[]>; ordinals: Map<string, number> } | undefined {
    const rec = this.done.get(file);
    if (!rec) return undefined;
    const sites = new Map<string, FlowTarget[]>();
    const ordinals = new Map<string, number>();
    for (let at = 0; at < rec.length; ) {
      const key = `${rec[at + 1]},${rec[at + 2]},${rec[at + 3]},${rec[at + 4]}${rec[at + 5] ? DECORATOR_KEY_SUFFIX : ''}`;
      const n = rec[at + 6]!;
      const out: FlowTarget[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = this.targets[rec[at + 7 + k]!]!;
      sites.set(key, out);
      ordinals.set(key, rec[at]!);
      at += 7 + n;
    }
    return { sites, ordinals };
  }
}
