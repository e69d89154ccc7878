/**
 * `codegraph` — the engine's own command line, for indexing any directory of Python without Nx.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { indexDirectory } from '../pipeline';
import { formatSummary } from '../layers/summary/summary';

const USAGE = `usage: codegraph index <dir> [--out <dir>] [--workers <n>] [--max-file-bytes <n>] [--json]

Indexes every Python file under <dir> (L0 fast path + L1 structural IR) into <out> (default: ./.codegraph/index).
Re-running reuses every unchanged file. Outputs are described in docs/ir.md.`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd !== 'index') {
    console.error(`codegraph: unknown command '${cmd}'\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      workers: { type: 'string' },
      'max-file-bytes': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const dir = path.resolve(positionals[0]!);
  const out = path.resolve(values.out ?? path.join('.codegraph', 'index'));
  const t0 = performance.now();
  const summary = await indexDirectory({
    dir,
    outDir: out,
    workers: values.workers ? Number(values.workers) : undefined,
    maxFileBytes: values['max-file-bytes'] ? Number(values['max-file-bytes']) : undefined,
  });
  const ms = performance.now() - t0;
  if (values.json) console.log(JSON.stringify({ ...summary, ms: Math.round(ms), out }, null, 2));
  else console.log(formatSummary(summary, ms) + `\n  output: ${out}`);
  return 0;
}
