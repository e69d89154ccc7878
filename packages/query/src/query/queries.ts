/**
 * The queries behind the CLI and the MCP server, over a Federation. Each returns plain JSON-able data; formatting
 * lives with the callers. Names may be partial (`Money.times`): a name matches a symbol whose FQN is the name or
 * ends with `.<name>`, or a re-exported spelling (`core.format_money`) that L4 resolved. A name that matches several
 * symbols is an error listing them, unless one matches exactly.
 */
import * as fs from 'node:fs';
import { Federation, QueryError } from './federation';

export interface Sym {
  project: string;
  id: string;
  fqn: string;
  name: string;
  kind: string;
  file: string;
  /** 1-based lines, as editors show them. */
  line: number;
  endLine: number;
  signature?: string;
  docstring?: string;
  isTest: boolean;
}

interface SymRow {
  project: string;
  id: string;
  fqn: string;
  name: string;
  kind: string;
  file: string;
  sl: number;
  el: number;
  signature: string | null;
  docstring: string | null;
  is_test: number;
}

const SYM_COLS = 'id, fqn, name, kind, file, sl, el, signature, docstring, is_test';
const CALL_KINDS = "('CALLS', 'INSTANTIATES')";

function toSym(r: SymRow): Sym {
  return {
    project: r.project,
    id: r.id,
    fqn: r.fqn,
    name: r.name,
    kind: r.kind,
    file: r.file,
    line: r.sl + 1,
    endLine: r.el + 1,
    ...(r.signature ? { signature: r.signature } : {}),
    ...(r.docstring ? { docstring: r.docstring } : {}),
    isTest: r.is_test === 1,
  };
}

export class Queries {
  constructor(readonly fed: Federation) {}

  /** Every symbol a (possibly partial) name denotes; an exact FQN match wins over partial ones. */
  candidates(name: string): Sym[] {
    const q = name.trim();
    if (!q) throw new QueryError('empty name: give a symbol name or FQN (e.g. `Money.times` or `core.money.format_money`)');
    const exact = this.fed.all<SymRow>(`SELECT ${SYM_COLS} FROM symbols WHERE fqn = ?`, q);
    if (exact.length) return exact.map(toSym);
    const aliased = this.fed.all<{ fqn: string }>('SELECT fqn FROM aliases WHERE name = ?', q);
    if (aliased.length) {
      const viaAlias = this.fed.all<SymRow>(`SELECT ${SYM_COLS} FROM symbols WHERE fqn = ?`, aliased[0]!.fqn);
      if (viaAlias.length) return viaAlias.map(toSym);
    }
    const last = q.split('.').pop()!;
    return this.fed
      .all<SymRow>(`SELECT ${SYM_COLS} FROM symbols WHERE name = ? ORDER BY fqn`, last)
      .filter((r) => r.fqn === q || r.fqn.endsWith(`.${q}`))
      .map(toSym);
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

  /** References: L2 occurrences of the symbol (definition excepted) plus resolved edges to it, one per position. */
  refs(name: string): { symbol: Sym; refs: Array<{ project: string; file: string; line: number; col: number; role: string; in?: string }> } {
    const s = this.resolve(name);
    const seen = new Set<string>();
    const out: Array<{ project: string; file: string; line: number; col: number; role: string; in?: string }> = [];
    const roleOf = (r: number) => (r & 2 ? 'import' : r & 4 ? 'write' : r & 8 ? 'read' : 'reference');
    for (const o of this.fed.all<{ file: string; sl: number; sc: number; roles: number }>(
      'SELECT f.path AS file, o.sl, o.sc, o.roles FROM names n JOIN occurrences o ON o.name = n.id JOIN files f ON f.rowid = o.file WHERE n.fqn = ? AND (o.roles & 1) = 0',
      s.fqn,
    )) {
      const k = `${o.file}:${o.sl}:${o.sc}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ project: o.project, file: o.file, line: o.sl + 1, col: o.sc + 1, role: roleOf(o.roles) });
    }
    const edgeRole: Record<string, string> = { CALLS: 'call', INSTANTIATES: 'call', INHERITS: 'inherit', DECORATES: 'decorate', IMPORTS: 'import', READS: 'read', WRITES: 'write' };
    for (const e of this.fed.all<{ file: string; line: number; col: number; kind: string; src_fqn: string | null }>(
      'SELECT e.file, e.line, e.col, e.kind, s.fqn AS src_fqn FROM edges e LEFT JOIN symbols s ON s.id = e.src WHERE e.dst = ? AND e.line IS NOT NULL',
      s.id,
    )) {
      const k = `${e.file}:${e.line}:${e.col}`;
      const role = edgeRole[e.kind] ?? e.kind.toLowerCase();
      const known = out.find((r) => `${r.file}:${r.line - 1}:${r.col - 1}` === k);
      if (known) {
        if (known.role === 'reference') known.role = role;
        if (e.src_fqn) known.in = e.src_fqn;
        continue;
      }
      if (out.some((r) => r.file === e.file && r.line === e.line + 1 && r.role === role)) continue;
      seen.add(k);
      out.push({ project: e.project, file: e.file, line: e.line + 1, col: e.col + 1, role, ...(e.src_fqn ? { in: e.src_fqn } : {}) });
    }
    out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
    return { symbol: s, refs: out };
  }

  /** Callers up to `depth` levels (1 = direct): each with the call site and its distance. */
  callers(name: string, depth = 1): { symbol: Sym; callers: Array<Sym & { depth: number; site: string }> } {
    const s = this.resolve(name);
    return { symbol: s, callers: this.walkCallers([s.id], depth) };
  }

  private walkCallers(start: string[], depth: number): Array<Sym & { depth: number; site: string }> {
    const seen = new Set(start);
    const out: Array<Sym & { depth: number; site: string }> = [];
    let frontier = start;
    for (let d = 1; d <= depth && frontier.length; d++) {
      const next: string[] = [];
      const level: Array<Sym & { depth: number; site: string }> = [];
      for (const chunk of slices(frontier, 500)) {
        const rows = this.fed.all<SymRow & { site_file: string; site_line: number }>(
          `SELECT ${SYM_COLS.split(', ').map((c) => `s.${c}`).join(', ')}, e.file AS site_file, e.line AS site_line
           FROM edges e JOIN symbols s ON s.id = e.src
           WHERE e.kind IN ${CALL_KINDS} AND e.dst IN (${chunk.map(() => '?').join(',')}) ORDER BY s.fqn, e.line`,
          ...chunk,
        );
        for (const r of rows) {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          next.push(r.id);
          level.push({ ...toSym(r), depth: d, site: `${r.site_file}:${(r.site_line ?? 0) + 1}` });
        }
      }
      // One order whatever the order of the projects in the federation: by FQN within a level.
      out.push(...level.sort((a, b) => (a.fqn < b.fqn ? -1 : a.fqn > b.fqn ? 1 : 0)));
      frontier = next;
    }
    return out;
  }

  /** Callees up to `depth` levels: resolved ones as symbols, unresolved ones by name (with the outside module). */
  callees(name: string, depth = 1): { symbol: Sym; callees: Array<{ depth: number; site: string; fqn: string; kind?: string; project?: string; file?: string; line?: number; external?: string; resolved: boolean }> } {
    const s = this.resolve(name);
    const seen = new Set([s.id]);
    const out: Array<{ depth: number; site: string; fqn: string; kind?: string; project?: string; file?: string; line?: number; external?: string; resolved: boolean }> = [];
    const seenNames = new Set<string>();
    let frontier = [s.id];
    for (let d = 1; d <= depth && frontier.length; d++) {
      const next: string[] = [];
      for (const chunk of slices(frontier, 500)) {
        const rows = this.fed.all<{ dst: string | null; target: string | null; callee: string | null; external: string | null; file: string; line: number | null }>(
          `SELECT dst, target, callee, external, file, line FROM edges WHERE kind IN ${CALL_KINDS} AND src IN (${chunk.map(() => '?').join(',')}) ORDER BY line, col`,
          ...chunk,
        );
        for (const r of rows) {
          const site = `${r.file}:${(r.line ?? 0) + 1}`;
          if (r.dst) {
            if (seen.has(r.dst)) continue;
            seen.add(r.dst);
            const t = this.byId(r.dst);
            next.push(r.dst);
            out.push(t ? { depth: d, site, fqn: t.fqn, kind: t.kind, project: t.project, file: t.file, line: t.line, resolved: true } : { depth: d, site, fqn: r.target ?? '?', resolved: true });
          } else {
            const label = r.target ?? r.callee ?? '?';
            if (seenNames.has(label)) continue;
            seenNames.add(label);
            out.push({ depth: d, site, fqn: label, resolved: false, ...(r.external ? { external: r.external } : {}) });
          }
        }
      }
      frontier = next;
    }
    return { symbol: s, callees: out };
  }

  byId(id: string): Sym | undefined {
    const r = this.fed.all<SymRow>(`SELECT ${SYM_COLS} FROM symbols WHERE id = ?`, id)[0];
    return r && toSym(r);
  }

  /** A shortest call path from one symbol to another (breadth-first over resolved calls), up to `maxDepth` calls. */
  path(fromName: string, toName: string, maxDepth = 8): { from: Sym; to: Sym; path: Sym[] | null } {
    const from = this.resolve(fromName);
    const to = this.resolve(toName);
    const prev = new Map<string, string>([[from.id, '']]);
    let frontier = [from.id];
    for (let d = 0; d < maxDepth && frontier.length && !prev.has(to.id); d++) {
      const next: string[] = [];
      for (const chunk of slices(frontier, 500)) {
        for (const r of this.fed.all<{ src: string; dst: string }>(
          `SELECT src, dst FROM edges WHERE kind IN ${CALL_KINDS} AND dst IS NOT NULL AND src IN (${chunk.map(() => '?').join(',')})`,
          ...chunk,
        )) {
          if (prev.has(r.dst)) continue;
          prev.set(r.dst, r.src);
          next.push(r.dst);
        }
      }
      frontier = next;
    }
    if (!prev.has(to.id)) return { from, to, path: null };
    const ids: string[] = [];
    for (let id = to.id; id; id = prev.get(id)!) ids.unshift(id);
    return { from, to, path: ids.map((id) => this.byId(id)!).filter(Boolean) };
  }

  /**
   * What a change to a symbol or a file may break: transitive callers (up to `depth`), and the files, projects and
   * tests they are in. For a file: its symbols' callers plus the files importing it, transitively.
   */
  impact(target: string, depth = 3): { target: string; callers: Array<Sym & { depth: number; site: string }>; files: string[]; projects: string[]; tests: string[]; testFiles: string[] } {
    const files = new Set<string>();
    const projects = new Set<string>();
    const tests = new Set<string>();
    let start: string[];
    const fileRow = this.fed.all<{ path: string; is_test: number }>('SELECT path, is_test FROM files WHERE path = ? OR path LIKE ?', target, `%/${target}`);
    if (fileRow.length === 1 && !this.candidates(target).length) {
      const f = fileRow[0]!;
      files.add(f.path);
      projects.add(f.project);
      start = this.fed.all<{ id: string }>("SELECT id FROM symbols WHERE file = ? AND kind != 'Module'", f.path).map((r) => r.id);
      // Importers of the file, transitively (a changed module can break whoever imports it).
      let frontier = [f.path];
      for (let d = 1; d <= depth && frontier.length; d++) {
        const next: string[] = [];
        for (const chunk of slices(frontier, 500))
          for (const r of this.fed.all<{ src: string }>(`SELECT DISTINCT src FROM file_deps WHERE dst IN (${chunk.map(() => '?').join(',')})`, ...chunk)) {
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
      start = [s.id];
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
    if (proj) {
      const counts = new Map<string, number>();
      const modules = new Map<string, { module: string; project: string; file: string }>();
      const external = new Set<string>();
      if (!reverse) {
        for (const r of proj.db.prepare('SELECT src, dst, dst_project FROM file_deps WHERE dst_project IS NOT NULL').all() as Array<{ dst: string; dst_project: string }>) {
          counts.set(r.dst_project, (counts.get(r.dst_project) ?? 0) + 1);
          const m = fileModule.get(r.dst);
          modules.set(r.dst, { module: m?.module ?? r.dst, project: r.dst_project, file: r.dst });
        }
        for (const r of proj.db.prepare('SELECT DISTINCT module FROM file_externals').pluck().all() as string[]) external.add(r);
      } else {
        for (const r of this.fed.all<{ src: string }>('SELECT src FROM file_deps WHERE dst_project = ?', proj.name)) {
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
    const file = this.fed.all<{ path: string; module: string }>('SELECT path, module FROM files WHERE module = ? OR path = ?', name, name)[0];
    if (!file) throw new QueryError(`no project or module named ${name}: projects are ${this.fed.projects.map((p) => p.name).join(', ')}; modules are dotted names (core.money)`, 'not-found');
    const rows = reverse
      ? this.fed.all<{ src: string }>('SELECT DISTINCT src FROM file_deps WHERE dst = ?', file.path).map((r) => r.src)
      : this.fed.all<{ dst: string }>('SELECT DISTINCT dst FROM file_deps WHERE src = ?', file.path).map((r) => r.dst);
    const owner = new Map(this.fed.all<{ path: string }>('SELECT path FROM files').map((r) => [r.path, r.project]));
    const modules = rows.map((f) => ({ module: fileModule.get(f)?.module ?? f, project: owner.get(f) ?? '?', file: f })).sort((a, b) => (a.module < b.module ? -1 : 1));
    const external = reverse ? [] : this.fed.all<{ module: string }>('SELECT DISTINCT module FROM file_externals WHERE file = ?', file.path).map((r) => r.module).sort();
    const counts = new Map<string, number>();
    for (const m of modules) counts.set(m.project, (counts.get(m.project) ?? 0) + 1);
    return { of: file.module, kind: 'module', projects: [...counts].map(([project, files]) => ({ project, files })), modules, external };
  }

  /** Full-text search over names, FQNs, docstrings and code, ranked by bm25 (names weigh most). */
  search(text: string, limit = 10): Array<{ project: string; fqn: string; kind: string; file: string | null; line: number | null; score: number; snippet: string }> {
    const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
    if (!words.length) throw new QueryError('search needs at least one word');
    const terms = words.map((w) => `"${w}"`);
    const run = (match: string) =>
      this.fed
        .all<{ fqn: string; kind: string; file: string | null; sl: number | null; score: number; text: string }>(
          `SELECT c.fqn, c.kind, c.file, c.sl, bm25(search, 10.0, 5.0, 3.0, 1.0) AS score, c.text
           FROM search JOIN chunks c ON c.rowid = search.rowid WHERE search MATCH ? ORDER BY score LIMIT ?`,
          match,
          limit,
        )
        .sort((a, b) => a.score - b.score || (a.fqn < b.fqn ? -1 : 1))
        .slice(0, limit)
        .map((r) => ({ project: r.project, fqn: r.fqn, kind: r.kind, file: r.file, line: r.sl === null ? null : r.sl + 1, score: Math.round(r.score * 1000) / 1000, snippet: firstLines(r.text, 2) }));
    const all = run(terms.join(' AND '));
    return all.length || terms.length === 1 ? all : run(terms.join(' OR '));
  }

  private searchSafe(text: string, limit: number) {
    try {
      return this.search(text, limit);
    } catch {
      return [];
    }
  }

  /** A symbol's code chunk with its docstring and the context of its parent (class or module header). */
  chunk(name: string): { symbol: Sym; id: string; kind: string; file: string; line: number; endLine: number; parent?: { fqn: string; kind: string; signature?: string; docstring?: string }; text: string; tokens: number; hash: string } {
    const s = this.resolve(name);
    const p = this.fed.project(s.project)!;
    const c = p.db
      .prepare("SELECT id, kind, file, sl, el, text, tokens, hash FROM chunks WHERE fqn = ? AND kind IN ('class', 'function', 'method', 'constant', 'variable', 'module') ORDER BY kind = 'module'")
      .get(s.fqn) as { id: string; kind: string; file: string; sl: number | null; el: number | null; text: string; tokens: number; hash: string } | undefined;
    if (!c) throw new QueryError(`${s.fqn} has no code chunk (its file's source was not readable when L7 was built: ${p.name}'s L7 stats say why)`, 'not-found');
    const parentSym = this.fed.all<SymRow>(`SELECT ${SYM_COLS} FROM symbols WHERE id = (SELECT parent FROM symbols WHERE id = ?)`, s.id)[0];
    const parent = parentSym ? { fqn: parentSym.fqn, kind: parentSym.kind, ...(parentSym.signature ? { signature: parentSym.signature } : {}), ...(parentSym.docstring ? { docstring: parentSym.docstring } : {}) } : undefined;
    return { symbol: s, id: c.id, kind: c.kind, file: c.file, line: (c.sl ?? s.line - 1) + 1, endLine: (c.el ?? s.endLine - 1) + 1, ...(parent ? { parent } : {}), text: c.text, tokens: c.tokens, hash: c.hash };
  }

  /** Project overview (for MCP resources): its chunk text. */
  projectOverview(name: string): string {
    const p = this.fed.project(name);
    if (!p) throw new QueryError(`no project ${name}: ${this.fed.projects.map((x) => x.name).join(', ')}`, 'not-found');
    return (p.db.prepare("SELECT text FROM chunks WHERE kind = 'project'").pluck().get() as string | undefined) ?? `project ${name}`;
  }

  /** Module overview: its docstring, `__all__` and top-level signatures. */
  moduleOverview(module: string): string {
    const r = this.fed.all<{ text: string }>("SELECT text FROM chunks WHERE kind = 'module' AND fqn = ?", module)[0];
    if (!r) throw new QueryError(`no module ${module}`, 'not-found');
    return r.text;
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

function firstLines(text: string, n: number): string {
  return text.split('\n').slice(0, n).join('\n');
}
