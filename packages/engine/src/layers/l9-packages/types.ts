/** The L9 output schema (`<out>/l9/packages.json`) and the records its parsers produce. */

/**
 * Which part of a project's dependencies a declaration belongs to: `main` (installed with the project),
 * `optional:<extra>` (an extra), `dev` (legacy/tool dev dependencies, dev requirement files) or `group:<g>`
 * (PEP 735 / Poetry / PDM dependency groups, other requirement files).
 */
export type DepGroup = 'main' | 'dev' | `optional:${string}` | `group:${string}`;

/** One declaration of a distribution (the same distribution may be declared in several places). */
export interface DeclaredDep {
  /** PEP 503 normalised distribution name. */
  name: string;
  /** The requirement as written (for Poetry tables: `name = <value>`). */
  raw: string;
  /** Declaring file, relative to the index root, `/`-separated. */
  source: string;
  /** 1-based line of the declaration, when it could be found. */
  line?: number;
  group: DepGroup;
  extras?: string[];
  marker?: string;
  url?: string;
}

export interface PackageDiagnostic {
  file: string;
  /** 1-based position of the problem, when the parser gives one (invalid TOML). */
  line?: number;
  column?: number;
  message: string;
}

/** How a distribution's import names were found. */
export type MappingRule = 'workspace' | 'known' | 'default';

export interface DistMapping {
  dist: string;
  imports: string[];
  rule: MappingRule;
  /** A type-stub distribution (`types-X`, `X-stubs`): it counts as used when X is imported, but provides nothing at run time. */
  stubs?: true;
}

/** A third-party (or other workspace project's) top-level module the project imports. */
export interface ImportedName {
  name: string;
  /** Importing files, relative to the index root, sorted. */
  files: string[];
  /** Every importing file is a test file: a dev/test dependency is enough. */
  testOnly: boolean;
  /** Every import of it is guarded (`try: … except ImportError`, `if TYPE_CHECKING:`): the code runs without it. */
  optional: boolean;
  /** Declared distributions that provide this name, sorted. */
  providedBy: string[];
}

export interface UndeclaredImport {
  name: string;
  files: string[];
  testOnly: boolean;
  /** Distributions that would provide it: workspace projects, well-known mismatches, else the name itself. */
  candidates: string[];
}

export interface UnusedDep {
  dist: string;
  imports: string[];
  groups: DepGroup[];
}

export interface PackagesReport {
  schema: 1;
  project: string;
  /** The project's own distribution name (normalised), when declared. */
  distribution?: string;
  declared: DeclaredDep[];
  imported: ImportedName[];
  mapping: DistMapping[];
  /** Imported unconditionally somewhere, provided by no declared distribution. */
  undeclared: UndeclaredImport[];
  /** Imported only under guards and not declared: optional integrations, not missing dependencies. */
  optionalUndeclared: UndeclaredImport[];
  unused: UnusedDep[];
  diagnostics: PackageDiagnostic[];
}
