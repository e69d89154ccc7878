/**
 * Literal type inference: the type of a value when the syntax alone says it (`"x"` → str, `[...]` → list,
 * `f"..."` → str, comprehensions → their container). Anything that needs evaluation returns undefined.
 */
import type { SyntaxNode } from './parser';

export function inferLiteralType(n: SyntaxNode): string | undefined {
  switch (n.type) {
    case 'string': {
      const start = n.firstChild;
      const prefix = start?.type === 'string_start' ? start.text : '';
      return /b/i.test(prefix) ? 'bytes' : 'str';
    }
    case 'concatenated_string': {
      const first = n.firstNamedChild;
      return first ? inferLiteralType(first) : 'str';
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
      return inner ? inferLiteralType(inner) : undefined;
    }
    case 'unary_operator': {
      const arg = n.childForFieldName('argument');
      const t = arg ? inferLiteralType(arg) : undefined;
      return t === 'int' || t === 'float' || t === 'complex' || t === 'bool' ? (t === 'bool' ? 'int' : t) : undefined;
    }
    case 'binary_operator': {
      // Same-typed literal operands keep their type for + and * on str/list/tuple and arithmetic on numbers.
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const lt = l ? inferLiteralType(l) : undefined;
      const rt = r ? inferLiteralType(r) : undefined;
      const op = n.childForFieldName('operator')?.type;
      if (lt === 'str' && op === '%') return 'str';
      if (lt && lt === rt && (op === '+' || op === '-' || op === '*') && lt !== 'None' && lt !== 'bool') return lt;
      return undefined;
    }
    default:
      return undefined;
  }
}
