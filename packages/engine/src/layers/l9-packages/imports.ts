/**
 * What a project imports, from its L1 shards (the Python itself is never run or imported). Only absolute imports
 * (`level` 0) can name another distribution: relative ones always stay inside the project.
 */
import { readJsonOrUndefined } from '../../util/atomic';
import { L1Reader } from '../l1-structure/stream';
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

/** Scans every file's import facts (L1 `facts.pack`; never the IR). Requires initHash(). */
export function projectImports(outDir: string): ProjectImports {
  const l1 = L1Reader.open(outDir);
  const refs = l1.refs;
  const own = new Set(refs.map((s) => topLevel(s.module)).filter((m) => m !== ''));
  const imported = new Map<string, ImportUse>();
  const diagnostics: PackageDiagnostic[] = [];
  try {
    for (const s of refs) {
      const facts = l1.factsOf(s);
      if (!facts) {
        diagnostics.push({ file: s.file, message: 'L1 record missing or damaged; its imports are not counted' });
        continue;
      }
      for (const [module, flags] of facts.imports) {
        const top = topLevel(module);
        if (!top || own.has(top)) continue;
        let use = imported.get(top);
        if (!use) imported.set(top, (use = { files: new Set(), nonTest: new Set(), required: new Set() }));
        use.files.add(s.file);
        if (!facts.test) use.nonTest.add(s.file);
        if (flags === 0) use.required.add(s.file);
      }
    }
  } finally {
    l1.close();
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
