/**
 * Nx batch implementation (`batchImplementation` in executors.json) of every codegraph executor: Nx hands one
 * process a task graph — with the single `@codegraph/nx:layer` executor, a whole run — instead of forking one
 * process per task (~0.5 s each: Nx's bootstrap plus loading the engine).
 *
 * Nx still owns hashing, cache look-ups and cache writes per task; this only runs the tasks it could not restore,
 * in dependency order, one at a time (L1 already uses every core through its worker pool), and reports each one as
 * it finishes with its own terminal output, so per-task logs and cached output replay look as in a forked run.
 * A failed task fails alone; the tasks depending on it are reported as skipped.
 *
 * The memory-heavy steps run in a child process each (./step-process.ts), so the batch process never holds their
 * heap: without that its peak was the largest step's plus what earlier steps left in V8's heap. Which ones: a task's
 * `inChildProcess` option when set, else the steps in CHILD_PROCESS_STEPS.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { format } from 'node:util';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { l5ManifestPath } from '@codegraph/engine';
import { projectPaths } from './context';
import { errorText } from './error-text';
import { StepChild } from './step-process';
import { runStep, stepOf, type StepName } from './steps';

/** One task's result as a batch reports it (Nx's `BatchExecutorTaskResult`, which @nx/devkit does not export). */
export interface BatchTaskResult {
  task: string;
  result: { success: boolean; status?: 'success' | 'failure' | 'skipped'; terminalOutput: string; startTime?: number; endTime?: number };
}

type Edge = string | { id: string };
const edgeId = (e: Edge): string => (typeof e === 'string' ? e : e.id); // Nx ≤ 23 used plain ids

/** The batch's tasks, dependencies first (ties in task-id order, so a run's log is stable). */
export function dependencyOrder(graph: Pick<TaskGraph, 'tasks' | 'dependencies'>): string[] {
  const ids = Object.keys(graph.tasks).sort();
  const inBatch = (id: string) => id in graph.tasks;
  const depsOf = (id: string) => ((graph.dependencies[id] ?? []) as Edge[]).map(edgeId).filter(inBatch);
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`codegraph: the batch's task graph has a cycle through ${id}`);
    state.set(id, 'visiting');
    for (const d of depsOf(id).sort()) visit(d);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of ids) visit(id);
  return order;
}

/** Which task's output buffer a write belongs to, across the awaits inside that task. */
const currentOutput = new AsyncLocalStorage<string[]>();
let captureDepth = 0;
let restore: (() => void) | undefined;

/** Routes output written inside a task (console, stdout, stderr) into that task's buffer; other output goes through. */
function startCapture(): void {
  if (captureDepth++ > 0) return;
  const wrap = (stream: NodeJS.WriteStream) => {
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const buffer = currentOutput.getStore();
      if (!buffer) return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined;
      buffer.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(encoding ?? 'utf8'));
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      if (callback) process.nextTick(callback);
      return true;
    } as NodeJS.WriteStream['write'];
    return () => {
      stream.write = original;
    };
  };
  // console too: it is not always bound to these streams (test runners replace it).
  const wrapConsole = (method: 'log' | 'info' | 'warn' | 'error' | 'debug') => {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      const buffer = currentOutput.getStore();
      if (buffer) buffer.push(format(...args) + '\n');
      else original.apply(console, args);
    };
    return () => {
      console[method] = original;
    };
  };
  const undo = [wrap(process.stdout), wrap(process.stderr), ...(['log', 'info', 'warn', 'error', 'debug'] as const).map(wrapConsole)];
  restore = () => undo.forEach((u) => u());
}

function stopCapture(): void {
  if (--captureDepth === 0) restore?.();
}

/**
 * The steps a batch runs in a child process unless a task's `inChildProcess` option says otherwise: those whose peak
 * nears or passes 1 GB on their own at the scale bench (stdlib + django + sympy) and that cost nothing measurable in
 * a child — L4's value-flow fixpoint (sympy 1.07–1.1 GiB; django's, which solves the stdlib's summaries, 0.82–0.98)
 * and L7's index build (sympy 0.65–1.2 GiB). In the batch each would add what the batch already holds (0.2–0.6 GiB
 * after a few steps). L1 (sympy 0.73–0.81 GiB, its workers' heaps) and the light steps stay in the batch.
 */
export const CHILD_PROCESS_STEPS: ReadonlySet<StepName> = new Set<StepName>(['l4', 'l7']);

/**
 * The steps that run in a child only when they start from nothing (no manifest of a previous run): L5, whose cold run
 * peaks as high (sympy 0.91–1.18 GiB: its two worker threads' heaps) but whose incremental run is small and, in a
 * fresh process, pays the parser's start (django after a one-line edit: 0.92 s in a child against 0.17 s in the
 * batch). Nor when its project's L1 runs earlier in the same batch with `shareParse` on: L5's cold run then only
 * packs the records L1 staged (layers/l5-flow/staged.ts), and its workers start only for files L1 could not stage.
 */
const CHILD_PROCESS_WHEN_COLD: ReadonlyMap<StepName, (outDir: string) => string> = new Map([['l5', l5ManifestPath]]);

/**
 * How many child processes a batch keeps started ahead of the tasks that will use them. One: a project's L4 and L7
 * are seconds apart at least, and each process loading the engine takes a core from the tasks running (two ahead
 * made the first task of an edit run 2.8× slower).
 */
const CHILDREN_AHEAD = 1;

/** Whether a task's step runs in a child process; `outDir` is its project's output folder (for the steps that look). */
export function runsInChildProcess(step: StepName, options: { inChildProcess?: unknown }, outDir?: string): boolean {
  if (typeof options.inChildProcess === 'boolean') return options.inChildProcess;
  if (CHILD_PROCESS_STEPS.has(step)) return true;
  const previousRun = CHILD_PROCESS_WHEN_COLD.get(step);
  return previousRun !== undefined && outDir !== undefined && !existsSync(previousRun(outDir));
}

/** The step a task runs, or undefined when it names none (it fails when it runs). */
function stepOfTask(options: Record<string, unknown>, context: ExecutorContext): StepName | undefined {
  try {
    return stepOf(options, context);
  } catch {
    return undefined;
  }
}

/** The step a task runs in a child process, or undefined when it runs in the batch (or names no step: it fails there). */
function childStepOf(step: StepName | undefined, options: Record<string, unknown>, context: ExecutorContext, stagedByL1: ReadonlySet<string>): StepName | undefined {
  if (step === undefined) return undefined;
  if (step === 'l5' && options.inChildProcess === undefined && stagedByL1.has(context.projectName ?? '')) return undefined;
  try {
    const outDir = CHILD_PROCESS_WHEN_COLD.has(step) ? projectPaths(options, context).outDir : undefined;
    return runsInChildProcess(step, options, outDir) ? step : undefined;
  } catch {
    return undefined;
  }
}

/**
 * With `CODEGRAPH_BATCH_MEMORY_LOG=<file>`, one line per task is appended to that file: the batch process's peak
 * during the task (Linux: VmHWM, reset before each task), what it still holds after it (RSS, V8 heap, external) —
 * what a task leaves behind for the next ones — and, for a task run in a child process, the child's peak.
 */
const memoryLog = process.env.CODEGRAPH_BATCH_MEMORY_LOG;

function resetPeak(): void {
  if (!memoryLog) return;
  try {
    writeFileSync('/proc/self/clear_refs', '5'); // Linux ≥ 4.0: VmHWM starts again from the current RSS
  } catch {
    /* not Linux: the line shows the peak so far */
  }
}

function logMemory(task: string, startTime: number, childMaxRssKb: number | undefined): void {
  if (!memoryLog) return;
  const mib = (n: number) => Math.round(n / 1048576);
  let peakMib = Math.round(process.resourceUsage().maxRSS / 1024);
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) peakMib = Math.round(Number(hwm[1]) / 1024);
  } catch {
    /* not Linux */
  }
  const m = process.memoryUsage();
  const child = childMaxRssKb === undefined ? '' : `\tchild peak ${Math.round(childMaxRssKb / 1024)} MiB`;
  const line = `${task}\t${Date.now() - startTime} ms\tpeak ${peakMib} MiB\trss ${mib(m.rss)}\theapUsed ${mib(m.heapUsed)}\theapTotal ${mib(m.heapTotal)}\texternal ${mib(m.external)}${child}\n`;
  try {
    appendFileSync(memoryLog, line);
  } catch {
    /* a debugging aid: never fails a task */
  }
}

async function* runTasks(
  graph: TaskGraph,
  options: Record<string, Record<string, unknown>>,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskResult> {
  const failed = new Set<string>();
  const order = dependencyOrder(graph);
  const contextOf = (id: string): ExecutorContext => {
    const { target } = graph.tasks[id]!;
    return { ...context, projectName: target.project, targetName: target.target, configurationName: target.configuration };
  };
  const steps = order.map((id) => stepOfTask(options[id] ?? {}, contextOf(id)));
  const stagedByL1 = new Set(order.filter((id, i) => steps[i] === 'l1' && options[id]?.shareParse !== false).map((id) => graph.tasks[id]!.target.project));
  const childSteps = order.map((id, i) => childStepOf(steps[i], options[id] ?? {}, contextOf(id), stagedByL1));
  // The processes of the next tasks that run in a child, started ahead so they load their step while the tasks
  // before them run.
  const ahead = childSteps.filter((step): step is StepName => step !== undefined);
  const spares: StepChild[] = [];
  let started = 0;
  const startSpares = (used: number) => {
    for (; started < ahead.length && started < used + CHILDREN_AHEAD; started++) spares.push(new StepChild(ahead[started]));
  };
  let used = 0;
  startSpares(used);
  startCapture();
  try {
    for (const [i, id] of order.entries()) {
      const deps = ((graph.dependencies[id] ?? []) as Edge[]).map(edgeId);
      if (deps.some((d) => failed.has(d))) {
        failed.add(id);
        yield { task: id, result: { success: false, status: 'skipped', terminalOutput: '' } };
        continue;
      }
      const taskContext = contextOf(id);
      const taskOptions = options[id] ?? {};
      const output: string[] = [];
      const startTime = Date.now();
      let success: boolean;
      let childMaxRssKb: number | undefined;
      resetPeak();
      const childStep = childSteps[i];
      if (childStep) {
        const spare = spares.shift();
        const child = spare?.usable ? spare : new StepChild();
        if (child !== spare) spare?.kill();
        startSpares(++used);
        ({ success, childMaxRssKb } = await child.run({ step: childStep, options: taskOptions, context: taskContext }, output));
      } else {
        try {
          success = (await currentOutput.run(output, () => runStep(stepOf(taskOptions, taskContext), taskOptions, taskContext))).success;
        } catch (e) {
          output.push(`${errorText(e)}\n`);
          success = false;
        }
      }
      if (!success) failed.add(id);
      logMemory(id, startTime, childMaxRssKb);
      yield {
        task: id,
        result: { success, status: success ? 'success' : 'failure', terminalOutput: output.join(''), startTime, endTime: Date.now() },
      };
    }
  } finally {
    for (const spare of spares) spare.kill(); // their tasks were skipped
    stopCapture();
  }
}

export default async function batchExecutor(
  taskGraph: TaskGraph,
  options: Record<string, Record<string, unknown>>,
  _overrides: unknown,
  context: ExecutorContext,
): Promise<AsyncIterableIterator<BatchTaskResult>> {
  return runTasks(taskGraph, options, context);
}
