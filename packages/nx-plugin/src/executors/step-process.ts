/**
 * Runs one step of a batch in a child process (./step-child.ts) instead of the batch process itself.
 *
 * Why: Nx runs a whole codegraph run in one batch process, and V8 gives little of a heap back once it has grown —
 * so the batch's peak is the largest step's peak plus whatever the steps before it left in the heap. A step run in a
 * child holds its memory only in the child, and the operating system takes all of it back when the child exits. The
 * cost is one Node start plus loading the engine (~0.3–0.5 s), so only the steps that need it go there (see
 * `inChildProcess` in ./batch.ts).
 *
 * The child's stdout and stderr become the task's terminal output, in the order they arrive. A child that dies before
 * reporting (out of memory, killed) fails its task with a message saying so; an interrupt of the batch (SIGINT,
 * SIGTERM, SIGHUP) or its exit stops the child too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { StepName } from './steps';

/** What the batch sends the child. */
export interface StepRequest {
  step: StepName;
  options: object;
  context: ExecutorContext;
}

/** What the child answers once its step is over. */
export interface StepReply {
  success: boolean;
  /** The error the step threw, as its task log shows it. */
  error?: string;
  /** The child's peak resident memory (getrusage), in KiB. */
  maxRssKb: number;
}

const CHILD_SCRIPT = path.join(__dirname, 'step-child.js');
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The part of Nx's context the steps read (paths, project configurations, the project graph), without the task
 * graph of the whole run, which no step needs and which only adds to what crosses the IPC channel.
 */
function contextForChild(context: ExecutorContext): ExecutorContext {
  const { root, cwd, isVerbose, projectName, targetName, configurationName, projectsConfigurations, nxJsonConfiguration, projectGraph } = context;
  return { root, cwd, isVerbose, projectName, targetName, configurationName, projectsConfigurations, nxJsonConfiguration, projectGraph };
}

function deathMessage(step: StepName, project: string | undefined, code: number | null, signal: NodeJS.Signals | null, log: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const heap = /heap out of memory|Reached heap limit|javascript OOM/i.test(log); // V8's fatal messages
  const why = heap ? ': its JavaScript heap ran out of memory' : signal === 'SIGKILL' ? ' (the system may have run out of memory)' : '';
  return `codegraph: the ${step} step of ${project ?? 'the project'} ran in a child process that ${how} before it finished${why}`;
}

/** What the batch sends the child: the step to load while it waits for its task, then the task. */
export type ChildMessage = { type: 'preload'; step: StepName } | ({ type: 'run' } & StepRequest);

/**
 * One child process for one step, started ahead of its task when the batch knows one will come (`preload`): it then
 * loads the step's modules and the engine (most of a child's start-up, ~0.3–0.5 s) while the batch runs the tasks
 * before it, on the core they leave free.
 */
export class StepChild {
  private readonly child: ChildProcess;
  private readonly chunks: string[] = [];
  private reply: StepReply | undefined;
  private closed: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly closeWaiters: (() => void)[] = [];
  private startError: Error | undefined;
  private readonly killOnExit = () => this.child.kill('SIGKILL');

  constructor(preload?: StepName) {
    this.child = fork(CHILD_SCRIPT, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // The project graph holds Maps in some Nx versions; the structured clone carries them, JSON would not.
      serialization: 'advanced',
    });
    const collect = (chunk: Buffer) => this.chunks.push(chunk.toString('utf8'));
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.child.on('message', (m: StepReply) => (this.reply = m));
    // 'close' comes after the exit and after both pipes are drained: the task's output is complete.
    this.child.on('close', (code, signal) => this.settle({ code, signal }));
    // Could not be started: no 'close' follows a failed spawn.
    this.child.on('error', (e) => {
      if (this.child.pid !== undefined) return;
      this.startError = e;
      this.settle({ code: null, signal: null });
    });
    // The batch's exit (even a crash) takes the child with it.
    process.on('exit', this.killOnExit);
    if (preload && this.child.pid !== undefined) this.child.send({ type: 'preload', step: preload } satisfies ChildMessage, () => undefined);
  }

  private settle(closed: { code: number | null; signal: NodeJS.Signals | null }): void {
    if (this.closed) return;
    this.closed = closed;
    process.off('exit', this.killOnExit);
    for (const w of this.closeWaiters.splice(0)) w();
  }

  private whenClosed(): Promise<void> {
    return this.closed ? Promise.resolve() : new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  /** Whether the child can still take a task (a spare that died while it waited cannot). */
  get usable(): boolean {
    return !this.closed && this.child.connected;
  }

  /** Stops a child that will not be used. */
  kill(): void {
    if (!this.closed) this.child.kill('SIGKILL');
  }

  /**
   * Runs the task's step in this child; everything the child writes is appended to `output`. Resolves with the
   * step's success — false, with a message in `output`, when the step threw or the child died. `onChild` sees the
   * child process once the task is handed to it.
   */
  async run(request: StepRequest, output: string[], onChild?: (child: ChildProcess) => void): Promise<{ success: boolean; childMaxRssKb?: number }> {
    const child = this.child;
    // An interrupt of the batch stops the step too (Nx kills the batch's process tree; this covers a signal sent to
    // the batch alone). When no one else handles the signal, the batch then dies of it as it would have.
    const handlers = FORWARDED_SIGNALS.map(
      (signal) =>
        [
          signal,
          () => {
            child.kill(signal);
            unhook();
            if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
          },
        ] as const,
    );
    const unhook = () => {
      for (const [s, h] of handlers) process.off(s, h);
    };
    for (const [s, h] of handlers) process.on(s, h);
    try {
      let handOver: string | undefined;
      if (!this.closed) {
        try {
          child.send({ type: 'run', ...request, context: contextForChild(request.context) } satisfies ChildMessage);
          onChild?.(child);
        } catch (e) {
          // Options or context that cannot be cloned: nothing ran.
          handOver = `codegraph: could not hand the ${request.step} step to its child process: ${e instanceof Error ? e.message : String(e)}`;
          child.kill('SIGKILL');
        }
      }
      await this.whenClosed();
      output.push(...this.chunks);
      const reply = this.reply;
      const message = this.startError
        ? `codegraph: could not start a child process for the ${request.step} step: ${this.startError.message}`
        : (handOver ?? (reply ? reply.error : deathMessage(request.step, request.context.projectName, this.closed!.code, this.closed!.signal, this.chunks.join(''))));
      if (message) output.push(`${message}\n`);
      return { success: !handOver && !this.startError && (reply?.success ?? false), childMaxRssKb: reply?.maxRssKb };
    } finally {
      unhook();
    }
  }
}

/** Runs one task's step in a child process of its own, started now (see StepChild.run). */
export function runStepInChild(request: StepRequest, output: string[], onChild?: (child: ChildProcess) => void): Promise<{ success: boolean; childMaxRssKb?: number }> {
  return new StepChild().run(request, output, onChild);
}
