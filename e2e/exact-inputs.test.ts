/**
 * Exact task inputs through the real `nx` CLI: a task's hash depends only on what it reads. Projects A, B and C,
 * with D nested inside C (C's code imports D): an edit or a new file in A, or a stray file anywhere else, leaves
 * every task of B, C and D a cache hit; an edit inside D re-runs D's tasks and C's L4 (which reads D's IR), but not
 * C's L0/L1/L2, whose inputs exclude the nested project.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nx, PROJECT_TARGETS, ran, setup, tasks } from './support';

const pyproject = (name: string, deps: string[] = []) =>
  `[project]\nname = "${name}"\nversion = "1.0"\ndependencies = [${deps.map((d) => `"${d}"`).join(', ')}]\n`;

const FILES: Record<string, string> = {
  '.gitignore': '.codegraph\n.nx\nnode_modules\n',
  'projects/a/pyproject.toml': pyproject('proj-a'),
  'projects/a/alpha/__init__.py': 'def greet(name: str) -> str:\n    return "hello " + name\n',
  'projects/b/pyproject.toml': pyproject('proj-b', ['proj-a']),
  'projects/b/beta/__init__.py': 'from alpha import greet\n\n\ndef run() -> str:\n    return greet("b")\n',
  'projects/c/pyproject.toml': pyproject('proj-c', ['proj-d']),
  'projects/c/gamma/__init__.py': 'from delta.core import Engine\n\n\ndef start() -> Engine:\n    return Engine()\n',
  'projects/c/d/pyproject.toml': pyproject('proj-d'),
  'projects/c/d/delta/__init__.py': '',
  'projects/c/d/delta/core.py': 'class Engine:\n    def spin(self) -> int:\n        return 1\n',
};

const tasksOf = (project: string) => PROJECT_TARGETS.map((t) => `${project}:${t}`);

describe('exact task inputs (nested projects, unrelated files)', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    ({ ws, env } = setup(FILES));
  });

  afterAll(() => fs.rmSync(path.dirname(ws), { recursive: true, force: true }));

  it('infers D as a project of its own, excluded from C by a project-relative input', () => {
    expect(JSON.parse(nx(ws, env, ['show', 'projects', '--json'])).sort()).toEqual(['proj-a', 'proj-b', 'proj-c', 'proj-d', 'repo']);
    const c = JSON.parse(nx(ws, env, ['show', 'project', 'proj-c', '--json']));
    const inputs: unknown[] = c.targets['codegraph-l0'].inputs;
    expect(inputs).toContain('!{projectRoot}/d/**');
    expect(inputs.filter((i) => typeof i === 'string' && i.includes('{workspaceRoot}'))).toEqual([]);
  });

  it('a change in A leaves every task of B, C and D cached; a change in D re-runs D and C\'s L4, not C\'s L0/L1/L2', () => {
    const first = tasks(nx(ws, env, ['run', 'repo:codegraph-index']));
    expect(first).toHaveLength(4 * PROJECT_TARGETS.length + 1);
    expect(first.every((t) => !t.cached)).toBe(true);

    // An edit and a new file in A, and an untracked file outside every project.
    fs.appendFileSync(path.join(ws, 'projects/a/alpha/__init__.py'), '\n\ndef wave() -> str:\n    return "bye"\n');
    fs.writeFileSync(path.join(ws, 'projects/a/alpha/extra.py'), 'VALUE = 42\n');
    fs.mkdirSync(path.join(ws, 'scratch'));
    fs.writeFileSync(path.join(ws, 'scratch/notes.txt'), 'not part of any project\n');
    const afterA = nx(ws, env, ['run', 'repo:codegraph-index']);
    const cached = new Set(tasks(afterA).filter((t) => t.cached).map((t) => t.task));
    for (const t of [...tasksOf('proj-c'), ...tasksOf('proj-d')]) expect(cached).toContain(t);
    // B imports A: only its L4 (which reads A's IR), its L7 and L8 (which read that L4's output) and L9 (A's packaging
    // and package __init__s) may re-run.
    expect(ran(afterA).filter((t) => t.startsWith('proj-b:'))).toEqual(['proj-b:codegraph-l4', 'proj-b:codegraph-l7', 'proj-b:codegraph-l8', 'proj-b:codegraph-l9']);
    expect(ran(afterA).filter((t) => t.startsWith('proj-a:'))).toEqual(tasksOf('proj-a').sort());

    // An edit and a new file inside the nested project D.
    fs.appendFileSync(path.join(ws, 'projects/c/d/delta/core.py'), '\n\nclass Turbine(Engine):\n    pass\n');
    fs.writeFileSync(path.join(ws, 'projects/c/d/delta/util.py'), 'def helper() -> None:\n    return None\n');
    const afterD = ran(nx(ws, env, ['run', 'repo:codegraph-index']));
    expect(afterD.filter((t) => t.startsWith('proj-d:'))).toEqual(tasksOf('proj-d').sort());
    for (const t of ['proj-c:codegraph-l0', 'proj-c:codegraph-l1', 'proj-c:codegraph-l2', 'proj-c:codegraph-l5']) expect(afterD).not.toContain(t);
    expect(afterD).toContain('proj-c:codegraph-l4');
    expect(afterD.filter((t) => t.startsWith('proj-a:') || t.startsWith('proj-b:'))).toEqual([]);

    // C's own index still holds only C's files: D's new file went to D.
    const cInventory = fs.readFileSync(path.join(ws, '.codegraph/projects/projects/c/l0/inventory.json'), 'utf8');
    expect(cInventory).not.toContain('delta/util.py');
    expect(fs.readFileSync(path.join(ws, '.codegraph/projects/projects/c/d/l0/inventory.json'), 'utf8')).toContain('delta/util.py');
  });
});
