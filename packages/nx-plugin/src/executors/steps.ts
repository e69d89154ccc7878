/**
 * Every codegraph step an Nx task can run, by name, each loaded only when a task needs it: a forked task loads
 * one executor module (and the engine), never the others.
 */
import type { ExecutorContext } from '@nx/devkit';

export const STEPS = ['l0', 'l1', 'l2', 'l3', 'l4', 'l5', 'l7', 'l8', 'l9', 'index', 'repo-index'] as const;
export type StepName = (typeof STEPS)[number];

type StepExecutor = (options: any, context: ExecutorContext) => Promise<{ success: boolean }>;

const LOADERS: Record<StepName, () => Promise<{ default: StepExecutor }>> = {
  l0: () => import('./l0/executor'),
  l1: () => import('./l1/executor'),
  l2: () => import('./l2/executor'),
  l3: () => import('./l3/executor'),
  l4: () => import('./l4/executor'),
  l5: () => import('./l5/executor'),
  l7: () => import('./l7/executor'),
  l8: () => import('./l8/executor'),
  l9: () => import('./l9/executor'),
  index: () => import('./index/executor'),
  'repo-index': () => import('./repo-index/executor'),
};

export function isStep(name: unknown): name is StepName {
  return typeof name === 'string' && (STEPS as readonly string[]).includes(name);
}

/** Loads a step's executor module (and what it imports: the engine) without running it. */
export async function loadStep(step: StepName): Promise<StepExecutor> {
  return (await LOADERS[step]()).default;
}

export async function runStep(step: StepName, options: object, context: ExecutorContext): Promise<{ success: boolean }> {
  const run = await loadStep(step);
  return run(options, context);
}

/**
 * The step a task runs: its `layer` option (the `@codegraph/nx:layer` executor the plugin infers), else the name of
 * its per-step executor (`@codegraph/nx:l1` → `l1`, for targets written by hand).
 */
export function stepOf(options: { layer?: unknown }, context: ExecutorContext): StepName {
  if (options.layer !== undefined) {
    if (isStep(options.layer)) return options.layer;
    throw new Error(`codegraph: unknown layer "${String(options.layer)}" (expected one of ${STEPS.join(', ')})`);
  }
  const target = context.projectName && context.targetName ? context.projectsConfigurations?.projects[context.projectName]?.targets?.[context.targetName] : undefined;
  const name = target?.executor?.split(':')[1];
  if (isStep(name)) return name;
  throw new Error(`codegraph: cannot tell which step ${context.projectName}:${context.targetName} runs (executor ${target?.executor ?? 'unknown'})`);
}
