/**
 * Where L4 gets the value-flow facts of every file of a project and its dependencies.
 *
 * From L5 (`l5/facts.pack`, read through L5Reader) when the project has L5 output for that file under the same L1
 * key. Otherwise (L5 not run, or older than L1) L4 derives them itself: it parses the file (tree-sitter) and runs
 * `extractFlowFacts`, caching the result in its own `l4/flow.pack` keyed by the file's L1 key (which covers the
 * content and the engine fingerprint), so a run after an edit parses only the edited files. Dependencies' facts are
 * not kept there: L4 reads them only to derive their shared summaries (`cache: false`).
 *
 * A file that cannot be read or parsed yields no facts (counted in `unreadable`): its values are unknown, nothing
 * crashes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initPythonParser } from '../../../lang/python/parser';
import { FLOW_FACTS_FORMAT, type FlowFacts } from '../../../lang/python/valueflow';
import { hashString } from '../../../util/hash';
import { PackReader, PackWriter } from '../../../util/pack';
import { withReaders, type L1Readers, type ProjectOut, type ShardRef } from '../../l1-structure/stream';
import { InputsIndex, topLevel } from '../inputs-index';
import { l5Key } from '../../l5-flow/keys';
import { L5Reader } from '../../l5-flow/stream';
import { analyseSource } from '../../l5-flow/file-task';
import { readConfined } from '../../../project/discover';

export const flowPackPath = (outDir: string) => path.join(outDir, 'l4', 'flow.pack');

export interface FlowFile {
  file: string;
  project: string;
  module: string;
  facts: FlowFacts;
  /** Hash of the facts' cache key (stable while the file is unchanged). */
  key: string;
  /** A digest of the facts' content when one is known without hashing them (read from L5: its record's checksum). */
  digest?: string;
}

export interface FlowSourceStats {
  files: number;
  /** Read from L5's output. */
  fromL5: number;
  extracted: number;
  reused: number;
  /** Files of dependency projects read as flow summaries (fixed facts) instead of facts. */
  fromSummaries: number;
  /** Files of dependency projects left out: no import chain from this project reaches their top-level package. */
  unreached: number;
  unreadable: string[];
  ms: number;
}

const PARSE_BUDGET_MS = 20_000;

export { topLevel } from '../inputs-index';

/**
 * The top-level packages of the dependency projects that this project's code can reach through imports, followed
 * transitively. Code of a package nothing imports never runs with this project, so no value of it can flow here:
 * leaving its facts out of the fixpoint changes no answer for this project's files and keeps the fixpoint
 * proportional to what the project uses (sympy reaches a fraction of the stdlib). A reached package counts whole —
 * relative imports inside it are not in the interface facts — which errs on the side of keeping files. Each file's
 * imported packages come from `index` (inputs-index.ts): only the files it does not know yet are decoded.
 */
function reachablePackages(project: ProjectOut, deps: readonly ProjectOut[], index: InputsIndex, readers: L1Readers): Set<string> {
  const importsOf = new Map<string, Set<string>>();
  const own = new Set<string>();
  for (const p of [project, ...deps]) {
    const l1 = readers.of(p);
    for (const ref of l1.refs) {
      const top = topLevel(ref.module);
      if (p === project) own.add(top);
      let out = importsOf.get(top);
      if (!out) importsOf.set(top, (out = new Set()));
      for (const t of index.importedTops(l1, ref) ?? []) out.add(t);
    }
  }
  const reached = new Set<string>(own);
  const todo = [...own];
  while (todo.length) {
    for (const t of importsOf.get(todo.pop()!) ?? []) {
      if (!reached.has(t)) {
        reached.add(t);
        todo.push(t);
      }
    }
  }
  return reached;
}

/** A file whose facts value flow may load: its project, its L1 ref, and the key of its facts. */
export interface FlowRef {
  project: ProjectOut;
  ref: ShardRef;
  key: string;
}

/**
 * The files whose facts L4's value flow needs: every file of `project`, then the files of `deps` in the packages its
 * imports reach; and a digest of every dependency file's interface (reached or not: the dependencies' symbol table
 * holds them all). Read from the L1 manifests and interface facts only (no flow facts are loaded), the interface
 * facts through `index`.
 */
export function flowRefs(
  project: ProjectOut,
  deps: readonly ProjectOut[],
  index: InputsIndex = InputsIndex.none(),
  readers?: L1Readers,
): { own: FlowRef[]; deps: FlowRef[]; unreached: number; depInterfaces: string } {
  return withReaders(readers, (rs) => {
    const out = { own: [] as FlowRef[], deps: [] as FlowRef[], unreached: 0, depInterfaces: '' };
    const ifaces: string[] = [];
    const reachable = reachablePackages(project, deps, index, rs);
    const seen = new Set<string>();
    for (const p of [project, ...deps]) {
      if (seen.has(p.name)) continue;
      seen.add(p.name);
      for (const ref of rs.of(p).refs) {
        if (p !== project) ifaces.push(`${p.name}\0${ref.file}\0${ref.module}\0${ref.iface}`);
        if (p !== project && !reachable.has(topLevel(ref.module))) {
          out.unreached++;
          continue;
        }
        (p === project ? out.own : out.deps).push({ project: p, ref, key: hashString(`${FLOW_FACTS_FORMAT}\0${ref.key}`) });
      }
    }
    out.depInterfaces = hashString(ifaces.join('\n'));
    return out;
  });
}

/**
 * Calls `fn` with the facts of every file of `refs` (in order), extracting what the cache lacks. Rewrites the cache
 * with exactly the files seen (unless `cache: false`).
 */
export async function forEachFlowFacts(
  root: string,
  project: ProjectOut,
  refs: readonly FlowRef[],
  fn: (f: FlowFile) => void,
  opts: { unreached?: number; cache?: false } = {},
): Promise<FlowSourceStats> {
  const t0 = performance.now();
  const stats: FlowSourceStats = { files: 0, fromL5: 0, extracted: 0, reused: 0, fromSummaries: 0, unreached: opts.unreached ?? 0, unreadable: [], ms: 0 };
  const cachePath = flowPackPath(project.outDir);
  fs.mkdirSync(path.dirname(cachePath), { recursive: true });
  const prev = PackReader.open(cachePath);
  const pack = new PackWriter(cachePath);
  let parserReady = false;
  let open: { outDir: string; l5: L5Reader | undefined } | undefined;
  try {
    for (const { project: p, ref, key } of refs) {
      if (open?.outDir !== p.outDir) {
        open?.l5?.close();
        open = { outDir: p.outDir, l5: L5Reader.tryOpen(p.outDir) };
      }
      const l5 = open.l5;
      stats.files++;
      let facts: FlowFacts | undefined;
      // L5 keys a file's records by (L5 format, L1 key): equal means L5 analysed the very text L1 did.
      if (l5 && l5.key(ref.file) === l5Key(ref.key)) {
        const f = l5.facts(ref.file);
        if (f?.format === FLOW_FACTS_FORMAT) {
          stats.fromL5++;
          fn({ file: ref.file, project: p.name, module: ref.module, facts: f, key, digest: l5.factsDigest(ref.file) });
          continue;
        }
      }
      const cached = prev?.text(key);
      if (cached !== undefined) {
        try {
          facts = JSON.parse(cached) as FlowFacts;
          if (!pack.has(key)) pack.addRaw(key, cached);
          stats.reused++;
        } catch {
          facts = undefined;
        }
      }
      if (!facts) {
        if (!parserReady) {
          await initPythonParser();
          parserReady = true;
        }
        facts = extractFile(root, ref.file, ref.module);
        if (!facts) {
          stats.unreadable.push(ref.file);
          continue;
        }
        stats.extracted++;
        if (!pack.has(key)) pack.addRaw(key, JSON.stringify(facts));
      }
      fn({ file: ref.file, project: p.name, module: ref.module, facts, key });
    }
    // `cache: false` (a dependency's facts, read once to derive its shared summaries): the project's pack stays as is.
    if (opts.cache === false) pack.abort();
    else pack.commit({ fsync: false });
  } catch (err) {
    pack.abort();
    throw err;
  } finally {
    open?.l5?.close();
    prev?.close();
  }
  stats.ms = Math.round(performance.now() - t0);
  return stats;
}

/** As L5 would have: read (confined to the index root), parsed with the guards, flow first, then the facts. */
function extractFile(root: string, file: string, module: string): FlowFacts | undefined {
  try {
    return analyseSource(readConfined(root, path.join(root, file)), file, module, PARSE_BUDGET_MS).facts;
  } catch {
    return undefined;
  }
}
