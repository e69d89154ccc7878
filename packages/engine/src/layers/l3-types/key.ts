/**
 * What a file's Pyright answers depend on, for its L3 key: the file itself (its L1 key), the sites asked, and the
 * files Pyright reads to type it — approximated by the file's import closure (L4's per-file imports, followed
 * transitively through this project's and its dependencies' L4 manifests), each by its L1 content key. A body
 * edit in a file therefore re-queries the files that import it directly or not, and nothing else.
 *
 * Not covered (documented): files reached only through a configured environment (venv, interpreter) — those are
 * keyed by the environment's settings, not their contents.
 */
import type { L4Manifest } from '../l4-resolve/run';

export class ImportClosure {
  /** File → files it imports (any project). */
  private readonly imports = new Map<string, readonly string[]>();
  private readonly memo = new Map<string, string[]>();

  constructor(manifests: ReadonlyArray<L4Manifest | undefined>) {
    for (const m of manifests) {
      if (!m?.files) continue;
      for (const [f, e] of Object.entries(m.files)) if (!this.imports.has(f)) this.imports.set(f, e.imports);
    }
  }

  /** Every file `file` reaches through imports (itself excluded), sorted. Iterative: import cycles are fine. */
  of(file: string): string[] {
    const hit = this.memo.get(file);
    if (hit) return hit;
    const seen = new Set<string>([file]);
    const stack = [...(this.imports.get(file) ?? [])];
    while (stack.length) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const g of this.imports.get(f) ?? []) if (!seen.has(g)) stack.push(g);
    }
    seen.delete(file);
    const out = [...seen].sort();
    this.memo.set(file, out);
    return out;
  }
}
