/** L9 public API: declared vs imported third-party packages of a Python project. */
export { runL9, packagesPath, type L9Options } from './run';
export { normalizeDist, parseRequirement, type Requirement } from './pep508';
export { parsePyproject } from './pyproject';
export { parseSetupCfg } from './setup-cfg';
export { parseRequirementFiles, requirementFiles, requirementGroup } from './requirements';
export { staticImportNames, knownProviders } from './mapping';
export { projectImports, providedModules, type ProjectImports, type ImportUse } from './imports';
export { PY_STDLIB_MODULES } from './stdlib';
export type * from './types';
