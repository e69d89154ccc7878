/**
 * Value flow's answers, kept from one L4 run to the next (`l4/flow-answers.pack`, one record) with the digest of
 * everything the fixpoint read: its dependencies' summaries (their bytes), the interfaces of the symbol table, and
 * the project's facts — each file's by its shape (shape.ts: the facts with their source positions blanked). A run
 * whose inputs have that digest takes the answers and skips the fixpoint: as they were when no file's facts changed
 * (a comment edit at the end), else with the sites of the files whose facts moved re-keyed by their new spans (a
 * line inserted in a body). The solver is deterministic and reads no position, so the answers are the ones it would
 * compute — the same bytes as a cold run's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashString } from '../../../util/hash';
import { PackReader, PackWriter } from '../../../util/pack';
import type { FlowTarget, ImplicitSite } from './index';

export const flowAnswersPackPath = (outDir: string) => path.join(outDir, 'l4', 'flow-answers.pack');

/**
 * vfa-3: vfa-2 (one record, every target written once in a table, sites holding indices) plus, per file, the digest
 * and shape of its facts (so a run after an edit hashes only the edited files' facts), and per answered site its
 * index among the file's sites (so the answers of a file whose facts only moved can be re-keyed).
 */
const FORMAT = 'vfa-3';
const RECORD = `i:${FORMAT}`;

/** A target: [how, fqn, id, kind, index of its file, external] (absent fields null, trailing ones dropped). */
type PackedTarget = [number, string, ...Array<string | number | null>];

interface PackedAnswers {
  /** The digest of the fixpoint's inputs (with the project's facts by shape). */
  key: string;
  files: string[];
  targets: PackedTarget[];
  /** [file index, facts digest, shape key] of each file whose facts the fixpoint read, in the order it read them. */
  inputs: Array<[number, string, string]>;
  /**
   * [file index, answers digest, sites ([span key, target indices, site index]), implicit calls ([span, target
   * indices, site index])].
   */
  answers: Array<[number, string, Array<[string, number[], number]>, Array<[number[], number[], number]>]>;
  sitesWithTargets: number;
}

export interface FileAnswers {
  sites: Array<[string, FlowTarget[]]>;
  implicit: ImplicitSite[];
  /** For each of `sites`, then of `implicit`: the index of its site among the file's facts' sites. */
  siteIndex: number[];
  implicitIndex: number[];
  digest: string;
}

/** What the fixpoint read of one file: its facts' digest (content) and shape (content less positions). */
export interface FactsInput {
  digest: string;
  shape: string;
}

export interface Answers {
  key: string;
  inputs: Map<string, FactsInput>;
  files: Map<string, FileAnswers>;
  sitesWithTargets: number;
}

/**
 * The digest L4 folds into a file's record key: of its answers, order aside (what a site may call, the implicit calls
 * it makes). Only what L4 reads of them counts — the same whether they were solved or re-keyed.
 */
export function answersDigest(sites: Iterable<readonly [string, readonly FlowTarget[]]>, implicit: readonly ImplicitSite[], memo: Map<FlowTarget, string>): string {
  const text = (t: FlowTarget) => {
    let s = memo.get(t);
    if (s === undefined) memo.set(t, (s = `${t.how}:${t.id ?? t.external ?? t.fqn}`));
    return s;
  };
  const parts: string[] = [];
  for (const [key, ts] of sites) parts.push(`s:${key}=${ts.map(text).join('|')}`);
  for (const s of implicit) parts.push(`i:${s.span.join(',')}=${s.targets.map(text).join('|')}`);
  return hashString(parts.sort().join('\n'));
}

/** The answers of the previous run, or undefined (none, or the record damaged). */
export function readAnswers(outDir: string): Answers | undefined {
  const pack = PackReader.open(flowAnswersPackPath(outDir));
  if (!pack) return undefined;
  try {
    const text = pack.text(RECORD);
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
    const out: Answers = { key: p.key, inputs: new Map(), files: new Map(), sitesWithTargets: p.sitesWithTargets };
    for (const [file, digest, shape] of p.inputs) out.inputs.set(p.files[file]!, { digest, shape });
    for (const [file, digest, sites, implicit] of p.answers) {
      out.files.set(p.files[file]!, {
        sites: sites.map(([key, ts]) => [key, ts.map((i) => targets[i]!)]),
        implicit: implicit.map(([span, ts]) => ({ span: span as ImplicitSite['span'], targets: ts.map((i) => targets[i]!) })),
        siteIndex: sites.map((s) => s[2]),
        implicitIndex: implicit.map((s) => s[2]),
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

/** Rewrites the pack with exactly these answers (`files` may be built as it is read). */
export function writeAnswers(outDir: string, answers: Omit<Answers, 'files'> & { files: Iterable<[string, FileAnswers]> }): void {
  const files: string[] = [];
  const fileIdx = new Map<string, number>();
  const fileOf = (f: string) => {
    let i = fileIdx.get(f);
    if (i === undefined) fileIdx.set(f, (i = files.push(f) - 1));
    return i;
  };
  const targets: PackedTarget[] = [];
  const targetIdx = new Map<string, number>();
  // By identity first: the answers share one FlowTarget per target, and a JSON key per site's target was ~1 GB of
  // garbage on sympy (3M targets), which grew the heap L4's peak is measured on.
  const byObject = new Map<FlowTarget, number>();
  const targetOf = (t: FlowTarget) => {
    const known = byObject.get(t);
    if (known !== undefined) return known;
    const packed: PackedTarget = [t.how, t.fqn, t.id ?? null, t.kind ?? null, t.file === undefined ? null : fileOf(t.file), t.external ?? null];
    while (packed.length > 2 && packed[packed.length - 1] === null) packed.pop();
    const k = JSON.stringify(packed);
    let i = targetIdx.get(k);
    if (i === undefined) targetIdx.set(k, (i = targets.push(packed) - 1));
    byObject.set(t, i);
    return i;
  };
  const packed: PackedAnswers = { key: answers.key, files, targets, inputs: [], answers: [], sitesWithTargets: answers.sitesWithTargets };
  for (const [file, { digest, shape }] of answers.inputs) packed.inputs.push([fileOf(file), digest, shape]);
  for (const [file, a] of answers.files) {
    packed.answers.push([
      fileOf(file),
      a.digest,
      a.sites.map(([key, ts], i) => [key, ts.map(targetOf), a.siteIndex[i]!]),
      a.implicit.map((s, i) => [s.span, s.targets.map(targetOf), a.implicitIndex[i]!]),
    ]);
  }
  const target = flowAnswersPackPath(outDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const pack = new PackWriter(target);
  try {
    pack.addRaw(RECORD, JSON.stringify(packed));
    pack.commit({ fsync: false });
  } catch (err) {
    pack.abort();
    throw err;
  }
}
