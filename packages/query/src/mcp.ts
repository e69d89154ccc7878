/**
 * `codegraph-query mcp`: the queries as Model Context Protocol tools over stdio, for AI agents. Outputs are the
 * CLI's compact text (chunks for code, never whole files). Resources: `codegraph://project/<name>` and
 * `codegraph://module/<module>` overviews.
 *
 * The federation is opened on the first call (so the server starts even before an index exists, and says what to
 * run), and before every call it is refreshed: a project database replaced by a newer build is reopened, while
 * each call still reads one consistent file per project.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { initHash } from '@codegraph/engine';
import { Federation, QueryError } from './query/federation';
import { Queries } from './query/queries';
import { format } from './format';

const VERSION = '0.1.0';

export function createMcpServer(dir: string): { server: McpServer; close: () => void } {
  let fed: Federation | undefined;
  const queries = (): Queries => {
    if (fed) fed.refresh();
    else fed = Federation.open(dir);
    return new Queries(fed);
  };
  const server = new McpServer({ name: 'codegraph', version: VERSION }, { capabilities: { tools: {}, resources: {} } });
  const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });
  const run = (fn: (q: Queries) => string) => {
    try {
      return text(fn(queries()));
    } catch (err) {
      // Unknown names, ambiguity, a missing or damaged index: the agent gets the message (with what to do), the
      // server keeps running.
      return { ...text(err instanceof QueryError ? err.message : `codegraph: ${(err as Error).message}`), isError: true };
    }
  };
  const name = z.string().describe('symbol name or FQN, may be partial: format_money, Money.times, core.money.Money');
  const depth = z.number().int().min(1).max(10).optional().describe('levels to follow (default 1)');

  server.registerTool('def', { description: 'Where a symbol is defined: FQN, kind, file:line, signature, first docstring line.', inputSchema: { name } }, ({ name }) =>
    run((q) => format.def(q.def(name))),
  );
  server.registerTool('refs', { description: 'Every reference to a symbol (imports, calls, reads, writes) across projects, as file:line:col.', inputSchema: { name } }, ({ name }) =>
    run((q) => format.refs(q.refs(name))),
  );
  server.registerTool('callers', { description: 'Who calls a symbol, transitively up to depth, with call sites.', inputSchema: { name, depth } }, ({ name, depth }) =>
    run((q) => format.callers(q.callers(name, depth ?? 1))),
  );
  server.registerTool('callees', { description: 'What a symbol calls, up to depth; unresolved calls by name and outside module.', inputSchema: { name, depth } }, ({ name, depth }) =>
    run((q) => format.callees(q.callees(name, depth ?? 1))),
  );
  server.registerTool('path', { description: 'A shortest call path from one symbol to another.', inputSchema: { from: name, to: name } }, ({ from, to }) =>
    run((q) => format.path(q.path(from, to))),
  );
  server.registerTool(
    'impact',
    {
      description: 'What a change to a symbol or file may break: transitive callers, affected files, projects and tests.',
      inputSchema: { target: z.string().describe('a symbol name or a file path'), depth: depth.describe('levels of callers (default 3)') },
    },
    ({ target, depth }) => run((q) => format.impact(q.impact(target, depth ?? 3))),
  );
  const projectOrModule = z.string().describe('a project name (shop-core) or a dotted module (core.money)');
  server.registerTool('deps', { description: 'What a project or module imports: other projects, their modules, outside packages.', inputSchema: { name: projectOrModule } }, ({ name }) =>
    run((q) => format.deps(q.deps(name), false)),
  );
  server.registerTool('rdeps', { description: 'Who imports a project or module.', inputSchema: { name: projectOrModule } }, ({ name }) =>
    run((q) => format.deps(q.deps(name, true), true)),
  );
  server.registerTool(
    'search',
    { description: 'Full-text search: symbols whose name holds the words first, then symbols whose code, comments or docstring hold them; returns symbols with locations.', inputSchema: { text: z.string(), limit: z.number().int().min(1).max(50).optional() } },
    ({ text: t, limit }) => run((q) => format.search(q.search(t, limit ?? 10), t)),
  );
  server.registerTool('chunk', { description: "A symbol's code with its docstring and its parent's header (class or module): the code to read.", inputSchema: { name } }, ({ name }) =>
    run((q) => format.chunk(q.chunk(name))),
  );
  server.registerTool('stats', { description: 'What the index holds per project.', inputSchema: {} }, () => run((q) => format.stats(q.stats())));

  const listOr = <T>(fn: (q: Queries) => T[]): T[] => {
    try {
      return fn(queries());
    } catch {
      return [];
    }
  };
  server.registerResource(
    'project',
    new ResourceTemplate('codegraph://project/{name}', {
      list: () => ({ resources: listOr((q) => q.fed.projects.map((p) => ({ uri: `codegraph://project/${p.name}`, name: p.name, mimeType: 'text/plain' }))) }),
    }),
    { description: 'A project: its modules with their one-line docstrings.', mimeType: 'text/plain' },
    (uri, { name }) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: queries().projectOverview(String(name)) }] }),
  );
  server.registerResource(
    'module',
    new ResourceTemplate('codegraph://module/{module}', {
      list: () => ({ resources: listOr((q) => q.modules().map((m) => ({ uri: `codegraph://module/${m.module}`, name: m.module, description: `${m.file} (${m.project})`, mimeType: 'text/plain' }))) }),
    }),
    { description: 'A module: docstring, __all__, and its top-level signatures.', mimeType: 'text/plain' },
    (uri, { module }) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: queries().moduleOverview(String(module)) }] }),
  );
  return { server, close: () => fed?.close() };
}

/** Serves over stdio until the client closes the stream. */
export async function serveMcp(dir: string): Promise<void> {
  await initHash(); // refs and chunk checks hash names and text
  const { server, close } = createMcpServer(dir);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.on('end', () => resolve());
  });
  close();
}
