/**
 * `nx add @codegraph/nx` (or `nx g @codegraph/nx:init`): registers the plugin in nx.json and keeps codegraph's
 * output folder out of git. Idempotent.
 */
import { formatFiles, readNxJson, updateNxJson, type GeneratorCallback, type Tree } from '@nx/devkit';

export interface InitGeneratorSchema {
  skipFormat?: boolean;
  outputDir?: string;
}

export const PLUGIN_NAME = '@codegraph/nx';

export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = (nxJson.plugins ??= []);
  const present = plugins.some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (!present) {
    plugins.push({
      plugin: PLUGIN_NAME,
      options: { targetPrefix: 'codegraph', repoProjectName: 'repo', ...(options.outputDir ? { outputDir: options.outputDir } : {}) },
    });
    updateNxJson(tree, nxJson);
  }
  const ignore = `/${(options.outputDir ?? '.codegraph').replace(/^\/+|\/+$/g, '')}`;
  const gitignore = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8') ?? '' : '';
  if (!gitignore.split(/\r?\n/).some((l) => l.trim() === ignore || l.trim() === ignore.slice(1))) {
    tree.write('.gitignore', `${gitignore}${gitignore && !gitignore.endsWith('\n') ? '\n' : ''}# codegraph outputs\n${ignore}\n`);
  }
  if (!options.skipFormat) await formatFiles(tree);
  return () => {};
}

export default initGenerator;
