import type { LayerExecutorOptions } from '../context';
import type { L3PluginOptions } from '../../utils/options';

/** The `codegraph-l3` executor's options: the plugin's `l3` option as the plugin passes it on (documented there). */
export interface Schema extends LayerExecutorOptions, Omit<L3PluginOptions, 'targetName'> {
  /** In a batch: run this step in a child process of its own (default: true for l4 and l7, for l5 without a previous run, false otherwise). */
  inChildProcess?: boolean;
}
