/**
 * L3 — selective type enrichment with Pyright, for one project.
 *
 * Inputs: this project's L1 and L4 output (the sites L4 left unresolved), the L1 (and, when present, L4) output of
 * the projects it depends on (to name what Pyright's answers point to, and for the import closure in the keys), the
 * project's source files and its dependencies' (Pyright reads them), and the configured Python environment, if any.
 * Outputs, under `<project.outDir>/l3/`, all written atomically:
 * - `types.pack`: per file (keyed by its L3 key) a JSON record: the overlay lines for the file's sites — in L4's
 *   line shape with `via: "type"` — and Pyright's diagnostics for it;
 * - `manifest.json`: per file its key and counts; totals (sites asked, answered, resolved in corpus, external,
 *   skipped by budget; files re-queried vs reused; unresolved call sites before and after); the budget's outcome;
 * - `diagnostics.json`: Pyright's diagnostics of the analysed files (written even when empty).
 *
 * Budget: a time and a memory ceiling per project. When one is hit the server is killed; what was answered is kept
 * and the files not reached are counted as skipped (they are asked again next run) — never a failed run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IrEdge, IrNode } from '../../ir/model';
import { readJsonOrUndefined, removeStaleTemps, writeJsonAtomicSync } from '../../util/atomic';
import { hashString, initHash } from '../../util/hash';
import { PackReader, PackWriter } from '../../util/pack';
import { initPythonParser } from '../../lang/python/parser';
import { decodePythonSource } from '../../lang/python/decode';
import { L1Reader, type ProjectOut, type ShardRef } from '../l1-structure/stream';
import { l3FileDelta, type L3RateDelta } from '../l4-resolve/stats';
import { addDelta, emptyDelta } from './rates';
import { l4ManifestPath, resolvedPackPath, type L4Line, type L4Manifest } from '../l4-resolve/run';
import { ImportClosure } from './key';
import { l3DiagnosticsPath, l3Dir, l3ManifestPath, typesPackPath } from './paths';
import type { PyrightClient, PythonEnv } from './pyright-client';
import { pyrightVersion } from './pyright-package';
import { openCallCount, selectSites, sitesDigestText, type L3Mode, type Site } from './sites';
import { TargetMapper, type TypeTarget } from './targets';
import { toFileDiagnostic, type L3Diagnostic } from './diagnostics';

export type { L3Mode } from './sites';
export type { PythonEnv } from './pyright-client';

export interface L3Options {
  /** Index root; every path in the inputs and outputs is relative to it. */
  root: string;
  project: ProjectOut;
  /** The projects this one may import from (their output directories: L1, and L4 when present). */
  deps?: readonly ProjectOut[];
  /** `selective` (default): the open sites whose receiver Pyright types cheaply (sites.ts); `unresolved`: every site L4 left open; `all`: every call/base/decorator site. */
  mode?: L3Mode;
  env?: PythonEnv;
  /** Wall-time budget of the project's Pyright work (ms; default 10 minutes). */
  timeBudgetMs?: number;
  /** Memory budget of the Pyright process (MB of RSS; default 1536); its heap ceiling is derived from it. */
  memoryBudgetMb?: number;
  /**
   * Collect Pyright's diagnostics of the files L3 opens (default false). They need a full check of each file: on
   * django ~3× the CPU time of the selective definitions alone (docs/architecture.md, L3); without them
   * `diagnostics.json` is written empty and the manifest says `diagnostics: false`.
   */
  diagnostics?: boolean;
  /** Files whose queries are in flight at once, over all servers (default 4). */
  filesInFlight?: number;
  /**
   * Pyright servers run side by side, each on its own contiguous share of the files, sharing the memory budget
   * (default 1: on django two servers took 1.7× the CPU time of one — each loads the shared imports and typeshed
   * again — and were no faster on a busy two-core machine).
   */
  servers?: number;
}

/** A file's record in `types.pack`. */
export interface L3FileRecord {
  /** Overlay lines (L4's line shape, `via: "type"`) for the sites L4 left open that Pyright answered. */
  lines: L4Line[];
  diagnostics: L3Diagnostic[];
}

export interface L3Counts {
  /** Positions asked. */
  sites: number;
  /** Positions Pyright answered with at least one definition we could name. */
  answered: number;
  /** Open sites resolved to a definition in the corpus / named outside it. */
  resolvedInCorpus: number;
  external: number;
  /** In `all` mode: sites L4 had resolved where Pyright's first target is L4's. */
  agreeWithL4: number;
}

export interface L3FileEntry extends L3Counts {
  key: string;
  /** The L4 record the entry was computed on (the rates count only while L4's manifest still names it). */
  l4Key?: string;
  /** What its answers change in the resolution rates (absent: nothing): see `l3-types/rates.ts`. */
  rates?: L3RateDelta;
  /** Call sites (CALLS/INSTANTIATES) L4 left open without naming them, before and after L3. */
  openCallsBefore: number;
  openCallsAfter: number;
}

export interface L3Manifest {
  schema: 1;
  format: string;
  project: string;
  pyright: string;
  mode: L3Mode;
  /** Whether Pyright's diagnostics were collected (`diagnostics.json` is empty otherwise). */
  diagnostics: boolean;
  config: string;
  files: Record<string, L3FileEntry>;
  totals: L3Counts & {
    files: number;
    requeried: number;
    reused: number;
    /** Files not reached because the budget ran out (and their sites): asked again next run. */
    skippedFiles: number;
    sitesSkipped: number;
    openCallsBefore: number;
    openCallsAfter: number;
    /** The change to the resolution rates, summed over the files. */
    rates: L3RateDelta;
  };
  budget: { timeMs: number; memoryMb: number; exhausted?: 'time' | 'memory' | 'server-exit' };
  /** Peak resident memory of the Pyright processes (MB, from /proc VmHWM, summed over the servers), when they ran. */
  pyrightPeakRssMb?: number;
  /** CPU time (user + system) of the Pyright processes, summed (sampled every 250 ms, so up to that much short). */
  pyrightCpuMs?: number;
  /** Pyright servers that ran side by side. */
  servers?: number;
  /** Where the wall time went (ms): reading inputs and choosing sites, starting the servers, the queries. */
  phases?: { prepareMs: number; startMs: number; queriesMs: number };
  ms: number;
}

/** Bumped whenever what L3 writes for a file changes. */
export const L3_FORMAT = 'l3-2';
export const DEFAULT_L3_TIME_BUDGET_MS = 10 * 60_000;
export const DEFAULT_L3_MEMORY_MB = 1536;
const FILES_IN_FLIGHT = 4;

export { l3Dir, typesPackPath, l3ManifestPath, l3DiagnosticsPath };

const CALL_EDGES = new Set(['CALLS', 'INSTANTIATES']);
/**
 * Where a definition request on a called name stops when the name is a variable or a parameter: at its declaration,
 * not at what it holds. Such an answer is no call target (on django 350 of 586 "in corpus" answers were these), so
 * a call, base or decorator site answered only that way counts as unanswered.
 */
const NOT_CALLABLE = new Set(['Variable', 'Parameter']);

/**
 * Whether an answer can be what a site calls (or reads). For a call, a variable or parameter is not (above), nor a
 * property: `self.__class__()` is answered with typeshed's `object.__class__`, `self.factory()` with the property's
 * `def` — the call runs the value the property returns, which the definition does not name (on django 30 of the
 * selective run's 116 external answers were `object.__class__`).
 */
function callable(edge: string, t: TypeTarget): boolean {
  if (edge === 'READS') return true;
  if (t.property) return false;
  return t.k !== 'node' || !NOT_CALLABLE.has(t.kind);
}

/** The import roots of a project's files: each file's path with its module's folders taken off. */
export function sourceRootsOf(root: string, projects: readonly ProjectOut[]): string[] {
  const roots = new Set<string>();
  for (const p of projects) {
    let l1: L1Reader;
    try {
      l1 = L1Reader.open(p.outDir);
    } catch {
      continue;
    }
    for (const r of l1.refs) {
      const parts = r.file.split('/');
      const depth = r.module.split('.').length + (/\/__init__\.pyi?$/.test(`/${r.file}`) ? 1 : 0);
      if (!r.module || parts.length < depth) continue;
      roots.add(path.resolve(root, parts.slice(0, parts.length - depth).join('/') || '.'));
    }
    l1.close();
  }
  return [...roots].sort();
}

export async function runL3(opts: L3Options): Promise<L3Manifest> {
  const t0 = performance.now();
  await initHash();
  await initPythonParser();
  const deps = opts.deps ?? [];
  const mode: L3Mode = opts.mode ?? 'selective';
  const timeMs = opts.timeBudgetMs ?? DEFAULT_L3_TIME_BUDGET_MS;
  const memoryMb = opts.memoryBudgetMb ?? DEFAULT_L3_MEMORY_MB;
  const outDir = opts.project.outDir;
  removeStaleTemps(l3Dir(outDir));
  const projects = [opts.project, ...deps];
  const sourceRoots = sourceRootsOf(opts.root, projects);
  const withDiagnostics = opts.diagnostics === true;
  const config = hashString(JSON.stringify([L3_FORMAT, pyrightVersion(), mode, withDiagnostics, opts.env ?? {}, sourceRoots.map((r) => path.relative(opts.root, r))]));

  const l4m = readJsonOrUndefined<L4Manifest>(l4ManifestPath(outDir));
  const l4 = PackReader.open(resolvedPackPath(outDir));
  if (!l4m?.files || !l4) {
    l4?.close();
    throw new Error(`codegraph: no L4 output for project ${opts.project.name} in ${outDir} (run its L4 first)`);
  }
  const l1Keys = new Map<string, string>();
  for (const p of projects) {
    try {
      const r = L1Reader.open(p.outDir);
      for (const ref of r.refs) if (!l1Keys.has(ref.file)) l1Keys.set(ref.file, ref.key);
      r.close();
    } catch {
      /* a dependency without L1 output: its files are not keyed */
    }
  }
  const closure = new ImportClosure([l4m, ...deps.map((d) => readJsonOrUndefined<L4Manifest>(l4ManifestPath(d.outDir)))]);

  const prev = readJsonOrUndefined<L3Manifest>(l3ManifestPath(outDir));
  const prevFiles = prev?.schema === 1 && prev.format === L3_FORMAT ? prev.files : {};
  const prevPack = PackReader.open(typesPackPath(outDir));
  const l1 = L1Reader.open(outDir);
  const mapper = new TargetMapper(opts.root, projects, sourceRoots);
  const pack = new PackWriter(typesPackPath(outDir));
  const files: Record<string, L3FileEntry> = {};
  const diagnostics: Record<string, L3Diagnostic[]> = {};
  const totals: L3Manifest['totals'] = { files: 0, requeried: 0, reused: 0, skippedFiles: 0, sitesSkipped: 0, sites: 0, answered: 0, resolvedInCorpus: 0, external: 0, agreeWithL4: 0, openCallsBefore: 0, openCallsAfter: 0, rates: emptyDelta() };
  const budget: L3Manifest['budget'] = { timeMs, memoryMb };
  let clients: PyrightClient[] = [];
  let monitors: RssMonitor[] = [];
  let timer: NodeJS.Timeout | undefined;
  const phases = { prepareMs: 0, startMs: 0, queriesMs: 0 };
  /** Per file, in path order: what to do with it, then (after the queries) its result. */
  const slots: Slot[] = [];
  /** Sets an entry's change to the resolution rates from the overlay lines (IR and L4 record read again: small). */
  const withRates = (entry: L3FileEntry, slot: Slot, lines: readonly L4Line[]): void => {
    entry.l4Key = slot.l4Key;
    delete entry.rates;
    const ir = l1.record(slot.ref);
    const l4text = l4.text(slot.l4Key);
    if (!ir || l4text === undefined || !lines.length) return;
    const d = fileRateDelta(ir.nodes, ir.edges, l4text, lines);
    if (d.calls.resolved || d.calls.external || d.references.resolved || d.references.external) entry.rates = d;
  };
  try {
    for (const ref of l1.refs) {
      const e4 = l4m.files[ref.file];
      if (!e4) continue; // L4 reported it missing; nothing to ask
      const l4text = l4.text(e4.key);
      const ir = l1.record(ref);
      if (l4text === undefined || !ir) continue;
      const l4lines = new Map<string, L4Line>();
      for (const t of l4text ? l4text.split('\n') : []) {
        const l = JSON.parse(t) as L4Line;
        if (!('of' in l && l.of !== undefined) && !('implicit' in l && l.implicit)) l4lines.set(l.id, l);
      }
      const sites = selectSites(ir.nodes, ir.edges, l4lines, mode);
      const openCalls = openCallCount(ir.edges, l4lines);
      const deepKeys = closure.of(ref.file).map((f) => `${f}\0${l1Keys.get(f) ?? ''}`);
      const key = hashString(`${config}\0${ref.key}\0${sitesDigestText(sites)}\0${deepKeys.join('\n')}`);
      const old = prevFiles[ref.file];
      const reusable = old?.key === key && prevPack?.text(key) !== undefined;
      slots.push({ file: ref.file, ref, l4Key: e4.key, key, sites, openCalls, l4lines, todo: reusable ? 'reuse' : sites.length ? 'ask' : 'empty' });
    }

    // The queries: each server takes a contiguous share of the files (neighbouring files share imports, so each
    // server's program stays small), then helps with the largest share left, from its far end; a few files in
    // flight per server, so a server is never idle between one file's answers and the next file's requests.
    const asks = slots.filter((s) => s.todo === 'ask');
    phases.prepareMs = Math.round(performance.now() - t0);
    const nServers = Math.max(1, Math.min(opts.servers ?? 1, asks.length));
    const queue = new ShareQueue(asks, nServers);
    const worker = async (server: number, c: PyrightClient): Promise<void> => {
      for (let slot = queue.take(server); slot; slot = queue.take(server)) {
        if (!budget.exhausted && performance.now() - t0 > timeMs) budget.exhausted = 'time';
        if (budget.exhausted) return;
        let text: string;
        try {
          // Decoded as L1 decoded it (PEP 263), so the positions asked are the ones L1's spans name.
          text = decodePythonSource(fs.readFileSync(path.join(opts.root, slot.file))).text;
        } catch {
          continue; // gone or unreadable since L1: this file is skipped (asked again next run), not the run
        }
        let answered;
        try {
          answered = await c.queryFile(path.join(opts.root, slot.file), text, slot.sites.map((s) => [s.line, s.col] as const), withDiagnostics);
        } catch {
          answered = undefined;
        }
        if (!answered || !c.alive) {
          budget.exhausted ??= 'server-exit';
          return;
        }
        const r = fileResult(slot.file, slot.sites, answered.answers, slot.l4lines, mapper, slot.key, slot.openCalls);
        withRates(r.entry, slot, r.record.lines);
        r.record.diagnostics = answered.diagnostics.map(toFileDiagnostic).filter((d): d is L3Diagnostic => d !== undefined);
        slot.result = r;
      }
    };
    if (asks.length && performance.now() - t0 <= timeMs) {
      // Loaded here: the LSP library is needed only when something is asked (~0.1 s of the engine's load time).
      const { PyrightClient: Client } = await import('./pyright-client');
      // The memory budget is shared: each server gets its part, and its heap ceiling below that (V8's heap is most
      // of the server's memory, the rest is code and buffers).
      const perServerMb = Math.floor(memoryMb / nServers);
      const started = await Promise.all(
        Array.from({ length: nServers }, () =>
          Client.start({ root: opts.root, sourceRoots, env: opts.env, maxOldSpaceMb: Math.max(256, perServerMb - 256) }).catch(() => undefined),
        ),
      );
      clients = started.filter((c): c is PyrightClient => c !== undefined);
      const tStarted = performance.now();
      phases.startMs = Math.round(tStarted - t0) - phases.prepareMs;
      if (clients.length < nServers) budget.exhausted = 'server-exit'; // a server did not start: its files are skipped, not the run
      const killAll = (why: 'time' | 'memory') => {
        budget.exhausted ??= why;
        for (const c of clients) c.kill();
      };
      monitors = clients.map((c) => new RssMonitor(c.pid, perServerMb, () => killAll('memory')));
      timer = setTimeout(() => killAll('time'), Math.max(0, timeMs - (performance.now() - t0)));
      timer.unref();
      const inFlight = Math.max(1, Math.ceil((opts.filesInFlight ?? FILES_IN_FLIGHT) / nServers));
      await Promise.all(clients.flatMap((c, i) => Array.from({ length: inFlight }, () => worker(i, c))));
      phases.queriesMs = Math.round(performance.now() - tStarted);
    } else if (asks.length) budget.exhausted = 'time';

    // Outputs in path order, whatever order the answers came in: the same inputs give the same bytes.
    for (const slot of slots) {
      totals.files++;
      if (slot.todo === 'reuse' && pack.copyFrom(prevPack!, slot.key)) {
        const old = prevFiles[slot.file]!;
        const rec = JSON.parse(prevPack!.text(slot.key)!) as L3FileRecord;
        // Same sites and answers, but L4 may have re-run (its key changes with its dependencies): rates on its record.
        if (old.l4Key !== slot.l4Key) withRates(old, slot, rec.lines);
        files[slot.file] = old;
        addCounts(totals, old);
        if (rec.diagnostics.length) diagnostics[slot.file] = rec.diagnostics;
        totals.reused++;
        continue;
      }
      const r =
        slot.todo === 'empty' || (slot.todo === 'reuse' && !slot.sites.length)
          ? { record: { lines: [], diagnostics: [] } satisfies L3FileRecord, entry: { ...emptyEntry(slot.key, slot.openCalls), l4Key: slot.l4Key } }
          : slot.result;
      if (!r) {
        // Not reached within the budget: no record, asked again next run.
        totals.skippedFiles++;
        totals.sitesSkipped += slot.sites.length;
        totals.openCallsBefore += slot.openCalls;
        totals.openCallsAfter += slot.openCalls;
        continue;
      }
      pack.addRaw(slot.key, JSON.stringify(r.record));
      files[slot.file] = r.entry;
      if (r.record.diagnostics.length) diagnostics[slot.file] = r.record.diagnostics;
      addCounts(totals, r.entry);
      totals.requeried++;
    }
    pack.commit({ fsync: false });
  } catch (err) {
    pack.abort();
    throw err;
  } finally {
    if (timer) clearTimeout(timer);
    for (const m of monitors) m.stop();
    await Promise.all(clients.map((c) => c.stop()));
    prevPack?.close();
    l4.close();
    l1.close();
    mapper.close();
  }
  const manifest: L3Manifest = { schema: 1, format: L3_FORMAT, project: opts.project.name, pyright: pyrightVersion(), mode, diagnostics: withDiagnostics, config, files, totals, budget, ms: 0 };
  // Servers run side by side: their peaks are added (an upper bound of what they held at once).
  const peaks = monitors.map((m) => m.peakMb).filter((p): p is number => p !== undefined);
  if (peaks.length) manifest.pyrightPeakRssMb = peaks.reduce((a, b) => a + b, 0);
  if (clients.length) manifest.servers = clients.length;
  manifest.phases = phases;
  const cpu = monitors.map((m) => m.cpuMs).filter((c): c is number => c !== undefined);
  if (cpu.length) manifest.pyrightCpuMs = Math.round(cpu.reduce((a, b) => a + b, 0));
  manifest.ms = Math.round(performance.now() - t0);
  writeJsonAtomicSync(l3DiagnosticsPath(outDir), { files: diagnostics });
  writeJsonAtomicSync(l3ManifestPath(outDir), manifest);
  return manifest;
}

/**
 * The files to ask, cut into one contiguous share per server (files in path order: neighbours share imports).
 * A server takes from the front of its share; once its share is done it takes from the back of the largest one left.
 */
class ShareQueue<T> {
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];

  constructor(
    private readonly items: readonly T[],
    shares: number,
  ) {
    for (let i = 0; i < shares; i++) {
      this.lo.push(Math.floor((i * items.length) / shares));
      this.hi.push(Math.floor(((i + 1) * items.length) / shares));
    }
  }

  take(share: number): T | undefined {
    if (this.lo[share]! < this.hi[share]!) return this.items[this.lo[share]!++];
    let best = -1;
    for (let i = 0; i < this.lo.length; i++) if (this.hi[i]! - this.lo[i]! > 0 && (best < 0 || this.hi[i]! - this.lo[i]! > this.hi[best]! - this.lo[best]!)) best = i;
    return best < 0 ? undefined : this.items[--this.hi[best]!];
  }
}

/**
 * What a file's overlay lines change in its resolution counts: L4's states of the file's edges (as L4 counted them,
 * implicit call sites included), then with each answered site's state (resolved, or external) laid over.
 */
function fileRateDelta(nodes: readonly IrNode[], edges: readonly IrEdge[], l4text: string, lines: readonly L4Line[]): L3RateDelta {
  const states = new Map<string, number>();
  const implicit: Array<{ src: string; span: readonly number[] }> = [];
  for (const t of l4text ? l4text.split('\n') : []) {
    const l = JSON.parse(t) as L4Line & { span?: number[]; src?: string };
    if ('of' in l && l.of !== undefined) continue;
    states.set(l.id, 'unresolved' in l && l.unresolved ? (l.external !== undefined ? 2 : 0) : 1);
    if ('implicit' in l && l.implicit && l.span && l.src) implicit.push({ src: l.src, span: l.span });
  }
  const l3 = new Map<string, number>();
  for (const l of lines) if (!('of' in l && l.of !== undefined)) l3.set(l.id, 'unresolved' in l && l.unresolved ? 2 : 1);
  return l3FileDelta(nodes, edges, states, implicit, l3);
}

/** One file of the run: what to do with it and, once asked, its result. */
interface Slot {
  file: string;
  ref: ShardRef;
  /** The key of the L4 record the sites were read from. */
  l4Key: string;
  key: string;
  sites: Site[];
  openCalls: number;
  l4lines: Map<string, L4Line>;
  todo: 'reuse' | 'empty' | 'ask';
  result?: { record: L3FileRecord; entry: L3FileEntry };
}

function emptyEntry(key: string, openCalls: number): L3FileEntry {
  return { key, sites: 0, answered: 0, resolvedInCorpus: 0, external: 0, agreeWithL4: 0, openCallsBefore: openCalls, openCallsAfter: openCalls };
}

function addCounts(t: L3Manifest['totals'], e: L3FileEntry): void {
  if (e.rates) addDelta(t.rates, e.rates);
  t.sites += e.sites;
  t.answered += e.answered;
  t.resolvedInCorpus += e.resolvedInCorpus;
  t.external += e.external;
  t.agreeWithL4 += e.agreeWithL4;
  t.openCallsBefore += e.openCallsBefore;
  t.openCallsAfter += e.openCallsAfter;
}

/** One file's answers as overlay lines and counts. */
function fileResult(
  file: string,
  sites: readonly Site[],
  answers: ReadonlyArray<ReadonlyArray<{ uri: string; range: readonly number[] }>>,
  l4lines: ReadonlyMap<string, L4Line>,
  mapper: TargetMapper,
  key: string,
  openCalls: number,
): { record: L3FileRecord; entry: L3FileEntry } {
  const lines: L4Line[] = [];
  const entry: L3FileEntry = { key, sites: sites.length, answered: 0, resolvedInCorpus: 0, external: 0, agreeWithL4: 0, openCallsBefore: openCalls, openCallsAfter: openCalls };
  sites.forEach((s, i) => {
    const targets = distinct((answers[i] ?? []).map((a) => mapper.map(a.uri, a.range[0]!, a.range[1]!))).filter((t) => callable(s.edge.edge, t));
    if (!targets.length) return;
    entry.answered++;
    if (!s.open) {
      const l = l4lines.get(s.edge.id);
      const t0 = targets[0]!;
      if (l && 'target' in l && l.target !== undefined && t0.fqn === l.target) entry.agreeWithL4++;
      return;
    }
    const inCorpus = targets.filter((t): t is Extract<TypeTarget, { k: 'node' }> => t.k === 'node');
    if (inCorpus.length) {
      entry.resolvedInCorpus++;
      if (CALL_EDGES.has(s.edge.edge)) entry.openCallsAfter--;
      inCorpus.forEach((t, j) => lines.push(nodeLine(s.edge, t, file, j === 0 ? undefined : s.edge.id)));
      return;
    }
    const ext = targets[0] as Extract<TypeTarget, { k: 'external' }>;
    entry.external++;
    if (CALL_EDGES.has(s.edge.edge)) entry.openCallsAfter--;
    lines.push({ edge: s.edge.edge, id: s.edge.id, unresolved: true, external: ext.module, target: ext.fqn, via: 'type' });
  });
  return { record: { lines, diagnostics: [] }, entry };
}

/** An overlay line to a node (L4's shape): a call of a class is an instantiation; further targets derive (`of`). */
function nodeLine(e: IrEdge, t: Extract<TypeTarget, { k: 'node' }>, file: string, of: string | undefined): L4Line {
  const edge = e.edge === 'CALLS' && t.kind === 'Class' ? 'INSTANTIATES' : e.edge;
  const id = of === undefined ? e.id : hashString(`${e.id}\0type\0${t.id}`);
  return {
    edge,
    id,
    src: e.src,
    dst: t.id,
    target: t.fqn,
    via: 'type',
    kind: t.kind,
    ...(t.file !== file ? { file: t.file } : {}),
    ...(edge !== e.edge && of === undefined ? { was: e.edge } : {}),
    ...(of !== undefined ? { of } : {}),
  };
}

/** Targets without repeats (overloads of one function answer with several locations of one name). */
function distinct(ts: ReadonlyArray<TypeTarget | undefined>): TypeTarget[] {
  const seen = new Set<string>();
  const out: TypeTarget[] = [];
  for (const t of ts) {
    if (!t) continue;
    const k = t.k === 'node' ? `n:${t.id}` : `e:${t.fqn}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(t);
  }
  return out;
}

/**
 * Samples the server's resident memory and CPU time (Linux /proc); calls `onExceed` once above the budget. CPU time
 * is what to compare on a busy machine, where wall time depends on who else runs.
 */
class RssMonitor {
  peakMb: number | undefined;
  cpuMs: number | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number | undefined,
    budgetMb: number,
    onExceed: () => void,
  ) {
    if (pid === undefined || !fs.existsSync(`/proc/${pid}/status`)) return;
    let fired = false;
    this.timer = setInterval(() => {
      const s = this.sample();
      if (s && s.rss > budgetMb && !fired) {
        fired = true;
        onExceed();
      }
    }, 250);
    this.timer.unref();
  }

  private sample(): { rss: number } | undefined {
    try {
      const st = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(st)?.[1] ?? 0);
      const hwm = Math.round(kb('VmHWM') / 1024);
      this.peakMb = Math.max(this.peakMb ?? 0, hwm);
      // utime and stime (in USER_HZ ticks, 100 per second on Linux), fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesised command name.
      const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      this.cpuMs = (Number(f[11]) + Number(f[12])) * 10;
      return { rss: Math.round(kb('VmRSS') / 1024) };
    } catch {
      return undefined;
    }
  }

  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
  }
}
