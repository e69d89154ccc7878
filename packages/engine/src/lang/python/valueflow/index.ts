/** Value-flow facts of a Python file: the front end's part of the value-flow call graph (solved in L4). */
import { MAX_FLOW_CONSTRAINTS, type FlowFacts } from './model';
export { extractFlowFacts, extractFlowFactsFlat, type FlowFileInfo } from './extract';
export { flattenForFlow } from './flat-source';
export * from './model';

/**
 * The facts as the solver should see them: as they are, or emptied (counted in `omitted`) when over the budget
 * (MAX_FLOW_CONSTRAINTS). The extractor applies the same budget as it goes (it stops keeping constraints once past
 * it), so facts it made are already within it; this is the rule for facts from elsewhere.
 */
export function withinFlowBudget(f: FlowFacts, max = MAX_FLOW_CONSTRAINTS): FlowFacts {
  if (f.c.length <= max) return f;
  return { ...f, vars: [], funcs: [], classes: [], sites: [], c: [], omitted: f.c.length };
}
