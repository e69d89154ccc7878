/**
 * The parser seam: everything that knows which tree-sitter binding is used lives here.
 *
 * We use web-tree-sitter (WebAssembly) with the grammar shipped inside tree-sitter-python. Measured over the full
 * L1 on the stdlib (docs/architecture.md), it extracts at native speed with a fraction of the RSS, and it needs no
 * C++ build at install time: the native `tree-sitter` binding's linux prebuild does not load on Debian 12 and only
 * works when npm runs its node-gyp build. Wasm trees are freed explicitly with delete(), so memory stays flat.
 */
import * as fs from 'node:fs';
import { Language, Parser, type Tree } from 'web-tree-sitter';

let parser: Parser | undefined;
let loading: Promise<Parser> | undefined;

async function load(): Promise<Parser> {
  await Parser.init();
  // Bytes rather than a path: loading by path makes web-tree-sitter use a dynamic import(), which some hosts
  // (jest's VM, bundlers) do not allow.
  const wasm = fs.readFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  const lang = await Language.load(wasm);
  const p = new Parser();
  p.setLanguage(lang);
  return p;
}

export async function initPythonParser(): Promise<void> {
  if (parser) return;
  loading ??= load();
  parser = await loading;
}

/** Parses source text; the caller must call tree.delete() when done (wasm memory is not garbage-collected). */
export function parsePython(text: string): Tree {
  if (!parser) throw new Error('codegraph: initPythonParser() must be awaited before parsing');
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

export type { Language, Node as SyntaxNode, Tree, TreeCursor } from 'web-tree-sitter';
