/**
 * `codegraph` — the engine's own command line, for indexing any directory of Python without Nx.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { dumpLayer, exportIndex, openIndexFolder, type DumpLayer } from './export';
import { L1Reader } from '../layers/l1-structure/stream';
import { indexDirectory } from '../pipeline';
import { formatSummary } from '../layers/summary/summary';
import { runL2 } from '../layers/l2-occurrences/run';
import { runL4 } from '../layers/l4-resolve/run';
import { resolutionStats } from '../layers/l4-resolve/stats';
import { runL9 } from '../layers/l9-packages/run';
import { detectLayout } from '../project/layout';

const USAGE = `usage: codegraph index <dir> [--out <dir>] [--workers <n>] [--max-file-bytes <n>] [--json]
       codegraph export <index> --format jsonl|scip --out <file> [--root <dir>]
       codegraph dump <index> [--layer l1|facts|l2|l4] [--project <name>] [--file <path>]

index   Indexes every Python file under <dir> as one project into <out> (default: ./.codegraph/index): L0 fast path,
        L1 structural IR, L2 SCIP occurrences, L4 cross-file resolution, L9 declared vs imported packages.
        Re-running reuses every unchanged file.
export  Writes a whole graph (jsonl) or a SCIP index (scip) of an index: a repo federation (.codegraph/repo) or
        one project's outputs (--root: the workspace root of a project's outputs; default: the current folder).
dump    Prints a layer's records as JSON lines in their documented shape.
Outputs are described in docs/ir.md (https://github.com/codegraph/codegraph/blob/main/docs/ir.md).`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'export' || cmd === 'dump') return exportOrDump(cmd, rest);
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
  const layout = detectLayout(dir, dir);
  const project = { name: layout.name ?? path.basename(dir), outDir: out };
  const l2 = await runL2({ root: dir, project });
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
      `  l4: ${l4.resolvedFiles} files resolved, ${l4.reusedFiles} reused; imports ${l4.importsResolved}/${l4.imports} resolved (${l4.importsExternal} external), ${l4.edgesResolved} edges completed, ${l4.ms} ms; ` +
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

async function exportOrDump(cmd: 'export' | 'dump', rest: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        root: { type: 'string' },
        layer: { type: 'string', default: 'l1' },
        project: { type: 'string' },
        file: { type: 'string' },
      },
    });
  } catch (err) {
    console.error(`codegraph ${cmd}: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  let folder;
  try {
    folder = openIndexFolder(positionals[0]!, values.root);
  } catch (err) {
    console.error(`codegraph ${cmd}: ${(err as Error).message}`);
    return 1;
  }
  if (cmd === 'export') {
    if ((values.format !== 'jsonl' && values.format !== 'scip') || !values.out) {
      console.error(`codegraph export: --format jsonl|scip and --out <file> are required\n${USAGE}`);
      return 2;
    }
    const stats = await exportIndex(folder, values.format, path.resolve(values.out));
    console.error(`codegraph export: ${path.resolve(values.out)} ${JSON.stringify(stats)}`);
    return 0;
  }
  const layer = values.layer as DumpLayer;
  if (!['l1', 'facts', 'l2', 'l4'].includes(layer)) {
    console.error(`codegraph dump: --layer must be l1, facts, l2 or l4`);
    return 2;
  }
  const projects = values.project === undefined ? folder.projects : folder.projects.filter((p) => p.name === values.project);
  if (projects.length === 0) {
    console.error(`codegraph dump: no project ${values.project} (projects: ${folder.projects.map((p) => p.name).join(', ')})`);
    return 1;
  }
  const out = new LineOut();
  try {
    for (const p of projects) {
      if (values.file !== undefined && !L1Reader.open(p.outDir).manifest.files[values.file]) continue;
      await dumpLayer(p, layer, (l) => out.write(l), values.file);
    }
  } catch (err) {
    out.flush();
    console.error(`codegraph dump: ${(err as Error).message}`);
    return 1;
  }
  out.flush();
  return 0;
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
