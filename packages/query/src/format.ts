/** Human text for query results: the CLI prints it, and the MCP server returns it (fewer tokens than JSON). */
import type { Queries, Sym } from './query/queries';

type R<K extends keyof Queries> = Queries[K] extends (...a: never[]) => infer T ? T : never;

const loc = (s: { file: string; line: number }) => `${s.file}:${s.line}`;
export const symLine = (s: Sym) => `${s.fqn}  (${s.kind.toLowerCase()}, ${loc(s)}, ${s.project})`;

export const format = {
  def: (defs: R<'def'>) =>
    defs.map((s) => `${symLine(s)}${s.signature ? `\n  ${s.signature}` : ''}${s.docstring ? `\n  """${s.docstring.split('\n')[0]}"""` : ''}`).join('\n'),
  refs: (r: R<'refs'>) => [`${r.refs.length} references to ${r.symbol.fqn}`, ...r.refs.map((x) => `  ${x.file}:${x.line}:${x.col}  ${x.role}${x.in ? ` in ${x.in}` : ''}  (${x.project})`)].join('\n'),
  callers: (r: R<'callers'>) => [`${r.callers.length} callers of ${r.symbol.fqn}`, ...r.callers.map((c) => `  ${'  '.repeat(c.depth - 1)}${c.fqn}  (${c.site}, ${c.project})`)].join('\n'),
  callees: (r: R<'callees'>) =>
    [
      `${r.callees.length} callees of ${r.symbol.fqn}`,
      ...r.callees.map((c) => `  ${'  '.repeat(c.depth - 1)}${c.fqn}  ${c.resolved ? `(${c.file}:${c.line}, ${c.project})` : c.external ? `(outside: ${c.external})` : '(unresolved)'}  at ${c.site}`),
    ].join('\n'),
  path: (r: R<'path'>) => (r.path ? r.path.map((s, i) => `${'  '.repeat(i)}${symLine(s)}`).join('\n') : `no call path from ${r.from.fqn} to ${r.to.fqn}`),
  impact: (r: R<'impact'>) =>
    [
      `impact of ${r.target}: ${r.callers.length} callers, ${r.files.length} files, ${r.projects.length} projects, ${r.tests.length} tests`,
      ...r.callers.map((c) => `  ${'  '.repeat(c.depth - 1)}${c.fqn}  (${c.site}, ${c.project})`),
      `files: ${r.files.join(', ')}`,
      `projects: ${r.projects.join(', ')}`,
      `tests: ${r.tests.join(', ') || '(none)'}`,
    ].join('\n'),
  deps: (r: R<'deps'>, reverse: boolean) =>
    [
      `${r.kind} ${r.of} ${reverse ? 'is used by' : 'uses'} ${r.projects.map((p) => `${p.project} (${p.files} files)`).join(', ') || 'no other project'}`,
      ...r.modules.map((m) => `  ${m.module}  (${m.project})`),
      ...(r.external.length ? [`outside the workspace: ${r.external.join(', ')}`] : []),
    ].join('\n'),
  search: (r: R<'search'>, text: string) =>
    r.length
      ? r.map((h) => `${h.fqn}  (${h.kind}, ${h.file ?? ''}${h.line ? `:${h.line}` : ''}, ${h.project})${h.match === 'code' ? `\n  ${h.file}:${h.at}: ${h.snippet}` : ''}`).join('\n')
      : `nothing matches ${JSON.stringify(text)}`,
  chunk: (r: R<'chunk'>) =>
    [
      `# ${r.symbol.fqn}  (${r.file}:${r.line}-${r.endLine}, ${r.symbol.project}, ~${r.tokens} tokens)`,
      ...(r.parent ? [`# in ${r.parent.signature ?? `${r.parent.kind.toLowerCase()} ${r.parent.fqn}`}${r.parent.docstring ? ` — ${r.parent.docstring.split('\n')[0]}` : ''}`] : []),
      r.text,
    ].join('\n'),
  stats: (r: R<'stats'>) =>
    [
      `${r.workspace}: ${r.totals.projects} projects, ${r.totals.files} files, ${r.totals.symbols} symbols, ${r.totals.edges} edges, ${r.totals.chunks} chunks, ${(r.totals.bytes! / 1e6).toFixed(1)} MB`,
      ...r.projects.map((p) => `  ${p.project}: ${p.files} files, ${p.symbols} symbols, ${p.edges} edges, ${p.occurrences} occurrences, ${p.chunks} chunks, ${(p.bytes / 1e6).toFixed(2)} MB`),
    ].join('\n'),
};
