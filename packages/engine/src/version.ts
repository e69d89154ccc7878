/**
 * The engine's identity for cache keys. Every per-file key and every Nx task hash includes the fingerprint, so a
 * new engine (or grammar) never reuses IR produced by an old one, even between releases during development.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashString } from './util/hash';

const pkgDir = path.join(__dirname, '..');

export const ENGINE_VERSION: string = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;

/** Bump when the shape of the IR on disk changes. */
export const IR_SCHEMA = 1;

/** Files under `dir` (recursively) whose names end with one of `exts`, sorted. */
export function listFiles(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Version of an installed package, found from its entry point (some packages do not export package.json). */
function packageVersion(dep: string): string {
  let dir = path.dirname(require.resolve(dep));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      const j = JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string; version?: string };
      if (j.name === dep) return j.version ?? '0';
    }
    const up = path.dirname(dir);
    if (up === dir) return '0';
    dir = up;
  }
}

let fingerprint: string | undefined;

/** Hash of the engine's compiled code and the versions of its parser and grammar. Requires initHash(). */
export function engineFingerprint(): string {
  if (fingerprint) return fingerprint;
  const files = listFiles(__dirname, ['.js']);
  let acc = `${ENGINE_VERSION}\0${IR_SCHEMA}`;
  for (const f of files) acc += '\0' + hashString(fs.readFileSync(f, 'utf8'));
  for (const dep of ['web-tree-sitter', 'tree-sitter-python']) acc += `\0${dep}@${packageVersion(dep)}`;
  fingerprint = hashString(acc);
  return fingerprint;
}
