/**
 * `codegraph index <dir>`: the directory as one project through L0, L1, L2, L5, L4 (and L3 with `--l3`), L9 and L8 (diagnostics). Everything that can be
 * checked is checked before any output is written: a bad option, a missing directory, an invalid pyproject.toml.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { readJsonOrUndefined } from '../util/atomic';
import { DEFAULT_EXCLUDED_DIRS } from '../project/discover';
import { indexDirectory } from '../pipeline';
import { inventoryPath, type Inventory } from '../layers/l0-fastpath/inventory';
import { manifestPath, type L1Manifest } from '../layers/l1-structure/run';
import { runL2, type L2Stats } from '../layers/l2-occurrences/run';
import { runL4, type L4Stats } from '../layers/l4-resolve/run';
import { runL5, type L5Manifest } from '../layers/l5-flow/run';
import { resolutionStats } from '../layers/l4-resolve/stats';
import { runL3, type L3Manifest, type L3Mode } from '../layers/l3-types/run';
import { runL9 } from '../layers/l9-packages/run';
import { runL8, type DiagnosticsJson } from '../layers/l8-diagnostics/run';
import { parseRuleOptions } from './check';
import { summarizeProject, type Summary } from '../layers/summary/summary';
import { detectLayout } from '../project/layout';
import { ENGINE_VERSION } from '../version';
import { RunError, UsageError } from './errors';
import { bytes, count, duration, pct, plural } from './format';
import { createProgress } from './progress';

export interface IndexOptions {
  out: string;
  workers?: number;
  maxFileBytes?: number;
  /** Extra directory names to skip (added to DEFAULT_EXCLUDED_DIRS). */
  exclude?: string[];
  /** Globs of files to skip, relative to the directory. */
  excludeFiles?: string[];
  verifyHashes?: boolean;
  fileTimeoutMs?: number;
  workerMemoryMb?: number;
  json?: boolean;
  quiet?: boolean;
  progress: boolean;
  /** `rule=level` pairs for L8 (`undefined-name=off`). */
  rule?: string[];
  /** Run L3 (Pyright's types) after L4, in this mode (`true`: the default mode), as the plugin's `l3` option does. */
  l3?: boolean | L3Mode;
  /** With `l3`: collect Pyright's diagnostics too (a full check of each opened file). */
  l3Diagnostics?: boolean;
}

/** L3's line of the text summary. */
function l3Line(m: L3Manifest): string {
  const t = m.totals;
  return (
    `  l3: ${count(t.answered)}/${count(t.sites)} sites answered by Pyright (${count(t.resolvedInCorpus)} in the corpus, ${count(t.external)} external; ${m.mode}), ` +
    `open call sites ${count(t.openCallsBefore)} → ${count(t.openCallsAfter)}; ${count(t.requeried)} files queried, ${count(t.reused)} reused` +
    `${t.skippedFiles ? `, ${count(t.skippedFiles)} skipped (budget: ${m.budget.exhausted})` : ''}, ${duration(m.ms)}`
  );
}

/**
 * Without `--l3`, an earlier run's L3 output would still be read (the rates, the overlay of exports, L8's Pyright
 * findings) though nothing keeps it in step with the index any more: removed.
 */
function removeStaleL3(out: string): void {
  fs.rmSync(path.join(out, 'l3'), { recursive: true, force: true });
}

/** How many files with syntax errors (and failed files) the text summary names. */
const LISTED = 10;

export interface FileProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** The checks that need no work: they fail before anything is created. */
function validate(dirArg: string, outArg: string): { dir: string; out: string } {
  const dir = path.resolve(dirArg);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new UsageError(`no such directory: ${dirArg}`);
  }
  if (!st.isDirectory()) throw new UsageError(`not a directory: ${dirArg}`);
  const out = path.resolve(outArg);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new UsageError(`--out must be a directory; ${outArg} is a file`);
  const pyproject = path.join(dir, 'pyproject.toml');
  if (fs.existsSync(pyproject)) {
    try {
      parseToml(fs.readFileSync(pyproject, 'utf8'));
    } catch (err) {
      const where = err instanceof TomlError ? `:${err.line}:${err.column}` : '';
      const [first, ...rest] = String((err as Error).message ?? err).split('\n');
      const detail = rest.join('\n').trim();
      throw new RunError(
        `${path.relative(process.cwd(), pyproject) || pyproject}${where}: invalid TOML: ${first!.replace(/^Invalid TOML document: /, '')}` +
          (detail ? `\n${detail}` : '') +
          '\nThe project layout (source roots, distribution name) comes from this file: fix it and run again.',
      );
    }
  }
  return { dir, out };
}

/** Files with syntax errors, each with its first error's position (1-based) and message. */
function syntaxErrors(manifest: L1Manifest): FileProblem[] {
  const out: FileProblem[] = [];
  for (const { file, diagnostics } of manifest.diagnostics) {
    const d = diagnostics.find((x) => x.code === 'syntax-error');
    if (!d) continue;
    // One line per file: the message quotes source text, which may span lines.
    const message = d.message.replace(/\s+/g, ' ').slice(0, 120);
    out.push({ file, ...(d.span ? { line: d.span[0] + 1, column: d.span[1] + 1 } : {}), message });
  }
  // Files whose shards report syntax errors but whose diagnostics were not carried (older manifests): still named.
  const named = new Set(out.map((p) => p.file));
  for (const [file, e] of Object.entries(manifest.files)) {
    if (e.syntaxErrors > 0 && !named.has(file)) out.push({ file, message: `${plural(e.syntaxErrors, 'syntax error')}` });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function dirBytes(dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) total += fs.statSync(p, { throwIfNoEntry: false })?.size ?? 0;
    }
  }
  return total;
}

const where = (p: FileProblem) => `${p.file}${p.line !== undefined ? `:${p.line}:${p.column}` : ''}`;

function listProblems(title: string, problems: FileProblem[]): string[] {
  if (problems.length === 0) return [];
  const lines = [`  ${title} (${count(problems.length)}):`];
  for (const p of problems.slice(0, LISTED)) lines.push(`    ${where(p)}: ${p.message}`);
  if (problems.length > LISTED) lines.push(`    … and ${plural(problems.length - LISTED, 'more file')} (--json lists all)`);
  return lines;
}

/** At most LISTED names, then how many more. */
function names(list: string[]): string {
  if (list.length === 0) return 'none';
  const shown = list.slice(0, LISTED).join(', ');
  return list.length > LISTED ? `${shown} … and ${count(list.length - LISTED)} more` : shown;
}

function kinds(counts: Record<string, number | undefined>): string {
  return Object.entries(counts)
    .filter(([, n]) => n)
    .sort((a, b) => b[1]! - a[1]!)
    .map(([k, n]) => `${k} ${count(n!)}`)
    .join(', ');
}

export async function indexCommand(dirArg: string, o: IndexOptions): Promise<number> {
  const { dir, out } = validate(dirArg, o.out);
  const rules = parseRuleOptions(o.rule);
  const progress = createProgress(process.stderr, { quiet: !!o.quiet || !o.progress });
  const t0 = performance.now();
  let summary: Summary;
  let l2: L2Stats;
  let l4: L4Stats;
  let l3: L3Manifest | undefined;
  let l5: L5Manifest;
  let resolution: Awaited<ReturnType<typeof resolutionStats>>;
  let l9: Awaited<ReturnType<typeof runL9>>;
  let l8: DiagnosticsJson;
  try {
    progress.step('l0 inventory, l1 parse');
    summary = await indexDirectory({
      dir,
      outDir: out,
      workers: o.workers,
      maxFileBytes: o.maxFileBytes,
      excludeNames: o.exclude?.length ? [...DEFAULT_EXCLUDED_DIRS, ...o.exclude] : undefined,
      excludeFiles: o.excludeFiles,
      verifyHashes: o.verifyHashes,
      fileTimeoutMs: o.fileTimeoutMs,
      workerMemoryMb: o.workerMemoryMb,
      onProgress: (d, t) => progress.update(d, t),
      stageFlow: true,
    });
    const layout = detectLayout(dir, dir);
    const project = { name: layout.name ?? path.basename(dir), outDir: out };
    summary = { ...summary, name: project.name };
    progress.step('l2 occurrences');
    l2 = await runL2({ root: dir, project });
    progress.step('l5 control and data flow');
    l5 = await runL5({ root: dir, outDir: out, workers: o.workers, fileTimeoutMs: o.fileTimeoutMs, workerMemoryMb: o.workerMemoryMb, onProgress: (d, t) => progress.update(d, t) });
    progress.step('l4 resolution');
    l4 = await runL4({ root: dir, project });
    if (o.l3) {
      progress.step('l3 types (Pyright)');
      l3 = await runL3({ root: dir, project, mode: o.l3 === true ? undefined : o.l3, diagnostics: !!o.l3Diagnostics });
    } else removeStaleL3(out);
    resolution = await resolutionStats(out);
    progress.step('l9 packages');
    l9 = await runL9({ root: dir, projectDir: dir, outDir: out, name: project.name });
    progress.step('l8 diagnostics');
    l8 = await runL8({ root: dir, outDir: out, project: project.name, rules });
    // Again now that L4 has run: the edges are then the graph's (L1 + L4's completions), as `codegraph export` has them.
    summary = summarizeProject(project.name, out);
  } finally {
    progress.stop();
  }
  const ms = performance.now() - t0;
  const manifest = readJsonOrUndefined<L1Manifest>(manifestPath(out));
  const inventory = readJsonOrUndefined<Inventory>(inventoryPath(out));
  const syntax = manifest ? syntaxErrors(manifest) : [];
  const failed: FileProblem[] = Object.values(manifest?.failed ?? {})
    .map((f) => ({ file: f.file, message: f.error }))
    .sort((a, b) => (a.file < b.file ? -1 : 1));
  const sourceBytes = (inventory?.files ?? []).reduce((a, f) => a + (f.size ?? 0), 0);
  const outputBytes = dirBytes(out);

  if (o.json) {
    const report = {
      codegraph: ENGINE_VERSION,
      dir,
      out,
      ...summary,
      bytes: { source: sourceBytes, output: outputBytes },
      syntaxErrors: syntax,
      failed,
      l2,
      l4,
      ...(l3 ? { l3: { mode: l3.mode, diagnostics: l3.diagnostics, totals: l3.totals, budget: l3.budget, pyrightPeakRssMb: l3.pyrightPeakRssMb, ms: l3.ms } } : {}),
      l5: { ...l5.totals, failed: l5.failed, stats: l5.stats },
      resolution,
      l9: { undeclared: l9.undeclared, unused: l9.unused, diagnostics: l9.diagnostics },
      l8: { counts: l8.counts, byRule: l8.byRule, ms: l8.ms },
      ms: Math.round(ms),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  if (o.quiet) return 0;
  const l0s = summary.lastRun.find((l) => l.layer === 'l0');
  const l1s = summary.lastRun.find((l) => l.layer === 'l1');
  const lines = [
    `codegraph: ${summary.name} — ${plural(summary.files, 'file')}, ${count(summary.loc)} lines (${bytes(sourceBytes)}) in ${duration(ms)}`,
    `  nodes ${count(summary.nodes)}: ${kinds(summary.nodesByKind)}`,
    `  edges ${count(summary.edges)}: ${kinds(summary.edgesByKind)}`,
    `  l0: ${count(l0s?.processed ?? 0)} hashed, ${count(l0s?.reused ?? 0)} unchanged; ` +
      `l1: ${count(l1s?.processed ?? 0)} parsed, ${count(l1s?.reused ?? 0)} reused, ${count(l1s?.failed ?? 0)} failed, ${duration(l1s?.ms ?? 0)}`,
    `  l2: ${count(l2.occurrences)} occurrences in ${plural(l2.files, 'document')} (${count(l2.computed)} computed, ${count(l2.reused)} reused), ${duration(l2.ms)}`,
    `  l5: ${plural(l5.totals.scopes, 'scope')}, ${count(l5.totals.blocks)} blocks, ${count(l5.totals.defs)} SSA definitions + ${count(l5.totals.phis)} phis ` +
      `(${count(l5.stats.processed)} files analysed, ${count(l5.stats.reused)} reused, ${count(l5.stats.failed)} failed), ${duration(l5.stats.ms)}`,
    `  l4: ${count(l4.resolvedFiles)} files resolved, ${count(l4.reusedFiles)} reused; ${count(l4.importsResolved)}/${count(l4.imports)} imports resolved (${count(l4.importsExternal)} external), ` +
      `${plural(l4.edgesResolved, 'edge')} completed, ${duration(l4.ms)}; call sites resolved ${pct(resolution.calls.fraction)}, references ${pct(resolution.references.fraction)}` +
      (l3 ? ` (with L3's; L1 + L4 alone ${pct((resolution.calls.resolved - resolution.calls.resolvedL3) / Math.max(1, resolution.calls.total))})` : ''),
    ...(l3 ? [l3Line(l3)] : []),
    `  l9: ${count(l9.declared.length)} declared, ${count(l9.imported.length)} third-party imported; ` +
      `undeclared: ${names(l9.undeclared.map((u) => u.name))}; unused: ${names(l9.unused.map((u) => u.dist))}`,
    `  l8: ${plural(l8.counts.error, 'error')}, ${plural(l8.counts.warning, 'warning')}, ${plural(l8.counts.note, 'note')}` +
      `${l8.counts.suppressed ? ` (+${count(l8.counts.suppressed)} suppressed)` : ''}` +
      `${Object.keys(l8.byRule).length ? ` — ${Object.entries(l8.byRule).map(([r, n]) => `${r} ${count(n)}`).join(', ')}` : ''}; ` +
      `codegraph check ${path.relative(process.cwd(), out) || '.'} lists them (SARIF: ${path.join(path.relative(process.cwd(), out) || '.', 'l8', 'codegraph.sarif')})`,
    ...listProblems('files with syntax errors, indexed as far as they parse', syntax),
    ...listProblems('files that could not be indexed', failed),
    ...listProblems('files without control/data flow (L5)', Object.entries(l5.failed).map(([file, message]) => ({ file, message }))),
    ...listProblems('packaging problems', l9.diagnostics.map((d) => ({ file: d.file, message: d.message }))),
    `  output: ${out} (${bytes(outputBytes)})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
