/** Shared by the e2e suites: a copy of examples/shop as its own git repo and Nx workspace, and the real `nx` CLI. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..');
export const nxBin = path.join(repoRoot, 'node_modules', '.bin', 'nx');

export interface TaskLine {
  task: string;
  cached: boolean;
}

/**
 * A workspace in a temp dir, its own git repo with one commit: a copy of examples/shop, or — given `files` — the
 * example's nx.json plus those files.
 */
export function setup(files?: Record<string, string>): { ws: string; env: NodeJS.ProcessEnv } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-e2e-'));
  const ws = path.join(base, 'ws');
  if (files) {
    fs.mkdirSync(ws);
    fs.copyFileSync(path.join(repoRoot, 'examples', 'shop', 'nx.json'), path.join(ws, 'nx.json'));
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
      fs.writeFileSync(path.join(ws, rel), text);
    }
  } else {
    fs.cpSync(path.join(repoRoot, 'examples', 'shop'), ws, {
      recursive: true,
      filter: (src) => !/[/\\](\.codegraph|\.nx|node_modules)([/\\]|$)/.test(src),
    });
  }
  // The plugin is resolved from node_modules exactly as an installed package would be.
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(ws, 'node_modules'), 'dir');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_ISOLATE_PLUGINS: 'false',
    NX_CACHE_DIRECTORY: path.join(base, 'nx-cache'), // Nx 24 otherwise shares ~/.nx between clones
    NX_WORKSPACE_DATA_DIRECTORY: path.join(base, 'nx-data'),
    NX_TUI: 'false',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    CI: 'true',
  };
  git(ws, ['init', '-q', '-b', 'main']);
  git(ws, ['add', '-A']);
  git(ws, ['commit', '-qm', 'initial']);
  return { ws, env };
}

export function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=e2e@codegraph.local', '-c', 'user.name=e2e', ...args], { cwd, encoding: 'utf8' });
}

export function nx(ws: string, env: NodeJS.ProcessEnv, args: string[]): string {
  return execFileSync(nxBin, args, { cwd: ws, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function tasks(output: string): TaskLine[] {
  const out: TaskLine[] = [];
  for (const line of output.split('\n')) {
    const m = /nx run (\S+:\S+)(.*)$/.exec(line);
    if (m) out.push({ task: m[1]!, cached: /\[(local|remote) cache\]/.test(m[2]!) });
  }
  return out;
}

/** Task ids that were computed (not restored from a cache), sorted. */
export function ran(output: string): string[] {
  return tasks(output)
    .filter((t) => !t.cached)
    .map((t) => t.task)
    .sort();
}
