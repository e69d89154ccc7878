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
import { appendFileSync } from 'node:fs';
import { format } from 'node:util';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { errorText } from './error-text';
import { runStepInChild } from './step-process';
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
 * The steps a batch runs in a child process unless a task's `inChildProcess` option says otherwise: L4, whose
 * value-flow fixpoint is the largest heap of a run (sympy's, ~1 GB), while the rest of a run stays small.
 */
export const CHILD_PROCESS_STEPS: ReadonlySet<StepName> = new Set<StepName>(['l4']);

export function runsInChildProcess(step: StepName, options: { inChildProcess?: unknown }): boolean {
  return typeof options.inChildProcess === 'boolean' ? options.inChildProcess : CHILD_PROCESS_STEPS.has(step);
}

/** One task's step, in this process or in a child; throws what the step throws (in-process). */
async function runTask(options: Record<string, unknown>, context: ExecutorContext, output: string[]): Promise<{ success: boolean }> {
  const step = stepOf(options, context);
  if (runsInChildProcess(step, options)) return runStepInChild({ step, options, context }, output);
  return currentOutput.run(output, () => runStep(step, options, context));
}

/**
 * With `CODEGRAPH_BATCH_MEMORY_LOG=<file>`, one line per task is appended to that file: what the batch process holds
 * after the task (RSS, V8 heap, external) and its peak so far — to see what a task leaves behind for the next ones.
 */
function logMemory(task: string, startTime: number): void {
  const file = process.env.CODEGRAPH_BATCH_MEMORY_LOG;
  if (!file) return;
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round(n / 1048576);
  const line = `${task}\t${Date.now() - startTime} ms\trss ${mib(m.rss)}\theapUsed ${mib(m.heapUsed)}\theapTotal ${mib(m.heapTotal)}\texternal ${mib(m.external)}\tarrayBuffers ${mib(m.arrayBuffers)}\tmaxRss ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`;
  try {
    appendFileSync(file, line);
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
  startCapture();
  try {
    for (const id of dependencyOrder(graph)) {
      const task = graph.tasks[id]!;
      const deps = ((graph.dependencies[id] ?? []) as Edge[]).map(edgeId);
      if (deps.some((d) => failed.has(d))) {
        failed.add(id);
        yield { task: id, result: { success: false, status: 'skipped', terminalOutput: '' } };
        continue;
      }
      const taskContext: ExecutorContext = {
        ...context,
        projectName: task.target.project,
        targetName: task.target.target,
        configurationName: task.target.configuration,
      };
      const output: string[] = [];
      const startTime = Date.now();
      let success: boolean;
      try {
        const taskOptions = options[id] ?? {};
        success = (await runTask(taskOptions, taskContext, output)).success;
      } catch (e) {
        output.push(`${errorText(e)}\n`);
        success = false;
      }
      if (!success) failed.add(id);
      logMemory(id, startTime);
      yield {
        task: id,
        result: { success, status: success ? 'success' : 'failure', terminalOutput: output.join(''), startTime, endTime: Date.now() },
      };
    }
  } finally {
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
