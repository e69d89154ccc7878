/**
 * The batch implementation on its own (no Nx process): dependency order, per-task output, and a failure that fails
 * its task alone and skips its dependents. The L0 task really runs the engine on a real Python file; L4 (by
 * default) and tasks with `inChildProcess` run in child processes of their own, with the same results and logs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import batchExecutor, { dependencyOrder, runsInChildProcess, type BatchTaskResult } from '../dist/executors/batch';
// The module object itself (not an import's interop copy), so a spy on `fork` sees the batch's calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = require('node:child_process') as typeof import('node:child_process');

function task(id: string) {
  const [project, target] = id.split(':') as [string, string];
  return { id, target: { project, target }, overrides: {}, outputs: [], parallelism: true, continuous: false } as unknown as TaskGraph['tasks'][string];
}

function graph(deps: Record<string, string[]>): TaskGraph {
  return {
    roots: Object.keys(deps).filter((id) => deps[id]!.length === 0),
    tasks: Object.fromEntries(Object.keys(deps).map((id) => [id, task(id)])),
    dependencies: Object.fromEntries(Object.entries(deps).map(([id, ds]) => [id, ds.map((d) => ({ id: d }))])),
    continuousDependencies: Object.fromEntries(Object.keys(deps).map((id) => [id, []])),
  } as TaskGraph;
}

/**
 * A workspace of two Python projects, p and q, each one package whose `__init__.py` is `source`, with a
 * `@codegraph/nx:layer` target per layer named: the executor context Nx would pass a batch over them.
 */
function twoProjects(root: string, source: string, layers: string[]): ExecutorContext {
  for (const name of ['p', 'q']) {
    fs.mkdirSync(path.join(root, name, 'pkg_' + name), { recursive: true });
    fs.writeFileSync(path.join(root, name, 'pyproject.toml'), `[project]\nname = "${name}"\nversion = "1"\n`);
    fs.writeFileSync(path.join(root, name, 'pkg_' + name, '__init__.py'), source);
  }
  const targets = Object.fromEntries(layers.map((layer) => [layer, { executor: '@codegraph/nx:layer', options: { layer } }]));
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectsConfigurations: { version: 2, projects: { p: { root: 'p', targets }, q: { root: 'q', targets } } },
    projectGraph: {
      nodes: { p: { name: 'p', type: 'lib', data: { root: 'p', tags: [] } }, q: { name: 'q', type: 'lib', data: { root: 'q', tags: [] } } },
      dependencies: { p: [], q: [] },
    },
  } as unknown as ExecutorContext;
}

describe('batch implementation', () => {
  it('orders a batch dependencies first, whatever order Nx lists it in', () => {
    const order = dependencyOrder(graph({ 'p:index': ['p:l4', 'p:l1'], 'p:l4': ['p:l1', 'q:l1'], 'q:l1': ['q:l0'], 'p:l1': ['p:l0'], 'p:l0': [], 'q:l0': [] }));
    expect(order.indexOf('p:l0')).toBeLessThan(order.indexOf('p:l1'));
    expect(order.indexOf('q:l1')).toBeLessThan(order.indexOf('p:l4'));
    expect(order[order.length - 1]).toBe('p:index');
    expect(order).toHaveLength(6);
  });

  it("reports each task with its own output; a failure fails its task alone and skips what depends on it", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-batch-'));
    try {
      fs.mkdirSync(path.join(root, 'p', 'pkg'), { recursive: true });
      fs.writeFileSync(path.join(root, 'p', 'pyproject.toml'), '[project]\nname = "p"\nversion = "1"\n');
      fs.writeFileSync(path.join(root, 'p', 'pkg', '__init__.py'), 'def f():\n    return 1\n');
      fs.mkdirSync(path.join(root, 'q'));
      const target = (layer: string) => ({ executor: '@codegraph/nx:layer', options: { layer } });
      const context = {
        root,
        cwd: root,
        isVerbose: false,
        projectsConfigurations: {
          version: 2,
          projects: {
            p: { root: 'p', targets: { l0: target('l0'), l1: target('l1'), index: target('index') } },
            q: { root: 'q', targets: { l0: target('l0') } },
          },
        },
      } as unknown as ExecutorContext;
      const tg = graph({ 'p:l0': [], 'p:l1': ['p:l0'], 'p:index': ['p:l1'], 'q:l0': [] });
      const options = { 'p:l0': { layer: 'l0' }, 'p:l1': { layer: 'no-such-layer' }, 'p:index': { layer: 'index' }, 'q:l0': { layer: 'l0' } };
      const consoleLog = console.log;
      const stdoutWrite = process.stdout.write;
      const results: BatchTaskResult[] = [];
      for await (const r of await batchExecutor(tg, options, {}, context)) results.push(r);
      const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
      expect(Object.keys(byTask).sort()).toEqual(['p:index', 'p:l0', 'p:l1', 'q:l0']);
      expect(byTask['p:l0']).toMatchObject({ success: true, status: 'success' });
      expect(byTask['p:l0']!.terminalOutput).toMatch(/^codegraph l0 p: 1 files, 1 hashed/);
      expect(byTask['q:l0']!.terminalOutput).toMatch(/^codegraph l0 q: 0 files/);
      expect(byTask['p:l1']).toMatchObject({ success: false, status: 'failure' });
      expect(byTask['p:l1']!.terminalOutput).toMatch(/unknown layer "no-such-layer"/);
      expect(byTask['p:index']).toMatchObject({ success: false, status: 'skipped', terminalOutput: '' });
      expect(fs.existsSync(path.join(root, '.codegraph/projects/p/l0/inventory.json'))).toBe(true);
      // Once the batch is over, output goes where it always went.
      expect(console.log).toBe(consoleLog);
      expect(process.stdout.write).toBe(stdoutWrite);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs L4, L7, a cold L5 (and any task with inChildProcess) in a child process: its output is captured, its failure fails it alone', async () => {
    expect(runsInChildProcess('l4', {})).toBe(true);
    expect(runsInChildProcess('l7', {})).toBe(true);
    // L5 only when it starts from nothing: no manifest of a previous run in the project's output folder.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-batch-l5-'));
    try {
      expect(runsInChildProcess('l5', {}, out)).toBe(true);
      fs.mkdirSync(path.join(out, 'l5'));
      fs.writeFileSync(path.join(out, 'l5', 'manifest.json'), '{}');
      expect(runsInChildProcess('l5', {}, out)).toBe(false);
      expect(runsInChildProcess('l1', {}, out)).toBe(false);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    expect(runsInChildProcess('l1', {})).toBe(false);
    expect(runsInChildProcess('l4', { inChildProcess: false })).toBe(false);
    expect(runsInChildProcess('l0', { inChildProcess: true })).toBe(true);

    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-batch-child-'));
    const fork = jest.spyOn(childProcess, 'fork');
    try {
      const context = twoProjects(root, 'def f():\n    return 1\n', ['l0', 'l1', 'l4', 'index']);
      // q's L4 output directory is a file: its L4 fails in the child with the engine's real ENOTDIR.
      fs.mkdirSync(path.join(root, '.codegraph/projects/q'), { recursive: true });
      fs.writeFileSync(path.join(root, '.codegraph/projects/q/l4'), 'not a directory\n');
      const tg = graph({
        'p:l0': [], 'p:l1': ['p:l0'], 'p:l4': ['p:l1'], 'p:index': ['p:l4'],
        'q:l0': [], 'q:l1': ['q:l0'], 'q:l4': ['q:l1'], 'q:index': ['q:l4'],
      });
      const options = {
        'p:l0': { layer: 'l0', inChildProcess: true }, 'p:l1': { layer: 'l1', workers: 1 }, 'p:l4': { layer: 'l4' }, 'p:index': { layer: 'index' },
        'q:l0': { layer: 'l0' }, 'q:l1': { layer: 'l1', workers: 1 }, 'q:l4': { layer: 'l4' }, 'q:index': { layer: 'index' },
      };
      const results: BatchTaskResult[] = [];
      for await (const r of await batchExecutor(tg, options, {}, context)) results.push(r);
      const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
      // Three children: p's L0 (asked for) and both L4s (the default); nothing else forks.
      expect(fork).toHaveBeenCalledTimes(3);
      expect(byTask['p:l0']).toMatchObject({ success: true, status: 'success' });
      expect(byTask['p:l0']!.terminalOutput).toMatch(/^codegraph l0 p: 1 files, 1 hashed/);
      expect(byTask['p:l4']).toMatchObject({ success: true, status: 'success' });
      expect(byTask['p:l4']!.terminalOutput).toMatch(/^codegraph l4 p: 1 files .*against 0 dependencies/);
      expect(byTask['p:index']).toMatchObject({ success: true, status: 'success' });
      expect(fs.existsSync(path.join(root, '.codegraph/projects/p/l4/stats.json'))).toBe(true);
      expect(byTask['q:l4']).toMatchObject({ success: false, status: 'failure' });
      expect(byTask['q:l4']!.terminalOutput).toMatch(/ENOTDIR/);
      expect(byTask['q:index']).toMatchObject({ success: false, status: 'skipped', terminalOutput: '' });
      expect(byTask['q:l1']).toMatchObject({ success: true, status: 'success' });
    } finally {
      fork.mockRestore();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
  it("runs a cold L5 in the batch when its project's L1 stages its records in the same batch, else in a child", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-batch-l5-'));
    const fork = jest.spyOn(childProcess, 'fork');
    try {
      const context = twoProjects(root, 'def f(x):\n    if x:\n        return g(x)\n    return None\n\ndef g(y):\n    return [y]\n', ['l0', 'l1', 'l5']);
      const options = {
        'p:l0': { layer: 'l0' }, 'p:l1': { layer: 'l1', workers: 1 }, 'p:l5': { layer: 'l5', workers: 1 },
        'q:l0': { layer: 'l0' }, 'q:l1': { layer: 'l1', workers: 1, shareParse: false }, 'q:l5': { layer: 'l5', workers: 1 },
      };
      const tg = graph({ 'p:l0': [], 'p:l1': ['p:l0'], 'p:l5': ['p:l1'], 'q:l0': [], 'q:l1': ['q:l0'], 'q:l5': ['q:l1'] });
      const results: BatchTaskResult[] = [];
      for await (const r of await batchExecutor(tg, options, {}, context)) results.push(r);
      const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
      // p's L5 takes what p's L1 staged, in the batch; q's L1 staged nothing, so q's cold L5 parses, in a child.
      expect(byTask['p:l5']!.terminalOutput).toMatch(/^codegraph l5 p: 1 files, 1 analysed \(1 on L1's parse\)/);
      expect(byTask['q:l5']!.terminalOutput).toMatch(/^codegraph l5 q: 1 files, 1 analysed, 0 reused/);
      expect(fork).toHaveBeenCalledTimes(1);
      expect(fs.existsSync(path.join(root, '.codegraph/projects/p/l5-staged'))).toBe(false);
    } finally {
      fork.mockRestore();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
