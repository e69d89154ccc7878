/**
 * `codegraph` — the engine's own command line, for indexing any directory of Python without Nx.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { indexDirectory } from '../pipeline';
import { formatSummary } from '../layers/summary/summary';
import { runL2 } from '../layers/l2-occurrences/run';
import { runL4 } from '../layers/l4-resolve/run';
import { resolutionStats } from '../layers/l4-resolve/stats';
import { runL9 } from '../layers/l9-packages/run';
import { DEFAULT_EXCLUDED_DIRS } from '../project/discover';
import { detectLayout } from '../project/layout';

const USAGE = `usage: codegraph index <dir> [--out <dir>] [--workers <n>] [--max-file-bytes <n>] [--exclude <name>]...
                      [--verify-hashes] [--file-timeout-ms <n>] [--worker-memory-mb <n>] [--json]

Indexes every Python file under <dir> as one project into <out> (default: ./.codegraph/index): L0 fast path, L1
structural IR, L2 SCIP occurrences (<out>/l2/index.scip), L4 cross-file resolution, L9 declared vs imported packages. Re-running reuses every
unchanged file. Outputs are described in docs/ir.md.

  --exclude <name>        also skip directories of this name (repeatable; added to the defaults: tool folders such as
                          node_modules, .git, __pycache__, .venv, .tox, site-packages; virtualenvs by pyvenv.cfg;
                          build/ and dist/ unless they are packages)
  --verify-hashes         hash every file instead of trusting unchanged mtime+size (for cp -p / reproducible builds)
  --file-timeout-ms <n>   parse + extraction budget per file (default 20000)
  --worker-memory-mb <n>  heap ceiling per worker thread (default 2048)`;

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
      exclude: { type: 'string', multiple: true },
      'verify-hashes': { type: 'boolean', default: false },
      'file-timeout-ms': { type: 'string' },
      'worker-memory-mb': { type: 'string' },
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
    excludeNames: values.exclude?.length ? [...DEFAULT_EXCLUDED_DIRS, ...values.exclude] : undefined,
    verifyHashes: values['verify-hashes'],
    fileTimeoutMs: values['file-timeout-ms'] ? Number(values['file-timeout-ms']) : undefined,
    workerMemoryMb: values['worker-memory-mb'] ? Number(values['worker-memory-mb']) : undefined,
  });
  const layout = detectLayout(dir, dir);
  const project = { name: layout.name ?? path.basename(dir), outDir: out };
  const l2 = await runL2({ root: dir, project, package: { name: project.name, version: layout.version ?? '.' } });
  const l4 = await runL4({ root: dir, project });
  const resolution = await resolutionStats(out);
  const l9 = await runL9({ root: dir, projectDir: dir, outDir: out, name: project.name });
  const ms = performance.now() - t0;
  if (values.json) console.log(JSON.stringify({ ...summary, l2, l4, resolution, l9: { undeclared: l9.undeclared, unused: l9.unused }, ms: Math.round(ms), out }, null, 2));
  else {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.log(formatSummary(summary, ms));
    console.log(`  l2: ${l2.occurrences} occurrences in ${l2.files} documents (${l2.computed} computed, ${l2.reused} reused), ${l2.ms} ms`);
    console.log(
      `  l4: imports ${l4.importsResolved}/${l4.imports} resolved (${l4.importsExternal} external), ${l4.edgesResolved} edges completed, ${l4.ms} ms; ` +
        `call sites resolved ${pct(resolution.calls.fraction)}, references ${pct(resolution.references.fraction)}`,
    );
    console.log(
      `  l9: ${l9.declared.length} declared, ${l9.imported.length} third-party imported; undeclared: ${l9.undeclared.map((u) => u.name).join(', ') || 'none'}; ` +
        `unused: ${l9.unused.map((u) => u.dist).join(', ') || 'none'}`,
    );
    console.log(`  output: ${out}`);
  }
  return 0;
}
