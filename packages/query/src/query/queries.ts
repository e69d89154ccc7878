/**
 * The queries behind the CLI and the MCP server, over a Federation. Each returns plain JSON-able data; formatting
 * lives with the callers. Names may be partial (`Money.times`): a name matches a symbol whose FQN is the name or
 * ends with `.<name>`, or a re-exported spelling (`core.format_money`) that L4 resolved. A name that matches several
 * symbols is an error listing them, unless one matches exactly.
 */
import * as fs from 'node:fs';
import { dedent, disambiguate, projectChunk, type Chunk } from '../chunks/chunks';
import { fileChunks, staleError, type FileRow } from '../chunks/on-demand';
import { statementEndLine } from '../chunks/scan';
import { readSource } from '../chunks/source';
import { chunkKindOf, decodeIds, decodeInbound, decodeInboundRow, decodeFileCalls, decodeOccurrences, K, nameKey, symHex, SYMBOL_KINDS, textHash, type SymbolKind } from '../l7/codec';
import { Federation, QueryError, type ProjectDb } from './federation';
import { fqnSql, SYM_JOIN, unpackSignature } from '../l7/schema';
import { codeTerms, searchCode, type CodeHit } from './code-search';

export interface Sym {
  project: string;
  /** The symbol's id: the first 12 hex digits of its IR id. */
  id: string;
  fqn: string;
  name: string;
  kind: string;
  file: string;
  /** 1-based lines, as editors show them. */
  line: number;
  endLine: number;
  signature?: string;
  /** Its first line (the whole docstring is in the source, and in the full-text index). */
  docstring?: string;
  isTest: boolean;
}

interface SymRow {
  project: string;
  id: number;
  fqn: string;
  name: string;
  kind: number;
  file: string;
  sl: number;
  el: number;
  signature: string | null;
  docstring: string | null;
  flags: number;
}

const FQN = fqnSql();
const SYM_COLS = `s.id, ${FQN} AS fqn, s.name, s.kind, f.path AS file, s.sl, s.el, s.signature, s.docstring, s.flags`;
const SYM_FROM = `symbols s ${SYM_JOIN}`;
const CALLS = new Set(['CALLS', 'INSTANTIATES']);
const EDGE_ROLE: Record<string, string> = { CALLS: 'call', INSTANTIATES: 'call', INHERITS: 'inherit', DECORATES: 'decorate', IMPORTS: 'import', READS: 'read', WRITES: 'write' };
const qs = (n: number) => Array(n).fill('?').join(',');

function toSym(r: SymRow): Sym {
  return {
    project: r.project,
    id: symHex(r.id),
    fqn: r.fqn,
    name: r.name,
    kind: SYMBOL_KINDS[r.kind] ?? String(r.kind),
    file: r.file,
    line: r.sl + 1,
    endLine: r.el + 1,
    ...(r.signature ? { signature: unpackSignature(r.signature, r.name) } : {}),
    ...(r.docstring ? { docstring: r.docstring } : {}),
    isTest: (r.flags & 4) !== 0,
  };
}

const idOf = (s: Sym) => parseInt(s.id, 16);
/** Name-index matches ranked per search and project (the symbols named exactly as typed come in addition). */
const NAME_CANDIDATES = 2000;

export interface SearchHit {
  project: string;
  fqn: string;
  kind: string;
  file: string | null;
  /** The symbol's first line (null for a module). */
  line: number | null;
  score: number;
  /** What matched: the symbol's name, or its code (body, comments, docstring). */
  match: 'name' | 'code';
  /** For a code hit: the first line that matched (1-based); the snippet is that line. */
  at?: number;
  snippet: string;
}
/** The name column of an FQN: its last segment without the `#2` of a redefinition. */
const lastName = (fqn: string) => (fqn.split('.').pop() ?? fqn).replace(/#\d+$/, '');

export class Queries {
  constructor(readonly fed: Federation) {}

  /** Every symbol a (possibly partial) name denotes; an exact FQN match wins over partial ones. */
  candidates(name: string): Sym[] {
    const q = name.trim();
    if (!q) throw new QueryError('empty name: give a symbol name or FQN (e.g. `Money.times` or `core.money.format_money`)');
    const exact = this.exact(q);
    if (exact.length) return exact;
    const aliased = this.fed.all<{ fqn: string }>('SELECT fqn FROM aliases WHERE name = ? LIMIT 1', q);
    if (aliased.length) {
      const viaAlias = this.exact(aliased[0]!.fqn);
      if (viaAlias.length) return viaAlias;
    }
    return this.fed
      .all<SymRow>(`SELECT ${SYM_COLS} FROM ${SYM_FROM} WHERE s.name = ? ORDER BY ${FQN}`, lastName(q))
      .filter((r) => r.fqn === q || r.fqn.endsWith(`.${q}`))
      .map(toSym);
  }

  /** Symbols whose FQN is exactly `fqn` (through the name index: no FQN index is kept). */
  private exact(fqn: string): Sym[] {
    return this.fed.all<SymRow>(`SELECT ${SYM_COLS} FROM ${SYM_FROM} WHERE s.name = ? AND ${FQN} = ?`, lastName(fqn), fqn).map(toSym);
  }

  /** The one symbol a name denotes, or a QueryError listing the candidates (or suggesting names) otherwise. */
  resolve(name: string): Sym {
    const c = this.candidates(name);
    if (c.length === 1) return c[0]!;
    if (c.length === 0) {
      const hits = this.searchSafe(name.split('.').pop()!, 5);
      const hint = hits.length ? `; did you mean ${hits.map((h) => h.fqn).join(', ')}?` : '; try `search` with words from its name or docstring';
      throw new QueryError(`no symbol named ${name}${hint}`, 'not-found');
    }
    const list = c.slice(0, 20).map((s) => `  ${s.fqn} (${s.kind.toLowerCase()}, ${s.file}:${s.line}, ${s.project})`);
    throw new QueryError(`${name} is ambiguous, ${c.length} symbols match — give more of the name:\n${list.join('\n')}${c.length > 20 ? '\n  …' : ''}`, 'ambiguous');
  }

  def(name: string): Sym[] {
    const c = this.candidates(name);
    if (!c.length) this.resolve(name); // throws with suggestions
    return c;
  }

  /** Symbols by database id, in one project's database. */
  private symbolsIn(p: ProjectDb, ids: readonly number[]): Map<number, Sym> {
    return new Map([...this.symbolRows(p, ids)].map(([id, r]) => [id, toSym(r)]));
  }

  private symbolRows(p: ProjectDb, ids: readonly number[]): Map<number, SymRow> {
    const out = new Map<number, SymRow>();
    for (const chunk of slices([...new Set(ids)], 500))
      for (const r of p.db.prepare(`SELECT ${SYM_COLS} FROM ${SYM_FROM} WHERE s.id IN (${qs(chunk.length)})`).all(...chunk) as SymRow[]) out.set(r.id, { ...r, project: p.name });
    return out;
  }

  /** Resolved edges into any of `dsts`, from every project: each with its source symbol and site. */
  private inbound(dsts: readonly number[], kinds?: ReadonlySet<string>): Array<{ dst: number; kind: string; src: Sym; file: string; line: number; col: number }> {
    const out: Array<{ dst: number; kind: string; src: Sym; file: string; line: number; col: number }> = [];
    for (const p of this.fed.projects) {
      const sites: Array<{ dst: number; kind: string; src: number; file: string; line: number; col: number }> = [];
      // A site names its source by ordinal among the file's symbols in id order (codec.ts).
      const fileSymbols = p.db.prepare('SELECT ids FROM file_symbols WHERE file = ?').pluck();
      const ordinals = new Map<number, number[]>();
      const pathOf = p.db.prepare('SELECT path FROM files WHERE id = ?').pluck();
      const paths = new Map<number, string | undefined>();
      for (const chunk of slices(dsts, 500))
        for (const r of p.db.prepare(`SELECT dst, sites FROM inbound WHERE dst IN (${qs(chunk.length)}) ORDER BY dst`).all(...chunk) as Array<{ dst: number; sites: Buffer }>)
          for (const [file, bytes] of decodeInboundRow(r.sites)) {
            if (!paths.has(file)) paths.set(file, pathOf.get(file) as string | undefined);
            const path = paths.get(file);
            if (path === undefined) continue;
            let ids = ordinals.get(file);
            if (!ids) ordinals.set(file, (ids = decodeIds((fileSymbols.get(file) as Buffer | undefined) ?? Buffer.alloc(0))));
            for (const x of decodeInbound(bytes)) {
              const src = ids[x.src];
              if (src !== undefined && (!kinds || kinds.has(x.kind))) sites.push({ ...x, src, dst: r.dst, file: path });
            }
          }
      const syms = this.symbolsIn(p, sites.map((x) => x.src));
      for (const x of sites) {
        const src = syms.get(x.src);
        if (src) out.push({ ...x, src });
      }
    }
    return out;
  }

  /** References: resolved edges to the symbol plus its L2 occurrences (definitions excepted), one per position. */
  refs(name: string): { symbol: Sym; refs: Array<{ project: string; file: string; line: number; col: number; role: string; in?: string }> } {
    const s = this.resolve(name);
    const out: Array<{ project: string; file: string; line: number; col: number; role: string; in?: string }> = [];
    const at = new Set<string>();
    const roleOf = (r: number) => (r & 2 ? 'import' : r & 4 ? 'write' : r & 8 ? 'read' : 'reference');
    // Occurrences at a resolved edge's position were left out at build time: the edge says more (role, caller).
    for (const o of this.fed.all<{ path: string; sites: Buffer }>('SELECT f.path, o.sites FROM occ o JOIN files f ON f.id = o.file WHERE o.name = ?', nameKey(s.fqn)))
      for (const x of decodeOccurrences(o.sites)) {
        const k = `${o.path}:${x.line}:${x.col}`;
        if (at.has(k)) continue;
        at.add(k);
        out.push({ project: o.project, file: o.path, line: x.line + 1, col: x.col + 1, role: roleOf(x.roles) });
      }
    const sameLine = new Set(out.map((r) => `${r.file}:${r.line}:${r.role}`));
    for (const e of this.inbound([idOf(s)])) {
      const role = EDGE_ROLE[e.kind] ?? e.kind.toLowerCase();
      const k = `${e.file}:${e.line}:${e.col}`;
      if (at.has(k) || sameLine.has(`${e.file}:${e.line + 1}:${role}`)) continue;
      at.add(k);
      out.push({ project: e.src.project, file: e.file, line: e.line + 1, col: e.col + 1, role, in: e.src.fqn });
    }
    out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
    return { symbol: s, refs: out };
  }

  /** Callers up to `depth` levels (1 = direct): each with the call site and its distance. */
  callers(name: string, depth = 1): { symbol: Sym; callers: Array<Sym & { depth: number; site: string }> } {
    const s = this.resolve(name);
    return { symbol: s, callers: this.walkCallers([idOf(s)], depth) };
  }

  private walkCallers(start: number[], depth: number): Array<Sym & { depth: number; site: string }> {
    const seen = new Set(start);
    const out: Array<Sym & { depth: number; site: string }> = [];
    let frontier = start;
    for (let d = 1; d <= depth && frontier.length; d++) {
      const next: number[] = [];
      const level: Array<Sym & { depth: number; site: string }> = [];
      const calls = this.inbound(frontier, CALLS).sort((a, b) => (a.src.fqn < b.src.fqn ? -1 : a.src.fqn > b.src.fqn ? 1 : a.line - b.line));
      for (const c of calls) {
        const id = idOf(c.src);
        if (seen.has(id)) continue;
        seen.add(id);
        next.push(id);
        level.push({ ...c.src, depth: d, site: `${c.file}:${c.line + 1}` });
      }
      // One order whatever the order of the projects in the federation: by FQN within a level.
      out.push(...level.sort((a, b) => (a.fqn < b.fqn ? -1 : a.fqn > b.fqn ? 1 : 0)));
      frontier = next;
    }
    return out;
  }

  /**
   * The calls each of `srcs` makes (resolved ones by id, others by name), in frontier order then source order: the
   * `outbound` blob of each file defining one of them holds the calls of all its callers (codec.ts).
   */
  private outbound(srcs: readonly number[]): Array<{ src: number; file: string; line: number; col: number; dst?: number; label?: string; external?: string }> {
    const bySrc = new Map<number, Array<{ src: number; file: string; line: number; col: number; dst?: number; label?: string; external?: string }>>();
    const wanted = new Set(srcs);
    for (const p of this.fed.projects) {
      const files = new Set<number>();
      for (const chunk of slices(srcs, 500)) for (const f of p.db.prepare(`SELECT DISTINCT file FROM symbols WHERE id IN (${qs(chunk.length)})`).pluck().all(...chunk) as number[]) files.add(f);
      const fileCalls = p.db.prepare('SELECT f.path, o.calls, x.ids FROM outbound o JOIN files f ON f.id = o.file LEFT JOIN file_symbols x ON x.file = o.file WHERE o.file = ?');
      for (const file of files) {
        const row = fileCalls.get(file) as { path: string; calls: Buffer; ids: Buffer | null } | undefined;
        if (!row) continue;
        for (const { src, calls } of decodeFileCalls(row.calls, row.ids ? decodeIds(row.ids) : []))
          if (wanted.has(src)) bySrc.set(src, calls.map((c) => ({ src, file: row.path, ...c })));
      }
    }
    return srcs.flatMap((s) => bySrc.get(s) ?? []);
  }

  /** Callees up to `depth` levels: resolved ones as symbols, unresolved ones by name (with the outside module). */
  callees(name: string, depth = 1): { symbol: Sym; callees: Array<{ depth: number; site: string; fqn: string; kind?: string; project?: string; file?: string; line?: number; external?: string; resolved: boolean }> } {
    const s = this.resolve(name);
    const seen = new Set([idOf(s)]);
    const out: Array<{ depth: number; site: string; fqn: string; kind?: string; project?: string; file?: string; line?: number; external?: string; resolved: boolean }> = [];
    const seenNames = new Set<string>();
    let frontier = [idOf(s)];
    for (let d = 1; d <= depth && frontier.length; d++) {
      const next: number[] = [];
      const calls = this.outbound(frontier).sort((a, b) => a.line - b.line || a.col - b.col);
      const targets = this.byIds(calls.flatMap((c) => (c.dst === undefined ? [] : [c.dst])));
      for (const c of calls) {
        const site = `${c.file}:${c.line + 1}`;
        if (c.dst !== undefined) {
          if (seen.has(c.dst)) continue;
          seen.add(c.dst);
          next.push(c.dst);
          const t = targets.get(c.dst);
          out.push(t ? { depth: d, site, fqn: t.fqn, kind: t.kind, project: t.project, file: t.file, line: t.line, resolved: true } : { depth: d, site, fqn: `?${symHex(c.dst)}`, resolved: true });
        } else {
          const label = c.label ?? '?';
          if (seenNames.has(label)) continue;
          seenNames.add(label);
          out.push({ depth: d, site, fqn: label, resolved: false, ...(c.external ? { external: c.external } : {}) });
        }
      }
      frontier = next;
    }
    return { symbol: s, callees: out };
  }

  /** Symbols by id, wherever they are defined. */
  private byIds(ids: readonly number[]): Map<number, Sym> {
    const out = new Map<number, Sym>();
    if (!ids.length) return out;
    for (const p of this.fed.projects) for (const [id, sym] of this.symbolsIn(p, ids)) if (!out.has(id)) out.set(id, sym);
    return out;
  }

  byId(id: string): Sym | undefined {
    return this.byIds([parseInt(id, 16)]).get(parseInt(id, 16));
  }

  /** A shortest call path from one symbol to another (breadth-first over resolved calls), up to `maxDepth` calls. */
  path(fromName: string, toName: string, maxDepth = 8): { from: Sym; to: Sym; path: Sym[] | null } {
    const from = this.resolve(fromName);
    const to = this.resolve(toName);
    const start = idOf(from);
    const goal = idOf(to);
    const prev = new Map<number, number>([[start, -1]]);
    let frontier = [start];
    for (let d = 0; d < maxDepth && frontier.length && !prev.has(goal); d++) {
      const next: number[] = [];
      for (const c of this.outbound(frontier)) {
        if (c.dst === undefined || prev.has(c.dst)) continue;
        prev.set(c.dst, c.src);
        next.push(c.dst);
      }
      frontier = next;
    }
    if (!prev.has(goal)) return { from, to, path: null };
    const ids: number[] = [];
    for (let id = goal; id !== -1; id = prev.get(id)!) ids.unshift(id);
    const syms = this.byIds(ids);
    return { from, to, path: ids.map((id) => syms.get(id)).filter((x): x is Sym => x !== undefined) };
  }

  /**
   * What a change to a symbol or a file may break: transitive callers (up to `depth`), and the files, projects and
   * tests they are in. For a file: its symbols' callers plus the files importing it, transitively.
   */
  impact(target: string, depth = 3): { target: string; callers: Array<Sym & { depth: number; site: string }>; files: string[]; projects: string[]; tests: string[]; testFiles: string[] } {
    const files = new Set<string>();
    const projects = new Set<string>();
    const tests = new Set<string>();
    let start: number[];
    const fileRow = this.fed.all<{ id: number; path: string }>('SELECT id, path FROM files WHERE path = ? OR path LIKE ?', target, `%/${target}`);
    if (fileRow.length === 1 && !this.candidates(target).length) {
      const f = fileRow[0]!;
      files.add(f.path);
      projects.add(f.project);
      const db = this.fed.project(f.project)!.db;
      const ids = decodeIds((db.prepare('SELECT ids FROM file_symbols WHERE file = ?').pluck().get(f.id) as Buffer | undefined) ?? Buffer.alloc(0));
      start = slices(ids, 500).flatMap((chunk) => db.prepare(`SELECT id FROM symbols WHERE id IN (${qs(chunk.length)}) AND kind != ${K.Module}`).pluck().all(...chunk) as number[]);
      // Importers of the file, transitively (a changed module can break whoever imports it).
      let frontier = [f.path];
      for (let d = 1; d <= depth && frontier.length; d++) {
        const next: string[] = [];
        for (const chunk of slices(frontier, 500))
          for (const r of this.fed.all<{ src: string }>(`SELECT DISTINCT f.path AS src FROM file_deps d JOIN files f ON f.id = d.src WHERE d.dst IN (${qs(chunk.length)})`, ...chunk)) {
            if (files.has(r.src)) continue;
            files.add(r.src);
            projects.add(r.project);
            next.push(r.src);
          }
        frontier = next;
      }
    } else {
      const s = this.resolve(target);
      files.add(s.file);
      projects.add(s.project);
      start = [idOf(s)];
    }
    const callers = this.walkCallers(start, depth);
    for (const c of callers) {
      files.add(c.file);
      projects.add(c.project);
      if (c.isTest) tests.add(c.fqn);
    }

    const testFiles = new Set(this.fed.all<{ path: string }>('SELECT path FROM files WHERE is_test = 1').map((r) => r.path));
    for (const c of callers) if (testFiles.has(c.file)) tests.add(c.fqn);
    return { target, callers, files: [...files].sort(), projects: [...projects].sort(), tests: [...tests].sort(), testFiles: [...files].filter((f) => testFiles.has(f)).sort() };
  }

  /** What a module or project imports: files (with their project) and outside modules. */
  deps(name: string, reverse = false): { of: string; kind: 'project' | 'module'; projects: Array<{ project: string; files: number }>; modules: Array<{ module: string; project: string; file: string }>; external: string[] } {
    const proj = this.fed.project(name);
    const fileModule = new Map(this.fed.all<{ path: string; module: string }>('SELECT path, module FROM files').map((r) => [r.path, r]));
    const DEPS = 'SELECT f.path AS src, d.dst, d.dst_project FROM file_deps d JOIN files f ON f.id = d.src';
    if (proj) {
      const counts = new Map<string, number>();
      const modules = new Map<string, { module: string; project: string; file: string }>();
      const external = new Set<string>();
      if (!reverse) {
        for (const r of proj.db.prepare(`${DEPS} WHERE d.dst_project IS NOT NULL`).all() as Array<{ dst: string; dst_project: string }>) {
          counts.set(r.dst_project, (counts.get(r.dst_project) ?? 0) + 1);
          const m = fileModule.get(r.dst);
          modules.set(r.dst, { module: m?.module ?? r.dst, project: r.dst_project, file: r.dst });
        }
        for (const r of proj.db.prepare('SELECT DISTINCT module FROM file_externals').pluck().all() as string[]) external.add(r);
      } else {
        for (const r of this.fed.all<{ src: string }>(`${DEPS} WHERE d.dst_project = ?`, proj.name)) {
          if (r.project === proj.name) continue;
          counts.set(r.project, (counts.get(r.project) ?? 0) + 1);
          const m = fileModule.get(r.src);
          modules.set(r.src, { module: m?.module ?? r.src, project: r.project, file: r.src });
        }
      }
      return {
        of: name,
        kind: 'project',
        projects: [...counts].map(([project, files]) => ({ project, files })).sort((a, b) => (a.project < b.project ? -1 : 1)),
        modules: [...modules.values()].sort((a, b) => (a.module < b.module ? -1 : 1)),
        external: [...external].sort(),
      };
    }
    const file = this.fed.all<{ id: number; path: string; module: string }>('SELECT id, path, module FROM files WHERE module = ? OR path = ?', name, name)[0];
    if (!file) throw new QueryError(`no project or module named ${name}: projects are ${this.fed.projects.map((p) => p.name).join(', ')}; modules are dotted names (core.money)`, 'not-found');
    const rows = reverse
      ? this.fed.all<{ src: string }>(`SELECT DISTINCT f.path AS src FROM file_deps d JOIN files f ON f.id = d.src WHERE d.dst = ?`, file.path).map((r) => r.src)
      : this.fed.project(file.project)!.db.prepare('SELECT DISTINCT dst FROM file_deps WHERE src = ?').pluck().all(file.id) as string[];
    const owner = new Map(this.fed.all<{ path: string }>('SELECT path FROM files').map((r) => [r.path, r.project]));
    const modules = rows.map((f) => ({ module: fileModule.get(f)?.module ?? f, project: owner.get(f) ?? '?', file: f })).sort((a, b) => (a.module < b.module ? -1 : 1));
    const external = reverse ? [] : (this.fed.project(file.project)!.db.prepare('SELECT DISTINCT module FROM file_externals WHERE file = ?').pluck().all(file.id) as string[]).sort();
    const counts = new Map<string, number>();
    for (const m of modules) counts.set(m.project, (counts.get(m.project) ?? 0) + 1);
    return { of: file.module, kind: 'module', projects: [...counts].map(([project, files]) => ({ project, files })), modules, external };
  }

  /**
   * Full-text search, names first: symbols whose name or qualified name (`Money.times`; a module's whole name) holds
   * every word, ranked by how well the name matches (see `run`); then symbols whose code — body, comments, docstring — holds
   * the words (code-search.ts), those holding all terms first, then by lines matched; symbols whose name holds any
   * word only when nothing else matched. Name words are matched as the index tokenizes them (`format_money` is
   * `format` and `money`); code terms as typed. Scores rank within each group, lower first: a name hit's says how
   * many words its name lacks and has besides, a code hit's is minus its lines matched.
   */
  search(text: string, limit = 10): SearchHit[] {
    const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (!words.length) throw new QueryError('search needs at least one word');
    const toHit = (r: SymRow & { score: number }): SearchHit => ({
      project: r.project,
      fqn: r.fqn,
      kind: chunkKindOf(SYMBOL_KINDS[r.kind] as SymbolKind, r.name),
      file: r.file,
      line: r.kind === K.Module ? null : r.sl + 1,
      score: Math.round(r.score * 1000) / 1000,
      match: 'name',
      snippet: r.signature !== null ? unpackSignature(r.signature, r.name) : (r.docstring ? `"""${r.docstring}"""` : `${chunkKindOf(SYMBOL_KINDS[r.kind] as SymbolKind, r.name)} ${r.fqn}`),
    });
    // One word that names at least `limit` symbols exactly: those rank first anyway, and ranking every token match
    // of a word as common as `test` (56K rows in the stdlib) is what costs. Score 0, shortest FQN first.
    if (words.length === 1) {
      const exact = this.fed
        .all<SymRow & { score: number }>(`SELECT ${SYM_COLS}, 0 AS score FROM ${SYM_FROM} WHERE s.name = ? ORDER BY length(${FQN}), ${FQN} LIMIT ?`, words[0], limit)
        .sort((a, b) => a.fqn.length - b.fqn.length || (a.fqn < b.fqn ? -1 : 1));
      if (exact.length >= limit) return exact.slice(0, limit).map(toHit);
    }
    const terms = words.map((w) => `"${w}"`);
    const lower = words.map((w) => w.toLowerCase());
    const tokens = (t: string) => t.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    // The FTS table has no positions, so no bm25 (FTS5 needs them): the candidates it finds — the symbols named
    // exactly as typed always among them — are ranked here, by the words their name holds, then their qualified
    // name, then how few other words their name has, then the shorter FQN. Score: 10 per word missing from the
    // name plus 1 per other word of the name (0: the name is the words).
    const nameScore = (n: string) => {
      const name = tokens(n);
      const inName = lower.filter((w) => name.includes(w)).length;
      return (lower.length - inName) * 10 + (name.length - inName);
    };
    const run = (match: string) => {
      // Names first (id and name only: most candidates go no further), then whole rows for the best few.
      const ranked: Array<{ project: string; id: number; score: number }> = [];
      for (const p of this.fed.projects) {
        const seen = new Set<number>();
        const named = p.db.prepare('SELECT id, name FROM symbols WHERE name = ?').all(words.join('_')) as Array<{ id: number; name: string }>;
        const found = p.db.prepare(`SELECT s.id, s.name FROM (SELECT rowid FROM search WHERE search MATCH ? LIMIT ${NAME_CANDIDATES}) h JOIN symbols s ON s.id = h.rowid`).all(match) as Array<{ id: number; name: string }>;
        for (const r of [...named, ...found]) {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          ranked.push({ project: p.name, id: r.id, score: nameScore(r.name) });
        }
      }
      ranked.sort((a, b) => a.score - b.score || a.id - b.id);
      // Within a score the qualified name decides: rows for every candidate of the scores the first `limit` reach.
      const last = ranked[Math.min(limit, ranked.length) - 1]?.score;
      const best = ranked.filter((r) => last !== undefined && r.score <= last).slice(0, limit * 20);
      const rows: Array<SymRow & { score: number; inQual: number }> = [];
      for (const p of this.fed.projects) {
        const mine = new Map(best.filter((r) => r.project === p.name).map((r) => [r.id, r.score]));
        for (const [id, sym] of this.symbolRows(p, [...mine.keys()])) {
          const qual = tokens(sym.fqn);
          rows.push({ ...sym, score: mine.get(id)!, inQual: lower.filter((w) => qual.includes(w)).length });
        }
      }
      return rows
        .sort((a, b) => a.score - b.score || b.inQual - a.inQual || a.fqn.length - b.fqn.length || (a.fqn < b.fqn ? -1 : 1))
        .slice(0, limit)
        .map(toHit);
    };
    const out = run(terms.join(' AND '));
    if (out.length < limit) out.push(...this.searchCode(text, limit, new Set(out.map((h) => `${h.project}\0${h.fqn}`))).slice(0, limit - out.length));
    return out.length || terms.length === 1 ? out : run(terms.join(' OR '));
  }

  /** Code hits of every project (see `search`), without the symbols in `skip` (project NUL fqn). */
  private searchCode(text: string, limit: number, skip: ReadonlySet<string>): SearchHit[] {
    const terms = codeTerms(text);
    const hits: Array<SearchHit & { terms: number }> = [];
    const byRank = (a: CodeHit, b: CodeHit) => b.terms - a.terms || b.lines - a.lines || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.first - b.first);
    for (const p of this.fed.projects) {
      // The best `limit` of each project, and as many again as names may take: only those are looked up.
      const found = searchCode(p.db, this.fed.root, terms, limit).sort(byRank).slice(0, limit + skip.size);
      const syms = this.symbolsIn(p, found.map((h) => h.id));
      for (const h of found) {
        const s = syms.get(h.id);
        if (!s || skip.has(`${p.name}\0${s.fqn}`)) continue;
        hits.push({ project: p.name, fqn: s.fqn, kind: chunkKindOf(s.kind as SymbolKind, s.name), file: s.file, line: s.kind === 'Module' ? null : s.line, score: -h.lines, match: 'code', at: h.first + 1, snippet: h.text, terms: h.terms });
      }
    }
    hits.sort((a, b) => b.terms - a.terms || a.score - b.score || (a.file! < b.file! ? -1 : a.file! > b.file! ? 1 : a.at! - b.at!));
    return hits.slice(0, limit).map(({ terms: _, ...h }) => h);
  }

  private searchSafe(text: string, limit: number) {
    try {
      return this.search(text, limit);
    } catch {
      return [];
    }
  }

  /**
   * A symbol's code chunk with its docstring and the context of its parent (class or module header). The text is
   * read from the source by the span the index holds and checked against the chunk's stored hash: a file edited
   * since the build is a stale index, never a wrong answer.
   */
  chunk(name: string): { symbol: Sym; id: string; kind: string; file: string; line: number; endLine: number; parent?: { fqn: string; kind: string; signature?: string; docstring?: string }; text: string; tokens: number; hash: string } {
    const s = this.resolve(name);
    const p = this.fed.project(s.project)!;
    const row = p.db
      .prepare('SELECT s.kind, s.parent, s.sl, s.el, s.cstart, s.chash, s.csuffix, f.path, f.module, f.hash, f.l1, f.l4, f.is_test FROM symbols s JOIN files f ON f.id = s.file WHERE s.id = ?')
      .get(idOf(s)) as FileRow & { kind: number; parent: number | null; sl: number; el: number; cstart: number | null; chash: number | null; csuffix: string | null };
    const repo = this.repoOf(p);
    const parentSym = row.parent === null ? undefined : this.symbolsIn(p, [row.parent]).get(row.parent);
    const parent = parentSym ? { fqn: parentSym.fqn, kind: parentSym.kind, ...(parentSym.signature ? { signature: parentSym.signature } : {}), ...(parentSym.docstring ? { docstring: parentSym.docstring } : {}) } : undefined;
    if (row.kind === K.Module) {
      const m = fileChunks(this.chunkSource(p), row).find((c) => c.kind === 'module')!;
      return { symbol: s, id: m.id, kind: 'module', file: row.path, line: 1, endLine: 1, text: m.text, tokens: m.tokens, hash: m.hash };
    }
    if (row.chash === null) throw new QueryError(`${s.fqn} has no code chunk (its file's source was not readable when L7 was built: ${p.name}'s L7 stats say why)`, 'not-found');
    const src = readSource(this.fed.root, row.path, row.hash);
    if (!src.ok) throw staleError(src.reason);
    const lines = src.source.lines;
    const first = row.cstart ?? row.sl;
    const last = row.kind === K.Variable ? statementEndLine(lines, row.sl) : row.el;
    const text = row.kind === K.Variable ? lines.slice(first, last + 1).join('\n') : dedent(lines.slice(first, last + 1));
    if (textHash(text) !== row.chash) throw staleError(`the code of ${s.fqn} differs from what was indexed`);
    const kind = chunkKindOf(SYMBOL_KINDS[row.kind] as SymbolKind, s.name);
    return {
      symbol: s,
      id: `chunk:${repo}:${kind}:${s.fqn}${row.csuffix ?? ''}`,
      kind,
      file: row.path,
      line: first + 1,
      endLine: last + 1,
      ...(parent ? { parent } : {}),
      text,
      tokens: Math.ceil(text.length / 4),
      hash: symHex(row.chash),
    };
  }

  /** Every chunk of a file, cut again from the layer records the index was built from (see chunks/on-demand.ts). */
  fileChunks(file: string): ReturnType<typeof fileChunks> {
    for (const p of this.fed.projects) {
      const row = p.db.prepare('SELECT path, module, hash, l1, l4, is_test FROM files WHERE path = ?').get(file) as FileRow | undefined;
      if (row) return fileChunks(this.chunkSource(p), row);
    }
    throw new QueryError(`no file ${file} in the index (paths are relative to ${this.fed.root})`, 'not-found');
  }

  /** Every chunk of a project — each file's, cut on demand, and the project chunk over its modules. */
  projectChunks(name: string): Chunk[] {
    const p = this.fed.project(name);
    if (!p) throw new QueryError(`no project ${name}: ${this.fed.projects.map((x) => x.name).join(', ')}`, 'not-found');
    const src = this.chunkSource(p);
    const taken = new Set<string>();
    const out: Chunk[] = [];
    for (const row of p.db.prepare('SELECT path, module, hash, l1, l4, is_test FROM files WHERE chunked = 1 ORDER BY path').all() as FileRow[]) out.push(...disambiguate(fileChunks(src, row), taken));
    out.push(projectChunk(src.repo, name, out.filter((c) => c.kind === 'module')));
    return out;
  }

  private repoOf(p: ProjectDb): string {
    return (p.db.prepare("SELECT value FROM meta WHERE key = 'repo'").pluck().get() as string | undefined) ?? this.fed.repo;
  }

  private chunkSource(p: ProjectDb) {
    return { root: this.fed.root, repo: this.repoOf(p), project: p.name, outDir: p.outDir };
  }

  /** Project overview (for MCP resources): its modules with the first line of their docstrings. */
  projectOverview(name: string): string {
    const p = this.fed.project(name);
    if (!p) throw new QueryError(`no project ${name}: ${this.fed.projects.map((x) => x.name).join(', ')}`, 'not-found');
    const mods = p.db.prepare(`SELECT ${FQN} AS fqn, s.docstring FROM ${SYM_FROM} WHERE s.kind = ${K.Module}`).all() as Array<{ fqn: string; docstring: string | null }>;
    mods.sort((a, b) => (a.fqn < b.fqn ? -1 : a.fqn > b.fqn ? 1 : 0));
    return [`project ${name}: ${mods.length} modules`, ...mods.map((m) => `  ${m.fqn}${m.docstring ? ` — ${m.docstring}` : ''}`)].join('\n');
  }

  /** Module overview: its docstring, `__all__` and top-level signatures (the module chunk, cut on demand). */
  moduleOverview(module: string): string {
    for (const p of this.fed.projects) {
      const row = p.db.prepare('SELECT path, module, hash, l1, l4, is_test FROM files WHERE module = ?').get(module) as FileRow | undefined;
      if (row) return fileChunks(this.chunkSource(p), row).find((c) => c.kind === 'module')!.text;
    }
    throw new QueryError(`no module ${module}`, 'not-found');
  }

  modules(): Array<{ project: string; module: string; file: string }> {
    return this.fed.all<{ module: string; path: string }>('SELECT module, path FROM files ORDER BY module').map((r) => ({ project: r.project, module: r.module, file: r.path }));
  }

  stats(): { workspace: string; projects: Array<{ project: string; files: number; symbols: number; edges: number; occurrences: number; chunks: number; bytes: number }>; totals: Record<string, number> } {
    const projects = this.fed.projects.map((p) => {
      const meta = Object.fromEntries((p.db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
      let bytes = 0;
      try {
        bytes = fs.statSync(p.dbPath).size;
      } catch {
        /* replaced meanwhile */
      }
      return { project: p.name, files: +meta.files!, symbols: +meta.symbols!, edges: +meta.edges!, occurrences: +meta.occurrences!, chunks: +meta.chunks!, bytes };
    });
    const totals: Record<string, number> = { projects: projects.length };
    for (const p of projects) for (const k of ['files', 'symbols', 'edges', 'occurrences', 'chunks', 'bytes'] as const) totals[k] = (totals[k] ?? 0) + p[k];
    return { workspace: this.fed.workspace, projects, totals };
  }
}

function slices<T>(a: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
  return out;
}
