/**
 * `nx add @codegraph/nx` (or `nx g @codegraph/nx:init`): registers the plugin in nx.json, keeps codegraph's output
 * folder out of git, and says which command to run next. Idempotent.
 *
 * nx.json is edited in place with jsonc-parser (the library Nx itself reads it with): the user's indentation,
 * key order and comments survive, only the `plugins` entry is added. Nx's `updateNxJson` would re-serialise the file.
 *
 * The plugin adds a project at the workspace root that aggregates the repo (`repo` by default). When the workspace
 * already has a root project, Nx merges both into one project whose name the user chose, so the aggregate target
 * joins that project and its name is used; when another project is already called `repo`, a free name is picked.
 */
import { formatFiles, getProjects, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { applyEdits, modify, parse, type FormattingOptions, type ParseError } from 'jsonc-parser';

export interface InitGeneratorSchema {
  skipFormat?: boolean;
  outputDir?: string;
}

export const PLUGIN_NAME = '@codegraph/nx';
const DEFAULT_REPO_PROJECT = 'repo';
const TARGET_PREFIX = 'codegraph';

interface PluginEntry {
  plugin: string;
  options?: { repoProjectName?: string; targetPrefix?: string; targetNames?: { index?: string } };
}

/** Indentation and line ending of an existing JSON text, so added lines look like their neighbours. */
export function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)["}\]]/m.exec(text)?.[1] ?? '  ';
  return indent.includes('\t')
    ? { insertSpaces: false, tabSize: 1, eol: text.includes('\r\n') ? '\r\n' : '\n' }
    : { insertSpaces: true, tabSize: indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

function readJsonc<T>(tree: Tree, file: string): T | undefined {
  if (!tree.exists(file)) return undefined;
  const errors: ParseError[] = [];
  const value = parse(tree.read(file, 'utf-8') ?? '', errors, { allowTrailingComma: true }) as T;
  if (errors.length) throw new Error(`${file} is not valid JSON (offset ${errors[0]!.offset}); fix it and run the generator again`);
  return value;
}

/** The name of the project the workspace already has at its root, if any (project.json, or package.json `nx`). */
export function rootProjectName(tree: Tree): string | undefined {
  const pkg = readJsonc<{ name?: string; nx?: { name?: string } }>(tree, 'package.json');
  const projectJson = readJsonc<{ name?: string }>(tree, 'project.json');
  if (projectJson) return projectJson.name ?? pkg?.name ?? undefined;
  if (pkg?.nx) return pkg.nx.name ?? pkg.name;
  return undefined;
}

/** What the aggregate project will be called, and why, given the projects the workspace declares. */
export function chooseRepoProjectName(tree: Tree): { name: string; reason?: string } {
  const root = rootProjectName(tree);
  if (root) {
    return { name: root, reason: `the workspace already has a root project, '${root}': codegraph's repo-wide target is added to it` };
  }
  let names: Set<string>;
  try {
    names = new Set([...getProjects(tree).keys()]);
  } catch {
    names = new Set();
  }
  if (!names.has(DEFAULT_REPO_PROJECT)) return { name: DEFAULT_REPO_PROJECT };
  let name = 'codegraph-repo';
  for (let i = 2; names.has(name); i++) name = `codegraph-repo-${i}`;
  return { name, reason: `a project is already called '${DEFAULT_REPO_PROJECT}': the repo-wide project is called '${name}' instead` };
}

/** Adds the plugin entry to nx.json with a minimal text edit; returns the entry now in effect. */
function registerPlugin(tree: Tree, entry: PluginEntry): { entry: PluginEntry; added: boolean } {
  const text = tree.exists('nx.json') ? tree.read('nx.json', 'utf-8') ?? '{}' : '{}\n';
  const nxJson = readJsonc<{ plugins?: (string | PluginEntry)[] }>(tree, 'nx.json') ?? {};
  const existing = nxJson.plugins?.find((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (existing) return { entry: typeof existing === 'string' ? { plugin: existing } : existing, added: false };
  const formattingOptions = formattingOf(text);
  const edits = Array.isArray(nxJson.plugins)
    ? modify(text, ['plugins', -1], entry, { formattingOptions, isArrayInsertion: true })
    : modify(text, ['plugins'], [entry], { formattingOptions });
  tree.write('nx.json', applyEdits(text, edits));
  return { entry, added: true };
}

function ignoreOutputs(tree: Tree, outputDir: string): void {
  const ignore = `/${outputDir.replace(/^\/+|\/+$/g, '')}`;
  const gitignore = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8') ?? '' : '';
  if (!gitignore.split(/\r?\n/).some((l) => l.trim() === ignore || l.trim() === ignore.slice(1) || l.trim() === `${ignore}/`)) {
    tree.write('.gitignore', `${gitignore}${gitignore && !gitignore.endsWith('\n') ? '\n' : ''}# codegraph outputs\n${ignore}\n`);
  }
}

export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  const repo = chooseRepoProjectName(tree);
  const { entry, added } = registerPlugin(tree, {
    plugin: PLUGIN_NAME,
    options: {
      targetPrefix: TARGET_PREFIX,
      repoProjectName: repo.name,
      ...(options.outputDir ? { outputDir: options.outputDir } : {}),
    },
  });
  ignoreOutputs(tree, options.outputDir ?? '.codegraph');
  if (!options.skipFormat) await formatFiles(tree);
  const project = entry.options?.repoProjectName ?? DEFAULT_REPO_PROJECT;
  const target = entry.options?.targetNames?.index ?? `${entry.options?.targetPrefix ?? TARGET_PREFIX}-index`;
  // Printed after Nx has written the files, so it is the last thing the user reads.
  return () => {
    if (added && repo.reason) logger.info(`codegraph: ${repo.reason}.`);
    if (!added) logger.info(`codegraph: ${PLUGIN_NAME} was already registered in nx.json; nothing changed there.`);
    logger.info(`codegraph: every directory with pyproject.toml, setup.cfg or setup.py is now a Python project. Next:`);
    logger.info(`  npx nx run ${project}:${target}    # index every project and the repo into ./${options.outputDir ?? '.codegraph'}`);
    logger.info(`  npx nx show projects               # the inferred projects`);
  };
}

export default initGenerator;
