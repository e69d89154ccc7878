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

/** Bumped whenever what a summary holds, or how a dependency unit is solved, changes (it is part of every unit's key). */
export const FLOW_SUMMARY_FORMAT = 'vfs-6';

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
  /** [fqn, base objects, attributes declared in the body, line, col, and its metaclass's objects when it declares one]. */
  classes: Array<[string, number[], string[], number, number, number[]?]>;
  objs: SummaryObj[];
  /** Named variable (`mod.x`, `mod.C.attr`, `mod.f.<return>`, `mod.f.<yield>`) → objects. */
  sets: Array<[string, number[]]>;
  /** Instance attributes: [class object, attribute, objects]. */
  inst: Array<[number, string, number[]]>;
  /**
   * Pass-through: [index in funcs, parameter indices reaching the return], with a third element 1 when the function is
   * a pure pass-through (pass-through.ts): a call of it then gives only its own arguments, not the summarized return.
   */
  pass: Array<[number, number[]] | [number, number[], 1]>;
}

export interface SummaryEntry {
  file: string;
  summary: FileSummary;
}
