/** Helpers for the L5 flow tests: parse real Python with the real parser and print a scope as reviewable text. */
import { buildFileFlow, initPythonParser, parsePython, printScope, type FileFlow, type FlowOptions } from '@codegraph/engine';

export { initPythonParser };

export function flowOf(src: string, opts?: FlowOptions): FileFlow {
  const tree = parsePython(src);
  try {
    return buildFileFlow(tree.rootNode, opts);
  } finally {
    tree.delete();
  }
}

/** The printed scope (see flow/print.ts) named `name` of `src`. */
export function scope(src: string, name: string): string[] {
  const flow = flowOf(src);
  const s = flow.scopes.find((x) => x.name === name);
  if (!s) throw new Error(`no scope ${name}; have ${flow.scopes.map((x) => x.name).join(', ')}`);
  return printScope(s, src);
}
