/** Value-flow facts of a Python file: the front end's part of the value-flow call graph (solved in L4). */
export { extractFlowFacts, type FlowFileInfo } from './extract';
export * from './model';
