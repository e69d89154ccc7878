/**
 * Inputs from the workspace's named inputs (nx.json `namedInputs`, e.g. `production`): the exclusions a workspace
 * declares — `!{projectRoot}/**\/test_*.py` — are honoured by codegraph's targets.
 *
 * Only the exclusions are taken, and only those the indexer can honour too: a file left out of a task's hash must be
 * left out of the index, else a cached result would describe a file that changed since. So each negative
 * `{projectRoot}/<glob>` becomes both a negative input of the target and a glob the engine skips (`excludeFiles`,
 * matched by minimatch relative to the project root, as Nx matches filesets). Everything else is not used:
 * - positive filesets (`{projectRoot}/**\/*`): each layer hashes exactly what it reads (Python and packaging files),
 *   a narrower set — a README edit does not re-index;
 * - negatives outside the project (`!{workspaceRoot}/…`; Nx would hash such a fileset over the whole workspace) and
 *   negatives matching a packaging file (`pyproject.toml`, `setup.cfg`, `setup.py`, `requirements.txt`), which the
 *   layers read whatever the index holds;
 * - dependency inputs (`^production`), `{ runtime }`, `{ env }`, `{ externalDependencies }`.
 * Named inputs that refer to other named inputs (`"production": ["default", "!…"]`) are expanded.
 */
import type * as MinimatchModule from 'minimatch';

/** An entry of a named input, as nx.json has it. */
type InputEntry = string | object;

export interface NamedInputExclusions {
  /** Negative inputs to add to every target that hashes the project's files (`!{projectRoot}/…`). */
  inputs: string[];
  /** The same globs, relative to the project root, for the engine. */
  excludeFiles: string[];
  /** Negative patterns seen but not honoured (see the header), for the docs and tests. */
  ignored: string[];
}

const PROJECT_ROOT = '{projectRoot}/';
/** Files every layer reads whatever is excluded: an exclusion matching one of them cannot be honoured. */
const PACKAGING_FILES = ['pyproject.toml', 'setup.cfg', 'setup.py', 'requirements.txt'];

/**
 * The exclusions of the named input `name` in `namedInputs` (nx.json). Nothing when the workspace has no such
 * named input.
 */
export function namedInputExclusions(namedInputs: Record<string, readonly InputEntry[]> | undefined, name: string): NamedInputExclusions {
  const out: NamedInputExclusions = { inputs: [], excludeFiles: [], ignored: [] };
  if (!namedInputs?.[name]) return out;
  // Loaded here: the plugin module is loaded on every Nx command, this runs only when project inference does.
  const { Minimatch }: typeof MinimatchModule = require('minimatch');
  const seen = new Set<string>();
  const visit = (input: string) => {
    if (seen.has(input)) return;
    seen.add(input);
    for (const entry of namedInputs?.[input] ?? []) {
      const fileset = typeof entry === 'object' && entry !== null && 'fileset' in entry ? entry.fileset : undefined;
      const text = typeof entry === 'string' ? entry : typeof fileset === 'string' ? fileset : undefined;
      if (text === undefined) continue;
      if (text.startsWith('!')) negative(text.slice(1));
      else if (typeof entry === 'string' && namedInputs?.[text] !== undefined) visit(text);
    }
  };
  const negative = (pattern: string) => {
    const glob = pattern.startsWith(PROJECT_ROOT) ? pattern.slice(PROJECT_ROOT.length) : undefined;
    const m = glob ? new Minimatch(glob, { dot: true }) : undefined;
    if (!glob || !m || PACKAGING_FILES.some((f) => m.match(f))) {
      if (!out.ignored.includes(`!${pattern}`)) out.ignored.push(`!${pattern}`);
      return;
    }
    if (out.excludeFiles.includes(glob)) return;
    out.excludeFiles.push(glob);
    out.inputs.push(`!${PROJECT_ROOT}${glob}`);
  };
  visit(name);
  return out;
}
