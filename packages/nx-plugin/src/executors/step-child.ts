/**
 * The child process a batch forks to run one memory-heavy step (see ./step-process.ts): it may first be told which
 * step to load while it waits, then receives the step, its options and the Nx context over IPC, runs the step as the
 * batch would in-process, reports success (or the error) and exits, so the operating system takes back everything
 * the step allocated. Its console output goes to its stdout/stderr, which the batch reads into the task's terminal
 * output.
 */
import { errorText } from './error-text';
import { loadStep, runStep } from './steps';
import type { ChildMessage, StepReply, StepRequest } from './step-process';

function reply(message: StepReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Waits until what was written to stdout and stderr has reached the pipes (the batch reads them as the task's log). */
function flushStdio(): Promise<void> {
  const flush = (s: NodeJS.WriteStream) => new Promise<void>((resolve) => s.write('', () => resolve()));
  return Promise.all([flush(process.stdout), flush(process.stderr)]).then(() => undefined);
}

// The batch went away (killed, crashed): nothing would read the result, so stop as soon as the event loop turns.
process.on('disconnect', () => process.exit(1));

async function run(request: StepRequest): Promise<void> {
  let message: Omit<StepReply, 'maxRssKb'>;
  try {
    const { success } = await runStep(request.step, request.options, request.context);
    message = { success };
  } catch (e) {
    message = { success: false, error: errorText(e) };
  }
  const maxRssKb = process.resourceUsage().maxRSS;
  await flushStdio();
  await reply({ ...message, maxRssKb });
  // Pools or timers a step left open must not keep the process (and its memory) alive.
  process.exit(0);
}

process.on('message', (message: ChildMessage) => {
  if (message.type === 'run') void run(message);
  // Loaded ahead of the task; a failure to load shows when the task runs the step.
  else if (message.type === 'preload') loadStep(message.step).catch(() => undefined);
});
