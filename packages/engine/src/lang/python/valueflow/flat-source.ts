/**
 * A parsed file flattened once for both L5 builders: the CFG/SSA builder (flow/) and the value-flow extractor read
 * the same FlatTree, so the tree is walked through wasm once per file.
 */
import type { SyntaxNode } from '../parser';
import { flattenTree, grammarOf, type FlattenOptions } from '../flow';
import { FlatView } from './flat-node';

/** Flattens the tree at `root` (parsed from `text`) into this thread's shared buffers: valid until the next call. */
export function flattenForFlow(root: SyntaxNode, text: string, walk?: FlattenOptions): FlatView {
  const lang = root.tree.language;
  const grammar = grammarOf(lang);
  const tree = flattenTree(root, text, grammar.walk, walk);
  return new FlatView(tree, text, grammar, (name) => lang.fieldIdForName(name), root);
}
