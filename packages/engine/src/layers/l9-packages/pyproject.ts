/**
 * Dependencies declared in pyproject.toml: PEP 621 (`[project] dependencies`, `[project.optional-dependencies]`),
 * PEP 735 (`[dependency-groups]`), Poetry (`[tool.poetry.dependencies]`, groups, legacy `dev-dependencies`,
 * `[tool.poetry.extras]`), and the dev lists of PDM and uv. A file that is not valid TOML, or a value of the wrong
 * type, becomes a diagnostic: the other sources are still read.
 */
import * as path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { normalizeDist } from './pep508';
import { declare, readText, relPath, type Parsed } from './sources';
import type { DepGroup } from './types';

type Table = Record<string, unknown>;
const table = (v: unknown): Table | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Table) : undefined);

/** Where declarations are in the text. smol-toml gives no positions, so a line is looked up, not known. */
class LineFinder {
  private readonly lines: string[];
  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }
  /** First line inside the table `[header]` that `match`es; 1-based. */
  find(header: string, match: (line: string) => boolean): number | undefined {
    const h = this.lines.findIndex((l) => l.trim().replace(/\s+/g, '') === `[${header}]`);
    // No header (dotted keys, inline tables): better no line than a wrong one.
    if (h < 0) return undefined;
    for (let i = h + 1; i < this.lines.length && !/^\s*\[/.test(this.lines[i]!); i++) if (match(this.lines[i]!)) return i + 1;
    return undefined;
  }
  /** The line of a quoted string literal. */
  quoted(header: string, s: string): number | undefined {
    return this.find(header, (l) => l.includes(JSON.stringify(s)) || l.includes(`'${s}'`));
  }
  /** The line of a `key =` entry (bare or quoted key). */
  key(header: string, k: string): number | undefined {
    const re = new RegExp(`^\\s*["']?${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*=`);
    return this.find(header, (l) => re.test(l));
  }
}

export function parsePyproject(root: string, projectDir: string): Parsed & { name?: string } {
  const out: Parsed & { name?: string } = { declared: [], diagnostics: [] };
  const file = path.join(projectDir, 'pyproject.toml');
  const text = readText(file);
  if (text === undefined) return out;
  const source = relPath(root, file);
  let toml: Table;
  try {
    toml = parseToml(text) as Table;
  } catch (err) {
    const at = err instanceof TomlError ? { line: err.line, column: err.column } : {};
    out.diagnostics.push({ file: source, ...at, message: `invalid TOML: ${String((err as Error).message ?? err).split('\n')[0]}` });
    return out;
  }
  const lines = new LineFinder(text);
  const pep508List = (v: unknown, where: string, header: string, group: DepGroup) => {
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      out.diagnostics.push({ file: source, message: `${where} must be an array of requirement strings` });
      return;
    }
    for (const item of v) {
      if (typeof item === 'string') declare(out, item, source, group, lines.quoted(header, item));
      // PEP 735 `{include-group = "x"}` declares nothing new: group x's entries are read under x.
      else if (!table(item)?.['include-group']) out.diagnostics.push({ file: source, message: `${where}: not a requirement string: ${JSON.stringify(item)}` });
    }
  };
  const project = table(toml.project);
  pep508List(project?.dependencies, 'project.dependencies', 'project', 'main');
  for (const [extra, v] of Object.entries(table(project?.['optional-dependencies']) ?? {}))
    pep508List(v, `project.optional-dependencies.${extra}`, 'project.optional-dependencies', `optional:${normalizeDist(extra)}`);
  for (const [g, v] of Object.entries(table(toml['dependency-groups']) ?? {}))
    pep508List(v, `dependency-groups.${g}`, 'dependency-groups', `group:${normalizeDist(g)}`);
  const tool = table(toml.tool);
  for (const [g, v] of Object.entries(table(table(tool?.pdm)?.['dev-dependencies']) ?? {}))
    pep508List(v, `tool.pdm.dev-dependencies.${g}`, 'tool.pdm.dev-dependencies', `group:${normalizeDist(g)}`);
  pep508List(table(tool?.uv)?.['dev-dependencies'], 'tool.uv.dev-dependencies', 'tool.uv', 'dev');
  poetry(out, table(tool?.poetry), source, lines);
  const name = project?.name ?? table(tool?.poetry)?.name;
  if (typeof name === 'string') out.name = name;
  return out;
}

/** Poetry's `name = "^1.2"` / `name = {version=..., optional=true}` tables; `python` is the interpreter, not a dep. */
function poetry(out: Parsed, poetry: Table | undefined, source: string, lines: LineFinder): void {
  if (!poetry) return;
  // An optional dependency is installed through the extras that list it.
  const extrasOf = new Map<string, string[]>();
  for (const [extra, members] of Object.entries(table(poetry.extras) ?? {}))
    for (const m of Array.isArray(members) ? members : [])
      if (typeof m === 'string') extrasOf.set(normalizeDist(m), [...(extrasOf.get(normalizeDist(m)) ?? []), normalizeDist(extra)]);
  const deps = (v: unknown, header: string, group: DepGroup | ((name: string, spec: unknown) => DepGroup[])) => {
    if (v === undefined) return;
    const t = table(v);
    if (!t) {
      out.diagnostics.push({ file: source, message: `${header} must be a table` });
      return;
    }
    for (const [name, spec] of Object.entries(t)) {
      if (name.toLowerCase() === 'python') continue;
      const raw = `${name} = ${JSON.stringify(spec)}`;
      const groups = typeof group === 'function' ? group(name, spec) : [group];
      for (const g of groups) {
        const before = out.declared.length;
        declare(out, name, source, g, lines.key(header, name));
        const d = out.declared[before];
        if (d) {
          d.raw = raw;
          const extras = table(spec)?.extras;
          if (Array.isArray(extras) && extras.length) d.extras = extras.filter((e): e is string => typeof e === 'string').map(normalizeDist).sort();
          if (typeof table(spec)?.markers === 'string') d.marker = table(spec)!.markers as string;
          for (const k of ['git', 'url', 'path'] as const) if (typeof table(spec)?.[k] === 'string') d.url = table(spec)![k] as string;
        }
      }
    }
  };
  deps(poetry.dependencies, 'tool.poetry.dependencies', (name, spec) => {
    if (table(spec)?.optional !== true) return ['main'];
    const extras = extrasOf.get(normalizeDist(name)) ?? [];
    // Optional but in no extra: never installed by any extra; still a declaration.
    return extras.length ? extras.sort().map((e) => `optional:${e}` as const) : ['optional:*'];
  });
  deps(poetry['dev-dependencies'], 'tool.poetry.dev-dependencies', 'dev');
  for (const [g, gt] of Object.entries(table(poetry.group) ?? {}))
    deps(table(gt)?.dependencies, `tool.poetry.group.${g}.dependencies`, `group:${normalizeDist(g)}`);
}
