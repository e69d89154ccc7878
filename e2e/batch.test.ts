/**
 * Batch execution through the real `nx` CLI: with no flag, Nx runs a whole codegraph run in one process (the
 * executors' `batchImplementation` + `preferBatch`), and every task keeps its own result, log and cache entry — a
 * failing task fails alone, its dependents are not run, the rest succeed and are cached; the same holds for the
 * tasks the batch runs in child processes of their own (L4, L7). `--batch=false` (one process per task) produces the
 * same index.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_TASKS, codegraph, nxEnv, nxBin, ran, setup, tasks } from './support';
import { spawnSync } from 'node:child_process';

/** Each task's section of an `--output-style=static` log: the lines after its `nx run` header. */
function sections(output: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | undefined;
  for (const line of output.split('\n')) {
    const header = /nx run (\S+:\S+)/.exec(line);
    if (header) {
      current = header[1]!;
      out.set(current, '');
    } else if (/^\s*NX\s/.test(line)) current = undefined;
    else if (current) out.set(current, out.get(current)! + line + '\n');
  }
  return out;
}

/** `nx` with its exit status (the failing run must not throw). */
function nxStatus(ws: string, env: NodeJS.ProcessEnv, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(nxBin, args, { cwd: ws, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('batch execution', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    ({ ws, env } = setup());
  });

  afterAll(() => fs.rmSync(path.dirname(ws), { recursive: true, force: true }));

  it('runs every task of a run in one process without --batch, each task with its own log', () => {
    const { status, output } = nxStatus(ws, env, ['run', 'repo:codegraph-index', '--output-style=static']);
    expect(status).toBe(0);
    expect(output).toContain(`Running ${ALL_TASKS} tasks with @codegraph/nx:layer`);
    const bySection = sections(output);
    expect(bySection.size).toBe(ALL_TASKS);
    // Each layer's log line sits under its own task, and only there.
    for (const [task, text] of bySection) {
      const [project, target] = task.split(':') as [string, string];
      const layer = target.replace('codegraph-', '');
      if (/^l\d$/.test(layer)) {
        expect(text).toMatch(new RegExp(`^codegraph ${layer} ${project}: `, 'm'));
        expect(text.match(/^codegraph l\d /gm)).toHaveLength(1);
      } else expect(text).toMatch(new RegExp(`^codegraph: ${project} — `, 'm'));
    }
    // Replayed from the cache, every task shows the same log.
    const replay = nxStatus(ws, env, ['run', 'repo:codegraph-index', '--output-style=static']);
    expect(tasks(replay.output).every((t) => t.cached)).toBe(true);
    const replayed = sections(replay.output);
    for (const [task, text] of bySection) expect(replayed.get(task)!.trim()).toBe(text.trim());
  });

  it('a failing task fails alone: its dependents do not run, the other tasks succeed and are cached', () => {
    // payments' output directory replaced by a file: its L0 cannot write (a real ENOTDIR from the engine).
    const blocked = path.join(ws, '.codegraph/projects/libs/payments');
    fs.rmSync(blocked, { recursive: true, force: true });
    fs.writeFileSync(blocked, 'not a directory\n');
    fs.appendFileSync(path.join(ws, 'libs/payments/src/payments/errors.py'), '\n\nclass RefundError(PaymentError):\n    pass\n');
    fs.appendFileSync(path.join(ws, 'libs/core/core/money.py'), '\n\ndef cents(m: Money) -> int:\n    return m.cents\n');
    const failed = nxStatus(ws, env, ['run', 'repo:codegraph-index', '--output-style=static']);
    expect(failed.status).not.toBe(0);
    expect(sections(failed.output).get('shop-payments:codegraph-l0')).toMatch(/ENOTDIR/);
    expect(failed.output).toMatch(/Failed tasks:\s+- shop-payments:codegraph-l0\s/);
    // Ran and succeeded: core's layers that do not wait on payments' L1.
    const succeeded = ran(failed.output).filter((t) => t !== 'shop-payments:codegraph-l0');
    expect(succeeded).toEqual(['shop-core:codegraph-l0', 'shop-core:codegraph-l1', 'shop-core:codegraph-l2', 'shop-core:codegraph-l5', 'shop-core:codegraph-l9']);
    expect(failed.output).toMatch(/Tasks not run because their dependencies failed[^]*- shop-payments:codegraph-l1/);

    fs.rmSync(blocked);
    const fixed = nxStatus(ws, env, ['run', 'repo:codegraph-index']);
    expect(fixed.status).toBe(0);
    // What succeeded inside the failed batch was cached per task.
    const cached = new Set(tasks(fixed.output).filter((t) => t.cached).map((t) => t.task));
    for (const t of succeeded) expect(cached).toContain(t);
    expect(fixed.output).toMatch(/codegraph: repo — 3 projects, 10 files/);
  });

  it('a task run in a child process (L4, L7) reports its own log; its failure fails it alone and skips its dependents', () => {
    // core's L4 output directory replaced by a file: its L4 — run in a child process of the batch — cannot write
    // (the engine's real ENOTDIR); an edit of core makes every project's L4 run again.
    const blocked = path.join(ws, '.codegraph/projects/libs/core/l4');
    fs.rmSync(blocked, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(blocked), { recursive: true });
    fs.writeFileSync(blocked, 'not a directory\n');
    const money = path.join(ws, 'libs/core/core/money.py');
    const before = fs.readFileSync(money, 'utf8');
    fs.appendFileSync(money, '\n\ndef dollars(m: Money) -> int:\n    return m.cents // 100\n');
    try {
      // The batch's memory log tells which tasks ran in a child process (they have the child's peak).
      const memoryLog = path.join(path.dirname(ws), 'batch-memory.log');
      // L5 runs in a child only when it starts from nothing.
      const l5Before = fs.existsSync(path.join(ws, '.codegraph/projects/libs/core/l5/manifest.json'));
      const failed = nxStatus(ws, { ...env, CODEGRAPH_BATCH_MEMORY_LOG: memoryLog }, ['run', 'repo:codegraph-index', '--output-style=static']);
      expect(failed.status).not.toBe(0);
      const inChild = new Map(fs.readFileSync(memoryLog, 'utf8').trim().split('\n').map((l) => [l.split('\t')[0]!, /\tchild peak \d+ MiB/.test(l)]));
      expect(inChild.get('shop-core:codegraph-l4')).toBe(true);
      expect(inChild.get('shop-core:codegraph-l5')).toBe(!l5Before);
      expect(inChild.get('shop-core:codegraph-l1')).toBe(false);
      expect(inChild.get('shop-payments:codegraph-l7')).toBe(true);
      const bySection = sections(failed.output);
      expect(bySection.get('shop-core:codegraph-l4')).toMatch(/ENOTDIR/);
      expect(failed.output).toMatch(/Failed tasks:\s+- shop-core:codegraph-l4\s/);
      expect(failed.output).toMatch(/Tasks not run because their dependencies failed[^]*- shop-core:codegraph-l7/);
      // The other projects' L4 and L7 ran in children too, each with its own log line.
      const executed = ran(failed.output);
      for (const t of ['shop-payments:codegraph-l4', 'shop-api:codegraph-l4', 'shop-payments:codegraph-l7']) {
        expect(executed).toContain(t);
        const [project, target] = t.split(':') as [string, string];
        expect(bySection.get(t)).toMatch(new RegExp(`^codegraph ${target.replace('codegraph-', '')} ${project}: `, 'm'));
      }
    } finally {
      fs.rmSync(blocked);
      fs.writeFileSync(money, before); // the last test compares this workspace's graph with a fresh one's
    }
    const fixed = nxStatus(ws, env, ['run', 'repo:codegraph-index']);
    expect(fixed.status).toBe(0);
  });

  it('one process per task (--batch=false) builds the same repo graph', () => {
    const { ws: forkedWs } = setup();
    try {
      const forkedEnv = nxEnv(path.dirname(forkedWs), 'forked');
      fs.appendFileSync(path.join(forkedWs, 'libs/payments/src/payments/errors.py'), '\n\nclass RefundError(PaymentError):\n    pass\n');
      fs.appendFileSync(path.join(forkedWs, 'libs/core/core/money.py'), '\n\ndef cents(m: Money) -> int:\n    return m.cents\n');
      const forked = nxStatus(forkedWs, forkedEnv, ['run', 'repo:codegraph-index', '--batch=false']);
      expect(forked.status).toBe(0);
      expect(forked.output).not.toContain('with @codegraph/nx:layer');
      expect(tasks(forked.output)).toHaveLength(ALL_TASKS);
      // The whole repo graph, exported from each federation: the same bytes either way.
      const graph = (w: string) => {
        const file = path.join(path.dirname(w), 'graph.jsonl');
        codegraph(w, ['export', '.codegraph/repo', '--format', 'jsonl', '--out', file]);
        return fs.readFileSync(file, 'utf8');
      };
      expect(graph(forkedWs)).toBe(graph(ws));
    } finally {
      fs.rmSync(path.dirname(forkedWs), { recursive: true, force: true });
    }
  });
});
