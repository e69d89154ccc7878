/**
 * `codegraph` — the engine's own command line, for indexing any directory of Python without Nx.
 *
 * Exit codes: 0 done, 1 the run failed, 2 bad usage (reported before any work starts).
 */
import * as path from 'node:path';
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
    .description('Index every Python file under <dir> as one project (L0 inventory, L1 IR, L2 SCIP, L4 resolution, L9 packages).')
    .argument('<dir>', 'directory of Python code (a project: pyproject.toml, setup.cfg or plain files)')
    .option('-o, --out <dir>', 'output directory', path.join('.codegraph', 'index'))
    .addOption(new Option('-w, --workers <n>', 'worker threads for parsing (default: one per core)').argParser(positiveInteger))
    .addOption(new Option('--max-file-bytes <n>', 'skip (and report) Python files larger than this').argParser(positiveInteger))
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

Outputs (l0/ … l9/, summary.json, l2/index.scip): ${README} (section "Outputs")`,
    )
    // Loaded on use: help, version and usage errors answer without loading the layers.
    .action(async (dir: string, opts: IndexOptions) => onExit(await (await import('./index-command')).indexCommand(dir, opts)));
  return program;
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
      if (err instanceof UsageError) process.stderr.write(`Run 'codegraph help index' for usage.\n`);
      return err.exitCode;
    }
    throw err;
  }
}
