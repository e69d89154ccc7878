/** @codegraph/nx — the Nx adapter for the codegraph engine. */
export { createNodes, createNodesV2, createDependencies } from './plugins/plugin';
export { initGenerator } from './generators/init/generator';
export type { CodegraphPluginOptions } from './utils/options';
