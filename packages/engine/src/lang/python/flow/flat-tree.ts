/**
 * A parsed file's named nodes as flat arrays, read in one tree-cursor walk, so the CFG/SSA builder never calls into
 * wasm again and makes no JS node objects.
 *
 * Why: the builder asks about every node (type, span, field, children), and each question through web-tree-sitter's
 * public API costs a round trip that marshals the cursor through a transfer buffer with generic setValue/getValue
 * calls, plus a JS object per node it hands out. Measured on the stdlib (1,790 files, 7.5M nodes, one core): a bare
 * cursor walk asking only each node's type took 0.94× the parse time; asking type, span and field of each named node,
 * 1.7×. The same walk through the binding's raw wasm exports — the cursor left in the transfer buffer between calls,
 * which the binding's C side reads and writes itself — took 0.20× and 0.36×.
 *
 * The raw exports are web-tree-sitter internals (its `lib/tree-sitter.c`): `ts_tree_cursor_*_wasm(tree)` read the
 * cursor from TRANSFER_BUFFER[0..3] and write it back after moving. So the raw walk is used only after it gave the
 * exact same arrays as the public API on the first tree of the thread; otherwise (another binding version, no module
 * captured) the public cursor does the same walk, slower. Both walks are here, side by side, and a test compares them.
 *
 * Layout: nodes in pre-order (document order; index 0 is the walk's root), named nodes only (anonymous tokens carry
 * nothing the builder reads); the interiors of `leaf` types (strings' content, numbers, comments) are not visited.
 * The arrays are reused from file to file: a FlatTree is valid until the next `flattenTree` call on the thread.
 */
import type { SyntaxNode, TreeCursor } from '../parser';
import { treeSitterBinding } from '../parser';

export interface FlatTree {
  size: number;
  /** Node type id (web-tree-sitter's `nodeTypeId`; 65535 for ERROR). */
  type: Uint16Array;
  /** Field id under its parent (0: none). */
  field: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  /** Index of the parent (-1 for the root). */
  parent: Int32Array;
  /** First named child, next named sibling (-1: none). */
  firstChild: Int32Array;
  nextSibling: Int32Array;
}

/** What the walk needs to know per type id (indexed by type id over the 16-bit range). */
export interface WalkTable {
  named: Uint8Array;
  /** Types whose interior is not visited. */
  leaf: Uint8Array;
  /** `identifier`: in a tree without errors its end is read off the text. */
  identifier: Uint8Array;
  /** `string`: in a tree without errors its interior is visited only for f-strings (the only ones with names). */
  string: Uint8Array;
}

const buffers: FlatTree = {
  size: 0,
  type: new Uint16Array(1024),
  field: new Uint16Array(1024),
  start: new Int32Array(1024),
  end: new Int32Array(1024),
  parent: new Int32Array(1024),
  firstChild: new Int32Array(1024),
  nextSibling: new Int32Array(1024),
};

function grow(t: FlatTree): void {
  const n = t.type.length * 2;
  const g = <A extends Uint16Array | Int32Array>(a: A, make: (n: number) => A): A => {
    const b = make(n);
    b.set(a);
    return b;
  };
  t.type = g(t.type, (k) => new Uint16Array(k));
  t.field = g(t.field, (k) => new Uint16Array(k));
  t.start = g(t.start, (k) => new Int32Array(k));
  t.end = g(t.end, (k) => new Int32Array(k));
  t.parent = g(t.parent, (k) => new Int32Array(k));
  t.firstChild = g(t.firstChild, (k) => new Int32Array(k));
  t.nextSibling = g(t.nextSibling, (k) => new Int32Array(k));
}

/** The four operations a walk needs from a cursor, raw or public. */
interface Walker {
  typeId(): number;
  startIndex(): number;
  endIndex(): number;
  fieldId(): number;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
}

/**
 * The walk, shared by both walkers: pre-order, recording named nodes and linking each to its parent and previous
 * named sibling. Only named, non-leaf nodes are entered (anonymous tokens have no children in this grammar that the
 * builder reads, and the cursor walk the builder had before entered none either).
 */
function walk(w: Walker, table: WalkTable, t: FlatTree, text: string, clean: boolean): void {
  const { named, leaf, identifier, string } = table;
  // Per cursor depth: the index of the node entered there and of its last named child so far.
  let parents = new Int32Array(64);
  let lastKid = new Int32Array(64);
  let depth = 0;
  let n = 0;
  for (;;) {
    const tid = w.typeId();
    let enter = false;
    if (named[tid]) {
      if (n === t.type.length) grow(t);
      const i = n++;
      t.type[i] = tid;
      const start = (t.start[i] = w.startIndex());
      t.end[i] = clean && identifier[tid] ? identifierEnd(text, start, w) : w.endIndex();
      t.firstChild[i] = -1;
      t.nextSibling[i] = -1;
      if (depth === 0) {
        t.field[i] = 0;
        t.parent[i] = -1;
      } else {
        t.field[i] = w.fieldId();
        const p = parents[depth - 1]!;
        t.parent[i] = p;
        const prev = lastKid[depth - 1]!;
        if (prev < 0) t.firstChild[p] = i;
        else t.nextSibling[prev] = i;
        lastKid[depth - 1] = i;
      }
      if (!leaf[tid] && !(clean && string[tid] && !formatted(text, start)) && w.firstChild()) {
        if (depth + 1 >= parents.length) {
          const p2 = new Int32Array(parents.length * 2);
          p2.set(parents);
          parents = p2;
          const l2 = new Int32Array(lastKid.length * 2);
          l2.set(lastKid);
          lastKid = l2;
        }
        parents[depth] = i;
        lastKid[depth] = -1;
        depth++;
        enter = true;
      }
    }
    if (enter) continue;
    let done = false;
    while (!w.nextSibling()) {
      if (depth === 0) {
        done = true;
        break;
      }
      w.parent();
      depth--;
    }
    // At depth 0 the root has no siblings inside the cursor's range (a cursor cannot leave its root).
    if (done || depth === 0) break;
  }
  t.size = n;
}

/**
 * End of the identifier starting at `start`. In a tree without errors an identifier is exactly the token its regex
 * matched, so a run of ASCII name characters that stops at an ASCII character is the whole name (as L1's extractor
 * reads it); non-ASCII names ask the cursor.
 */
function identifierEnd(text: string, start: number, w: Walker): number {
  const n = text.length;
  let i = start;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if ((ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57) || ch === 95) i++;
    else if (ch >= 128) return w.endIndex();
    else break;
  }
  return i > start ? i : w.endIndex();
}

/** Whether the string literal starting at `start` has an f (or t) prefix: only those have interpolations. */
function formatted(text: string, start: number): boolean {
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i) | 0x20; // lower case for letters
    if (ch === 102 || ch === 116) return true; // f, t
    if (ch !== 114 && ch !== 98 && ch !== 117) return false; // r, b, u: other prefixes; anything else ends them
  }
  return false;
}

type RawFn = (tree: number) => number;
interface RawBinding {
  heap: () => Int32Array;
  transfer: number;
  typeId: RawFn;
  startIndex: RawFn;
  endIndex: RawFn;
  fieldId: RawFn;
  firstChild: RawFn;
  nextSibling: RawFn;
  parent: RawFn;
}

/** Named nodes a tree needs before the raw walk is checked on it. */
const CHECK_MIN_NODES = 200;

/** undefined: not checked yet in this thread; null: not usable. */
let raw: RawBinding | null | undefined;

function rawBinding(): RawBinding | null {
  const m = treeSitterBinding();
  if (!m) return null;
  const fns = {
    typeId: m._ts_tree_cursor_current_node_type_id_wasm,
    startIndex: m._ts_tree_cursor_start_index_wasm,
    endIndex: m._ts_tree_cursor_end_index_wasm,
    fieldId: m._ts_tree_cursor_current_field_id_wasm,
    firstChild: m._ts_tree_cursor_goto_first_child_wasm,
    nextSibling: m._ts_tree_cursor_goto_next_sibling_wasm,
    parent: m._ts_tree_cursor_goto_parent_wasm,
  };
  if (Object.values(fns).some((f) => typeof f !== 'function') || typeof m._ts_init !== 'function') return null;
  if (!(m.HEAP32 instanceof Int32Array)) return null;
  // ts_init only stores the two ABI version numbers in the transfer buffer and returns its address.
  const transfer = (m._ts_init as () => number)();
  return { ...(fns as Record<keyof typeof fns, RawFn>), transfer, heap: () => m.HEAP32 as Int32Array };
}

/** A cursor's four wasm handle words (web-tree-sitter keeps them as the cursor object's [0]..[3]). */
type CursorWords = TreeCursor & Record<0 | 1 | 2 | 3, number>;

/** The raw walker: one object for the thread (stable call targets for the JIT), pointed at the tree being walked. */
let rawWalker: (Walker & { tree: number }) | undefined;

function rawWalkerFor(b: RawBinding): Walker & { tree: number } {
  if (rawWalker) return rawWalker;
  const { typeId, startIndex, endIndex, fieldId, firstChild, nextSibling, parent } = b;
  const w = {
    tree: 0,
    typeId: () => typeId(w.tree),
    startIndex: () => startIndex(w.tree),
    endIndex: () => endIndex(w.tree),
    fieldId: () => fieldId(w.tree),
    firstChild: () => firstChild(w.tree) !== 0,
    nextSibling: () => nextSibling(w.tree) !== 0,
    parent: () => parent(w.tree) !== 0,
  };
  return (rawWalker = w);
}

function rawWalk(b: RawBinding, root: SyntaxNode, table: WalkTable, t: FlatTree, text: string, clean: boolean): void {
  const w = rawWalkerFor(b);
  w.tree = (root.tree as unknown as Record<0, number>)[0];
  const c = root.walk() as CursorWords;
  const at = b.transfer >> 2;
  let h = b.heap();
  h[at] = c[0];
  h[at + 1] = c[1];
  h[at + 2] = c[2];
  h[at + 3] = c[3];
  try {
    walk(w, table, t, text, clean);
  } finally {
    // Moving may have reallocated the cursor's stack (and grown wasm memory): take the handle back before freeing.
    h = b.heap();
    c[0] = h[at]!;
    c[1] = h[at + 1]!;
    c[2] = h[at + 2]!;
    c[3] = h[at + 3]!;
    c.delete();
  }
}

function publicWalk(root: SyntaxNode, table: WalkTable, t: FlatTree, text: string, clean: boolean): void {
  const c = root.walk();
  try {
    walk(
      {
        typeId: () => c.nodeTypeId,
        startIndex: () => c.startIndex,
        endIndex: () => c.endIndex,
        fieldId: () => c.currentFieldId,
        firstChild: () => c.gotoFirstChild(),
        nextSibling: () => c.gotoNextSibling(),
        parent: () => c.gotoParent(),
      },
      table,
      t,
      text,
      clean,
    );
  } finally {
    c.delete();
  }
}

/** A fresh, unshared FlatTree (for the check and for tests). */
export function emptyFlatTree(): FlatTree {
  return { size: 0, type: new Uint16Array(64), field: new Uint16Array(64), start: new Int32Array(64), end: new Int32Array(64), parent: new Int32Array(64), firstChild: new Int32Array(64), nextSibling: new Int32Array(64) };
}

function sameTree(a: FlatTree, b: FlatTree): boolean {
  if (a.size !== b.size) return false;
  for (const k of ['type', 'field', 'start', 'end', 'parent', 'firstChild', 'nextSibling'] as const) {
    for (let i = 0; i < a.size; i++) if (a[k][i] !== b[k][i]) return false;
  }
  return true;
}

/** How to walk (for tests and the regression check; the defaults are what the engine uses). */
export interface FlattenOptions {
  /** Force a walker: 'raw' throws when the raw walk is unavailable. Default: raw once checked, else public. */
  mode?: 'raw' | 'public';
  /** Use the error-free-tree shortcuts (identifier ends from the text, no walk inside non-f strings). Default true. */
  shortcuts?: boolean;
}

/**
 * Flattens the subtree at `root` of a tree parsed from `text` (into the shared buffers unless `into` is given: valid
 * until the next call).
 */
export function flattenTree(root: SyntaxNode, text: string, table: WalkTable, opts: FlattenOptions = {}, into: FlatTree = buffers): FlatTree {
  const mode = opts.mode;
  // Shortcuts that hold only for trees without errors (a MISSING identifier is empty; error recovery may put
  // anything inside a string).
  const clean = opts.shortcuts !== false && !root.tree.rootNode.hasError;
  if (mode === 'public') {
    publicWalk(root, table, into, text, clean);
    return into;
  }
  if (raw === undefined) {
    // Checked on a tree big enough to exercise fields, nesting and the cursor's stack; smaller trees before it
    // take the public walk.
    const b = rawBinding();
    if (!b) raw = null;
    else {
      publicWalk(root, table, into, text, clean);
      if (into.size < CHECK_MIN_NODES && mode !== 'raw') return into;
      const check = emptyFlatTree();
      rawWalk(b, root, table, check, text, clean);
      raw = sameTree(check, into) ? b : null;
      if (mode !== 'raw') return into;
    }
  }
  if (mode === 'raw' && !raw) throw new Error('raw tree-sitter walk unavailable');
  if (raw) rawWalk(raw, root, table, into, text, clean);
  else publicWalk(root, table, into, text, clean);
  return into;
}

/** Whether this thread walks trees through the raw binding (after the first flattenTree call). */
export function rawWalkInUse(): boolean {
  return !!raw;
}
