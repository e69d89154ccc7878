/**
 * `codegraph` — the engine's own command line, for indexing any directory of Python without Nx.
 *
 * Exit codes: 0 done, 1 the run failed, 2 bad usage (reported before any work starts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DumpLayer } from './export';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ENGINE_VERSION } from '../version';
import { RunError, UsageError } from './errors';
import type { IndexOptions } from './index-command';

/** The package README ships in the tarball; the help points there rather than to repo docs that do not. */
const README = path.resolve(__dirname, '..', '..', 'README.md');

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('expected an integer ≥ 1.');
  return Number(value);
}

function buildProgram(onExit: (code: number) => void): Command {
  const program = new Command('codegraph')
    .description('Index Python code into a code graph: structure, occurrences (SCIP), cross-file resolution, packages.')
    .version(ENGINE_VERSION, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      outputError: (text, write) => write(`codegraph: ${text.replace(/^error: /, '')}`),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ codegraph index ./src                       index ./src into ./.codegraph/index
  $ codegraph index /usr/lib/python3.11 --out /tmp/stdlib --json > stdlib.json
  $ codegraph help index

Docs: ${README}`,
    );

  program
    .command('index')
    .description('Index every Python file under <dir> as one project (L0 inventory, L1 IR, L2 SCIP, L5 flow, L4 resolution, L9 packages, L8 diagnostics).')
    .argument('<dir>', 'directory of Python code (a project: pyproject.toml, setup.cfg or plain files)')
    .option('-o, --out <dir>', 'output directory', path.join('.codegraph', 'index'))
    .addOption(new Option('-w, --workers <n>', 'worker threads for parsing (default: one per core)').argParser(positiveInteger))
    .addOption(new Option('--max-file-bytes <n>', 'skip (and report) Python files larger than this').argParser(positiveInteger))
    .option(
      '--exclude <name...>',
      'also skip directories of this name (added to the defaults: tool folders such as node_modules, .git, __pycache__, .venv, .tox, site-packages; virtualenvs by pyvenv.cfg; build/ and dist/ unless they are packages)',
    )
    .option('--exclude-files <glob...>', 'also skip Python files matching this glob, relative to <dir> (e.g. "**/test_*.py", "tests/**")')
    .option('--verify-hashes', 'hash every file instead of trusting unchanged mtime+size (for cp -p / reproducible builds)')
    .addOption(new Option('--file-timeout-ms <n>', 'parse + extraction budget per file (default 20000)').argParser(positiveInteger))
    .addOption(new Option('--worker-memory-mb <n>', 'heap ceiling per worker thread (default 2048 for L1, 512 for L5)').argParser(positiveInteger))
    .option('--rule <rule=level...>', 'L8 diagnostics: set a rule to off, note, warning or error (e.g. undefined-name=off); see codegraph help check')
    .addOption(
      new Option('--l3 [mode]', "L3: Pyright's types for the call sites L4 left open (selective: those it types cheaply; unresolved: every open site; all: every site)").choices([
        'selective',
        'unresolved',
        'all',
      ]),
    )
    .option('--l3-diagnostics', "with --l3: Pyright's diagnostics too (a full check of each file L3 opens: several times the cost)")
    .option('--json', 'print the result as JSON on stdout (progress, if any, goes to stderr)')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--no-progress', 'no progress bar or progress lines')
    .addHelpText(
      'after',
      `
Re-running reuses every unchanged file. Files with syntax errors are indexed as far as they parse and listed in
the summary. Exit codes: 0 indexed, 1 the run failed (e.g. invalid pyproject.toml), 2 bad usage.

Examples:
  $ codegraph index .                                  this directory, outputs in ./.codegraph/index
  $ codegraph index services/billing -o /tmp/billing   outputs elsewhere
  $ codegraph index src --workers 1 --quiet            one thread, print only errors
  $ codegraph index src --json | jq .resolution        machine-readable summary
  $ codegraph index src --l3                           + Pyright's types where names and value flow stop

Outputs (l0/ … l9/, summary.json): ${README} (section "Outputs")`,
    )
    // Loaded on use: help, version and usage errors answer without loading the layers.
    .action(async (dir: string, opts: IndexOptions) => onExit(await (await import('./index-command')).indexCommand(dir, opts)));

  program
    .command('export')
    .description('Write a whole graph (jsonl) or a SCIP index (scip) of an index: a repo federation or one project.')
    .argument('<index>', 'a repo federation (.codegraph/repo) or one project\'s outputs (.codegraph/projects/<root>, or an `index --out` folder)')
    .addOption(new Option('-f, --format <format>', 'what to write').choices(['jsonl', 'scip']).makeOptionMandatory())
    .requiredOption('-o, --out <file>', 'the file to write (atomically)')
    .option('--root <dir>', "workspace root of a single project's outputs (SCIP project_root; default: the current folder)")
    .addHelpText(
      'after',
      `
Whole-repo artifacts are not rewritten on every run; export them when a tool needs them.

Examples:
  $ codegraph export .codegraph/repo --format jsonl --out graph.jsonl   every node and edge, cross-project edges resolved
  $ codegraph export .codegraph/repo --format scip --out index.scip     one SCIP index, cross-project symbols linked
  $ codegraph export .codegraph/index --format scip --out app.scip      one project indexed with \`codegraph index\``,
    )
    .action(async (index: string, opts: { format: 'jsonl' | 'scip'; out: string; root?: string }) => {
      const { exportIndex, openIndexFolder } = await import('./export');
      const folder = openIndexFolderOrUsage(openIndexFolder, index, opts.root);
      const out = path.resolve(opts.out);
      const stats = await exportIndex(folder, opts.format, out);
      process.stderr.write(`codegraph export: ${out} ${JSON.stringify(stats)}\n`);
      onExit(0);
    });

  program
    .command('explain')
    .description('Print the value-flow chain behind the call at <file>:<line>:<col> (1-based): what is called there and why.')
    .argument('<position>', 'a call site, e.g. main.py:12:5 (path relative to the index root)')
    .option('-i, --index <dir>', "the index: a repo federation or one project's outputs", path.join('.codegraph', 'index'))
    .option('--root <dir>', "the indexed directory of a single project's outputs (default: the current folder)")
    .addHelpText(
      'after',
      `
Examples:
  $ codegraph index . && codegraph explain main.py:12:5        why the call at line 12, column 5 resolves as it does`,
    )
    .action(async (position: string, opts: { index: string; root?: string }) => {
      const m = /^(.+):(\d+):(\d+)$/.exec(position);
      if (!m) throw new UsageError(`expected <file>:<line>:<col>, got '${position}'`);
      const { openIndexFolder } = await import('./export');
      const { explainAt, formatExplain } = await import('./explain');
      const folder = openIndexFolderOrUsage(openIndexFolder, opts.index, opts.root);
      const r = await explainAt(folder, m[1]!, Number(m[2]), Number(m[3]));
      process.stdout.write(formatExplain(r, position));
      onExit(r.site ? 0 : 1);
    });

  program
    .command('check')
    .description('Report the L8 findings (syntax errors, unresolved imports, undefined names, dependencies, Pyright) that are new against a baseline.')
    .argument('[index]', "a repo federation (.codegraph/repo), one project's outputs, or a workspace holding .codegraph/ (default: .codegraph/repo, else .codegraph/index)")
    .option('-b, --baseline <file>', 'accepted findings (a file written by --update-baseline): only findings not in it count')
    .option('--update-baseline', 'write every current finding to the --baseline file and exit 0')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a new finding is at this level or above').choices(['error', 'warning', 'note']).default('warning'))
    .option('--rule <rule=level...>', 'set a rule to off, note, warning or error (e.g. undefined-name=off, pyright=off)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Rules: syntax-error (error), unresolved-import (warning), undefined-name (warning), undeclared-dependency (warning),
unused-dependency (note), pyright/<rule> (Pyright's severity). Silence one line with a comment on it:
"# codegraph: ignore" or "# codegraph: ignore[undefined-name]". It reads what the index wrote (l8/ of every
project); build that first (nx run repo:codegraph-index, or codegraph index <dir>).
Exit codes: 0 no new finding at or above --fail-on, 1 new findings, 2 bad usage or no L8 output.

Examples:
  $ codegraph check                                        every finding counts (no baseline)
  $ codegraph check --baseline .codegraph-baseline.json --update-baseline    accept today's findings
  $ codegraph check --baseline .codegraph-baseline.json    CI: fail only on new ones
  $ codegraph check --fail-on error --rule unused-dependency=off --json`,
    )
    .action(async (index: string | undefined, opts: import('./check').CheckOptions) => {
      const { checkCommand } = await import('./check');
      onExit(await checkCommand(index, opts));
    });

  program
    .command('dump')
    .description("Print a layer's records as JSON lines, in the shapes docs/ir.md documents.")
    .argument('<index>', 'a repo federation (.codegraph/repo) or one project\'s outputs')
    .addOption(new Option('-l, --layer <layer>', 'which records').choices(['l1', 'facts', 'l2', 'l3', 'l4', 'l5', 'flow-facts']).default('l1'))
    .option('-p, --project <name>', 'only this project of a federation')
    .option('--file <path>', 'only this source file (its path as indexed, relative to the workspace root)')
    .addHelpText(
      'after',
      `
Examples:
  $ codegraph dump .codegraph/projects/libs/core --file libs/core/core/money.py   the file's IR (header, then nodes and edges)
  $ codegraph dump .codegraph/repo --layer l4 --project shop-api                  L4's completions of one project
  $ codegraph dump .codegraph/repo --layer l5 --file libs/core/core/money.py      the file's CFG, dominators and SSA
  $ codegraph dump .codegraph/index --layer l3 --file app/service.py              what Pyright answered there (index --l3)`,
    )
    .action(async (index: string, opts: { layer: DumpLayer; project?: string; file?: string }) => {
      const { dumpLayer, openIndexFolder } = await import('./export');
      const folder = openIndexFolderOrUsage(openIndexFolder, index);
      const projects = opts.project === undefined ? folder.projects : folder.projects.filter((p) => p.name === opts.project);
      if (projects.length === 0) throw new UsageError(`no project ${opts.project} (projects: ${folder.projects.map((p) => p.name).join(', ')})`);
      const out = new LineOut();
      let files = 0;
      try {
        for (const p of projects) files += await dumpLayer(p, opts.layer, (l) => out.write(l), opts.file);
      } catch (err) {
        throw new RunError((err as Error).message);
      } finally {
        out.flush();
      }
      if (opts.file !== undefined && files === 0) throw new RunError(`${opts.file} is not indexed in ${index}`);
      onExit(0);
    });
  return program;
}

/** An index folder, or a run error that says what to run first. */
function openIndexFolderOrUsage<T>(open: (dir: string, root?: string) => T, dir: string, root?: string): T {
  try {
    return open(dir, root);
  } catch (err) {
    throw new RunError((err as Error).message);
  }
}

/** Buffered stdout lines (one write per MB rather than per record). */
class LineOut {
  private buf: string[] = [];
  private size = 0;
  write(line: string): void {
    this.buf.push(line);
    this.size += line.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length) fs.writeSync(1, this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
  }
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  if (argv.length === 0) {
    process.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // help/version, or a usage error already printed
    if (err instanceof UsageError || err instanceof RunError) {
      process.stderr.write(`codegraph: ${err.message}\n`);
      if (err instanceof UsageError) process.stderr.write(`Run 'codegraph help' for usage.\n`);
      return err.exitCode;
    }
    throw err;
  }
}
