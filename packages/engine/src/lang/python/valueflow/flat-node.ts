/**
 * Syntax nodes for the value-flow extractor, read from the FlatTree L5's CFG builder already made (flow/flat-tree.ts)
 * instead of through web-tree-sitter's node API.
 *
 * Why: the extractor asks about most nodes of a file (type, fields, children, text), and through the binding every
 * such question marshals a node across the JS/wasm boundary and allocates a node object; profiled on django, that
 * was most of the extractor's time, and the extractor was a third of L5. Here a node is an index into typed arrays,
 * wrapped in one small object per index (made on first use, kept for the file).
 *
 * What the flat tree does not hold, and how it is recovered:
 * - anonymous tokens (operators, `async`): read from the source text between the named nodes around them;
 * - the insides of plain (non-f) string literals in error-free trees: only `__all__`'s strings need them, and those
 *   are read through the real tree (`syntaxNode()`), once per module.
 * Positions are UTF-16 indices, as web-tree-sitter gives them for a JS string; rows count `\n` like tree-sitter.
 */
import type { SyntaxNode } from '../parser';
import type { FlatTree } from '../flow/flat-tree';
import type { Grammar } from '../flow/cfg';
import { lineAt, lineStarts } from '../../../util/lines';

export interface Point {
  row: number;
  column: number;
}

export class FlatView {
  /**
   * One FlatNode per index, made on first ask. Filled with undefined up front: an empty array written at scattered
   * indices becomes a sparse (dictionary) array, and its lookups were the extractor's single hottest line.
   */
  private readonly nodes: Array<FlatNode | undefined> = [];
  private fieldIds = new Map<string, number>();
  private lineStarts: number[] | undefined;

  constructor(
    readonly tree: FlatTree,
    readonly text: string,
    readonly grammar: Grammar,
    private readonly fieldIdOf: (name: string) => number | null,
    /** The real tree's root (for the rare question the flat copy cannot answer). */
    readonly root: SyntaxNode,
  ) {
    for (let i = 0; i < tree.size; i++) this.nodes.push(undefined);
  }

  node(i: number): FlatNode {
    return (this.nodes[i] ??= new FlatNode(this, i));
  }

  fieldId(name: string): number {
    let id = this.fieldIds.get(name);
    if (id === undefined) this.fieldIds.set(name, (id = this.fieldIdOf(name) ?? -1));
    return id;
  }

  point(index: number): Point {
    const starts = (this.lineStarts ??= lineStarts(this.text));
    const row = lineAt(starts, index);
    return { row, column: index - starts[row]! };
  }

  /** Index just past the subtree of node i (pre-order: the next sibling of its nearest ancestor-or-self that has one). */
  subtreeEnd(i: number): number {
    const { nextSibling, parent } = this.tree;
    for (let k = i; k >= 0; k = parent[k]!) if (nextSibling[k]! >= 0) return nextSibling[k]!;
    return this.tree.size;
  }
}


export class FlatNode {
  constructor(
    private readonly v: FlatView,
    readonly i: number,
  ) {}

  get type(): string {
    return this.v.grammar.types[this.v.tree.type[this.i]!] ?? 'ERROR';
  }

  get startIndex(): number {
    return this.v.tree.start[this.i]!;
  }

  get endIndex(): number {
    return this.v.tree.end[this.i]!;
  }

  get text(): string {
    return this.v.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.v.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.v.point(this.endIndex);
  }

  get parent(): FlatNode | null {
    const p = this.v.tree.parent[this.i]!;
    return p < 0 ? null : this.v.node(p);
  }

  get firstNamedChild(): FlatNode | null {
    const c = this.v.tree.firstChild[this.i]!;
    return c < 0 ? null : this.v.node(c);
  }

  get nextNamedSibling(): FlatNode | null {
    const c = this.v.tree.nextSibling[this.i]!;
    return c < 0 ? null : this.v.node(c);
  }

  get namedChildren(): FlatNode[] {
    const out: FlatNode[] = [];
    const { firstChild, nextSibling } = this.v.tree;
    for (let c = firstChild[this.i]!; c >= 0; c = nextSibling[c]!) out.push(this.v.node(c));
    return out;
  }

  get namedChildCount(): number {
    let n = 0;
    const { firstChild, nextSibling } = this.v.tree;
    for (let c = firstChild[this.i]!; c >= 0; c = nextSibling[c]!) n++;
    return n;
  }

  /** The first named child in the field (fields holding only anonymous tokens, like `operator`, are not here). */
  childForFieldName(name: string): FlatNode | null {
    const id = this.v.fieldId(name);
    if (id < 0) return null;
    const { firstChild, nextSibling, field } = this.v.tree;
    for (let c = firstChild[this.i]!; c >= 0; c = nextSibling[c]!) if (field[c] === id) return this.v.node(c);
    return null;
  }

  descendantsOfType(type: string): FlatNode[] {
    const out: FlatNode[] = [];
    const end = this.v.subtreeEnd(this.i);
    const ids = this.v.tree.type;
    const names = this.v.grammar.types;
    // Compared by type id's name without making a node object per descendant (most are not the type asked).
    for (let k = this.i + 1; k < end; k++) if ((names[ids[k]!] ?? 'ERROR') === type) out.push(this.v.node(k));
    return out;
  }

  /**
   * Whether a node of `type` is in this subtree outside the subtrees of `skip` types below this node (a `yield` in a
   * function's own body, not in a nested function or class). A scan of the flat arrays: no node objects.
   */
  containsOutside(type: string, skip: ReadonlySet<string>): boolean {
    const end = this.v.subtreeEnd(this.i);
    const ids = this.v.tree.type;
    const names = this.v.grammar.types;
    for (let k = this.i; k < end; ) {
      const t = names[ids[k]!] ?? 'ERROR';
      if (t === type) return true;
      k = k !== this.i && skip.has(t) ? this.v.subtreeEnd(k) : k + 1;
    }
    return false;
  }

  equals(other: FlatNode | null | undefined): boolean {
    return !!other && other.i === this.i;
  }

  /** Whether the node's text starts with the keyword (`async def`, `async for`, `async with`). */
  startsWithKeyword(word: string): boolean {
    const t = this.v.text;
    const s = this.startIndex;
    return t.startsWith(word, s) && !isNameChar(t.charCodeAt(s + word.length));
  }

  /** The real tree's node with this node's span and type (for the few readers that need anonymous children). */
  syntaxNode(): SyntaxNode | null {
    let n: SyntaxNode | null = this.v.root.descendantForIndex(this.startIndex, this.endIndex);
    const type = this.type;
    while (n && !(n.type === type && n.startIndex === this.startIndex && n.endIndex === this.endIndex)) n = n.parent;
    return n;
  }
}

/**
 * The anonymous tokens of the source between two indices, whitespace-separated tokens joined by one space
 * (`not   in` → `not in`); comments and line continuations skipped. For operators between named nodes.
 */
export function tokensBetween(text: string, from: number, to: number): string {
  let out = '';
  let pendingSpace = false;
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 35 /* # */) {
      while (i < to && text.charCodeAt(i) !== 10) i++;
      pendingSpace = true;
    } else if (ch === 32 || ch === 9 || ch === 10 || ch === 13 || ch === 12 || ch === 92 /* \ */) pendingSpace = true;
    else {
      if (pendingSpace && out) out += ' ';
      pendingSpace = false;
      out += text[i];
    }
  }
  return out;
}

function isNameChar(ch: number): boolean {
  return (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57) || ch === 95 || ch >= 128;
}
