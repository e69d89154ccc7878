import type { ExecutorContext } from '@nx/devkit';
import { runStep, stepOf } from '../steps';

/**
 * `@codegraph/nx:layer`: the one executor every inferred target uses, the step chosen by its `layer` option. One
 * executor name lets Nx put a whole codegraph run (every layer of every project, and the repo index) into a single
 * batch process; see ../batch.ts.
 */
export default async function layerExecutor(options: { layer?: string }, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStep(stepOf(options, context), options, context);
}
