/**
 * The workspace as L8 sees it beyond the project: where a module is defined (this project or the projects it
 * depends on, as L4 resolved against), the interface facts of any of those files, and what star-import enumeration
 * reads. Readers and manifests are opened on first use: most runs never need another project's facts.
 */
import { readJsonOrUndefined } from '../../util/atomic';
import type { FileFacts } from '../l1-structure/interface';
import { manifestPath, type L1Manifest } from '../l1-structure/run';
import { L1Reader, type ProjectOut } from '../l1-structure/stream';
import { bindsNamesDynamically } from './dynamic';
import type { Sources } from './source';
import type { StarSources } from './stars';

/** Where a module is defined: its file and the output folder of the project holding it. */
export interface ModuleHome {
  file: string;
  outDir: string;
}

/** Module → file over this project and its dependencies (their L1 manifests read on first use; first wins, as in L4). */
export function moduleHomes(own: L1Reader, deps: readonly ProjectOut[]): (m: string) => ModuleHome | undefined {
  let map: Map<string, ModuleHome> | undefined;
  return (m) => {
    if (!map) {
      map = new Map();
      const manifests: Array<[L1Manifest | undefined, string]> = [[own.manifest, own.outDir], ...deps.map((d): [L1Manifest | undefined, string] => [readJsonOrUndefined<L1Manifest>(manifestPath(d.outDir)), d.outDir])];
      for (const [man, outDir] of manifests) {
        for (const [file, e] of Object.entries(man?.files ?? {})) if (!map.has(e.module)) map.set(e.module, { file, outDir });
      }
    }
    return map.get(m);
  };
}

/** Interface facts of any workspace module (this project's or a dependency's), readers opened on first use. */
export class WorkspaceFacts {
  private readers = new Map<string, L1Reader>();

  constructor(
    private readonly own: L1Reader,
    readonly home: (m: string) => ModuleHome | undefined,
  ) {
    this.readers.set(own.outDir, own);
  }

  facts(module: string): FileFacts | undefined {
    const h = this.home(module);
    if (!h) return undefined;
    let r = this.readers.get(h.outDir);
    if (!r) {
      try {
        r = L1Reader.open(h.outDir);
      } catch {
        return undefined;
      }
      this.readers.set(h.outDir, r);
    }
    const ref = r.manifest.files[h.file];
    return ref ? r.factsOf({ key: ref.key }) : undefined;
  }

  close(): void {
    for (const r of this.readers.values()) if (r !== this.own) r.close();
  }
}

/** What star-import enumeration reads: workspace facts, and the source text to spot dynamic binding. */
export function starSources(workspace: WorkspaceFacts, sources: Sources): StarSources {
  return {
    facts: (m) => workspace.facts(m),
    dynamic: (m) => {
      const home = workspace.home(m);
      return home === undefined || bindsNamesDynamically(sources.get(home.file)?.text ?? '');
    },
  };
}

