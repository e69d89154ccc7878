// PLACEHOLDER on branch h-l5 only, replaced by the CFG/SSA builder (branch h-cfg) when it merges.
import type { SyntaxNode } from '../parser';
import type { FileFlow } from './model';
export type * from './model';
export function buildFileFlow(_root: SyntaxNode): FileFlow {
  return { scopes: [] };
}
