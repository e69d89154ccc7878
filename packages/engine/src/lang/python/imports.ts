/**
 * The import statements of one Python source, from its tree-sitter parse: only real statements count, so text that
 * merely looks like an import (in a docstring, a string, a comment) never does. Cheaper than the L1 extraction: the
 * walk enters statements and blocks only, never expressions. Used where a whole IR is not wanted, e.g. the project
 * graph of a build tool.
 */
import { parsePython, type SyntaxNode } from './parser';

export interface PythonImport {
  /** The module as written, without leading dots: `a.b` for `import a.b` and `from a.b import c`; '' for `from . import c`. */
  module: string;
  /** Leading dots of a relative import (PEP 328); 0 for absolute. */
  level: number;
  /** For `from … import`: the imported names (`*` for a star import); empty for `import a.b`. */
  names: string[];
  /** 1-based line of the statement. */
  line: number;
  /** Inside a function or method body: runs only when that is called. */
  functionLevel: boolean;
  /** Under `if TYPE_CHECKING:`: never runs. */
  typeChecking: boolean;
  /** Inside `try:` whose handlers catch ImportError (or anything): the code runs without the module. */
  optional: boolean;
}

/** Statements and clauses an import can sit in; every other node (expressions, strings, comments) is skipped. */
const CONTAINERS = new Set([
  'module', 'block', 'if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'except_group_clause',
  'finally_clause', 'with_statement', 'for_statement', 'while_statement', 'function_definition', 'class_definition',
  'decorated_definition', 'match_statement', 'case_clause', 'ERROR',
]);
const IMPORTS = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

/**
 * Whether an import statement only runs conditionally in a way that says the module may be absent: inside a `try`
 * whose handlers catch ImportError (or anything), or under `if TYPE_CHECKING:`. Walks up to the enclosing definition
 * only. The L1 extractor marks its Import nodes with the same rule (attrs `optional`, `type_checking`).
 */
export function importGuard(n: SyntaxNode): { optional?: true; type_checking?: true } {
  let child = n;
  for (let cur = n.parent; cur; child = cur, cur = cur.parent) {
    const t = cur.type;
    if (t === 'module' || t === 'function_definition' || t === 'class_definition') break;
    if (t === 'try_statement' && cur.childForFieldName('body')?.id === child.id) {
      for (const h of cur.namedChildren) {
        if (h?.type !== 'except_clause' && h?.type !== 'except_group_clause') continue;
        const caught = h.namedChildren.filter((c) => c && c.type !== 'block').map((c) => c!.text).join(' ');
        if (caught === '' || /\b(ImportError|ModuleNotFoundError|Exception|BaseException)\b/.test(caught)) return { optional: true };
      }
    } else if (t === 'if_statement' && cur.childForFieldName('consequence')?.id === child.id) {
      if (/\bTYPE_CHECKING\b/.test(cur.childForFieldName('condition')?.text ?? '')) return { type_checking: true };
    }
  }
  return {};
}

/** Whether a statement sits under `if TYPE_CHECKING:` at any depth (a guard inside a function counts too). */
function underTypeChecking(n: SyntaxNode): boolean {
  let child = n;
  for (let cur = n.parent; cur; child = cur, cur = cur.parent) {
    if (cur.type === 'if_statement' && cur.childForFieldName('consequence')?.id === child.id) {
      if (/\bTYPE_CHECKING\b/.test(cur.childForFieldName('condition')?.text ?? '')) return true;
    }
  }
  return false;
}

function statementImport(n: SyntaxNode, functionLevel: boolean): PythonImport[] {
  const guard = importGuard(n);
  const common = {
    line: n.startPosition.row + 1,
    functionLevel,
    typeChecking: guard.type_checking === true || underTypeChecking(n),
    optional: guard.optional === true,
  };
  const nameOf = (c: SyntaxNode) => (c.type === 'aliased_import' ? c.childForFieldName('name')?.text ?? '' : c.text);
  if (n.type === 'import_statement') {
    return n.namedChildren
      .filter((c): c is SyntaxNode => !!c && (c.type === 'dotted_name' || c.type === 'aliased_import'))
      .map((c) => ({ module: nameOf(c), level: 0, names: [], ...common }))
      .filter((i) => i.module !== '');
  }
  if (n.type === 'future_import_statement') {
    const names = n.namedChildren.filter((c): c is SyntaxNode => !!c).map(nameOf);
    return [{ module: '__future__', level: 0, names, ...common }];
  }
  const modNode = n.childForFieldName('module_name');
  if (!modNode) return [];
  let level = 0;
  let module = modNode.text;
  if (modNode.type === 'relative_import') {
    module = '';
    for (const c of modNode.children) {
      if (c?.type === 'import_prefix') level = c.text.length;
      else if (c?.type === 'dotted_name') module = c.text;
    }
  }
  const names: string[] = [];
  for (const c of n.namedChildren) {
    if (!c || c.id === modNode.id) continue;
    if (c.type === 'wildcard_import') names.push('*');
    else if (c.type === 'dotted_name' || c.type === 'aliased_import') names.push(nameOf(c));
  }
  return [{ module, level, names, ...common }];
}

/** Walks the statements of a parsed module, in source order. */
export function importsOfTree(root: SyntaxNode): PythonImport[] {
  const out: PythonImport[] = [];
  // Explicit stack (no recursion: deeply nested code must not overflow), children pushed in reverse for source order.
  const stack: { node: SyntaxNode; inFunction: boolean }[] = [{ node: root, inFunction: false }];
  while (stack.length) {
    const { node, inFunction } = stack.pop()!;
    if (IMPORTS.has(node.type)) {
      out.push(...statementImport(node, inFunction));
      continue;
    }
    if (!CONTAINERS.has(node.type)) continue;
    const fn = inFunction || node.type === 'function_definition';
    const kids = node.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i];
      if (k && (IMPORTS.has(k.type) || CONTAINERS.has(k.type))) stack.push({ node: k, inFunction: fn });
    }
  }
  return out;
}

/** The import statements of a Python source. Requires `await initPythonParser()` first. */
export function extractImports(source: string): PythonImport[] {
  const tree = parsePython(source);
  try {
    return importsOfTree(tree.rootNode);
  } finally {
    tree.delete();
  }
}
