/**
 * Value flow's answers, kept from one L4 run to the next (`l4/flow-answers.pack`) under the digest of everything the
 * fixpoint read: the project's facts (their bytes), its dependencies' summaries (their bytes) and the interfaces of
 * the symbol table. A run whose inputs have that digest — an edit that changes no fact (a comment), a dependency edit
 * whose summaries come out the same — takes the answers and skips the fixpoint. The solver is deterministic, so the
 * answers are the ones it would compute.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackReader, PackWriter } from '../../../util/pack';
import type { FlowTarget, ImplicitSite } from './index';

export const flowAnswersPackPath = (outDir: string) => path.join(outDir, 'l4', 'flow-answers.pack');

/**
 * vfa-2: one record per answer set, every target written once. Per file the answers repeat the same targets many
 * times (django: 68,841 targets on 26,765 sites, 14,458 distinct), so they are interned in a table (and the files
 * they name in another), and sites hold indices: 1.04 MB as vfa-1's per-file JSON records, 0.49 MB so.
 */
const FORMAT = 'vfa-2';

/** A target: [how, fqn, id, kind, index of its file, external] (absent fields null, trailing ones dropped). */
type PackedTarget = [number, string, ...Array<string | number | null>];

interface PackedAnswers {
  files: string[];
  targets: PackedTarget[];
  /** [file index, answers digest, sites ([span key, target indices]), implicit calls ([span, target indices])]. */
  answers: Array<[number, string, Array<[string, number[]]>, Array<[number[], number[]]>]>;
  sitesWithTargets: number;
}

export interface FileAnswers {
  sites: Array<[string, FlowTarget[]]>;
  implicit: ImplicitSite[];
  digest: string;
}

export interface Answers {
  files: Map<string, FileAnswers>;
  sitesWithTargets: number;
}

const recordKey = (digest: string) => `i:${FORMAT}:${digest}`;

/** The answers stored under this digest, or undefined (none, or the record damaged). */
export function readAnswers(outDir: string, digest: string): Answers | undefined {
  const pack = PackReader.open(flowAnswersPackPath(outDir));
  if (!pack) return undefined;
  try {
    const text = pack.text(recordKey(digest));
    if (text === undefined) return undefined;
    const p = JSON.parse(text) as PackedAnswers;
    const targets = p.targets.map(([how, fqn, id, kind, file, external]): FlowTarget => {
      const t: FlowTarget = { how, fqn };
      if (typeof id === 'string') t.id = id;
      if (typeof kind === 'string') t.kind = kind;
      if (typeof file === 'number') t.file = p.files[file]!;
      if (typeof external === 'string') t.external = external;
      return t;
    });
    const out: Answers = { files: new Map(), sitesWithTargets: p.sitesWithTargets };
    for (const [file, digest, sites, implicit] of p.answers) {
      out.files.set(p.files[file]!, {
        sites: sites.map(([key, ts]) => [key, ts.map((i) => targets[i]!)]),
        implicit: implicit.map(([span, ts]) => ({ span: span as ImplicitSite['span'], targets: ts.map((i) => targets[i]!) })),
        digest,
      });
    }
    return out;
  } catch {
    return undefined;
  } finally {
    pack.close();
  }
}

/** Rewrites the pack with exactly these answers, under this digest (`files` may be built as it is read). */
export function writeAnswers(outDir: string, digest: string, answers: { files: Iterable<[string, FileAnswers]>; sitesWithTargets: number }): void {
  const files: string[] = [];
  const fileIdx = new Map<string, number>();
  const fileOf = (f: string) => {
    let i = fileIdx.get(f);
    if (i === undefined) fileIdx.set(f, (i = files.push(f) - 1));
    return i;
  };
  const targets: PackedTarget[] = [];
  const targetIdx = new Map<string, number>();
  const targetOf = (t: FlowTarget) => {
    const packed: PackedTarget = [t.how, t.fqn, t.id ?? null, t.kind ?? null, t.file === undefined ? null : fileOf(t.file), t.external ?? null];
    while (packed.length > 2 && packed[packed.length - 1] === null) packed.pop();
    const k = JSON.stringify(packed);
    let i = targetIdx.get(k);
    if (i === undefined) targetIdx.set(k, (i = targets.push(packed) - 1));
    return i;
  };
  const packed: PackedAnswers = { files, targets, answers: [], sitesWithTargets: answers.sitesWithTargets };
  for (const [file, a] of answers.files) {
    packed.answers.push([fileOf(file), a.digest, a.sites.map(([key, ts]) => [key, ts.map(targetOf)]), a.implicit.map((s) => [s.span, s.targets.map(targetOf)])]);
  }
  const target = flowAnswersPackPath(outDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const pack = new PackWriter(target);
  try {
    pack.addRaw(recordKey(digest), JSON.stringify(packed));
    pack.commit({ fsync: false });
  } catch (err) {
    pack.abort();
    throw err;
  }
}
