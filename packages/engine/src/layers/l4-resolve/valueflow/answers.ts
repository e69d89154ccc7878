/**
 * Value flow's answers, kept from one L4 run to the next (`l4/flow-answers.pack`: a record of the inputs, one of the
 * answers) with the digest of everything the fixpoint read: its dependencies' summaries (their bytes), the
 * interfaces of the symbol table, and the project's facts — each file's by its shape (shape.ts: the facts with their
 * source positions blanked). A run whose inputs have that digest takes the answers and skips the fixpoint: as they
 * were when no file's facts changed (a comment edit at the end), else with the sites of the files whose facts moved
 * re-keyed by their new spans (a line inserted in a body). The solver is deterministic and reads no position, so the
 * answers are the ones it would compute — the same bytes as a cold run's. A run that solves again parses the inputs
 * record only.
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
 * vfa-5: vfa-3 in two records — the inputs (`i:`, what tells whether the answers can be reused — small) and the
 * answers themselves (`a:`, parsed only when they are) — with a decorator application's answer keyed apart from the
 * call sharing its span (shape.ts DECORATOR_KEY_SUFFIX; vfa-3 kept one of the two).
 */
const FORMAT = 'vfa-5';
const INPUTS_RECORD = `i:${FORMAT}`;
const ANSWERS_RECORD = `a:${FORMAT}`;

/** A target: [how, fqn, id, kind, index of its file, external] (absent fields null, trailing ones dropped). */
type PackedTarget = [number, string, ...Array<string | number | null>];

/** The inputs record: what the answers were solved from. */
interface PackedInputs {
  /** The digest of the fixpoint's inputs (with the project's facts by shape). */
  key: string;
  /** The paths the records name (inputs, answers, targets), interned. */
  files: string[];
  /** [file index, facts digest, shape key] of each file whose facts the fixpoint read, in the order it read them. */
  inputs: Array<[number, string, string]>;
  sitesWithTargets: number;
}

/** The answers record. */
interface PackedFileAnswers {
  targets: PackedTarget[];
  /**
   * [file index, answers digest, sites ([span key, target indices, site index]), implicit calls ([span, target
   * indices, site index])].
   */
  answers: Array<[number, string, Array<[string, number[], number]>, Array<[number[], number[], number]>]>;
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
  /** Each file's answers (as read: parsed on first use — a run that solves again never needs them). */
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

/**
 * The answers of the previous run, or undefined (none, or a record damaged). The inputs are parsed now; the answers
 * (most of the bytes) when `files` is first read — their record's checksum and decompression are checked now.
 */
export function readAnswers(outDir: string): Answers | undefined {
  const pack = PackReader.open(flowAnswersPackPath(outDir));
  if (!pack) return undefined;
  let head: PackedInputs;
  let body: string | undefined;
  try {
    const text = pack.text(INPUTS_RECORD);
    body = pack.text(ANSWERS_RECORD);
    if (text === undefined || body === undefined) return undefined;
    head = JSON.parse(text) as PackedInputs;
  } catch {
    return undefined;
  } finally {
    pack.close();
  }
  const inputs = new Map<string, FactsInput>();
  for (const [file, digest, shape] of head.inputs) inputs.set(head.files[file]!, { digest, shape });
  let files: Map<string, FileAnswers> | undefined;
  const answers: Answers = {
    key: head.key,
    inputs,
    sitesWithTargets: head.sitesWithTargets,
    get files(): Map<string, FileAnswers> {
      if (!files) {
        files = parseFileAnswers(head.files, body!);
        body = undefined;
      }
      return files;
    },
    set files(v: Map<string, FileAnswers>) {
      files = v;
      body = undefined;
    },
  };
  return answers;
}

/** The answers record as maps (its text checked by the pack's checksum: written by writeAnswers, parseable). */
function parseFileAnswers(paths: readonly string[], text: string): Map<string, FileAnswers> {
  const p = JSON.parse(text) as PackedFileAnswers;
  const targets = p.targets.map(([how, fqn, id, kind, file, external]): FlowTarget => {
    const t: FlowTarget = { how, fqn };
    if (typeof id === 'string') t.id = id;
    if (typeof kind === 'string') t.kind = kind;
    if (typeof file === 'number') t.file = paths[file]!;
    if (typeof external === 'string') t.external = external;
    return t;
  });
  const out = new Map<string, FileAnswers>();
  for (const [file, digest, sites, implicit] of p.answers) {
    out.set(paths[file]!, {
      sites: sites.map(([key, ts]) => [key, ts.map((i) => targets[i]!)]),
      implicit: implicit.map(([span, ts]) => ({ span: span as ImplicitSite['span'], targets: ts.map((i) => targets[i]!) })),
      siteIndex: sites.map((s) => s[2]),
      implicitIndex: implicit.map((s) => s[2]),
      digest,
    });
  }
  return out;
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
  // Targets are shared objects (one per object and way of reaching it, solved or read back): each is packed once.
  const byObject = new Map<FlowTarget, number>();
  const targetOf = (t: FlowTarget) => {
    const had = byObject.get(t);
    if (had !== undefined) return had;
    const packed: PackedTarget = [t.how, t.fqn, t.id ?? null, t.kind ?? null, t.file === undefined ? null : fileOf(t.file), t.external ?? null];
    while (packed.length > 2 && packed[packed.length - 1] === null) packed.pop();
    const k = JSON.stringify(packed);
    let i = targetIdx.get(k);
    if (i === undefined) targetIdx.set(k, (i = targets.push(packed) - 1));
    byObject.set(t, i);
    return i;
  };
  const head: PackedInputs = { key: answers.key, files, inputs: [], sitesWithTargets: answers.sitesWithTargets };
  const packed: PackedFileAnswers = { targets, answers: [] };
  for (const [file, { digest, shape }] of answers.inputs) head.inputs.push([fileOf(file), digest, shape]);
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
    // The answers first: interning their paths completes `files`, which the inputs record carries.
    const body = JSON.stringify(packed);
    pack.addRaw(INPUTS_RECORD, JSON.stringify(head));
    pack.addRaw(ANSWERS_RECORD, body);
    pack.commit({ fsync: false });
  } catch (err) {
    pack.abort();
    throw err;
  }
}
