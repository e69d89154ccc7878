/**
 * Whether a project's facts are the previous run's up to positions, told without loading the unchanged ones.
 *
 * From L5, a file's facts record has a checksum (L5Reader.factsDigest) that the previous answers recorded as the
 * file's facts digest (answers.ts): equal means the very facts the previous run read, whose shape it recorded too.
 * Only the files whose checksum differs (the edited ones) are decoded and their shape computed. So after a body-only
 * edit L4 neither decodes the project's facts nor builds the constraint program: it reads a checksum per file.
 */
import { FLOW_FACTS_FORMAT, type FlowFacts } from '../../../lang/python/valueflow';
import { l5Key } from '../../l5-flow/keys';
import { L5Reader } from '../../l5-flow/stream';
import type { ProjectOut } from '../../l1-structure/stream';
import type { Answers, FactsInput } from './answers';
import type { FlowRef } from './facts-source';
import { shapeKey } from './shape';

export interface ProbedFacts {
  /** Each file's facts digest and shape, in the order of the refs (as the fixpoint would read them). */
  inputs: Map<string, FactsInput>;
  /** The files whose facts differ from the previous run's by positions only, with their facts. */
  moved: Map<string, FlowFacts>;
}

/**
 * The inputs of `refs` (all of `project`) when every file's facts come from L5 and every file is as in `prev` up to
 * positions; else undefined (a file not analysed by L5 for its current text, facts changed beyond positions, a file
 * new since the previous run) — the caller then loads the facts as usual.
 */
export function probeFromL5(project: ProjectOut, refs: readonly FlowRef[], prev: Answers): ProbedFacts | undefined {
  const l5 = L5Reader.tryOpen(project.outDir);
  if (!l5) return undefined;
  try {
    const out: ProbedFacts = { inputs: new Map(), moved: new Map() };
    for (const { ref } of refs) {
      if (l5.key(ref.file) !== l5Key(ref.key)) return undefined;
      const digest = l5.factsDigest(ref.file);
      const was = prev.inputs.get(ref.file);
      if (digest === undefined || !was) return undefined;
      if (digest === was.digest) {
        out.inputs.set(ref.file, was);
        continue;
      }
      const facts = l5.facts(ref.file);
      if (facts?.format !== FLOW_FACTS_FORMAT) return undefined;
      const shape = shapeKey(facts);
      if (shape !== was.shape) return undefined;
      out.inputs.set(ref.file, { digest, shape });
      out.moved.set(ref.file, facts);
    }
    return out;
  } finally {
    l5.close();
  }
}
