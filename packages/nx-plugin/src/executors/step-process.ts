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
  const heap = /heap out of memory|Reached heap limit/i.test(log);
  const why = heap ? ': its JavaScript heap ran out of memory' : signal === 'SIGKILL' ? ' (the system may have run out of memory)' : '';
  return `codegraph: the ${step} step of ${project ?? 'the project'} ran in a child process that ${how} before it finished${why}`;
}

/**
 * Runs `step` in a child process; everything the child writes is appended to `output`. Resolves with the step's
 * success — false, with a message in `output`, when the step threw or the child died. `onChild` sees the child
 * process once it is started.
 */
export function runStepInChild(
  request: StepRequest,
  output: string[],
  onChild?: (child: ChildProcess) => void,
): Promise<{ success: boolean }> {
  return new Promise((resolve) => {
    const child = fork(CHILD_SCRIPT, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // The project graph holds Maps in some Nx versions; the structured clone carries them, JSON would not.
      serialization: 'advanced',
    });
    let reply: StepReply | undefined;
    let settled = false;
    const collect = (chunk: Buffer) => output.push(chunk.toString('utf8'));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('message', (m: StepReply) => (reply = m));

    // An interrupt of the batch stops the step too (Nx kills the batch's process tree; this covers a signal sent to
    // the batch alone). When no one else handles the signal, the batch then dies of it as it would have.
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
      unhook();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    const killOnExit = () => child.kill('SIGKILL');
    const handlers = FORWARDED_SIGNALS.map((s) => [s, () => forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    process.on('exit', killOnExit);
    const unhook = () => {
      for (const [s, h] of handlers) process.off(s, h);
      process.off('exit', killOnExit);
    };

    const finish = (success: boolean, message?: string) => {
      if (settled) return;
      settled = true;
      unhook();
      if (message) output.push(`${message}\n`);
      resolve({ success });
    };
    // 'close' comes after the exit and after both pipes are drained: the task's output is complete.
    child.on('close', (code, signal) => {
      if (reply) finish(reply.success, reply.error);
      else finish(false, deathMessage(request.step, request.context.projectName, code, signal, output.join('')));
    });
    child.on('error', (e) => {
      // Could not be started (or signalled): no 'close' follows a failed spawn.
      if (child.pid === undefined) finish(false, `codegraph: could not start a child process for the ${request.step} step: ${e.message}`);
    });
    if (child.pid === undefined) return;
    try {
      child.send({ ...request, context: contextForChild(request.context) } satisfies StepRequest);
    } catch (e) {
      // Options or context that cannot be cloned: nothing ran.
      child.kill('SIGKILL');
      finish(false, `codegraph: could not hand the ${request.step} step to its child process: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    onChild?.(child);
  });
}
