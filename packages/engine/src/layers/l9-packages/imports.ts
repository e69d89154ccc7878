/**
 * What a project imports, from its L1 shards (the Python itself is never run or imported). Only absolute imports
 * (`level` 0) can name another distribution: relative ones always stay inside the project.
 */
import { readJsonOrUndefined } from '../../util/atomic';
import { isNodeLine, lineKind, projectShards, shardLines } from '../l1-structure/stream';
import { manifestPath, type L1Manifest } from '../l1-structure/run';
import type { PackageDiagnostic } from './types';

export interface ImportUse {
  /** Importing files (root-relative). */
  files: Set<string>;
  /** Of those, the non-test ones: empty means test-only. */
  nonTest: Set<string>;
  /**
   * Files importing it unconditionally: empty means every import is guarded (`try: … except ImportError`, or
   * `if TYPE_CHECKING:`), i.e. the code runs without it.
   */
  required: Set<string>;
}

export interface ProjectImports {
  /** The project's own top-level modules. */
  own: Set<string>;
  /** Every other imported top-level module (stdlib included: a declared backport may be imported by a stdlib name). */
  imported: Map<string, ImportUse>;
  diagnostics: PackageDiagnostic[];
}

interface ImportLine {
  attrs?: { module?: unknown; level?: unknown; optional?: unknown; type_checking?: unknown };
}
interface FileLine {
  attrs?: { is_test?: unknown };
}

/** Scans every shard of the project, one shard in memory at a time. Requires initHash(). */
export function projectImports(outDir: string): ProjectImports {
  const shards = projectShards(outDir);
  const own = new Set(shards.map((s) => topLevel(s.module)).filter((m) => m !== ''));
  const imported = new Map<string, ImportUse>();
  const diagnostics: PackageDiagnostic[] = [];
  for (const s of shards) {
    const lines = shardLines(s.shard);
    if (!lines) {
      diagnostics.push({ file: s.file, message: 'L1 shard missing or corrupt; its imports are not counted' });
      continue;
    }
    let isTest = false;
    for (const line of lines) {
      if (!isNodeLine(line)) continue;
      const kind = lineKind(line);
      // The File node comes first in a shard, so is_test is known before the file's imports.
      if (kind === 'File') isTest = (JSON.parse(line) as FileLine).attrs?.is_test === true;
      if (kind !== 'Import') continue;
      const a = (JSON.parse(line) as ImportLine).attrs;
      if (a?.level !== 0 || typeof a.module !== 'string') continue;
      const top = topLevel(a.module);
      if (!top || own.has(top)) continue;
      let use = imported.get(top);
      if (!use) imported.set(top, (use = { files: new Set(), nonTest: new Set(), required: new Set() }));
      use.files.add(s.file);
      if (!isTest) use.nonTest.add(s.file);
      if (a.optional !== true && a.type_checking !== true) use.required.add(s.file);
    }
  }
  return { own, imported, diagnostics };
}

/**
 * Names too generic to say which workspace project provides them: every project may have `tests/` or a
 * `conftest.py`, and a dependency on a project is never what makes `import tests` work.
 */
const GENERIC = new Set(['conftest', 'docs', 'examples', 'noxfile', 'scripts', 'setup', 'src', 'test', 'testing', 'tests', 'tasks']);

/** Top-level modules another project provides, from its L1 manifest; undefined when it has no L1 output. */
export function providedModules(outDir: string): string[] | undefined {
  const m = readJsonOrUndefined<L1Manifest>(manifestPath(outDir));
  if (!m?.files) return undefined;
  const tops = new Set<string>();
  for (const e of Object.values(m.files)) {
    const t = topLevel(e.module);
    if (t && !GENERIC.has(t)) tops.add(t);
  }
  return [...tops].sort();
}

function topLevel(module: string): string {
  return module.split('.')[0] ?? '';
}
