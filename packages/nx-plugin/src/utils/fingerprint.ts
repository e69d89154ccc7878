/**
 * Nx hashes a task's declared inputs, not the plugin that runs it. So that a new codegraph (engine or plugin)
 * never reuses results cached by an old one, every target carries a `runtime` input whose command embeds a
 * fingerprint of the engine's and the plugin's compiled code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Engine from '@codegraph/engine';

let cached: string | undefined;

export async function codegraphFingerprint(): Promise<string> {
  if (cached) return cached;
  // Loaded here, not with the module: Nx loads the plugin on every command but calls createNodes only when the
  // project graph must be recomputed. Only the engine's version and hash modules: its full entry point loads every
  // layer (~0.35 s against ~0.13 s, measured), and without the daemon Nx calls createNodes on every command.
  const { engineFingerprint, listFiles }: Pick<typeof Engine, 'engineFingerprint' | 'listFiles'> = require('@codegraph/engine/dist/version');
  const { hashString, initHash }: Pick<typeof Engine, 'hashString' | 'initHash'> = require('@codegraph/engine/dist/util/hash');
  await initHash();
  const files = listFiles(path.join(__dirname, '..'), ['.js', '.json']);
  let acc = engineFingerprint();
  for (const f of files) acc += '\0' + hashString(fs.readFileSync(f, 'utf8'));
  cached = hashString(acc);
  return cached;
}

let queryCached: string | undefined;

/**
 * The same for `@codegraph/query`'s compiled code, which only the L7 target runs: an input of that target alone, so
 * a change to the query package re-runs L7 and no other layer.
 */
export async function queryFingerprint(): Promise<string> {
  if (queryCached) return queryCached;
  const { listFiles }: Pick<typeof Engine, 'listFiles'> = require('@codegraph/engine/dist/version');
  const { hashString, initHash }: Pick<typeof Engine, 'hashString' | 'initHash'> = require('@codegraph/engine/dist/util/hash');
  await initHash();
  const dir = path.dirname(require.resolve('@codegraph/query/package.json'));
  let acc = 'query';
  for (const f of listFiles(path.join(dir, 'dist'), ['.js'])) acc += '\0' + hashString(fs.readFileSync(f, 'utf8'));
  queryCached = hashString(acc);
  return queryCached;
}

/** The input Nx hashes: the command's output is the fingerprint itself. */
export function fingerprintInput(fp: string): { runtime: string } {
  return { runtime: `echo codegraph-${fp}` };
}
