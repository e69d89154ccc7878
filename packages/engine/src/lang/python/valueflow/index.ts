// PLACEHOLDER on branch h-l5 only, replaced by the value-flow extractor (branch h-vf) when it merges.
import type { SyntaxNode } from '../parser';
import type { FileFlow } from '../flow/model';
export type FlowFacts = Record<string, unknown>;
export function extractFlowFacts(_root: SyntaxNode, _file: { path: string; module: string; isPackage: boolean }, _flow?: FileFlow): FlowFacts {
  return {};
}
