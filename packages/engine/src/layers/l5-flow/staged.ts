/**
 * L5's records made on L1's parse. Parsing is ~40% of L5's per-file work and L1 has just parsed the same bytes, so
 * when both layers run (a cold index, an edit), L1's worker runs L5's analysis on its tree (an L1Stage) and the
 * records are staged under `<out>/l5-staged/`; L5's own run then takes a file's records from there instead of
 * parsing it again, and removes the stage when its outputs are written.
 *
 * The stage is a cache, not an input: no Nx target declares it, and a record is taken only under the key L5 would
 * write it under (l5Key of the file's L1 key, which covers engine, path, module and content), so a stage left by an
 * older run, another checkout or a run that died is never wrong, only unused. L5's outputs are byte-identical
 * whether its records came from the stage or from its own workers (test/l5-staged.test.ts). Where L1 came from a
 * cache (nothing staged) L5 parses as before. A file whose analysis fails on L1's worker is not staged: L5 redoes
 * it on its own worker, with its own guards and diagnostics.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { l1Failure, type PoolTaskKind } from '../../pool/pool';
import { readJsonOrUndefined, removeStaleTemps, writeJsonAtomicSync } from '../../util/atomic';
import { PackReader, PackWriter, type StoredRecord } from '../../util/pack';
import { processFile, type FileResult, type FileTask, type TreeSidecar } from '../l1-structure/file-task';
import type { L1Stage } from '../l1-structure/run';
import { analyseTree, FLOW_WORKER_MEMORY_MB, flowRecords, type FlowCounts } from './file-task';
import { L5_FORMAT, l5Key } from './keys';

const stageDir = (outDir: string) => path.join(outDir, 'l5-staged');
const flowPath = (outDir: string) => path.join(stageDir(outDir), 'flow.pack');
const factsPath = (outDir: string) => path.join(stageDir(outDir), 'facts.pack');
const countsPath = (outDir: string) => path.join(stageDir(outDir), 'counts.json');

/** What the sidecar sends back with a file's L1 result. */
interface StagedRecords {
  key: string;
  counts: FlowCounts;
  flow: StoredRecord;
  facts: StoredRecord;
}

/** Written last: a record is taken only if its counts are here and both its records are in the packs. */
interface StagedCounts {
  format: string;
  files: Record<string, FlowCounts>;
}

/** Runs in L1's worker on the tree L1 just extracted from. */
const flowSidecar: TreeSidecar = (decoded, root, l1Key, task) => {
  try {
    const { flow, facts } = analyseTree(decoded, root, task.file, task.module);
    return { key: l5Key(l1Key), ...flowRecords(flow, facts) } satisfies StagedRecords;
  } catch {
    return undefined; // L5 analyses the file itself and reports why it fails
  }
};

/** L1's per-file work with L5's analysis on the same tree (the worker method `indexFlowBatch`, or in-process). */
export function processFileWithFlow(t: FileTask): FileResult {
  return processFile(t, flowSidecar);
}

export const L1_WITH_FLOW_TASKS: PoolTaskKind<FileTask, FileResult> = {
  method: 'indexFlowBatch',
  failure: (t, message) => ({ ...l1Failure(t, message), retryWithoutStage: true }),
};

/** The stage L1 fills for the project at `outDir` (pass as L1Options.stage when L5 runs after L1). */
export function flowStage(outDir: string): L1Stage {
  let writers: { flow: PackWriter; facts: PackWriter; counts: Record<string, FlowCounts> } | undefined;
  const open = () => {
    if (writers) return writers;
    fs.mkdirSync(stageDir(outDir), { recursive: true });
    // What a killed L1 run left half-written (its records are not worth salvaging: L5 can always redo them).
    removeStaleTemps(stageDir(outDir));
    return (writers = { flow: new PackWriter(flowPath(outDir)), facts: new PackWriter(factsPath(outDir)), counts: {} });
  };
  return {
    tasks: L1_WITH_FLOW_TASKS,
    run: processFileWithFlow,
    // L5's own ceiling: at L1's 2048, V8's heap slack took sympy's L1 step from 0.75 to 1.72 GiB with L5's work
    // added; at 512 it peaked at 0.78 GiB (the reasoning of FLOW_WORKER_MEMORY_MB, measured the same way).
    workerMemoryMb: FLOW_WORKER_MEMORY_MB,
    take(_file, sidecar) {
      const s = sidecar as StagedRecords;
      const w = open();
      w.flow.add(s.key, s.flow);
      w.facts.add(s.key, s.facts);
      w.counts[s.key] = s.counts;
    },
    commit() {
      if (!writers) return removeStagedFlow(outDir);
      const w = writers;
      writers = undefined;
      // Counts go last, and the old ones first: a stage cut short by a crash has no counts and is not read.
      fs.rmSync(countsPath(outDir), { force: true });
      w.flow.commit({ fsync: false });
      w.facts.commit({ fsync: false });
      writeJsonAtomicSync(countsPath(outDir), { format: L5_FORMAT, files: w.counts } satisfies StagedCounts);
    },
    abort() {
      writers?.flow.abort();
      writers?.facts.abort();
      writers = undefined;
    },
  };
}

/** The records staged for the project at `outDir`, or undefined when there are none. */
export interface StagedFlow {
  get(key: string): { counts: FlowCounts; flow: StoredRecord; facts: StoredRecord } | undefined;
  close(): void;
}

export function openStagedFlow(outDir: string): StagedFlow | undefined {
  const counts = readJsonOrUndefined<StagedCounts>(countsPath(outDir));
  if (counts?.format !== L5_FORMAT) return undefined;
  const flow = PackReader.open(flowPath(outDir));
  const facts = PackReader.open(factsPath(outDir));
  if (!flow || !facts) {
    flow?.close();
    facts?.close();
    return undefined;
  }
  return {
    get(key) {
      const c = counts.files[key];
      const f = c && flow.stored(key);
      const x = f && facts.stored(key);
      return c && f && x ? { counts: c, flow: f, facts: x } : undefined;
    },
    close() {
      flow.close();
      facts.close();
    },
  };
}

/** Drops the stage (L5 took what it needed; a new L1 run replaces it). */
export function removeStagedFlow(outDir: string): void {
  fs.rmSync(stageDir(outDir), { recursive: true, force: true });
}
