/**
 * Project inference for codegraph, in the style of Nx's own plugins (`@nx/jest/plugin`).
 *
 * Every directory holding `pyproject.toml`, `setup.cfg` or `setup.py` becomes a Python project with one cacheable
 * target per layer (`codegraph-l0`, `codegraph-l1`, …) plus `codegraph-index` aggregating them, and a root
 * project (`repo`) whose `codegraph-index` depends on every project's index and writes the repo summary.
 *
 * This file only describes targets; all indexing work happens in the executors, which call the engine.
 */
import * as path from 'node:path';
import type { CreateNodes, CreateNodesContext, CreateNodesResult, TargetConfiguration } from '@nx/devkit';
import { codegraphFingerprint, fingerprintInput } from '../utils/fingerprint';
import { resolveOptions, type CodegraphPluginOptions, type ResolvedOptions } from '../utils/options';
import { declaredName, PYTHON_TAG } from './dependencies';

export { createDependencies } from './dependencies';

export const PYTHON_PROJECT_FILES = '**/{pyproject.toml,setup.cfg,setup.py}';
/**
 * Dependency filesets (`^{projectRoot}/…`), hashed over the whole dependency closure. Filesets rather than named
 * inputs: a named input must exist on every dependency, and a Python project may depend on a project of another
 * language that never heard of codegraph.
 */
/** What a dependency's L1 is computed from (dependents' L4 read its IR). */
const DEPENDENCY_SOURCES = ['^{projectRoot}/**/*.py', '^{projectRoot}/pyproject.toml', '^{projectRoot}/setup.cfg', '^{projectRoot}/setup.py'];
/** What decides which modules a dependency provides (dependents' L9 map distributions to them). */
const DEPENDENCY_MODULES = ['^{projectRoot}/**/__init__.py', '^{projectRoot}/pyproject.toml', '^{projectRoot}/setup.cfg', '^{projectRoot}/setup.py'];
/**
 * The executor of every inferred target, the step chosen by its `layer` option. One name rather than one per layer:
 * Nx batches tasks by executor name, so one name lets a whole run execute in one process (see executors/batch.ts).
 */
const LAYER_EXECUTOR = '@codegraph/nx:layer';
/** Which config file names a project when several sit in one directory. */
const PRIORITY = ['pyproject.toml', 'setup.cfg', 'setup.py'];

function projectNameFor(workspaceRoot: string, dir: string): string {
  return declaredName(path.join(workspaceRoot, dir)) ?? path.basename(dir);
}

/** Target metadata as Nx's own plugins give it: shown by `nx show project` and Nx Console. */
function metadata(description: string): TargetConfiguration['metadata'] {
  return { technologies: ['python'], description, help: { command: 'npx codegraph --help', example: {} } };
}

/**
 * A project's own Python and packaging files. Nested projects are indexed on their own, so their files must not
 * invalidate this one: Nx already gives each file to the deepest project containing it, and the exclusions say so
 * explicitly. They are relative to `{projectRoot}` on purpose — Nx hashes a `{workspaceRoot}` fileset over the whole
 * workspace, so a negative one (`!{workspaceRoot}/…`) would make the task depend on every other file of the repo.
 */
function sourceFiles(projectDir: string, nested: string[]): string[] {
  return [
    `{projectRoot}/**/*.py`,
    `{projectRoot}/pyproject.toml`,
    `{projectRoot}/setup.cfg`,
    `{projectRoot}/setup.py`,
    ...nested.map((n) => `!{projectRoot}/${path.posix.relative(projectDir, n)}/**`),
  ];
}

function pythonInputs(projectDir: string, nested: string[], fp: string): TargetConfiguration['inputs'] {
  return [...sourceFiles(projectDir, nested), fingerprintInput(fp)];
}

function projectTargets(o: ResolvedOptions, dir: string, nested: string[], fp: string, allProjects: string[]): Record<string, TargetConfiguration> {
  const p = o.targetPrefix;
  const out = `{workspaceRoot}/${o.outputDir}/projects/{projectRoot}`;
  const inputs = pythonInputs(dir, nested, fp);
  const common = { outputDir: o.outputDir, excludeDirs: nested };
  return {
    [`${p}-l0`]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      inputs,
      outputs: [`${out}/l0`],
      options: { layer: 'l0', ...common },
      metadata: metadata('codegraph L0: inventory of Python files with content hashes (fast path: mtime+size, then hash)'),
    },
    [`${p}-l1`]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [`${p}-l0`],
      inputs,
      outputs: [`${out}/l1`],
      options: { layer: 'l1', ...common },
      metadata: metadata('codegraph L1: structural IR (classes, functions, calls, reads/writes, imports…) per file; only changed files are parsed'),
    },
    [`${p}-l2`]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [`${p}-l1`],
      // Its own L1 output (named by the manifest) and the packaging files that name its SCIP package.
      inputs: [
        { dependentTasksOutputFiles: '**/l1/manifest.json' },
        `{projectRoot}/pyproject.toml`,
        `{projectRoot}/setup.cfg`,
        fingerprintInput(fp),
      ],
      outputs: [`${out}/l2`],
      options: { layer: 'l2', ...common },
      metadata: metadata("codegraph L2: SCIP definition/reference occurrences and the project's index.scip"),
    },
    [`${p}-l4`]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      // It reads the L1 of this project and of every Python project it depends on, transitively (a name re-exported
      // through B from C needs C's symbols). Project graphs can have cycles, so no `^` chain may order that: every
      // project's L1 runs first (cheap, and cached), and the hash covers exactly the transitive dependencies' sources
      // (`^` filesets are hashed over the whole dependency closure, cycles included) — an edit in a project
      // re-runs the L4 of the projects depending on it, nothing else.
      dependsOn: [`${p}-l1`, { projects: allProjects, target: `${p}-l1` }],
      inputs: [...inputs!, ...DEPENDENCY_SOURCES],
      outputs: [`${out}/l4`],
      options: { layer: 'l4', ...common },
      metadata: metadata('codegraph L4: cross-file and cross-project resolution (imports, re-exports, calls, bases), file dependency graph, cycles'),
    },
    [`${p}-l9`]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [`${p}-l1`, `^${p}-l1`],
      // Its own sources and packaging files, and of its Python dependencies only what decides which import names
      // they provide (packaging files, package `__init__.py`s): a body edit there does not re-run it.
      inputs: [...inputs!, `{projectRoot}/**/requirements*.txt`, `{projectRoot}/requirements/*.txt`, ...DEPENDENCY_MODULES],
      outputs: [`${out}/l9`],
      options: { layer: 'l9', ...common },
      metadata: metadata('codegraph L9: declared (pyproject, requirements, setup.cfg) vs imported packages — undeclared and unused dependencies'),
    },
    [`${p}-index`]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [`${p}-l1`, `${p}-l2`, `${p}-l4`, `${p}-l9`],
      inputs: [...inputs!],
      outputs: [`${out}/summary.json`],
      options: { layer: 'index', outputDir: o.outputDir },
      metadata: metadata("codegraph: this project's index (all layers) and its summary"),
    },
  };
}

export const createNodes: CreateNodes<CodegraphPluginOptions> = [
  PYTHON_PROJECT_FILES,
  async (configFiles, rawOptions, context: CreateNodesContext) => {
    const o = resolveOptions(rawOptions);
    const fp = await codegraphFingerprint();
    // One project per directory, named by its highest-priority config file.
    const byDir = new Map<string, string>();
    for (const f of configFiles) {
      const dir = path.posix.dirname(f);
      if (dir === '.' || f.split('/').includes('node_modules')) continue; // the root is the repo project
      const cur = byDir.get(dir);
      if (!cur || PRIORITY.indexOf(path.posix.basename(f)) < PRIORITY.indexOf(path.posix.basename(cur))) byDir.set(dir, f);
    }
    const dirs = [...byDir.keys()].sort();
    const results: Array<readonly [string, CreateNodesResult]> = [];
    const names: string[] = [];
    const allNames = dirs.map((d) => projectNameFor(context.workspaceRoot, d));
    for (const dir of dirs) {
      const nested = dirs.filter((d) => d.startsWith(dir + '/'));
      const name = projectNameFor(context.workspaceRoot, dir);
      names.push(name);
      results.push([
        byDir.get(dir)!,
        {
          projects: {
            [dir]: {
              name,
              root: dir,
              projectType: 'library',
              tags: [PYTHON_TAG],
              targets: projectTargets(o, dir, nested, fp, allNames),
            },
          },
        },
      ]);
    }
    if (dirs.length > 0) {
      const repoTarget: TargetConfiguration = {
        executor: LAYER_EXECUTOR,
        cache: true,
        dependsOn: [{ projects: names, target: `${o.targetPrefix}-index` }],
        inputs: [
          // What the federation reads: the summaries, the L4 stats and file dependency graphs, the L9 reports.
          { dependentTasksOutputFiles: '**/summary.json', transitive: true },
          { dependentTasksOutputFiles: '**/l4/deps.json', transitive: true },
          { dependentTasksOutputFiles: '**/l4/stats.json', transitive: true },
          { dependentTasksOutputFiles: '**/l9/packages.json', transitive: true },
          fingerprintInput(fp),
        ],
        outputs: [`{workspaceRoot}/${o.outputDir}/repo`],
        options: { layer: 'repo-index', outputDir: o.outputDir, projects: names },
        metadata: metadata("codegraph: index every Python project of the workspace and write the repo summary"),
      };
      results.push([
        byDir.get(dirs[0]!)!,
        {
          projects: {
            // implicitDependencies: the repo index merges every project, so `nx affected` must include it whenever
            // any of them changes (task dependencies alone do not make a project affected).
            '.': { name: o.repoProjectName, root: '.', implicitDependencies: names, targets: { [`${o.targetPrefix}-index`]: repoTarget } },
          },
        },
      ]);
    }
    return results;
  },
];

/** Nx ≤ 21 looked for `createNodesV2`; Nx 22+ reads `createNodes` with the same signature. */
export const createNodesV2 = createNodes;
