/**
 * Project inference for codegraph, in the style of Nx's own plugins (`@nx/jest/plugin`).
 *
 * Every directory holding `pyproject.toml`, `setup.cfg` or `setup.py` becomes a Python project with one cacheable
 * target per layer (`codegraph-l0`, `codegraph-l1`, …) plus `codegraph-index` aggregating them, and a root
 * project (`repo`) whose `codegraph-index` depends on every project's index and writes the repo summary.
 *
 * This file only describes targets; all indexing work happens in the executors, which call the engine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Devkit from '@nx/devkit';
import type * as Engine from '@codegraph/engine';
import type { CreateNodes, CreateNodesContext, CreateNodesResult, TargetConfiguration } from '@nx/devkit';
import { codegraphFingerprint, fingerprintInput, queryFingerprint } from '../utils/fingerprint';
import { LAYERS, resolveOptions, type CodegraphPluginOptions, type Layer, type ResolvedOptions } from '../utils/options';
import { namedInputExclusions, type NamedInputExclusions } from '../utils/inputs';
import { declaredName, PYTHON_TAG } from './dependencies';
import { InferenceCache } from './inference-cache';

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

/**
 * Target metadata as Nx's own plugins give it, shown by `nx show project` and Nx Console. `help.command` prints the
 * options this target accepts (Nx prints the executor's schema for `nx run <project>:<target> --help`), and
 * `help.example` is a valid options object for it.
 */
function metadata(project: string, target: string, description: string, example: Record<string, unknown>): TargetConfiguration['metadata'] {
  return {
    technologies: ['python'],
    description,
    help: { command: `npx nx run ${project}:${target} --help`, example: { options: example } },
  };
}

/**
 * A project's own Python and packaging files. Nested projects are indexed on their own, so their files must not
 * invalidate this one: Nx already gives each file to the deepest project containing it, and the exclusions say so
 * explicitly. They are relative to `{projectRoot}` on purpose — Nx hashes a `{workspaceRoot}` fileset over the whole
 * workspace, so a negative one (`!{workspaceRoot}/…`) would make the task depend on every other file of the repo.
 */
function sourceFiles(projectDir: string, nested: string[], excluded: NamedInputExclusions): string[] {
  return [
    `{projectRoot}/**/*.py`,
    `{projectRoot}/pyproject.toml`,
    `{projectRoot}/setup.cfg`,
    `{projectRoot}/setup.py`,
    ...nested.map((n) => `!{projectRoot}/${path.posix.relative(projectDir, n)}/**`),
    ...excluded.inputs,
  ];
}

function pythonInputs(projectDir: string, nested: string[], excluded: NamedInputExclusions, fp: string): TargetConfiguration['inputs'] {
  return [...sourceFiles(projectDir, nested, excluded), fingerprintInput(fp)];
}

/** L3's target name (another layer's; absent in a project without it, which Nx's `dependsOn` tolerates). */
function l3Target(o: ResolvedOptions): string {
  return (o.targetNames as Partial<Record<string, string>>).l3 ?? `${o.targetPrefix}-l3`;
}

function projectTargets(
  o: ResolvedOptions,
  name: string,
  dir: string,
  nested: string[],
  excluded: NamedInputExclusions,
  fp: string,
  allProjects: string[],
  queryFp: string,
): Record<string, TargetConfiguration> {
  const t = o.targetNames;
  const meta = (layer: Layer, description: string, example: Record<string, unknown> = { workers: 2 }) =>
    metadata(name, t[layer], description, example);
  const out = `{workspaceRoot}/${o.outputDir}/projects/{projectRoot}`;
  const inputs = pythonInputs(dir, nested, excluded, fp);
  // The named input's exclusions, skipped by the engine too (utils/inputs.ts): what is not hashed is not indexed.
  const common = { outputDir: o.outputDir, excludeDirs: nested, ...(excluded.excludeFiles.length ? { excludeFiles: excluded.excludeFiles } : {}) };
  // L3 (Pyright's types), when on: after L4, and before what reads its overlay (L7, the project's index).
  const l3 = o.l3;
  const afterL3 = l3 ? [l3.targetName] : [];
  const l3Targets: Record<string, TargetConfiguration> = l3
    ? {
        [l3.targetName]: {
          executor: LAYER_EXECUTOR,
          cache: true,
          dependsOn: [t.l4],
          // What Pyright reads — this project's sources and its dependencies' (as L4) — and its settings; a configured
          // environment (venv, interpreter) is keyed by its settings, not its contents.
          inputs: [...inputs!, ...DEPENDENCY_SOURCES, { runtime: `echo codegraph-l3-${JSON.stringify(l3.options).replace(/[^\w.:/,-]/g, '_')}` }],
          outputs: [`${out}/l3`],
          options: { layer: 'l3', ...common, ...l3.options },
          metadata: metadata(name, l3.targetName, "codegraph L3: Pyright's types for the call sites L4 left unresolved, and Pyright's diagnostics", { mode: l3.options.mode ?? 'selective' }),
        },
      }
    : {};
  return {
    ...l3Targets,
    [t.l0]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      inputs,
      outputs: [`${out}/l0`],
      options: { layer: 'l0', ...common },
      metadata: meta('l0', 'codegraph L0: inventory of Python files with content hashes (fast path: mtime+size, then hash)'),
    },
    [t.l1]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [t.l0],
      inputs,
      outputs: [`${out}/l1`],
      options: { layer: 'l1', ...common },
      metadata: meta('l1', 'codegraph L1: structural IR (classes, functions, calls, reads/writes, imports…) per file; only changed files are parsed'),
    },
    [t.l2]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [t.l1],
      // Its own L1 output (named by the manifest) and the packaging files that name its SCIP package.
      inputs: [
        { dependentTasksOutputFiles: '**/l1/manifest.json' },
        `{projectRoot}/pyproject.toml`,
        `{projectRoot}/setup.cfg`,
        fingerprintInput(fp),
      ],
      outputs: [`${out}/l2`],
      options: { layer: 'l2', ...common },
      metadata: meta('l2', "codegraph L2: SCIP definition/reference occurrences and the project's index.scip"),
    },
    [t.l5]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [t.l1],
      // It parses the project's sources again (the files its L1 manifest lists, checked against their L1 hashes).
      inputs,
      outputs: [`${out}/l5`],
      options: { layer: 'l5', ...common },
      metadata: meta('l5', 'codegraph L5: control-flow graphs, dominators and SSA per function, and the value-flow facts cross-file resolution reads'),
    },
    [t.l4]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      // It reads the L1 and L5 of this project and of every Python project it depends on, transitively (a name re-exported
      // through B from C needs C's symbols). Project graphs can have cycles, so no `^` chain may order that: every
      // project's L1 runs first (cheap, and cached), and the hash covers exactly the transitive dependencies' sources
      // (`^` filesets are hashed over the whole dependency closure, cycles included; L1 and L5 are functions of those
      // sources) — an edit in a project
      // re-runs the L4 of the projects depending on it, nothing else.
      dependsOn: [t.l1, t.l5, { projects: allProjects, target: t.l1 }, { projects: allProjects, target: t.l5 }],
      inputs: [...inputs!, ...DEPENDENCY_SOURCES],
      outputs: [`${out}/l4`],
      options: { layer: 'l4', ...common },
      metadata: meta('l4', 'codegraph L4: cross-file and cross-project resolution (imports, re-exports, calls, bases), file dependency graph, cycles'),
    },
    [t.l7]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [t.l1, t.l2, t.l4, ...afterL3],
      // What its L1, L2 and L4 outputs are computed from — its sources and its dependencies' (as L4's inputs) — plus the
      // repo name of chunk ids (package.json) and the query package's code. Not `dependentTasksOutputFiles` of L4:
      // measured, Nx then re-ran every project's L7 after an edit in any project L4 waits for (L4 depends on every
      // project's L1). A dependency's body-only edit re-runs this task, which then finds every file's key unchanged.
      inputs: [...inputs!, ...DEPENDENCY_SOURCES, '{workspaceRoot}/package.json', { runtime: `echo codegraph-query-${queryFp}` }],
      outputs: [`${out}/l7`],
      options: { layer: 'l7', outputDir: o.outputDir },
      metadata: meta('l7', 'codegraph L7: the retrieval index (SQLite + FTS5) that codegraph-query and its MCP server read; only files whose layer records changed are re-done', {
        outputDir: o.outputDir,
      }),
    },
    [t.l9]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [t.l1, `^${t.l1}`],
      // Its own sources and packaging files, and of its Python dependencies only what decides which import names
      // they provide (packaging files, package `__init__.py`s): a body edit there does not re-run it.
      inputs: [...inputs!, `{projectRoot}/**/requirements*.txt`, `{projectRoot}/requirements/*.txt`, ...DEPENDENCY_MODULES],
      outputs: [`${out}/l9`],
      options: { layer: 'l9', ...common },
      metadata: meta('l9', 'codegraph L9: declared (pyproject, requirements, setup.cfg) vs imported packages — undeclared and unused dependencies'),
    },
    [t.l8]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      // Pyright's diagnostics come from the project's L3 when it has that target (Nx skips a missing one).
      dependsOn: [t.l1, t.l5, t.l4, t.l9, l3Target(o)],
      // What its inputs are computed from: L1/L4/L5/L9's (its and its dependencies' sources, packaging and requirement
      // files), the source text it reads for positions and `# codegraph: ignore` comments, and what L3's Pyright run
      // reads (the same sources, pyrightconfig.json). Not `dependentTasksOutputFiles` of L3's diagnostics: measured
      // (e2e/nx-workspace), Nx then re-ran every project's L8 after an edit in any project, as it did for L7.
      inputs: [
        ...inputs!,
        ...DEPENDENCY_SOURCES,
        `{projectRoot}/**/requirements*.txt`,
        `{projectRoot}/requirements/*.txt`,
        `{projectRoot}/pyrightconfig.json`,
      ],
      outputs: [`${out}/l8`],
      options: { layer: 'l8', ...common, ...(Object.keys(o.diagnosticRules).length ? { rules: o.diagnosticRules } : {}) },
      metadata: meta('l8', 'codegraph L8: diagnostics — syntax errors, unresolved imports, undefined names, undeclared/unused dependencies, Pyright — as JSON and SARIF 2.1.0', {
        rules: { 'undefined-name': 'off' },
      }),
    },
    [t.index]: {
      executor: LAYER_EXECUTOR,
      cache: true,
      dependsOn: [t.l1, t.l2, t.l5, t.l4, t.l9, ...afterL3],
      inputs: [...inputs!],
      outputs: [`${out}/summary.json`],
      options: { layer: 'index', outputDir: o.outputDir },
      metadata: meta('index', "codegraph: this project's index (all layers) and its summary", { outputDir: o.outputDir }),
    },
  };
}

/**
 * A project's name: the distribution its pyproject.toml (PEP 621 / Poetry) or setup.cfg declares, else its directory.
 * A pyproject.toml that cannot be read or is not valid TOML is this project's error, reported by Nx against the file:
 * naming the project from a file its own tools cannot read would hide the problem.
 */
function projectNameOf(workspaceRoot: string, dir: string): string {
  const abs = path.join(workspaceRoot, dir);
  const pyproject = path.join(abs, 'pyproject.toml');
  if (fs.existsSync(pyproject)) {
    fs.readFileSync(pyproject); // unreadable: throws, naming the file
    const { parsePyproject }: typeof Engine = require('@codegraph/engine');
    const invalid = parsePyproject(workspaceRoot, abs).diagnostics.find((d) => d.message.startsWith('invalid TOML'));
    // Nx prints it under the file's name; the position makes it a link in terminals and editors, as the CLI's.
    if (invalid) {
      const at = invalid.line !== undefined ? `:${invalid.line}:${invalid.column}` : '';
      throw new Error(`${invalid.file}${at}: ${invalid.message.replace('Invalid TOML document: ', '')}`);
    }
  }
  return declaredName(abs) ?? path.basename(dir);
}

/** `nx show project` groups a project's targets by these, in layer order. */
function targetGroups(o: ResolvedOptions): Record<string, string[]> {
  const names = LAYERS.map((l) => o.targetNames[l]);
  if (o.l3) names.splice(names.indexOf(o.targetNames.l4) + 1, 0, o.l3.targetName);
  return { [o.targetPrefix]: names };
}

export const createNodes: CreateNodes<CodegraphPluginOptions> = [
  PYTHON_PROJECT_FILES,
  async (configFiles, rawOptions, context: CreateNodesContext) => {
    // Loaded here, not with the module: Nx loads the plugin on every command, createNodes runs only when the project
    // graph is recomputed.
    const { createNodesFromFiles, AggregateCreateNodesError }: typeof Devkit = require('@nx/devkit');
    const o = resolveOptions(rawOptions);
    const fp = await codegraphFingerprint();
    const excluded = namedInputExclusions(o.namedInput === false ? undefined : context.nxJsonConfiguration?.namedInputs, o.namedInput || '');
    const queryFp = await queryFingerprint();
    // One project per directory, named by its highest-priority config file.
    const byDir = new Map<string, string>();
    for (const f of configFiles) {
      const dir = path.posix.dirname(f);
      if (dir === '.' || f.split('/').includes('node_modules')) continue; // the root is the repo project
      const cur = byDir.get(dir);
      if (!cur || PRIORITY.indexOf(path.posix.basename(f)) < PRIORITY.indexOf(path.posix.basename(cur))) byDir.set(dir, f);
    }
    const dirs = [...byDir.keys()].sort();
    const cache = await InferenceCache.open(context.workspaceRoot, rawOptions, dirs);
    // Names first: every project's L4 depends on every other project's L1 by name. A project whose name cannot be
    // read is left out of those lists (it has no targets to depend on) and fails on its own below.
    const names = new Map<string, string | Error>();
    for (const dir of dirs) {
      try {
        names.set(dir, cache.name(dir, () => projectNameOf(context.workspaceRoot, dir)));
      } catch (err) {
        names.set(dir, err instanceof Error ? err : new Error(String(err)));
      }
    }
    const inferred = dirs.filter((d) => typeof names.get(d) === 'string');
    const inferredNames = inferred.map((d) => names.get(d) as string);
    const fileToDir = new Map(dirs.map((d) => [byDir.get(d)!, d]));

    const projectNode = (file: string): CreateNodesResult => {
      const dir = fileToDir.get(file)!;
      const name = names.get(dir)!;
      if (typeof name !== 'string') throw name;
      const nested = dirs.filter((d) => d.startsWith(dir + '/'));
      const project = cache.project(dir, { name, nested, excluded, fp, queryFp, inferredNames }, () => ({
        name,
        root: dir,
        projectType: 'library',
        tags: [PYTHON_TAG],
        targets: projectTargets(o, name, dir, nested, excluded, fp, inferredNames, queryFp),
        metadata: { targetGroups: targetGroups(o) },
      }));
      return { projects: { [dir]: project } };
    };

    const repo = (): Array<readonly [string, CreateNodesResult]> => {
      if (inferred.length === 0) return [];
      const index = o.targetNames.index;
      const repoTarget: TargetConfiguration = {
        executor: LAYER_EXECUTOR,
        cache: true,
        // Every project's index, and its L7 (what `codegraph-query` and the MCP server read).
        dependsOn: [
          { projects: inferredNames, target: index },
          { projects: inferredNames, target: o.targetNames.l7 },
          { projects: inferredNames, target: o.targetNames.l8 },
        ],
        inputs: [
          // What the federation reads: the summaries, the L4 stats and file dependency graphs, the L9 reports.
          { dependentTasksOutputFiles: '**/summary.json', transitive: true },
          { dependentTasksOutputFiles: '**/l4/deps.json', transitive: true },
          { dependentTasksOutputFiles: '**/l4/stats.json', transitive: true },
          { dependentTasksOutputFiles: '**/l9/packages.json', transitive: true },
          // The repo-wide SARIF merges every project's diagnostics.
          { dependentTasksOutputFiles: '**/l8/diagnostics.json', transitive: true },
          fingerprintInput(fp),
        ],
        outputs: [`{workspaceRoot}/${o.outputDir}/repo`],
        options: { layer: 'repo-index', outputDir: o.outputDir, projects: inferredNames },
        metadata: metadata(o.repoProjectName, index, 'codegraph: index every Python project of the workspace and write the repo summary', {
          outputDir: o.outputDir,
        }),
      };
      return [
        [
          byDir.get(inferred[0]!)!,
          {
            projects: {
              // implicitDependencies: the repo index merges every project, so `nx affected` must include it whenever
              // any of them changes (task dependencies alone do not make a project affected).
              '.': {
                name: o.repoProjectName,
                root: '.',
                implicitDependencies: inferredNames,
                targets: { [index]: repoTarget },
                metadata: { targetGroups: { [o.targetPrefix]: [index] } },
              },
            },
          },
        ],
      ];
    };

    // Per-file errors, as Nx's own plugins report them: one broken project is named, the others are still inferred.
    try {
      return [...(await createNodesFromFiles(projectNode, dirs.map((d) => byDir.get(d)!), rawOptions, context)), ...repo()];
    } catch (err) {
      if (err instanceof AggregateCreateNodesError) err.partialResults.push(...repo());
      throw err;
    } finally {
      cache.write();
    }
  },
];

/** Nx ≤ 21 looked for `createNodesV2`; Nx 22+ reads `createNodes` with the same signature. */
export const createNodesV2 = createNodes;
