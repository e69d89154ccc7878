/**
 * Value flow's answers, kept from one L4 run to the next (`l4/flow-answers.pack`) under the digest of everything the
 * fixpoint read: the project's facts (their bytes), its dependencies' summaries (their bytes) and the interfaces of
 * the symbol table. A run whose inputs have that digest — an edit that changes no fact (a comment), a dependency edit
 * whose summaries come out the same — takes the answers and skips the fixpoint. The solver is deterministic, so the
 * answers are the ones it would compute.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashString } from '../../../util/hash';
import { PackReader, PackWriter } from '../../../util/pack';
import type { FlowTarget, ImplicitSite } from './index';

export const flowAnswersPackPath = (outDir: string) => path.join(outDir, 'l4', 'flow-answers.pack');

const FORMAT = 'vfa-1';

export interface FileAnswers {
  sites: Array<[string, FlowTarget[]]>;
  implicit: ImplicitSite[];
  digest: string;
}

export interface Answers {
  files: Map<string, FileAnswers>;
  sitesWithTargets: number;
}

/** The answers stored under this digest, or undefined (none, or a record damaged). */
export function readAnswers(outDir: string, digest: string): Answers | undefined {
  const pack = PackReader.open(flowAnswersPackPath(outDir));
  if (!pack) return undefined;
  try {
    const index = pack.text(`i:${FORMAT}:${digest}`);
    if (index === undefined) return undefined;
    const { files, sitesWithTargets } = JSON.parse(index) as { files: Array<[string, string]>; sitesWithTargets: number };
    const out: Answers = { files: new Map(), sitesWithTargets };
    for (const [file, key] of files) {
      const text = pack.text(key);
      if (text === undefined) return undefined;
      out.files.set(file, JSON.parse(text) as FileAnswers);
    }
    return out;
  } catch {
    return undefined;
  } finally {
    pack.close();
  }
}

/** Rewrites the pack with exactly these answers under this digest (unchanged records copied). */
export function writeAnswers(outDir: string, digest: string, answers: Answers): void {
  const target = flowAnswersPackPath(outDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const prev = PackReader.open(target);
  const pack = new PackWriter(target);
  try {
    const files: Array<[string, string]> = [];
    for (const [file, a] of answers.files) {
      const text = JSON.stringify(a);
      const key = `a:${hashString(text)}`;
      files.push([file, key]);
      if (!(prev && pack.copyFrom(prev, key))) pack.addRaw(key, text);
    }
    pack.addRaw(`i:${FORMAT}:${digest}`, JSON.stringify({ files, sitesWithTargets: answers.sitesWithTargets }));
    pack.commit({ fsync: false });
  } catch (err) {
    pack.abort();
    throw err;
  } finally {
    prev?.close();
  }
}
