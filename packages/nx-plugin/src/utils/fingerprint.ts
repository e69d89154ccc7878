/**
 * Nx hashes a task's declared inputs, not the plugin that runs it. So that a new codegraph (engine or plugin)
 * never reuses results cached by an old one, every target carries a `runtime` input whose command embeds a
 * fingerprint of the engine's and the plugin's compiled code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { engineFingerprint, hashString, initHash } from '@codegraph/engine';

let cached: string | undefined;

function listJs(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listJs(p, out);
    else if (e.name.endsWith('.js') || e.name.endsWith('.json')) out.push(p);
  }
}

export async function codegraphFingerprint(): Promise<string> {
  if (cached) return cached;
  await initHash();
  const files: string[] = [];
  listJs(path.join(__dirname, '..'), files);
  files.sort();
  let acc = engineFingerprint();
  for (const f of files) acc += '\0' + hashString(fs.readFileSync(f, 'utf8'));
  cached = hashString(acc);
  return cached;
}

/** The input Nx hashes: the command's output is the fingerprint itself. */
export function fingerprintInput(fp: string): { runtime: string } {
  return { runtime: `echo codegraph-${fp}` };
}
