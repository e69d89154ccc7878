/**
 * L1 structural IR for one Python file, from a tree-sitter parse.
 *
 * One pre-order walk (explicit stack, so deeply nested expressions cannot overflow the JS stack) builds scopes,
 * binds names and records reads, writes, calls, bases and decorators. Resolution runs after the walk, when every
 * binding of the file is known, so forward references (`def a(): b()` before `def b`) resolve like Python does.
 * Only what this file alone decides is resolved; everything else keeps its textual callee and, where imports tell
 * us, the FQN it most likely names, for L4 to finish.
 */
import type { Diagnostic, EdgeKind, FileIr, IrEdge, IrNode, NodeKind, Span } from '../../ir/model';
import { visibilityOf } from '../../ir/model';
import { hashString } from '../../util/hash';
import { PY_BUILTINS } from './builtins';
import { importGuard } from './imports';
import { inferLiteralType, stringList } from './literal-types';
import { ParserDamagedError, withParsedPython, type ParseFileOptions } from './parse-file';
import type { Decoded } from './decode';
import {
  ParseTimeoutError,
  type Language,
  type SyntaxNode,
  type TreeCursor,
} from './parser';
import { isTestDecorator, isTestPath } from './tests';
import { lineAt, lineStarts } from '../../util/lines';

type ScopeKind = 'module' | 'class' | 'function' | 'lambda' | 'comprehension';

type Binding =
  | { t: 'def'; node: IrNode; scope: Scope }
  | { t: 'import'; node: IrNode; fqn: string }
  | { t: 'var'; node: IrNode; lambda?: IrNode; instance?: Deferred }
  | { t: 'param'; node: IrNode }
  | { t: 'comp' };

/**
 * A binding with every field of every kind present (unused ones undefined): bindings are read on every name the walk
 * resolves, and one literal shape per kind (two more when a variable gains a lambda or an instance) made those reads
 * megamorphic. The cast is the one place the union is built; narrowing on `t` stays as typed.
 */
function binding(t: Binding['t'], node?: IrNode, scope?: Scope, fqn?: string): Binding {
  return { t, node, scope, fqn, lambda: undefined, instance: undefined } as Binding;
}

/** A call whose value is assigned (`x = C()`), resolved after the walk to give `x` an instance type. */
interface Deferred {
  scope: Scope;
  chain: string[];
  cls?: Scope;
  fqn?: string;
}

interface Scope {
  kind: ScopeKind;
  /** Nesting depth (module 0): scopes deeper than MAX_SCOPE_DEPTH are folded into their parent. */
  depth: number;
  /** The IR node of this scope; comprehensions borrow their owner's. */
  node: IrNode;
  parent?: Scope;
  fqn: string;
  bindings: Map<string, Binding>;
  globals?: Set<string>;
  nonlocals?: Set<string>;
  /** Class scopes: `self.x = ...` attributes and the base classes resolved in this file. */
  instanceAttrs?: Map<string, IrNode>;
  baseScopes?: Scope[];
  /** Method scopes: the name of the first parameter bound to the instance/class, and the class. */
  selfName?: string;
  cls?: Scope;
}

/**
 * A scope with every field present, in one order: the walk reads scopes at every node, and literals of several
 * shapes (fields added as a scope meets `global`, `self.x = …` or bases) made those reads polymorphic.
 */
function scopeOf(kind: ScopeKind, depth: number, node: IrNode, parent: Scope | undefined, fqn: string): Scope {
  return {
    kind,
    depth,
    node,
    parent,
    fqn,
    bindings: new Map(),
    globals: undefined,
    nonlocals: undefined,
    instanceAttrs: undefined,
    baseScopes: undefined,
    selfName: undefined,
    cls: undefined,
  };
}

interface CallSite {
  scope: Scope;
  chain: string[] | null;
  text: string;
  span: Span;
  superMethod?: string;
}

interface ExprRef {
  scope: Scope;
  chain: string[] | null;
  text: string;
  span: Span;
}

/** A read of a name; `span` is null when only the offset is known yet (see Extractor.spanAt). */
interface NameRead {
  scope: Scope;
  chain: null;
  text: string;
  span: Span | null;
  start: number;
}

/** Node types the walk has a handler for; everything else is scanned through. Keep in step with walk(). */
const HANDLED = new Set([
  'decorated_definition', 'function_definition', 'class_definition', 'lambda', 'import_statement',
  'import_from_statement', 'future_import_statement', 'assignment', 'augmented_assignment', 'named_expression',
  'for_statement', 'as_pattern', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension',
  'generator_expression', 'global_statement', 'nonlocal_statement', 'call', 'attribute', 'keyword_argument',
  'yield',
]);
/** Named nodes with nothing inside worth visiting. */
const LEAVES = new Set([
  'comment', 'integer', 'float', 'true', 'false', 'none', 'escape_sequence', 'ellipsis', 'type_conversion',
  'string_start', 'string_content', 'string_end',
]);

const F_NAMED = 1;
const F_HANDLED = 2;
const F_LEAF = 4;
const F_IDENTIFIER = 8;
// The scan's other special cases, by id too: asking the cursor for the type name would cross into wasm again.
const F_ATTRIBUTE = 16;
const F_CALL = 32;
const F_KEYWORD_ARGUMENT = 64;
const typeFlagCache = new WeakMap<Language, Uint8Array>();

/** Per-grammar table: node type id → flags, so the scan asks the parser one question per node, not three. */
function typeFlags(lang: Language): Uint8Array {
  let t = typeFlagCache.get(lang);
  if (t) return t;
  t = new Uint8Array(lang.types.length + 1);
  for (let id = 0; id < lang.types.length; id++) {
    const name = lang.types[id]!;
    let f = lang.nodeTypeIsNamed(id) ? F_NAMED : 0;
    if (HANDLED.has(name)) f |= F_HANDLED;
    if (LEAVES.has(name)) f |= F_LEAF;
    if (name === 'identifier') f |= F_IDENTIFIER;
    else if (name === 'attribute') f |= F_ATTRIBUTE;
    else if (name === 'call') f |= F_CALL;
    else if (name === 'keyword_argument') f |= F_KEYWORD_ARGUMENT;
    t[id] = f;
  }
  typeFlagCache.set(lang, t);
  return t;
}

const MAX_TEXT = 200;
/**
 * Scopes (functions, classes, lambdas, comprehensions) nested deeper than this get no scope of their own: their body
 * is read as part of the enclosing one, with a diagnostic. Every named scope repeats its parent's FQN, so without a
 * cap 7,000 nested lambdas made O(n²) output (443 MB); real code stays far below (CPython's compiler gives up on
 * deeper nesting than about 200 levels too).
 */
export const MAX_SCOPE_DEPTH = 100;
const MAX_DOC = 2000;
const MAX_SYNTAX_DIAGNOSTICS = 20;

function spanOf(n: SyntaxNode): Span {
  const s = n.startPosition;
  const e = n.endPosition;
  return [s.row, s.column, e.row, e.column];
}

function clip(s: string, max = MAX_TEXT): string {
  return s.length > max ? s.slice(0, max) + '…' : s;
}

/**
 * A dotted name written without spaces, comments or line breaks: the common case, split without tree walks (L2
 * recognises callees with it too).
 */
export const SIMPLE_CHAIN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `a.b.c` → ['a','b','c']; anything that is not a pure identifier/attribute chain → null. */
function dottedChain(n: SyntaxNode, text?: string): string[] | null {
  if (text !== undefined && SIMPLE_CHAIN.test(text)) return text.split('.');
  const parts: string[] = [];
  let cur: SyntaxNode | null = n;
  while (cur && cur.type === 'attribute') {
    const attr = cur.childForFieldName('attribute');
    if (!attr) return null;
    parts.push(attr.text);
    cur = cur.childForFieldName('object');
  }
  if (!cur || cur.type !== 'identifier') return null;
  parts.push(cur.text);
  return parts.reverse();
}

function docstringOf(body: SyntaxNode | null): string | undefined {
  const first = body?.firstNamedChild;
  if (!first || first.type !== 'expression_statement') return undefined;
  const str = first.firstNamedChild;
  if (!str || str.type !== 'string') return undefined;
  let out = '';
  for (const c of str.namedChildren) if (c && c.type === 'string_content') out += c.text;
  return clip(out, MAX_DOC);
}

/** Time budget for parse + extraction of the file (ms), and the indentation guard (see parse-file.ts). */
export interface ExtractOptions extends ParseFileOptions {
  /**
   * Also called with the same tree once the IR is extracted, so a later layer's per-file work can share this parse
   * (L1's worker running L5's analysis: see layers/l5-flow/staged.ts). Not called for a file that was not parsed.
   */
  alsoWithTree?: (decoded: Decoded, root: SyntaxNode) => void;
}

export { ParserDamagedError };

/** The extraction of one file ran past its time budget. */
export class ExtractTimeoutError extends Error {}

export function extractPython(file: string, module: string, bytes: Uint8Array, opts: ExtractOptions = {}): FileIr {
  const deadline = opts.timeoutMs !== undefined ? performance.now() + opts.timeoutMs : Infinity;
  return withParsedPython(bytes, opts, (decoded, root) => {
    const x = new Extractor(file, module, decoded.text, deadline);
    // Input that would overflow the grammar's scanner is never parsed (it would damage the parser for later files).
    if (!root) return x.runWithoutTree(decoded.encoding, decoded.diagnostics);
    const ir = x.run(root, decoded.encoding, decoded.diagnostics);
    opts.alsoWithTree?.(decoded, root);
    return ir;
  });
}

export { ParseTimeoutError };

class Extractor {
  private nodes: IrNode[] = [];
  private edges: IrEdge[] = [];
  private usedFqns = new Map<string, number>();
  private edgeOrdinals = new Map<string, number>();
  /** READS/WRITES are one edge per (scope, symbol) with a count, not one per occurrence. */
  private accessEdges = new Map<string, IrEdge>();
  private calls: CallSite[] = [];
  private reads: NameRead[] = [];
  private lineStarts: number[] | undefined;
  private selfReads: { scope: Scope; attr: string; span: Span }[] = [];
  private bases: { cls: Scope; ref: ExprRef }[] = [];
  private decorators: { target: IrNode; ref: ExprRef }[] = [];
  private deferredInstances: { binding: Binding & { t: 'var' }; d: Deferred }[] = [];
  private readonly testFile: boolean;
  private moduleScope!: Scope;
  private cursor: TreeCursor | undefined;
  /** Whether the tree holds ERROR or MISSING nodes (see identifierEnd). */
  private hasErrors = true;
  /** Scopes not made because they were nested deeper than MAX_SCOPE_DEPTH. */
  private folded = 0;
  /** Holders whose annotation is being resolved (see annotatedMember). */
  private annotating = new Set<IrNode>();

  constructor(
    private readonly file: string,
    private readonly module: string,
    private readonly text: string,
    private readonly deadline = Infinity,
  ) {
    this.testFile = isTestPath(file);
  }

  /** File + Module only, for input that is not parsed; spans cover the whole text. */
  runWithoutTree(encoding: string, diagnostics: Diagnostic[]): FileIr {
    const ls = lineStarts(this.text);
    const last = ls.length - 1;
    const span: Span = [0, 0, last, this.text.length - ls[last]!];
    const loc = countLines(this.text);
    const fileNode = this.addNode('File', this.file.split('/').pop()!, this.file, span, undefined, { encoding, loc, is_test: this.testFile, syntax_errors: 0 });
    const moduleName = this.module || this.file.replace(/\.py$/, '').split('/').pop()!;
    this.addNode('Module', moduleName.split('.').pop()!, moduleName, span, fileNode, { is_package: this.file.endsWith('__init__.py'), is_test: this.testFile });
    return { file: this.file, module: moduleName, nodes: this.nodes, edges: this.edges, diagnostics, loc, syntaxErrors: 0 };
  }

  run(root: SyntaxNode, encoding: string, diagnostics: Diagnostic[]): FileIr {
    const span = spanOf(root);
    const loc = countLines(this.text);
    const fileNode = this.addNode('File', this.file.split('/').pop()!, this.file, span, undefined, {
      encoding,
      loc,
      is_test: this.testFile,
    });
    const moduleName = this.module || this.file.replace(/\.py$/, '').split('/').pop()!;
    const modNode = this.addNode('Module', moduleName.split('.').pop()!, moduleName, span, fileNode, {
      is_package: this.file.endsWith('__init__.py'),
      is_test: this.testFile,
    });
    const doc = docstringOf(root);
    if (doc !== undefined) modNode.attrs!.docstring = doc;
    this.moduleScope = scopeOf('module', 0, modNode, undefined, moduleName);

    this.hasErrors = root.hasError;
    try {
      this.walk(root, this.moduleScope);
    } finally {
      this.cursor?.delete();
    }
    this.resolve();
    if (this.folded > 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'scope-depth',
        message: `${this.folded} scope(s) nested deeper than ${MAX_SCOPE_DEPTH} levels read as part of their enclosing scope`,
      });
    }

    let syntaxErrors = 0;
    if (this.hasErrors) syntaxErrors = this.collectSyntaxErrors(root, diagnostics);
    fileNode.attrs!.syntax_errors = syntaxErrors;
    return {
      file: this.file,
      module: moduleName,
      nodes: this.nodes,
      edges: this.edges,
      diagnostics,
      loc,
      syntaxErrors,
    };
  }

  // ---------------------------------------------------------------- records

  private addNode(kind: NodeKind, name: string, fqnBase: string, span: Span, parent: IrNode | undefined, attrs: Record<string, unknown> = {}): IrNode {
    // Redefinitions (property setters, conditional defs) get `#2`, `#3`...: ids stay unique and stable.
    const seen = this.usedFqns.get(fqnBase) ?? 0;
    this.usedFqns.set(fqnBase, seen + 1);
    const fqn = seen === 0 ? fqnBase : `${fqnBase}#${seen + 1}`;
    const node: IrNode = { node: kind, id: hashString(this.file + '\0' + fqn), name, fqn, file: this.file, span };
    if (parent) node.parent = parent.id;
    node.attrs = attrs;
    this.nodes.push(node);
    if (parent) this.addEdge('CONTAINS', parent, { dst: node.id, target: fqn });
    return node;
  }

  private addEdge(kind: EdgeKind, src: IrNode, e: Omit<IrEdge, 'edge' | 'id' | 'src'>): IrEdge {
    const key = `${src.id}\0${kind}\0${e.dst ?? e.target ?? e.callee ?? ''}`;
    const ord = this.edgeOrdinals.get(key);
    this.edgeOrdinals.set(key, (ord ?? 0) + 1);
    // Fixed field order keeps JSON lines uniform and objects monomorphic.
    const edge: IrEdge = { edge: kind, id: hashString(ord ? `${key}\0${ord}` : key), src: src.id };
    if (e.dst !== undefined) edge.dst = e.dst;
    if (e.target !== undefined) edge.target = e.target;
    if (e.callee !== undefined) edge.callee = e.callee;
    if (e.span !== undefined) edge.span = e.span;
    if (e.attrs !== undefined) edge.attrs = e.attrs;
    this.edges.push(edge);
    return edge;
  }

  private access(kind: 'READS' | 'WRITES', src: IrNode, dst: IrNode, span: Span, _r?: NameRead): void {
    const key = `${kind}\0${src.id}\0${dst.id}`;
    const existing = this.accessEdges.get(key);
    if (existing) {
      const a = existing.attrs as { count: number; at?: number[] };
      a.count++;
      // The further occurrences' start positions, flat (L2 makes one occurrence of each; same width as `span`).
      (a.at ??= []).push(span[0], span[1]);
      return;
    }
    this.accessEdges.set(key, this.addEdge(kind, src, { dst: dst.id, target: dst.fqn, span, attrs: { count: 1 } }));
  }

  /**
   * End offset of the identifier that starts at `start`. In a tree without errors an identifier is exactly the
   * token its regex matched, so a run of ASCII name characters that stops at an ASCII character is the whole name:
   * that spares one call into wasm per identifier. Non-ASCII names, and trees with errors (which may hold zero-width
   * MISSING identifiers), ask the cursor.
   */
  private identifierEnd(c: TreeCursor, start: number): number {
    if (this.hasErrors) return c.endIndex;
    const t = this.text;
    const n = t.length;
    let i = start;
    while (i < n) {
      const ch = t.charCodeAt(i);
      if ((ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57) || ch === 95) i++;
      else if (ch >= 128) return c.endIndex;
      else break;
    }
    return i > start ? i : c.endIndex;
  }

  /** Position of a UTF-16 offset on a single line (identifiers never span lines). */
  private spanAt(start: number, length: number): Span {
    const ls = (this.lineStarts ??= lineStarts(this.text));
    const lo = lineAt(ls, start);
    const col = start - ls[lo]!;
    return [lo, col, lo, col + length];
  }

  /**
   * Records a simple attribute read or a call with a simple callee from the cursor position, without making node
   * objects. Returns false when the form is not simple (the caller falls back to the handler).
   */
  private scanSimple(c: TreeCursor, isCall: boolean, s: Scope, flags: Uint8Array): boolean {
    let start: number;
    let text: string;
    if (!isCall) {
      start = c.startIndex;
      text = this.text.slice(start, c.endIndex);
      if (!SIMPLE_CHAIN.test(text)) return false;
    } else {
      if (!c.gotoFirstChild()) return false;
      const ftId = c.nodeTypeId;
      const ff = ftId < flags.length ? flags[ftId]! : 0;
      start = c.startIndex;
      text = this.text.slice(start, c.endIndex);
      c.gotoParent();
      if (!(ff & (F_IDENTIFIER | F_ATTRIBUTE)) || !SIMPLE_CHAIN.test(text)) return false;
    }
    const chain = text.split('.');
    const root = chain[0]!;
    if (chain.length > 1) this.reads.push({ scope: s, chain: null, text: root, span: null, start });
    if (!isCall) {
      const m = chain.length >= 2 ? this.methodScope(s) : undefined;
      if (m && root === m.selfName) this.selfReads.push({ scope: s, attr: chain[1]!, span: this.spanAt(start, root.length + 1 + chain[1]!.length) });
    } else {
      const last = chain[chain.length - 1]!;
      this.calls.push({ scope: s, chain, text: clip(text), span: this.spanAt(start + text.length - last.length, last.length) });
    }
    return true;
  }

  private newScope(kind: ScopeKind, node: IrNode, parent: Scope): Scope {
    return scopeOf(kind, parent.depth + 1, node, parent, node.fqn);
  }

  /** Whether a scope opened in `s` must be folded into it (counted for the file's diagnostic). */
  private foldsInto(s: Scope): boolean {
    if (s.depth < MAX_SCOPE_DEPTH) return false;
    this.folded++;
    return true;
  }

  // ---------------------------------------------------------------- walk

  private walk(root: SyntaxNode, scope: Scope): void {
    const stackN: SyntaxNode[] = [];
    const stackS: Scope[] = [];
    const pushChildren = (n: SyntaxNode, s: Scope) => {
      // One array of children: namedChild(i) walks from the first child each time, quadratic on wide ERROR nodes.
      const children = n.namedChildren;
      for (let i = children.length - 1; i >= 0; i--) {
        const c = children[i];
        if (c) {
          stackN.push(c);
          stackS.push(s);
        }
      }
    };
    const push = (n: SyntaxNode | null, s: Scope) => {
      if (n) {
        stackN.push(n);
        stackS.push(s);
      }
    };
    pushChildren(root, scope);
    let ticks = 0;
    while (stackN.length) {
      if ((++ticks & 1023) === 0 && performance.now() > this.deadline) throw new ExtractTimeoutError('extraction exceeded its time budget');
      const n = stackN.pop()!;
      const s = stackS.pop()!;
      switch (n.type) {
        case 'decorated_definition': {
          const decos: SyntaxNode[] = [];
          for (const c of n.namedChildren) if (c?.type === 'decorator') decos.push(c);
          const def = n.childForFieldName('definition');
          if (def?.type === 'function_definition') this.onFunction(def, s, decos, push);
          else if (def?.type === 'class_definition') this.onClass(def, s, decos, push);
          else pushChildren(n, s);
          break;
        }
        case 'function_definition':
          this.onFunction(n, s, [], push);
          break;
        case 'class_definition':
          this.onClass(n, s, [], push);
          break;
        case 'lambda':
          this.onLambda(n, s, push);
          break;
        case 'import_statement':
        case 'import_from_statement':
        case 'future_import_statement':
          this.onImport(n, s);
          break;
        case 'assignment':
          this.onAssignment(n, s, push);
          break;
        case 'augmented_assignment': {
          const left = n.childForFieldName('left');
          if (left?.type === 'identifier') this.reads.push({ scope: s, chain: null, text: left.text, span: spanOf(left), start: 0 });
          if (left) this.bindTarget(left, s, undefined, undefined, push);
          push(n.childForFieldName('right'), s);
          break;
        }
        case 'named_expression': {
          const name = n.childForFieldName('name');
          const value = n.childForFieldName('value');
          if (name) this.writeName(s, name.text, spanOf(name), this.valueInfo(value, s), undefined);
          push(value, s);
          break;
        }
        case 'for_statement': {
          const left = n.childForFieldName('left');
          push(n.childForFieldName('alternative'), s);
          push(n.childForFieldName('body'), s);
          push(n.childForFieldName('right'), s);
          if (left) this.bindTarget(left, s, undefined, undefined, push);
          break;
        }
        case 'as_pattern': {
          // with-items, except clauses and match cases: `value as target`.
          const alias = n.childForFieldName('alias');
          const target = alias?.firstNamedChild;
          if (target) this.bindTarget(target, s, undefined, undefined, push);
          const value = n.namedChild(0);
          if (value && value.id !== alias?.id) push(value, s);
          break;
        }
        case 'list_comprehension':
        case 'set_comprehension':
        case 'dictionary_comprehension':
        case 'generator_expression':
          this.onComprehension(n, s, push);
          break;
        case 'global_statement':
        case 'nonlocal_statement': {
          const set = n.type === 'global_statement' ? (s.globals ??= new Set()) : (s.nonlocals ??= new Set());
          for (const c of n.namedChildren) if (c?.type === 'identifier') set.add(c.text);
          break;
        }
        case 'call':
          this.onCall(n, s, push);
          break;
        case 'attribute':
          this.onAttributeRead(n, s, push);
          break;
        case 'identifier':
          this.reads.push({ scope: s, chain: null, text: n.text, span: spanOf(n), start: 0 });
          break;
        case 'keyword_argument':
          push(n.childForFieldName('value'), s);
          break;
        case 'yield':
          if (s.kind === 'function') s.node.attrs!.is_generator = true;
          pushChildren(n, s);
          break;
        case 'string':
          // Only interpolations hold code; plain string content is skipped cheaply.
          for (const c of n.namedChildren) if (c?.type === 'interpolation') pushChildren(c, s);
          break;
        default:
          this.scan(n, s, stackN, stackS);
      }
    }
  }

  /**
   * Walks the inside of an uninteresting node (expressions, blocks, operators) with one reusable tree cursor, so no
   * JS node object is made for it: only identifiers (reads) are recorded and nodes that need a handler are queued.
   * Half the cost of extraction was node objects before this.
   */
  private scan(n: SyntaxNode, s: Scope, stackN: SyntaxNode[], stackS: Scope[]): void {
    const c = (this.cursor ??= n.walk());
    c.reset(n);
    if (!c.gotoFirstChild()) return;
    const found: SyntaxNode[] = [];
    const flags = typeFlags(n.tree.language);
    let depth = 1;
    for (;;) {
      let descend = false;
      // One boundary crossing per node: the type id indexes a table of what we need to know about the type.
      const typeId = c.nodeTypeId;
      // ERROR (id 65535) is outside the table: treat it as a named node to scan through (partial IR).
      const f = typeId < flags.length ? flags[typeId]! : F_NAMED;
      if (f & F_NAMED) {
        if (f & F_IDENTIFIER) {
          // Offsets only: the position is computed later, and only for the reads that become edges.
          const start = c.startIndex;
          const text = this.text.slice(start, this.identifierEnd(c, start));
          this.reads.push({ scope: s, chain: null, text, span: null, start });
        } else if (f & (F_ATTRIBUTE | F_CALL)) {
          // The common forms (`a.b.c`, `f(...)`, `a.b(...)`) are read straight off the cursor; others get a handler.
          const isCall = (f & F_CALL) !== 0;
          if (this.scanSimple(c, isCall, s, flags)) {
            if (isCall && c.gotoFirstChild()) {
              depth++; // continue at the callee; the arguments (its next sibling) are scanned as usual
            }
          } else found.push(c.currentNode);
        } else if (f & F_KEYWORD_ARGUMENT) {
          // Skip the keyword (not a read of that name); scan the value.
          if (c.gotoFirstChild()) depth++;
        } else if (f & F_HANDLED) found.push(c.currentNode);
        else if (!(f & F_LEAF)) descend = true;
      }
      if (descend && c.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!c.gotoNextSibling()) {
        if (--depth === 0 || !c.gotoParent()) {
          // Queue in reverse so they are handled in source order (global statements before the writes they govern).
          for (let i = found.length - 1; i >= 0; i--) {
            stackN.push(found[i]!);
            stackS.push(s);
          }
          return;
        }
      }
    }
  }

  private onFunction(n: SyntaxNode, s: Scope, decos: SyntaxNode[], push: (n: SyntaxNode | null, s: Scope) => void): void {
    if (this.foldsInto(s)) {
      for (const d of decos) push(d, s);
      push(n.childForFieldName('body'), s);
      return;
    }
    const nameNode = n.childForFieldName('name');
    const name = nameNode?.text ?? '<anonymous>';
    const isMethod = s.kind === 'class';
    const decoTexts = decos.map((d) => clip(d.text.replace(/^@\s*/, '')));
    const body = n.childForFieldName('body');
    const returns = n.childForFieldName('return_type');
    const attrs: Record<string, unknown> = {
      visibility: visibilityOf(name),
      is_async: n.child(0)?.type === 'async',
      decorators: decoTexts,
      parameters: [] as string[],
    };
    if (returns) attrs.returns = clip(returns.text);
    const doc = docstringOf(body);
    if (doc !== undefined) attrs.docstring = doc;
    const inTestClass = s.kind === 'class' && s.node.attrs!.is_test === true;
    attrs.is_test =
      this.testFile ||
      decoTexts.some(isTestDecorator) ||
      (name.startsWith('test') && (s.kind === 'module' || inTestClass));
    if (nameNode) attrs.name_span = spanOf(nameNode);
    const fn = this.addNode(isMethod ? 'Method' : 'Function', name, `${s.fqn}.${name}`, spanOf(n), s.node, attrs);
    const fs = this.newScope('function', fn, s);
    this.bind(s, name, binding('def', fn, fs));
    if (isMethod) {
      fs.cls = s;
      if (decoTexts.includes('staticmethod')) attrs.method_kind = 'static';
      else if (decoTexts.includes('classmethod')) attrs.method_kind = 'class';
      else if (decoTexts.includes('property') || decoTexts.some((d) => /\.(setter|getter|deleter)$/.test(d))) attrs.method_kind = 'property';
      else attrs.method_kind = 'instance';
    }
    const params = n.childForFieldName('parameters');
    if (params) this.onParameters(params, fn, fs, s, push, isMethod && attrs.method_kind !== 'static');
    for (const d of decos) this.onDecorator(d, fn, s, push);
    push(body, fs);
    push(returns, s);
  }

  private onParameters(
    params: SyntaxNode,
    fn: IrNode,
    fs: Scope,
    outer: Scope,
    push: (n: SyntaxNode | null, s: Scope) => void,
    bindsSelf: boolean,
  ): void {
    let index = 0;
    let kind = 'positional';
    const names = fn.attrs!.parameters as string[];
    for (const p of params.namedChildren) {
      if (!p) continue;
      let nameNode: SyntaxNode | null = null;
      let pkind = kind;
      let annotation: SyntaxNode | null = null;
      let dflt: SyntaxNode | null = null;
      switch (p.type) {
        case 'identifier':
          nameNode = p;
          break;
        case 'typed_parameter': {
          const inner = p.namedChild(0);
          annotation = p.childForFieldName('type');
          if (inner?.type === 'list_splat_pattern') {
            nameNode = inner.namedChild(0);
            pkind = 'vararg';
            kind = 'keyword_only';
          } else if (inner?.type === 'dictionary_splat_pattern') {
            nameNode = inner.namedChild(0);
            pkind = 'kwarg';
          } else nameNode = inner;
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter':
          nameNode = p.childForFieldName('name');
          annotation = p.childForFieldName('type');
          dflt = p.childForFieldName('value');
          break;
        case 'list_splat_pattern':
          nameNode = p.namedChild(0);
          pkind = 'vararg';
          kind = 'keyword_only';
          break;
        case 'dictionary_splat_pattern':
          nameNode = p.namedChild(0);
          pkind = 'kwarg';
          break;
        case 'keyword_separator':
          kind = 'keyword_only';
          continue;
        case 'positional_separator':
          // Everything before `/` was positional-only.
          for (const b of fs.bindings.values()) if (b.t === 'param') b.node.attrs!.kind = 'positional_only';
          continue;
        default:
          continue;
      }
      if (!nameNode || nameNode.type !== 'identifier') continue;
      const pname = nameNode.text;
      const attrs: Record<string, unknown> = { index, kind: pkind };
      if (annotation) attrs.annotation = clip(annotation.text);
      if (dflt) {
        attrs.default = clip(dflt.text);
        const t = inferLiteralType(dflt);
        if (t) attrs.type = t;
      }
      const pn = this.addNode('Parameter', pname, `${fn.fqn}.${pname}`, spanOf(nameNode), fn, attrs);
      fs.bindings.set(pname, binding('param', pn));
      if (index === 0 && bindsSelf) fs.selfName = pname;
      names.push(pkind === 'vararg' ? '*' + pname : pkind === 'kwarg' ? '**' + pname : pname);
      index++;
      // Defaults and annotations are evaluated in the enclosing scope.
      push(dflt, outer);
      push(annotation, outer);
    }
  }

  private onClass(n: SyntaxNode, s: Scope, decos: SyntaxNode[], push: (n: SyntaxNode | null, s: Scope) => void): void {
    if (this.foldsInto(s)) {
      for (const d of decos) push(d, s);
      push(n.childForFieldName('superclasses'), s);
      push(n.childForFieldName('body'), s);
      return;
    }
    const nameNode = n.childForFieldName('name');
    const name = nameNode?.text ?? '<anonymous>';
    const body = n.childForFieldName('body');
    const sup = n.childForFieldName('superclasses');
    const decoTexts = decos.map((d) => clip(d.text.replace(/^@\s*/, '')));
    const baseTexts: string[] = [];
    const attrs: Record<string, unknown> = { visibility: visibilityOf(name), decorators: decoTexts, bases: baseTexts };
    if (nameNode) attrs.name_span = spanOf(nameNode);
    const doc = docstringOf(body);
    if (doc !== undefined) attrs.docstring = doc;
    const cls = this.addNode('Class', name, `${s.fqn}.${name}`, spanOf(n), s.node, attrs);
    const cs = this.newScope('class', cls, s);
    cs.instanceAttrs = new Map();
    cs.baseScopes = [];
    this.bind(s, name, binding('def', cls, cs));
    if (sup) {
      for (const b of sup.namedChildren) {
        if (!b) continue;
        if (b.type === 'keyword_argument') {
          const k = b.childForFieldName('name')?.text;
          const v = b.childForFieldName('value');
          if (k === 'metaclass' && v) attrs.metaclass = clip(v.text);
          push(v, s);
          continue;
        }
        const expr = b.type === 'subscript' ? b.childForFieldName('value') ?? b : b;
        baseTexts.push(clip(b.text));
        this.bases.push({ cls: cs, ref: { scope: s, chain: dottedChain(expr), text: clip(b.text), span: spanOf(b) } });
        push(b, s);
      }
    }
    attrs.is_test =
      this.testFile || /^Test/.test(name) || baseTexts.some((b) => /TestCase$/.test(b)) || decoTexts.some(isTestDecorator);
    for (const d of decos) this.onDecorator(d, cls, s, push);
    push(body, cs);
  }

  private onDecorator(d: SyntaxNode, target: IrNode, s: Scope, push: (n: SyntaxNode | null, s: Scope) => void): void {
    const expr = d.firstNamedChild;
    if (!expr) return;
    const callee = expr.type === 'call' ? expr.childForFieldName('function') ?? expr : expr;
    this.decorators.push({ target, ref: { scope: s, chain: dottedChain(callee), text: clip(callee.text), span: spanOf(callee) } });
    // A decorator factory call (`@app.route("/")`) is a real call made by the enclosing scope; a bare
    // decorator name is a read of that name.
    push(expr, s);
  }

  private onLambda(n: SyntaxNode, s: Scope, push: (n: SyntaxNode | null, s: Scope) => void): IrNode | undefined {
    if (this.foldsInto(s)) {
      push(n.childForFieldName('body'), s);
      return undefined;
    }
    const lam = this.addNode('Lambda', '<lambda>', `${s.fqn}.<lambda>`, spanOf(n), s.node, { parameters: [] as string[] });
    const ls = this.newScope('lambda', lam, s);
    const params = n.childForFieldName('parameters');
    if (params) this.onParameters(params, lam, ls, s, push, false);
    push(n.childForFieldName('body'), ls);
    return lam;
  }

  private onComprehension(n: SyntaxNode, s: Scope, push: (n: SyntaxNode | null, s: Scope) => void): void {
    // Comprehensions have their own scope in Python 3: their loop variables do not leak and must not resolve
    // to same-named outer variables. Edges made inside are attributed to the enclosing definition.
    const deep = this.foldsInto(s);
    const cs: Scope = deep ? s : scopeOf('comprehension', s.depth + 1, s.node, s, s.fqn);
    const children = n.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      if (!c) continue;
      if (c.type === 'for_in_clause') {
        push(c.childForFieldName('right'), cs);
        const left = c.childForFieldName('left');
        if (left && !deep) this.bindCompTargets(left, cs);
      } else push(c, cs);
    }
  }

  private bindCompTargets(t: SyntaxNode, cs: Scope): void {
    if (t.type === 'identifier') cs.bindings.set(t.text, binding('comp'));
    else for (const c of t.namedChildren) if (c) this.bindCompTargets(c, cs);
  }

  private onImport(n: SyntaxNode, s: Scope): void {
    const span = spanOf(n);
    const guard = importGuard(n);
    if (n.type === 'import_statement') {
      for (const c of n.namedChildren) {
        if (!c) continue;
        const { name: modName, alias, spans } = importedName(c);
        if (!modName) continue;
        // `import a.b` binds `a`, and makes `a.b` reachable through it; `import a.b as m` binds `m` to `a.b`.
        const aliased = c.type === 'aliased_import';
        const bound = aliased ? (alias ?? modName) : modName.split('.')[0]!;
        const fqn = aliased ? modName : bound;
        this.addImport(s, bound, fqn, modName, { module: modName, alias, level: 0, ...spans, ...guard }, spanOf(c), span);
      }
      return;
    }
    if (n.type === 'future_import_statement') {
      for (const c of n.namedChildren) {
        if (!c) continue;
        const { name } = importedName(c);
        if (name) this.addImport(s, undefined, `__future__.${name}`, `__future__.${name}`, { module: '__future__', name, level: 0 }, spanOf(c), span, name);
      }
      return;
    }
    // from X import a, b as c, *
    const modNode = n.childForFieldName('module_name');
    let level = 0;
    let rel = '';
    if (modNode?.type === 'relative_import') {
      for (const c of modNode.children) {
        if (c?.type === 'import_prefix') level = c.text.length;
        else if (c?.type === 'dotted_name') rel = c.text;
      }
    } else rel = modNode?.text ?? '';
    const abs = level > 0 ? this.resolveRelative(level, rel) : rel;
    const base = { module: abs ?? rel, level, ...(abs === undefined ? { unresolved_relative: '.'.repeat(level) + rel } : {}) };
    for (const c of n.namedChildren) {
      if (!c || (modNode && c.id === modNode.id)) continue;
      if (c.type === 'wildcard_import') {
        const mod = this.moduleScope.node;
        ((mod.attrs!.star_imports ??= []) as string[]).push(base.module);
        this.addImport(s, undefined, base.module, base.module, { ...base, star: true, ...guard }, spanOf(c), span, '*');
        continue;
      }
      if (c.type !== 'aliased_import' && c.type !== 'dotted_name') continue;
      const { name, alias, spans } = importedName(c);
      const fqn = base.module ? `${base.module}.${name}` : name;
      this.addImport(s, alias ?? name, fqn, fqn, { ...base, name, alias, ...spans, ...guard }, spanOf(c), span);
    }
  }

  /** PEP 328: `.` is the current package, each further dot one level up. */
  private resolveRelative(level: number, rel: string): string | undefined {
    const parts = this.module ? this.module.split('.') : [];
    const isPkg = this.file.endsWith('__init__.py');
    let pkg = isPkg ? parts : parts.slice(0, -1);
    if (level - 1 > pkg.length) return undefined;
    pkg = pkg.slice(0, pkg.length - (level - 1));
    const joined = [...pkg, ...(rel ? [rel] : [])].join('.');
    return joined || undefined;
  }

  private addImport(
    s: Scope,
    bound: string | undefined,
    fqn: string,
    target: string,
    attrs: Record<string, unknown>,
    span: Span,
    stmtSpan: Span,
    nodeName?: string,
  ): void {
    for (const k of Object.keys(attrs)) if (attrs[k] === undefined) delete attrs[k];
    const name = nodeName ?? bound ?? target;
    const imp = this.addNode('Import', name, `${s.fqn}.${name}`, span, s.node, { ...attrs, statement: stmtSpan });
    this.addEdge('IMPORTS', imp, { target, span });
    if (bound) this.bind(s, bound, binding('import', imp, undefined, fqn));
  }

  private onAssignment(n: SyntaxNode, s: Scope, push: (n: SyntaxNode | null, s: Scope) => void): void {
    // `a = b = value` nests: collect every target, then the single value.
    const targets: SyntaxNode[] = [];
    let annotation: SyntaxNode | null = null;
    let cur: SyntaxNode | null = n;
    while (cur && cur.type === 'assignment') {
      const left = cur.childForFieldName('left');
      if (left) targets.push(left);
      annotation ??= cur.childForFieldName('type');
      cur = cur.childForFieldName('right');
    }
    const value = cur;
    let lambda: IrNode | undefined;
    if (value?.type === 'lambda') lambda = this.onLambda(value, s, push);
    else push(value, s);
    push(annotation, s);
    const info = this.valueInfo(value, s);
    if (lambda) info.lambda = lambda;
    for (const t of targets) this.bindTarget(t, s, info, annotation ? clip(annotation.text) : undefined, push);
    // `__all__` drives `*` imports and re-exports in L4; keep it when it is a literal list of strings.
    if (s.kind === 'module' && targets.length === 1 && targets[0]!.type === 'identifier' && targets[0]!.text === '__all__' && value) {
      const names = stringList(value);
      if (names) this.moduleScope.node.attrs!.all = names;
    }
  }

  private valueInfo(value: SyntaxNode | null, s: Scope): ValueInfo {
    if (!value) return {};
    const type = inferLiteralType(value);
    if (type) return { type };
    if (value.type === 'call') {
      const fn = value.childForFieldName('function');
      const chain = fn ? dottedChain(fn, fn.text) : null;
      if (chain) return { instance: { scope: s, chain } };
    }
    return {};
  }

  private bindTarget(
    t: SyntaxNode,
    s: Scope,
    info: ValueInfo | undefined,
    annotation: string | undefined,
    push: (n: SyntaxNode | null, s: Scope) => void,
  ): void {
    switch (t.type) {
      case 'identifier':
        this.writeName(s, t.text, spanOf(t), info ?? {}, annotation);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'parenthesized_expression':
      case 'expression_list':
        for (const c of t.namedChildren) if (c) this.bindTarget(c, s, undefined, undefined, push);
        return;
      case 'list_splat_pattern':
      case 'list_splat': {
        const c = t.firstNamedChild;
        if (c) this.bindTarget(c, s, undefined, undefined, push);
        return;
      }
      case 'attribute': {
        const obj = t.childForFieldName('object');
        const attr = t.childForFieldName('attribute');
        const m = this.methodScope(s);
        if (obj?.type === 'identifier' && attr && m && obj.text === m.selfName && this.lookup(s, obj.text)?.t === 'param') {
          this.writeSelfAttr(s, m.cls!, attr.text, spanOf(t), info ?? {}, annotation);
        } else push(obj, s);
        return;
      }
      default:
        // Subscripts and other targets read their container and index.
        push(t, s);
    }
  }

  private methodScope(s: Scope): Scope | undefined {
    let cur: Scope | undefined = s;
    while (cur && cur.kind === 'comprehension') cur = cur.parent;
    return cur && cur.kind === 'function' && cur.cls && cur.selfName ? cur : undefined;
  }

  private writeName(s: Scope, name: string, span: Span, info: ValueInfo, annotation: string | undefined): void {
    let target = s;
    while (target.kind === 'comprehension' && target.parent) target = target.parent; // walrus binds outside
    if (target.globals?.has(name)) target = this.moduleScope;
    else if (target.nonlocals?.has(name)) {
      let p = target.parent;
      while (p && !(p.kind === 'function' && p.bindings.has(name))) p = p.parent;
      target = p ?? target;
    }
    let b = target.bindings.get(name);
    if (!b || b.t === 'comp') {
      const attrs: Record<string, unknown> = { visibility: visibilityOf(name) };
      if (target.kind === 'class') attrs.class_attribute = true;
      const v = this.addNode('Variable', name, `${target.fqn}.${name}`, span, target.node, attrs);
      b = binding('var', v);
      target.bindings.set(name, b);
    }
    this.recordWrite(s.node, b, info, annotation, span);
  }

  private writeSelfAttr(s: Scope, cls: Scope, attr: string, span: Span, info: ValueInfo, annotation: string | undefined): void {
    let node = cls.instanceAttrs!.get(attr);
    if (!node) {
      const cb = cls.bindings.get(attr);
      if (cb && cb.t === 'var') node = cb.node;
      else {
        // `span` is `self.x`; the attribute name ends it.
        const nameSpan: Span = [span[2], span[3] - attr.length, span[2], span[3]];
        node = this.addNode('Variable', attr, `${cls.fqn}.${attr}`, span, cls.node, { visibility: visibilityOf(attr), instance_attribute: true, name_span: nameSpan });
      }
      cls.instanceAttrs!.set(attr, node);
    }
    this.recordWrite(s.node, binding('var', node), info, annotation, span);
  }

  private recordWrite(writer: IrNode, b: Binding, info: ValueInfo, annotation: string | undefined, span: Span): void {
    if (b.t === 'comp') return;
    const node = b.node;
    if (b.t === 'var') {
      const attrs = node.attrs!;
      if (annotation && attrs.annotation === undefined) attrs.annotation = annotation;
      if (info.type) addType(attrs, info.type);
      if (info.lambda) b.lambda ??= info.lambda;
      if (info.instance && !b.instance) {
        b.instance = info.instance;
        this.deferredInstances.push({ binding: b, d: info.instance });
      }
    }
    this.access('WRITES', writer, node, span);
  }

  private onCall(n: SyntaxNode, s: Scope, push: (n: SyntaxNode | null, s: Scope) => void): void {
    const fn = n.childForFieldName('function');
    const args = n.childForFieldName('arguments');
    push(args, s);
    if (!fn) return;
    if (fn.type === 'attribute') {
      const obj = fn.childForFieldName('object');
      const attr = fn.childForFieldName('attribute');
      if (obj?.type === 'call' && obj.childForFieldName('function')?.text === 'super' && attr) {
        this.calls.push({ scope: s, chain: null, text: clip(fn.text), span: spanOf(attr), superMethod: attr.text });
        push(obj.childForFieldName('arguments'), s);
        return;
      }
    }
    const text = fn.text;
    const chain = dottedChain(fn, text);
    let calleeSpan: Span;
    if (chain && SIMPLE_CHAIN.test(text)) {
      // One line, no spaces: the spans of the callee's last name and root follow from the start position.
      const p = fn.startPosition;
      const last = chain[chain.length - 1]!;
      calleeSpan = [p.row, p.column + text.length - last.length, p.row, p.column + text.length];
      if (chain.length > 1) this.reads.push({ scope: s, chain: null, text: chain[0]!, span: [p.row, p.column, p.row, p.column + chain[0]!.length], start: 0 });
    } else {
      calleeSpan = spanOf(fn.type === 'attribute' ? fn.childForFieldName('attribute') ?? fn : fn);
      // The call reads the root of its callee (`obj` in `obj.m()`), except the name called itself.
      if (chain && chain.length > 1) this.readChainRoot(fn, s);
    }
    this.calls.push({ scope: s, chain, text: clip(text), span: calleeSpan });
    if (!chain) push(fn, s);
  }

  private onAttributeRead(n: SyntaxNode, s: Scope, push: (n: SyntaxNode | null, s: Scope) => void): void {
    const text = n.text;
    const chain = dottedChain(n, text);
    if (!chain) {
      push(n.childForFieldName('object'), s);
      return;
    }
    const simple = SIMPLE_CHAIN.test(text);
    const p = n.startPosition;
    const m = this.methodScope(s);
    if (m && chain.length >= 2 && chain[0] === m.selfName) {
      const len = chain[0].length + 1 + chain[1]!.length;
      this.selfReads.push({ scope: s, attr: chain[1]!, span: simple ? [p.row, p.column, p.row, p.column + len] : spanOf(n) });
    }
    if (simple) this.reads.push({ scope: s, chain: null, text: chain[0]!, span: [p.row, p.column, p.row, p.column + chain[0]!.length], start: 0 });
    else this.readChainRoot(n, s);
  }

  private readChainRoot(n: SyntaxNode, s: Scope): void {
    let cur: SyntaxNode | null = n;
    while (cur && cur.type === 'attribute') cur = cur.childForFieldName('object');
    if (cur?.type === 'identifier') this.reads.push({ scope: s, chain: null, text: cur.text, span: spanOf(cur), start: 0 });
  }

  private bind(s: Scope, name: string, b: Binding): void {
    const prev = s.bindings.get(name);
    // A definition wins over a plain variable of the same name (e.g. `f = wraps(f)` after `def f`).
    if (prev && prev.t === 'def' && b.t !== 'def') return;
    s.bindings.set(name, b);
  }

  // ---------------------------------------------------------------- resolution

  /** LEGB lookup: enclosing class bodies are skipped, as in Python. */
  private lookup(s: Scope, name: string): Binding | undefined {
    let cur: Scope | undefined = s;
    let first = true;
    while (cur) {
      if (cur.globals?.has(name)) return this.moduleScope.bindings.get(name);
      if (first || cur.kind !== 'class') {
        const b = cur.bindings.get(name);
        if (b) return b;
      }
      first = false;
      cur = cur.parent;
    }
    return undefined;
  }

  /** Finds a member in a class and its bases defined in this file (depth-first, left to right). */
  private findMember(cls: Scope, name: string, skipSelf = false, seen = new Set<Scope>()): Binding | undefined {
    if (seen.has(cls)) return undefined;
    seen.add(cls);
    if (!skipSelf) {
      const b = cls.bindings.get(name);
      if (b && b.t !== 'comp') return b;
      const ia = cls.instanceAttrs?.get(name);
      if (ia) return binding('var', ia);
    }
    for (const base of cls.baseScopes ?? []) {
      const r = this.findMember(base, name, false, seen);
      if (r) return r;
    }
    return undefined;
  }

  private resolve(): void {
    for (const { cls, ref } of this.bases) this.resolveBase(cls, ref);
    for (const { binding, d } of this.deferredInstances) this.resolveInstance(binding, d);
    for (const c of this.calls) this.resolveCall(c);
    for (const { target, ref } of this.decorators) this.resolveRef('DECORATES', target, ref);
    for (const r of this.reads) {
      const b = this.lookup(r.scope, r.text);
      if (b && b.t !== 'comp') this.access('READS', r.scope.node, b.node, r.span ?? this.spanAt(r.start, r.text.length), r);
    }
    for (const r of this.selfReads) {
      const m = this.methodScope(r.scope)!;
      const b = this.findMember(m.cls!, r.attr);
      if (b && b.t !== 'comp') this.access('READS', r.scope.node, b.node, r.span);
    }
  }

  private resolveBase(cls: Scope, ref: ExprRef): void {
    const r = this.resolveChain(ref.scope, ref.chain);
    if (r.scope && r.node?.node === 'Class') cls.baseScopes!.push(r.scope);
    this.emitRef('INHERITS', cls.node, ref, r);
  }

  private resolveInstance(binding: Binding & { t: 'var' }, d: Deferred): void {
    const r = this.resolveChain(d.scope, d.chain);
    const attrs = binding.node.attrs!;
    if (r.node?.node === 'Class') {
      d.cls = r.scope;
      d.fqn = r.node.fqn;
      addType(attrs, r.node.fqn);
    } else if (r.fqn && !r.node && /^[A-Z]/.test(d.chain[d.chain.length - 1]!)) {
      // An imported CapWords callable is most likely a class; L4 confirms against the real definition.
      d.fqn = r.fqn;
      attrs.instance_of = r.fqn;
    }
  }

  private resolveRef(kind: EdgeKind, src: IrNode, ref: ExprRef): void {
    this.emitRef(kind, src, ref, this.resolveChain(ref.scope, ref.chain));
  }

  private emitRef(kind: EdgeKind, src: IrNode, ref: ExprRef, r: Resolved): void {
    if (r.node) this.addEdge(kind, src, { dst: r.node.id, target: r.node.fqn, callee: ref.text, span: ref.span });
    else this.addEdge(kind, src, { ...(r.fqn ? { target: r.fqn } : {}), callee: ref.text, span: ref.span, attrs: { resolution: r.how } });
  }

  /** Resolves a dotted name in a scope to a node of this file, or to the FQN it names through an import. */
  private resolveChain(s: Scope, chain: string[] | null): Resolved {
    if (!chain) return { how: 'dynamic' };
    const root = chain[0]!;
    const b = this.lookup(s, root);
    const rest = chain.slice(1);
    if (!b) {
      if (rest.length === 0 && PY_BUILTINS.has(root)) return { fqn: `builtins.${root}`, how: 'builtin' };
      return { how: 'unresolved' };
    }
    switch (b.t) {
      case 'def': {
        if (rest.length === 0) return { node: b.node, scope: b.scope };
        if (b.node.node === 'Class' && rest.length === 1) {
          const m = this.findMember(b.scope, rest[0]!);
          if (m && m.t !== 'comp') return { node: m.node, scope: m.t === 'def' ? m.scope : undefined };
          return { fqn: `${b.node.fqn}.${rest[0]}`, how: 'member' };
        }
        return { how: 'dynamic' };
      }
      case 'import':
        return { fqn: [b.fqn, ...rest].join('.'), how: 'import' };
      case 'var': {
        if (rest.length === 0) return b.lambda ? { node: b.lambda } : { how: 'dynamic' };
        const inst = b.instance;
        if (inst?.cls && rest.length === 1) {
          const m = this.findMember(inst.cls, rest[0]!);
          if (m && m.t !== 'comp') return { node: m.node, scope: m.t === 'def' ? m.scope : undefined };
        }
        if (inst?.fqn && rest.length === 1) return { fqn: `${inst.fqn}.${rest[0]}`, how: 'instance' };
        if (rest.length === 1) return this.annotatedMember(s, b.node, rest[0]!);
        return { how: 'dynamic' };
      }
      case 'param': {
        const m = this.methodScope(s);
        if (m && root === m.selfName && this.lookup(s, root) === m.bindings.get(root)) {
          if (rest.length === 1) {
            const found = this.findMember(m.cls!, rest[0]!);
            if (found && found.t !== 'comp') return { node: found.node, scope: found.t === 'def' ? found.scope : undefined };
            // Defined in a base class from another file, most likely: L4 walks the MRO.
            return { fqn: `${m.cls!.fqn}.${rest[0]}`, how: 'self' };
          }
          if (rest.length === 2) {
            // `self.x.m()` where `self.x = C()`: the attribute's class is known (`type` / `instance_of`), in this file
            // or another; L4 follows the attribute to its class and the class's MRO.
            const attr = this.findMember(m.cls!, rest[0]!);
            const v = attr?.t === 'var' ? attr.node : undefined;
            const cls = (v?.attrs?.instance_of ?? v?.attrs?.type) as string | undefined;
            if (v && cls !== undefined && cls.includes('.')) return { fqn: `${v.fqn}.${rest[1]}`, how: 'self' };
          }
          return { how: 'dynamic' };
        }
        if (rest.length === 1) return this.annotatedMember(s, b.node, rest[0]!);
        return { how: 'dynamic' };
      }
      default:
        return { how: 'dynamic' };
    }
  }

  /**
   * `p.m()` where `p: C` (a parameter or variable annotated with a class, `Optional[C]`, `C | None` or `"C"`): the
   * member of C — in this file, or named through an import for L4 to finish.
   */
  private annotatedMember(s: Scope, holder: IrNode, member: string): Resolved {
    const cls = annotatedClass(holder.attrs?.annotation);
    // An annotation that leads back to its holder (`def f(x: x.y): x.y()`) would recurse forever (found by fuzzing).
    if (!cls || this.annotating.has(holder)) return { how: 'dynamic' };
    this.annotating.add(holder);
    let r: Resolved;
    try {
      r = this.resolveChain(s, cls.split('.'));
    } finally {
      this.annotating.delete(holder);
    }
    if (r.node?.node === 'Class' && r.scope) {
      const m = this.findMember(r.scope, member);
      if (m && m.t !== 'comp') return { node: m.node, scope: m.t === 'def' ? m.scope : undefined };
      return { fqn: `${r.node.fqn}.${member}`, how: 'instance' };
    }
    if (r.fqn && !r.node && r.how === 'import') return { fqn: `${r.fqn}.${member}`, how: 'instance' };
    return { how: 'dynamic' };
  }

  private resolveCall(c: CallSite): void {
    const src = c.scope.node;
    const ref: ExprRef = { scope: c.scope, chain: c.chain, text: c.text, span: c.span };
    if (c.superMethod !== undefined) {
      const m = this.methodScope(c.scope);
      const found = m ? this.findMember(m.cls!, c.superMethod, true) : undefined;
      if (found && found.t !== 'comp') this.emitRef('CALLS', src, ref, { node: found.node });
      else this.emitRef('CALLS', src, ref, { how: 'super' });
      return;
    }
    const r = this.resolveChain(c.scope, c.chain);
    if (r.node?.node === 'Class' && r.scope) {
      this.emitRef('INSTANTIATES', src, ref, r);
      const init = this.findMember(r.scope, '__init__');
      if (init && init.t === 'def') this.emitRef('CALLS', src, ref, { node: init.node });
      return;
    }
    this.emitRef('CALLS', src, ref, r);
  }

  private collectSyntaxErrors(root: SyntaxNode, diagnostics: Diagnostic[]): number {
    let count = 0;
    const cursor = root.walk();
    try {
      let reached = true;
      while (reached) {
        const n = cursor.currentNode;
        const isErr = n.type === 'ERROR' || n.isMissing;
        if (isErr) {
          count++;
          if (count <= MAX_SYNTAX_DIAGNOSTICS) {
            diagnostics.push({
              severity: 'error',
              code: 'syntax-error',
              message: n.isMissing ? `missing ${n.type}` : `syntax error near '${clip(n.text, 40)}'`,
              span: spanOf(n),
            });
          }
        }
        // Descend only into subtrees that contain an error.
        if (!isErr && n.hasError && cursor.gotoFirstChild()) continue;
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent()) {
            reached = false;
            break;
          }
        }
      }
    } finally {
      cursor.delete();
    }
    return count;
  }
}

interface ValueInfo {
  type?: string;
  lambda?: IrNode;
  instance?: Deferred;
}

interface Resolved {
  node?: IrNode;
  scope?: Scope;
  fqn?: string;
  how?: string;
}

/** One name of an import statement: `a.b`, or `a.b as c` with its alias and their spans (for L2's occurrences). */
function importedName(c: SyntaxNode): { name: string; alias?: string; spans?: Record<string, unknown> } {
  if (c.type !== 'aliased_import') return { name: c.text };
  const nn = c.childForFieldName('name');
  const an = c.childForFieldName('alias');
  return { name: nn?.text ?? '', alias: an?.text, spans: aliasSpans(nn, an) };
}

/** `a as b`: the spans of the imported name and of the alias, for L2's occurrences. */
function aliasSpans(name: SyntaxNode | null, alias: SyntaxNode | null): Record<string, unknown> | undefined {
  if (!name || !alias) return undefined;
  return { name_span: spanOf(name), alias_span: spanOf(alias) };
}

function addType(attrs: Record<string, unknown>, t: string): void {
  if (attrs.type === undefined) attrs.type = t;
  else if (attrs.type !== t) {
    const types = (attrs.types ??= [attrs.type]) as string[];
    if (!types.includes(t)) types.push(t);
  }
}


/** The class an annotation names, if it is that simple: `C`, `m.C`, `"C"`, `Optional[C]`, `C | None`. */
function annotatedClass(annotation: unknown): string | undefined {
  if (typeof annotation !== 'string') return undefined;
  let t = annotation.trim();
  const quoted = /^(["'])(.*)\1$/.exec(t);
  if (quoted) t = quoted[2]!.trim();
  const opt = /^(?:typing\.)?Optional\[\s*(.+?)\s*\]$/.exec(t) ?? /^(.+?)\s*\|\s*None$/.exec(t) ?? /^None\s*\|\s*(.+)$/.exec(t);
  if (opt) t = opt[1]!;
  // Builtins and typing names say nothing about a class of the corpus.
  if (!SIMPLE_CHAIN.test(t) || PY_BUILTINS.has(t) || t === 'Any' || t === 'object') return undefined;
  return t;
}

export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  let i = -1;
  while ((i = text.indexOf('\n', i + 1)) !== -1) n++;
  return text.endsWith('\n') ? n : n + 1;
}
