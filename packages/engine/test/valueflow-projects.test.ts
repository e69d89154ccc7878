/**
 * Value flow across projects and across runs: a function returned in one project and called in another; an edit
 * whose effect flows into another file re-resolves that file (and only it), an edit that changes no flow reuses
 * every record; `codegraph explain` prints the chain behind a call.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexDirectory } from '@codegraph/engine';
import { calleesOf, callGraph, indexProjects, runL4Of, writeTree, type Indexed } from './valueflow-helpers';

const BIN = path.resolve(__dirname, '..', 'bin', 'codegraph.js');

const LIB = 'def t1():\n    pass\n\ndef t2():\n    pass\n\ndef pick():\n    return t1\n';

describe('value flow across projects, incrementally', () => {
  let ix: Indexed;
  const projects = ['core', 'app'];

  beforeAll(async () => {
    const root = writeTree({
      'core/lib.py': LIB,
      'app/main.py': 'from lib import pick\n\ndef run():\n    pick()()\n',
      'app/other.py': 'def o():\n    pass\n\ndef use():\n    o()\n',
      'app/third.py': 'import lib\n\ndef go():\n    lib.t2()\n',
    });
    ix = await indexProjects(root, projects);
  });

  afterAll(() => fs.rmSync(ix.root, { recursive: true, force: true }));

  const reindex = async (rel: string, text: string) => {
    fs.writeFileSync(path.join(ix.root, rel), text);
    await indexDirectory({ dir: path.join(ix.root, 'core'), outDir: ix.out.core!, root: ix.root, workers: 1 });
    await runL4Of(ix.root, projects, 'core', ix.out, ix.stats);
    return runL4Of(ix.root, projects, 'app', ix.out, ix.stats);
  };

  it('follows a function returned by another project', () => {
    expect(calleesOf(callGraph(ix.out.app!), 'main.run')).toEqual(['lib.pick', 'lib.t1']);
  });

  it('re-resolves only the file whose flow answers changed after a body-only edit elsewhere', async () => {
    const stats = await reindex('core/lib.py', LIB.replace('return t1', 'return t2'));
    expect(calleesOf(callGraph(ix.out.app!), 'main.run')).toEqual(['lib.pick', 'lib.t2']);
    expect({ resolved: stats.resolvedFiles, reused: stats.reusedFiles }).toEqual({ resolved: 1, reused: 2 });
  });

  it('reuses every record after an edit that changes no value reaching the project', async () => {
    const stats = await reindex('core/lib.py', LIB.replace('return t1', 'return t2').replace('def t1():\n    pass', 'def t1():\n    return 1'));
    expect(calleesOf(callGraph(ix.out.app!), 'main.run')).toEqual(['lib.pick', 'lib.t2']);
    expect({ resolved: stats.resolvedFiles, reused: stats.reusedFiles }).toEqual({ resolved: 0, reused: 3 });
  });
});

describe('codegraph explain', () => {
  let root: string;
  beforeAll(() => {
    root = writeTree({
      'proj/main.py':
        'def g():\n    pass\n\ndef apply(h):\n    h()\n\ndef alias():\n    return g\n\napply(alias())\nimport os\nos.getcwd()\n' +
        'def same(x):\n    return x\n\nk = same(g)\nk()\n',
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: path.join(root, 'proj'), encoding: 'utf8', timeout: 60_000 });

  it('prints the chain of facts behind a call through a parameter', () => {
    expect(run('index', '.', '--out', '../out', '--quiet').status).toBe(0);
    const r = run('explain', 'main.py:5:5', '--index', '../out', '--root', '.');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('main.py:5:5 call → main.g: main.apply.h ← arg at main.py:10:1 ← main.alias.<return> ← main.g (defined)\n');
  });

  it('says when the target is a name from outside the index, read at the call itself', () => {
    const r = run('explain', 'main.py:12:4', '--index', '../out', '--root', '.');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('main.py:12:4 call → os.getcwd (outside the index)\n');
  });

  it("names a pure pass-through's call as the step that gave back its argument", () => {
    const r = run('explain', 'main.py:17:1', '--index', '../out', '--root', '.');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('main.py:17:1 call → main.g: main.k ← main.same(…) at main.py:16:5 returns its argument ← main.g (defined)\n');
  });

  it('exports the flow-resolved edges in the whole graph (codegraph export --format jsonl)', () => {
    const file = path.join(root, 'graph.jsonl');
    expect(run('export', '../out', '--format', 'jsonl', '--out', file, '--root', '.').status).toBe(0);
    const edges = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"edge":"CALLS"'))
      .map((l) => JSON.parse(l) as { callee?: string; target?: string; attrs?: { via?: string } });
    expect(edges.filter((e) => e.attrs?.via === 'flow').map((e) => `${e.callee} -> ${e.target}`)).toEqual(['h -> main.g', 'k -> main.g']);
  });

  it('says so when there is no call at the position (exit 1)', () => {
    const r = run('explain', 'main.py:1:1', '--index', '../out', '--root', '.');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('no call at main.py:1:1');
  });
});
