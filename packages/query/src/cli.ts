/**
 * `codegraph-query`: ask the graph from anywhere inside an indexed workspace (it walks up to
 * `.codegraph/repo/projects.json`). Every command prints human text, or JSON with `--json`. Exit codes: 0 answered,
 * 1 the question could not be answered (unknown or ambiguous name, no index: the message says what to do).
 */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { initHash, readFederation } from '@codegraph/engine';
import { buildL7, formatL7Stats } from './l7/build';
import { Federation, findWorkspace, INDEX_HINT, QueryError, REPO_DIR } from './query/federation';
import { Queries } from './query/queries';
import { format } from './format';
import { serveMcp } from './mcp';

type Out = { json: boolean };


export function makeProgram(io: { out: (s: string) => void; cwd: () => string }): Command {
  const program = new Command('codegraph-query')
    .description('Ask the code graph: definitions, references, callers, impact, dependencies, full-text search, chunks.')
    .option('-C, --cwd <dir>', 'run as if started in <dir> (any folder inside the workspace)')
    .option('--json', 'print JSON instead of text')
    .showHelpAfterError()
    .exitOverride();
  const ctx = () => {
    const o = program.opts<{ cwd?: string; json?: boolean }>();
    return { dir: path.resolve(io.cwd(), o.cwd ?? '.'), json: !!o.json };
  };
  const withQueries = <A extends unknown[]>(fn: (q: Queries, o: Out, ...args: A) => void) =>
    (...args: A) => {
      const { dir, json } = ctx();
      const fed = Federation.open(dir);
      try {
        fn(new Queries(fed), { json }, ...args);
      } finally {
        fed.close();
      }
    };
  const print = (o: Out, data: unknown, text: () => string) => io.out(o.json ? JSON.stringify(data, null, 2) : text());
  const depthOpt = () => new Option('-d, --depth <n>', 'levels to follow').default('1').argParser((v) => positiveInt(v, 'depth'));

  program
    .command('def')
    .argument('<name>', 'a name or FQN, possibly partial: format_money, Money.times, core.money.Money')
    .description('where a symbol is defined, with its signature and docstring')
    .action(
      withQueries((q, o, name: string) => {
        const defs = q.def(name);
        print(o, defs, () => format.def(defs));
      }),
    );

  program
    .command('refs')
    .argument('<name>')
    .description('every reference to a symbol (imports, calls, reads, writes), across projects')
    .action(
      withQueries((q, o, name: string) => {
        const r = q.refs(name);
        print(o, r, () => format.refs(r));
      }),
    );

  program
    .command('callers')
    .argument('<name>')
    .addOption(depthOpt())
    .description('who calls a symbol (transitively with --depth)')
    .action(
      withQueries((q, o, name: string, opts: { depth: number }) => {
        const r = q.callers(name, opts.depth);
        print(o, r, () => format.callers(r));
      }),
    );

  program
    .command('callees')
    .argument('<name>')
    .addOption(depthOpt())
    .description('what a symbol calls (unresolved calls by name)')
    .action(
      withQueries((q, o, name: string, opts: { depth: number }) => {
        const r = q.callees(name, opts.depth);
        print(o, r, () => format.callees(r));
      }),
    );

  program
    .command('path')
    .argument('<from>')
    .argument('<to>')
    .description('a shortest call path from one symbol to another')
    .action(
      withQueries((q, o, from: string, to: string) => {
        const r = q.path(from, to);
        print(o, r, () => format.path(r));
      }),
    );

  program
    .command('impact')
    .argument('<target>', 'a symbol name or a file path')
    .addOption(new Option('-d, --depth <n>', 'levels of callers to follow').default('3').argParser((v) => positiveInt(v, 'depth')))
    .description('what a change may break: transitive callers, affected files, projects and tests')
    .action(
      withQueries((q, o, target: string, opts: { depth: number }) => {
        const r = q.impact(target, opts.depth);
        print(o, r, () => format.impact(r));
      }),
    );

  for (const reverse of [false, true]) {
    program
      .command(reverse ? 'rdeps' : 'deps')
      .argument('<name>', 'a project name or a module (dotted)')
      .description(reverse ? 'who depends on a project or module' : 'what a project or module depends on')
      .action(
        withQueries((q, o, name: string) => {
          const r = q.deps(name, reverse);
          print(o, r, () => format.deps(r, reverse));
        }),
      );
  }

  program
    .command('search')
    .argument('<text>')
    .addOption(new Option('-n, --limit <n>', 'results').default('10').argParser((v) => positiveInt(v, 'limit')))
    .description('full-text search: names first, then code, comments and docstrings')
    .action(
      withQueries((q, o, text: string, opts: { limit: number }) => {
        const r = q.search(text, opts.limit);
        print(o, r, () => format.search(r, text));
      }),
    );

  program
    .command('chunk')
    .argument('<name>')
    .description("a symbol's code with its docstring and its parent's header")
    .action(
      withQueries((q, o, name: string) => {
        const r = q.chunk(name);
        print(o, r, () => format.chunk(r));
      }),
    );

  program
    .command('stats')
    .description('what the index holds, per project')
    .action(
      withQueries((q, o) => {
        const r = q.stats();
        print(o, r, () => format.stats(r));
      }),
    );

  program
    .command('build')
    .description('build (or update) the L7 index of every project of the federation, without Nx')
    .option('--full', 'rebuild from scratch instead of re-doing only the files whose layer records changed')
    .action(async (opts: { full?: boolean }) => {
      const { dir, json } = ctx();
      const ws = findWorkspace(dir);
      const fed = ws ? readFederation(path.join(ws, REPO_DIR)) : undefined;
      if (!ws || !fed) throw new QueryError(`no codegraph index found in ${dir} or above it: ${INDEX_HINT} first`, 'no-index');
      const all = [];
      for (const p of fed.projects) {
        const s = await buildL7({ root: fed.root, project: { name: p.name, outDir: p.outDir }, full: !!opts.full });
        all.push(s);
        if (!json) io.out(formatL7Stats(s));
      }
      if (json) io.out(JSON.stringify(all, null, 2));
    });

  program
    .command('mcp')
    .description('serve the queries to AI agents over the Model Context Protocol (stdio)')
    .action(async () => {
      await serveMcp(ctx().dir);
    });

  return program;
}

function positiveInt(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new QueryError(`--${what} must be a positive integer, got ${v}`);
  return n;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io = { out: (s: string) => console.log(s), err: (s: string) => console.error(s), cwd: () => process.cwd() }): Promise<number> {
  await initHash(); // refs and chunk checks hash names and text
  const program = makeProgram(io);
  program.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return e.exitCode ?? 1;
    io.err(`codegraph-query: ${err instanceof QueryError ? err.message : `${e.message ?? String(err)}`}`);
    return 1;
  }
}
