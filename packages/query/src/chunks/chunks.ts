/**
 * Chunks: the pieces of code retrieval hands out, cut from one file's L1 IR (with L4's completions) and its source
 * text — never from a parse. The hierarchy is Repo → Project → Module → File → Class → Function/Method; beside it,
 * per file: docstring, file-header (leading comments + imports), skeleton (signatures and docstrings, no bodies),
 * usage (the file's call sites of one symbol with context lines), constant (module-level ALL_CAPS) and variable
 * (other module-level names) chunks.
 *
 * Ids are stable: `chunk:<repo>:<kind>:<fqn>` (usage chunks: `<callee fqn>@<calling module>`), with a content-hash
 * suffix only when two chunks of a project would otherwise share an id. Hashes are Merkle-style: a chunk's hash
 * covers its kind, FQN and text and its children's hashes, so an edit to one function changes that function's
 * chunk and its ancestors' hashes, and nothing else. Spans are not hashed: code moving down a line is not a change.
 */
import { hashString, visibilityOf, type IrEdge, type IrNode, type Span } from '@codegraph/engine';
import { headerEnd, statementEndLine } from './scan';

export const CHUNK_KINDS = [
  'repo',
  'project',
  'module',
  'file',
  'class',
  'function',
  'method',
  'docstring',
  'file-header',
  'skeleton',
  'usage',
  'constant',
  'variable',
] as const;
export type ChunkKind = (typeof CHUNK_KINDS)[number];

export interface Chunk {
  id: string;
  kind: ChunkKind;
  fqn: string;
  /** Id of the enclosing chunk (absent on the repo chunk). */
  parent?: string;
  file?: string;
  /** 0-based [startLine, startCol, endLine, endCol] in the file (for chunks cut from one place). */
  span?: Span;
  text: string;
  /** xxh64 of kind, FQN, text and the children's hashes. */
  hash: string;
  visibility: 'public' | 'internal' | 'private';
  isTest: boolean;
  /** Rough token count (characters / 4), for callers budgeting a context window. */
  tokens: number;
}

/** What a file's chunks are computed from. */
export interface FileChunkInput {
  repo: string;
  file: string;
  module: string;
  /** The file's IR nodes (L1). */
  nodes: readonly IrNode[];
  /** The file's edges with L4's completions applied (dst/target of edges L4 finished). */
  edges: readonly IrEdge[];
  /** The source text as lines (source.ts), the text L1 indexed. */
  lines: readonly string[];
  isTest: boolean;
}

const DEF_KINDS = new Set(['Class', 'Function', 'Method']);
const CALL_KINDS = new Set(['CALLS', 'INSTANTIATES']);
const CONTEXT_LINES = 1;
const MAX_USAGE_SITES = 20;

export const chunkId = (repo: string, kind: ChunkKind, key: string) => `chunk:${repo}:${kind}:${key}`;

/** A chunk before hashing: children are linked by id, hashes are filled in bottom-up. */
type Draft = Omit<Chunk, 'hash' | 'tokens'>;

/** The chunks of one file: module, file and everything below them, hashed. The module's parent is `projectId`. */
export function chunkFile(input: FileChunkInput, projectId: string): Chunk[] {
  const { repo, lines } = input;
  const byId = new Map(input.nodes.map((n) => [n.id, n]));
  const mod = input.nodes.find((n) => n.node === 'Module');
  const out: Draft[] = [];
  const moduleFqn = mod?.fqn ?? input.module;
  const isTestOf = (n?: IrNode) => input.isTest || n?.attrs?.is_test === true;
  const moduleId = chunkId(repo, 'module', moduleFqn);
  const fileId = chunkId(repo, 'file', input.file);
  const lastLine = Math.max(0, lines.length - 1);
  const fileSpan: Span = [0, 0, lastLine, lines[lastLine]?.length ?? 0];

  // Where each definition starts, decorators included (DECORATES edges carry the decorator expressions' spans).
  const start = new Map<string, number>();
  for (const e of input.edges) if (e.edge === 'DECORATES' && e.span) start.set(e.src, Math.min(start.get(e.src) ?? Infinity, e.span[0]));
  const defStart = (n: IrNode) => Math.min(n.span[0], start.get(n.id) ?? Infinity);

  const defs = input.nodes.filter((n) => DEF_KINDS.has(n.node));
  const defIds = new Set(defs.map((n) => n.id));
  const kindOf = (n: IrNode): ChunkKind => (n.node === 'Class' ? 'class' : n.node === 'Method' ? 'method' : 'function');
  const idOf = (n: IrNode) => chunkId(repo, kindOf(n), n.fqn);
  /** The chunk enclosing a definition: the nearest enclosing definition's chunk, else the file. */
  const enclosing = (n: IrNode): string => {
    for (let p = n.parent ? byId.get(n.parent) : undefined; p; p = p.parent ? byId.get(p.parent) : undefined) if (defIds.has(p.id)) return idOf(p);
    return fileId;
  };

  out.push({
    id: moduleId,
    kind: 'module',
    fqn: moduleFqn,
    parent: projectId,
    file: input.file,
    text: moduleOverview(input, mod, lines),
    visibility: visibilityOf(moduleFqn.split('.').pop() ?? moduleFqn),
    isTest: isTestOf(mod),
  });
  out.push({ id: fileId, kind: 'file', fqn: input.file, parent: moduleId, file: input.file, span: fileSpan, text: lines.join('\n'), visibility: 'public', isTest: input.isTest });

  for (const n of defs) {
    const s = defStart(n);
    out.push({
      id: idOf(n),
      kind: kindOf(n),
      fqn: n.fqn,
      parent: enclosing(n),
      file: input.file,
      span: [s, s === n.span[0] ? n.span[1] : 0, n.span[2], n.span[3]],
      text: dedent(lines.slice(s, n.span[2] + 1)),
      visibility: (n.attrs?.visibility as Chunk['visibility']) ?? visibilityOf(n.name),
      isTest: isTestOf(n),
    });
  }

  for (const n of [mod, ...defs]) {
    const doc = n?.attrs?.docstring;
    if (!n || typeof doc !== 'string' || !doc.trim()) continue;
    out.push({
      id: chunkId(repo, 'docstring', n.fqn),
      kind: 'docstring',
      fqn: n.fqn,
      parent: n === mod ? moduleId : idOf(n),
      file: input.file,
      text: dedent(doc.split('\n')).trim(),
      visibility: n === mod ? 'public' : ((n.attrs?.visibility as Chunk['visibility']) ?? visibilityOf(n.name)),
      isTest: isTestOf(n),
    });
  }

  const header = fileHeader(input, mod);
  if (header) out.push({ id: chunkId(repo, 'file-header', input.file), kind: 'file-header', fqn: input.file, parent: fileId, file: input.file, text: header, visibility: 'public', isTest: input.isTest });
  out.push({
    id: chunkId(repo, 'skeleton', input.file),
    kind: 'skeleton',
    fqn: input.file,
    parent: fileId,
    file: input.file,
    text: skeleton(input, mod, defs, defStart),
    visibility: 'public',
    isTest: input.isTest,
  });

  for (const v of input.nodes) {
    if (v.node !== 'Variable' || !mod || v.parent !== mod.id) continue;
    const kind: ChunkKind = /^_*[A-Z][A-Z0-9_]*$/.test(v.name) ? 'constant' : 'variable';
    const end = statementEndLine(lines, v.span[0]);
    out.push({
      id: chunkId(repo, kind, v.fqn),
      kind,
      fqn: v.fqn,
      parent: fileId,
      file: input.file,
      span: [v.span[0], 0, end, lines[end]?.length ?? 0],
      text: lines.slice(v.span[0], end + 1).join('\n'),
      visibility: (v.attrs?.visibility as Chunk['visibility']) ?? visibilityOf(v.name),
      isTest: input.isTest,
    });
  }

  out.push(...usageChunks(input, byId, fileId));
  return hashTree(dedupeIds(out));
}

/** The project chunk (its modules' overview) and, hashed over its modules, its hash. */
export function projectChunk(repo: string, project: string, modules: readonly Chunk[], isTest = false): Chunk {
  const mods = [...modules].sort((a, b) => (a.fqn < b.fqn ? -1 : a.fqn > b.fqn ? 1 : 0));
  const text = [`project ${project}: ${mods.length} modules`, ...mods.map((m) => `  ${m.fqn}${firstDocLine(m.text) ? ` — ${firstDocLine(m.text)}` : ''}`)].join('\n');
  return finish({ id: chunkId(repo, 'project', project), kind: 'project', fqn: project, parent: chunkId(repo, 'repo', repo), text, visibility: 'public', isTest }, mods.map((m) => m.hash));
}

/** The repo chunk over the projects' chunks (computed by the federation, which is the only place all are known). */
export function repoChunk(repo: string, projects: readonly Chunk[]): Chunk {
  const ps = [...projects].sort((a, b) => (a.fqn < b.fqn ? -1 : 1));
  const text = [`repo ${repo}: ${ps.length} projects`, ...ps.map((p) => `  ${p.fqn}: ${p.text.split('\n')[0]!.replace(/^project [^:]*: /, '')}`)].join('\n');
  return finish({ id: chunkId(repo, 'repo', repo), kind: 'repo', fqn: repo, text, visibility: 'public', isTest: false }, ps.map((p) => p.hash));
}

function firstDocLine(moduleText: string): string {
  const m = /^"""(.*)/.exec(moduleText.split('\n')[1] ?? '');
  return m ? m[1]!.replace(/"""$/, '').trim() : '';
}

/** Module overview: its name, docstring, `__all__` and one line per top-level definition and module variable. */
function moduleOverview(input: FileChunkInput, mod: IrNode | undefined, lines: readonly string[]): string {
  const out = [`module ${mod?.fqn ?? input.module} (${input.file})`];
  const doc = mod?.attrs?.docstring;
  if (typeof doc === 'string' && doc.trim()) out.push(`"""${doc.trim().split('\n')[0]}"""`);
  if (Array.isArray(mod?.attrs?.all)) out.push(`__all__ = ${JSON.stringify(mod!.attrs!.all)}`);
  for (const n of input.nodes) {
    if (n.parent !== mod?.id || !mod) continue;
    if (DEF_KINDS.has(n.node)) out.push(signatureOf(n, lines));
    else if (n.node === 'Variable') out.push(`variable ${n.name}`);
  }
  return out.join('\n');
}

/** A definition's header as one line: `def f(a, b) -> int` / `class C(Base)`, without the trailing colon. */
export function signatureOf(n: IrNode, lines: readonly string[]): string {
  const ns = (n.attrs?.name_span as Span | undefined) ?? n.span;
  const end = headerEnd(lines, { line: ns[0], col: ns[3] });
  if (!end) return n.name;
  const text = lines
    .slice(n.span[0], end.line + 1)
    .map((l, i, all) => (i === all.length - 1 ? l.slice(0, end.col) : l))
    .join(' ');
  return text
    .slice(n.span[0] === ns[0] ? n.span[1] : 0)
    .replace(/\s+/g, ' ')
    .replace(/\(\s+/g, '(')
    .replace(/,?\s*\)/g, ')')
    .trim();
}

/** Leading comments (license, shebang, coding) and the module-level import statements. */
function fileHeader(input: FileChunkInput, mod: IrNode | undefined): string {
  const { lines } = input;
  const out: string[] = [];
  for (const l of lines) {
    if (!/^\s*(#.*)?$/.test(l)) break;
    out.push(l);
  }
  while (out.length && !out[out.length - 1]!.trim()) out.pop();
  const seen = new Set<number>();
  const imports: string[] = [];
  for (const n of input.nodes) {
    if (n.node !== 'Import' || !mod || n.parent !== mod.id) continue;
    const st = (n.attrs?.statement as Span | undefined) ?? n.span;
    if (seen.has(st[0])) continue;
    seen.add(st[0]);
    for (let l = st[0]; l <= st[2]; l++) seen.add(l);
    imports.push(lines.slice(st[0], st[2] + 1).join('\n'));
  }
  if (out.length && imports.length) out.push('');
  out.push(...imports);
  return out.join('\n');
}

/** The file with bodies elided: module docstring, imports, variables, and every class/def header with its docstring. */
function skeleton(input: FileChunkInput, mod: IrNode | undefined, defs: readonly IrNode[], defStart: (n: IrNode) => number): string {
  const { lines } = input;
  const byId = new Map(input.nodes.map((n) => [n.id, n]));
  const inFunction = (n: IrNode) => {
    for (let p = n.parent ? byId.get(n.parent) : undefined; p; p = p.parent ? byId.get(p.parent) : undefined) if (p.node === 'Function' || p.node === 'Method') return true;
    return false;
  };
  const items: Array<[number, string]> = [];
  const doc = mod?.attrs?.docstring;
  if (typeof doc === 'string' && doc.trim()) items.push([-1, quoteDoc(doc, '')]);
  const header = fileHeader(input, mod);
  if (header) items.push([-0.5, header]);
  for (const n of input.nodes) {
    if (n.node !== 'Variable' || !mod) continue;
    const parent = n.parent ? byId.get(n.parent) : undefined;
    if (!parent || !(parent === mod || (parent.node === 'Class' && n.attrs?.class_attribute === true))) continue;
    items.push([n.span[0], lines[n.span[0]] ?? '']);
  }
  for (const n of defs) {
    if (inFunction(n)) continue;
    const ns = (n.attrs?.name_span as Span | undefined) ?? n.span;
    const end = headerEnd(lines, { line: ns[0], col: ns[3] }) ?? { line: ns[0], col: (lines[ns[0]] ?? '').length - 1 };
    const head = lines.slice(defStart(n), end.line + 1);
    head[head.length - 1] = head[head.length - 1]!.slice(0, end.col + 1);
    const indent = ' '.repeat(n.span[1] + 4);
    const d = n.attrs?.docstring;
    // A class's members follow it in the skeleton; only a function (or an empty class) needs `...` for a body.
    const hasMembers = n.node === 'Class' && input.nodes.some((c) => c.parent === n.id && (DEF_KINDS.has(c.node) || c.attrs?.class_attribute === true));
    const body = [typeof d === 'string' && d.trim() ? quoteDoc(d, indent) : '', hasMembers ? '' : `${indent}...`].filter(Boolean);
    items.push([defStart(n), [...head, ...body].join('\n')]);
  }
  items.sort((a, b) => a[0] - b[0]);
  const seen = new Set<string>();
  return items
    .filter(([k, t]) => (seen.has(`${k}\0${t}`) ? false : (seen.add(`${k}\0${t}`), true)))
    .map(([, t]) => t)
    .join('\n');
}

function quoteDoc(doc: string, indent: string): string {
  const body = dedent(doc.split('\n')).trim().split('\n');
  return body.length === 1 ? `${indent}"""${body[0]}"""` : `${indent}"""${body.map((l, i) => (i === 0 ? l : l ? indent + l : l)).join('\n')}\n${indent}"""`;
}

/** One chunk per symbol this file calls (resolved in the corpus): its call sites here, each with a line of context. */
function usageChunks(input: FileChunkInput, byId: Map<string, IrNode>, fileId: string): Draft[] {
  const bySymbol = new Map<string, IrEdge[]>();
  for (const e of input.edges) {
    if (!CALL_KINDS.has(e.edge) || !e.dst || !e.target || !e.span) continue;
    let list = bySymbol.get(e.target);
    if (!list) bySymbol.set(e.target, (list = []));
    list.push(e);
  }
  const out: Draft[] = [];
  for (const [target, edges] of [...bySymbol].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    edges.sort((a, b) => a.span![0] - b.span![0] || a.span![1] - b.span![1]);
    const parts: string[] = [];
    let lastLine = -1;
    for (const e of edges.slice(0, MAX_USAGE_SITES)) {
      const line = e.span![0];
      if (line === lastLine) continue;
      lastLine = line;
      const from = Math.max(0, line - CONTEXT_LINES);
      const to = Math.min(input.lines.length - 1, line + CONTEXT_LINES);
      const caller = byId.get(e.src)?.fqn ?? input.module;
      parts.push(`${input.file}:${line + 1} in ${caller}\n${input.lines.slice(from, to + 1).join('\n')}`);
    }
    if (edges.length > MAX_USAGE_SITES) parts.push(`… ${edges.length - MAX_USAGE_SITES} more call sites`);
    const first = edges[0]!.span!;
    const last = edges[edges.length - 1]!.span!;
    out.push({
      id: chunkId(input.repo, 'usage', `${target}@${input.module}`),
      kind: 'usage',
      fqn: target,
      parent: fileId,
      file: input.file,
      span: [first[0], first[1], last[2], last[3]],
      text: `calls of ${target} in ${input.module}:\n${parts.join('\n\n')}`,
      visibility: 'public',
      isTest: input.isTest,
    });
  }
  return out;
}

/** Removes the indentation common to all non-blank lines. */
export function dedent(lines: readonly string[]): string {
  let min = Infinity;
  for (const l of lines) if (l.trim()) min = Math.min(min, l.length - l.trimStart().length);
  if (!Number.isFinite(min) || min === 0) return lines.join('\n');
  return lines.map((l) => l.slice(Math.min(min, l.length - l.trimStart().length))).join('\n');
}

/**
 * Two chunks of one file with the same id (rare: the IR already numbers redefinitions `#2`) — every one after the
 * first gets a content-hash suffix; children keep pointing at the first.
 */
function dedupeIds(drafts: Draft[]): Draft[] {
  const seen = new Set<string>();
  for (const d of drafts) {
    if (seen.has(d.id)) d.id = `${d.id}~${hashString(`${d.kind}\0${d.text}`).slice(0, 8)}`;
    seen.add(d.id);
  }
  return drafts;
}

/**
 * Ids taken by other files of the project (two files of one project can define the same module name, e.g. scripts
 * outside any package): the colliding chunks of this file get a content-hash suffix, and their children follow.
 */
export function disambiguate(chunks: Chunk[], taken: Set<string>): Chunk[] {
  const renamed = new Map<string, string>();
  for (const c of chunks) {
    if (taken.has(c.id)) {
      const id = `${c.id}~${c.hash.slice(0, 8)}`;
      renamed.set(c.id, id);
      c.id = id;
    }
    taken.add(c.id);
  }
  if (renamed.size) for (const c of chunks) if (c.parent && renamed.has(c.parent)) c.parent = renamed.get(c.parent);
  return chunks;
}

/** Fills in hashes bottom-up (children before parents) and token estimates. */
function hashTree(drafts: Draft[]): Chunk[] {
  const children = new Map<string, Draft[]>();
  for (const d of drafts) {
    if (!d.parent) continue;
    let list = children.get(d.parent);
    if (!list) children.set(d.parent, (list = []));
    list.push(d);
  }
  const done = new Map<string, Chunk>();
  const visit = (d: Draft): Chunk => {
    const have = done.get(d.id);
    if (have) return have;
    const kids = (children.get(d.id) ?? []).filter((k) => k !== d).map(visit);
    const c = finish(d, kids.map((k) => k.hash).sort());
    done.set(d.id, c);
    return c;
  };
  return drafts.map(visit);
}

function finish(d: Draft, childHashes: readonly string[]): Chunk {
  return { ...d, hash: hashString(`${d.kind}\0${d.fqn}\0${d.text}\0${childHashes.join(',')}`), tokens: Math.ceil(d.text.length / 4) };
}
