/** Value-flow facts of a Python file: the front end's part of the value-flow call graph (solved in L4). */
import type { FlowFacts } from './model';
export { extractFlowFacts, extractFlowFactsFlat, type FlowFileInfo } from './extract';
export { flattenForFlow } from './flat-source';
export * from './model';

/**
 * Constraints per file past which a file's value flow is left out. Real modules stay far below (the stdlib's
 * largest have a few thousand); generated files do not — sympy's rubi rule and test tables have up to ~10^6, and
 * their facts alone made a whole-project fixpoint need more than 4 GB. Their calls still resolve by name (L1/L4).
 */
export const MAX_FLOW_CONSTRAINTS = 40_000;

/** The facts as the solver should see them: as they are, or emptied (counted in `omitted`) when over the budget. */
export function withinFlowBudget(f: FlowFacts, max = MAX_FLOW_CONSTRAINTS): FlowFacts {
  if (f.c.length <= max) return f;
  return { ...f, vars: [], funcs: [], classes: [], sites: [], c: [], omitted: f.c.length };
}
