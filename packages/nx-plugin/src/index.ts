/** @codegraph/nx — the Nx adapter for the codegraph engine. */
export { createNodes, createNodesV2, createDependencies } from './plugins/plugin';
import type { GeneratorCallback, Tree } from '@nx/devkit';
import type { InitGeneratorSchema } from './generators/init/generator';

/**
 * `nx g @codegraph/nx:init`, loaded on call: Nx loads this entry for the plugin on every command, and the generator
 * pulls in @nx/devkit, which the plugin itself never needs at run time.
 */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  return (await import('./generators/init/generator')).initGenerator(tree, options);
}
export type { CodegraphPluginOptions } from './utils/options';
