/**
 * A step run in a child process of the batch (dist/executors/step-process): a child that dies before it reports
 * fails its task with a message saying how, and an interrupt of the batch stops the child. Real child processes
 * running the engine's L0 on a real Python file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, type ChildProcess } from 'node:child_process';
import type { ExecutorContext } from '@nx/devkit';
import { runStepInChild, StepChild } from '../dist/executors/step-process';

describe('a step in a child process', () => {
  let root: string;
  let context: ExecutorContext;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-step-child-'));
    fs.mkdirSync(path.join(root, 'p', 'pkg'), { recursive: true });
    fs.writeFileSync(path.join(root, 'p', 'pyproject.toml'), '[project]\nname = "p"\nversion = "1"\n');
    fs.writeFileSync(path.join(root, 'p', 'pkg', '__init__.py'), 'def f():\n    return 1\n');
    context = {
      root,
      cwd: root,
      isVerbose: false,
      projectName: 'p',
      targetName: 'l0',
      projectsConfigurations: { version: 2, projects: { p: { root: 'p', targets: {} } } },
    } as unknown as ExecutorContext;
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

  it('runs the step and returns its output', async () => {
    const output: string[] = [];
    let child: ChildProcess | undefined;
    const r = await runStepInChild({ step: 'l0', options: {}, context }, output, (c) => (child = c));
    expect(r.success).toBe(true);
    expect(child!.pid).not.toBe(process.pid);
    expect(output.join('')).toMatch(/^codegraph l0 p: 1 files, 1 hashed/);
    // The child is gone once its task is reported: the memory it held is back with the system.
    expect(child!.exitCode).toBe(0);
  });

  it('a child started ahead of its task (loading the step meanwhile) runs it; an unused one can be stopped', async () => {
    const ahead = new StepChild('l0');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ahead.usable).toBe(true);
    const output: string[] = [];
    const r = await ahead.run({ step: 'l0', options: {}, context }, output);
    expect(r.success).toBe(true);
    expect(output.join('')).toMatch(/^codegraph l0 p: 1 files/);
    expect(r.childMaxRssKb).toBeGreaterThan(0);

    const unused = new StepChild('l4');
    unused.kill();
    const deadOutput: string[] = [];
    const dead = await unused.run({ step: 'l4', options: {}, context }, deadOutput);
    expect(dead.success).toBe(false);
    expect(deadOutput.join('')).toMatch(/the l4 step of p ran in a child process that was killed by SIGKILL/);
    expect(unused.usable).toBe(false);
  });

  it('a child killed before it reports (as the OOM killer does) fails its task with a message', async () => {
    const output: string[] = [];
    const r = await runStepInChild({ step: 'l0', options: {}, context }, output, (c) => c.kill('SIGKILL'));
    expect(r.success).toBe(false);
    expect(output.join('')).toMatch(/the l0 step of p ran in a child process that was killed by SIGKILL before it finished \(the system may have run out of memory\)/);
  });

  it('a child whose JavaScript heap runs out fails its task with a message saying so', () => {
    // A real V8 out-of-memory: a batch (a plain Node process here: jest's workers do not pass env changes on to the
    // processes they fork) whose children inherit a heap far too small for the engine.
    const script = `
      process.env.NODE_OPTIONS = '--max-old-space-size=1';
      const { runStepInChild } = require(${JSON.stringify(path.join(__dirname, '../dist/executors/step-process'))});
      const output = [];
      runStepInChild({ step: 'l0', options: {}, context: ${JSON.stringify(context)} }, output)
        .then((r) => process.stdout.write(JSON.stringify({ ...r, output: output.join('') })));`;
    const r = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(r.success).toBe(false);
    expect(r.output).toMatch(/the l0 step of p ran in a child process that (was killed by SIG[A-Z]+|exited with code \d+) before it finished: its JavaScript heap ran out of memory/);
  });

  it('an interrupt of the batch is passed on to the child', async () => {
    // Someone else also listens to SIGTERM here (as jest's worker might), so the batch itself does not die of it.
    const keepAlive = () => undefined;
    process.on('SIGTERM', keepAlive);
    try {
      const output: string[] = [];
      let child: ChildProcess | undefined;
      const r = await runStepInChild({ step: 'l0', options: {}, context }, output, (c) => {
        child = c;
        process.emit('SIGTERM', 'SIGTERM');
      });
      await exited(child!);
      expect(child!.signalCode).toBe('SIGTERM');
      expect(r.success).toBe(false);
      expect(output.join('')).toMatch(/was killed by SIGTERM before it finished/);
      // The forwarding is undone once the child is gone.
      expect(process.listeners('SIGTERM')).toEqual([keepAlive]);
    } finally {
      process.off('SIGTERM', keepAlive);
    }
  });

  it('a step that throws in the child fails with its message', async () => {
    const output: string[] = [];
    const r = await runStepInChild({ step: 'l0', options: {}, context: { ...context, projectName: 'nope' } }, output);
    expect(r.success).toBe(false);
    expect(output.join('')).toMatch(/executor must run for a project/);
  });
});
