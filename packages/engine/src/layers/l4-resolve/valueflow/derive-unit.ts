/**
 * Deriving a dependency unit's summaries (dep-units.ts): solve the unit's own facts plus the summaries of the units
 * it reaches, against the dependencies' symbol table, and keep what dependents need (`FlowSolver.summarize`).
 *
 * Done in a worker thread (`UnitDeriver`, derive-worker.ts) when the caller says how the table is built: the stdlib's
 * big unit (~1,700 files) leaves the deriving process's heap a few hundred MB of garbage — the solver's sets and
 * tables, the entry's JSON — that V8 had not collected when the dependent's own fixpoint began to load, which set the
 * process's peak (django's L4 over the stdlib: ~1,060 MiB, of which ~445 its own fixpoint). A worker's heap, and the
 * solver's mapped arrays, go back to the system whole when it ends, before the dependent's own work begins. Same code,
 * same inputs, so the same bytes as deriving in the process (which remains the fallback: no table recipe, or a worker
 * that could not start or died).
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ProjectOut } from '../../l1-structure/stream';
import { Resolver } from '../resolver';
import type { Symbols } from '../symbols';
import { forEachFlowFacts, type FlowRef, type FlowSourceStats } from './facts-source';
import { FlowSolver, type SolveStats } from './solver';
import type { SummaryEntry } from './summary';
import { entryBytes, parseSummaries } from './summary-store';

export interface DerivedUnit {
  /** The unit's stored entry (summary-store.ts `entryBytes`). */
  entry: Uint8Array;
  source: FlowSourceStats;
  solve: SolveStats;
  /** Summarizing the solved unit and making its entry. */
  summarizeMs: number;
  /** Derived in a worker thread. */
  inWorker?: boolean;
}

/** What a unit's derivation reads besides the table: its files, and the summaries (JSON, as stored) of its closure. */
export interface UnitInput {
  key: string;
  refs: readonly FlowRef[];
  closure: readonly string[];
}

/** Derives a unit in this thread. */
export async function deriveUnit(root: string, project: ProjectOut, unit: UnitInput, table: Symbols): Promise<DerivedUnit> {
  // A fresh resolver per unit: its memo then holds only this unit's queries, whoever derives it.
  const solver = new FlowSolver(new Resolver(table));
  const closure: SummaryEntry[] = [];
  for (const json of unit.closure) for (const e of parseSummaries(json)) closure.push(e);
  solver.addSummaries(closure);
  closure.length = 0;
  const from = solver.files.length;
  // A file whose facts cannot be had (unreadable, unparsable within the budget) is so for its content — which the key
  // covers — in every run: the unit without it is what any dependent would derive.
  const source = await forEachFlowFacts(root, project, unit.refs, (f) => solver.addFacts(f.file, f.facts), { cache: false });
  const solve = solver.solve();
  const t1 = performance.now();
  const own = new Set<number>();
  for (let i = from; i < solver.files.length; i++) own.add(i);
  const summaries = solver.summarize(own);
  // The fixpoint is not read again: its tables go before the entry is made.
  solver.releaseAll();
  // Each file's summary goes once its part of the entry is made (entryBytes).
  function* consumed(): Generator<SummaryEntry> {
    for (const [file, summary] of summaries) {
      summaries.delete(file);
      yield { file, summary };
    }
  }
  const entry = entryBytes(unit.key, consumed());
  return { entry, source, solve: { ...solve }, summarizeMs: Math.round(performance.now() - t1) };
}

/** What derive-worker.ts is started with. */
export interface DeriveWorkerInit {
  root: string;
  project: ProjectOut;
  /** The dependencies' table is `buildSymbolTable(tableProjects[0], tableProjects.slice(1))` (l4-resolve/run.ts). */
  tableProjects: readonly ProjectOut[];
}

export type DeriveReply = { ok: true; unit: DerivedUnit } | { ok: false; error: string };

const WORKER_SCRIPT = path.join(__dirname, 'derive-worker.js');

/**
 * Derives units one at a time in one worker thread, started on the first unit and ended by `close` (the dependent's
 * own work starts after, with the worker's memory returned). Its table is built once for every unit it derives.
 * When the worker cannot be had, or fails, units are derived in this thread with `inProcessTable`.
 */
export class UnitDeriver {
  private worker: Worker | undefined;
  private broken = false;
  private table: Symbols | undefined;

  constructor(
    private readonly root: string,
    private readonly project: ProjectOut,
    private readonly inProcessTable: () => Symbols,
    private readonly init: DeriveWorkerInit | undefined,
    /** The worker's entry script (tests give one that fails). */
    private readonly script = WORKER_SCRIPT,
  ) {}

  async derive(unit: UnitInput): Promise<DerivedUnit> {
    if (this.init && !this.broken) {
      try {
        return { ...(await this.inWorker(unit)), inWorker: true };
      } catch {
        // The worker could not start or died (out of memory, a crash): from here on, in this thread.
        this.broken = true;
        await this.close();
      }
    }
    this.table ??= this.inProcessTable();
    return deriveUnit(this.root, this.project, unit, this.table);
  }

  /** Ends the worker (its heap goes with it). A later `derive` starts another. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private inWorker(unit: UnitInput): Promise<DerivedUnit> {
    if (!this.worker) {
      // Run from the sources (ts tests): no compiled worker beside this module.
      if (!fs.existsSync(this.script)) throw new Error(`codegraph: no ${this.script}`);
      const started = new Worker(this.script, { workerData: this.init });
      // Between units nobody listens: a worker that dies then is forgotten (the next unit starts another), and its
      // error is not an unhandled 'error' event.
      started.on('error', () => undefined);
      started.on('exit', () => {
        if (this.worker === started) this.worker = undefined;
      });
      this.worker = started;
    }
    const w = this.worker;
    return new Promise<DerivedUnit>((resolve, reject) => {
      const done = () => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        // Idle between units: it must not keep the process alive if the caller stops without closing it.
        w.unref();
      };
      const onMessage = (m: DeriveReply) => {
        done();
        if (m.ok) resolve(m.unit);
        else reject(new Error(m.error));
      };
      const onError = (err: Error) => {
        done();
        reject(err);
      };
      const onExit = (code: number) => {
        done();
        reject(new Error(`codegraph: the unit deriver exited (${code})`));
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.ref();
      w.postMessage(unit);
    });
  }
}
