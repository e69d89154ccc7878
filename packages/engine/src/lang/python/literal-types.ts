/**
 * Literal type inference: the type of a value when the syntax alone says it (`"x"` → str, `[...]` → list,
 * `f"..."` → str, comprehensions → their container). Anything that needs evaluation returns undefined.
 */
import type { SyntaxNode } from './parser';

/** Beyond this nesting the type is simply unknown: inference must never exhaust the stack on generated code. */
const MAX_DEPTH = 100;

export function inferLiteralType(n: SyntaxNode, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (n.type) {
    case 'string': {
      const start = n.firstChild;
      const prefix = start?.type === 'string_start' ? start.text : '';
      return /b/i.test(prefix) ? 'bytes' : 'str';
    }
    case 'concatenated_string': {
      const first = n.firstNamedChild;
      return first ? inferLiteralType(first, depth + 1) : 'str';
    }
    case 'integer':
      return /[jJ]$/.test(n.text) ? 'complex' : 'int';
    case 'float':
      return /[jJ]$/.test(n.text) ? 'complex' : 'float';
    case 'true':
    case 'false':
      return 'bool';
    case 'none':
      return 'None';
    case 'list':
    case 'list_comprehension':
      return 'list';
    case 'dictionary':
    case 'dictionary_comprehension':
      return 'dict';
    case 'set':
    case 'set_comprehension':
      return 'set';
    case 'tuple':
      return 'tuple';
    case 'generator_expression':
      return 'generator';
    case 'lambda':
      return 'function';
    case 'not_operator':
    case 'comparison_operator':
      return 'bool';
    case 'parenthesized_expression': {
      const inner = n.firstNamedChild;
      return inner ? inferLiteralType(inner, depth + 1) : undefined;
    }
    case 'unary_operator': {
      const arg = n.childForFieldName('argument');
      const t = arg ? inferLiteralType(arg, depth + 1) : undefined;
      return t === 'int' || t === 'float' || t === 'complex' || t === 'bool' ? (t === 'bool' ? 'int' : t) : undefined;
    }
    case 'binary_operator': {
      // Same-typed literal operands keep their type for + - * (str/list/tuple concatenation, arithmetic), and
      // `str % x` is a str. Chains like `1 + 2 + ... + n` nest on the left: walk that spine with a loop.
      let cur: SyntaxNode = n;
      let rightType: string | undefined;
      for (;;) {
        const op = cur.childForFieldName('operator')?.type;
        const l = cur.childForFieldName('left');
        const r = cur.childForFieldName('right');
        if (!l || !r) return undefined;
        if (op === '%' && l.type !== 'binary_operator') return inferLiteralType(l, depth + 1) === 'str' ? 'str' : undefined;
        if (op !== '+' && op !== '-' && op !== '*') return undefined;
        const rt = inferLiteralType(r, depth + 1);
        if (!rt || rt === 'None' || rt === 'bool' || (rightType !== undefined && rt !== rightType)) return undefined;
        rightType = rt;
        if (l.type !== 'binary_operator') return inferLiteralType(l, depth + 1) === rt ? rt : undefined;
        cur = l;
      }
    }
    default:
      return undefined;
  }
}

/** The strings of a literal list or tuple of plain strings (`__all__ = ['a', 'b']`); undefined for anything else. */
export function stringList(n: SyntaxNode): string[] | undefined {
  if (n.type !== 'list' && n.type !== 'tuple') return undefined;
  const out: string[] = [];
  for (const c of n.namedChildren) {
    if (!c || c.type !== 'string') return undefined;
    let s = '';
    for (const p of c.namedChildren) if (p?.type === 'string_content') s += p.text;
    out.push(s);
  }
  return out;
}
