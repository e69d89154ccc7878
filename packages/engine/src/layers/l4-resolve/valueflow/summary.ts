/**
 * Flow summaries: what a solved fixpoint exports about a file's definitions, so another solve can use that file as
 * fixed facts (its interface) instead of re-solving its body.
 *
 * Per file: its functions and classes (as in the facts: what calls bind to and MROs are built from), and the solved
 * objects of every module-level name, class attribute, instance attribute (per class, merged over its instances),
 * function return (and generator yield), plus pass-through — which parameters of a function reach its return through
 * copies (identity and registration decorators, `return arg` helpers), so a caller's own values come back out.
 *
 * Objects are referenced through a per-file table (`objs`): functions and classes by file, fqn and position;
 * instances by class; modules, external names and builtin literal types by name; staticmethod/classmethod/property
 * wrappers and bound methods by their parts. Containers become a literal of their type (their methods resolve, their
 * elements are dropped); generators, coroutines, `*args` tuples and `super()` proxies are dropped.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashString } from '../../../util/hash';
import { PackReader, PackWriter } from '../../../util/pack';

export const FLOW_SUMMARY_FORMAT = 'vfs-1';

/** A summarized object; numbers inside are indices into the same file's `objs`. */
export type SummaryObj =
  | ['f', file: string, fqn: string, line: number, col: number]
  | ['c', file: string, fqn: string, line: number, col: number]
  | ['i', cls: number]
  | ['m', name: string]
  | ['e', name: string]
  | ['l', type: string]
  | ['w', kind: number, inner: number]
  | ['b', func: number, self: number];

export interface FileSummary {
  format: string;
  module: string;
  /** Module-level names (star imports linked), and `__all__` when the module declares one. */
  globals: string[];
  all?: string[];
  /** [fqn, params, flags, line, col] as in the facts. */
  funcs: Array<[string, Array<[string, string]>, number, number, number]>;
  /** [fqn, base objects, attributes declared in the body, line, col]. */
  classes: Array<[string, number[], string[], number, number]>;
  objs: SummaryObj[];
  /** Named variable (`mod.x`, `mod.C.attr`, `mod.f.<return>`, `mod.f.<yield>`) → objects. */
  sets: Array<[string, number[]]>;
  /** Instance attributes: [class object, attribute, objects]. */
  inst: Array<[number, string, number[]]>;
  /** Pass-through: [index in funcs, parameter indices reaching the return]. */
  pass: Array<[number, number[]]>;
}

export const flowSummaryPackPath = (outDir: string) => path.join(outDir, 'l4', 'flow-summary.pack');

export interface SummaryEntry {
  file: string;
  summary: FileSummary;
}

/**
 * The summaries of a project's dependencies, cached in the project's own `l4/flow-summary.pack` (L4 never writes
 * another project's outputs): one record per file, keyed by the hash of its text (a dependency edit rewrites only
 * the files whose summary changed), and an index record keyed by the digest of the facts they were solved from.
 */
export class SummaryCache {
  private constructor(private readonly outDir: string) {}

  static of(outDir: string): SummaryCache {
    return new SummaryCache(outDir);
  }

  /** The summaries solved from facts with this digest and the digest of their content, or undefined (none, or a record damaged). */
  read(digest: string): { entries: SummaryEntry[]; content: string } | undefined {
    const pack = PackReader.open(flowSummaryPackPath(this.outDir));
    if (!pack) return undefined;
    try {
      const index = pack.text(`i:${digest}`);
      if (index === undefined) return undefined;
      const out: SummaryEntry[] = [];
      for (const [file, key] of JSON.parse(index) as Array<[string, string]>) {
        const text = pack.text(key);
        if (text === undefined) return undefined;
        const summary = JSON.parse(text) as FileSummary;
        if (summary.format !== FLOW_SUMMARY_FORMAT) return undefined;
        out.push({ file, summary });
      }
      return { entries: out, content: hashString(index) };
    } catch {
      return undefined;
    } finally {
      pack.close();
    }
  }

  /** Rewrites the pack with exactly these summaries (their JSON) under this digest; unchanged records are copied, not re-encoded. */
  /** Returns the digest of their content (as `read` does). */
  write(digest: string, entries: ReadonlyArray<{ file: string; text: string }>): string {
    const target = flowSummaryPackPath(this.outDir);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const prev = PackReader.open(target);
    const pack = new PackWriter(target);
    try {
      const index: Array<[string, string]> = [];
      for (const { file, text } of entries) {
        const key = `s:${hashString(text)}`;
        index.push([file, key]);
        if (!(prev && pack.copyFrom(prev, key))) pack.addRaw(key, text);
      }
      const indexText = JSON.stringify(index);
      pack.addRaw(`i:${digest}`, indexText);
      pack.commit({ fsync: false });
      return hashString(indexText);
    } catch (err) {
      pack.abort();
      throw err;
    } finally {
      prev?.close();
    }
  }
}
