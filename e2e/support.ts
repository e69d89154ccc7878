/** Shared by the e2e suites: a copy of examples/shop as its own git repo and Nx workspace, and the real `nx` CLI. */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

export const repoRoot = path.resolve(__dirname, '..');
export const nxBin = path.join(repoRoot, 'node_modules', '.bin', 'nx');

/** The targets the plugin infers per Python project; with the repo's own index a full run has 3 × this + 1 tasks. */
export const PROJECT_TARGETS = ['codegraph-index', 'codegraph-l0', 'codegraph-l1', 'codegraph-l2', 'codegraph-l4', 'codegraph-l5', 'codegraph-l7', 'codegraph-l8', 'codegraph-l9'];
export const ALL_TASKS = 3 * PROJECT_TARGETS.length + 1;

export interface TaskLine {
  task: string;
  cached: boolean;
  from: 'run' | 'local' | 'remote';
}

/**
 * The environment of `nx` for one workspace: no daemon, no Nx Cloud, and its own cache and workspace-data folders
 * under `base` (Nx 24 otherwise shares ~/.nx between clones), plus `extra` (e.g. a remote cache).
 */
export function nxEnv(base: string, name: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_ISOLATE_PLUGINS: 'false',
    NX_CACHE_DIRECTORY: path.join(base, `${name}-cache`),
    NX_WORKSPACE_DATA_DIRECTORY: path.join(base, `${name}-data`),
    NX_TUI: 'false',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    CI: 'true',
    ...extra,
  };
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
  const env = nxEnv(base, 'nx');
  git(ws, ['init', '-q', '-b', 'main']);
  git(ws, ['add', '-A']);
  git(ws, ['commit', '-qm', 'initial']);
  return { ws, env };
}

export function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=e2e@codegraph.local', '-c', 'user.name=e2e', ...args], { cwd, encoding: 'utf8' });
}

/** The `codegraph` CLI as the workspace has it (from its node_modules), run in `ws`. */
export function codegraph(ws: string, args: string[]): string {
  return execFileSync(process.execPath, [path.join(ws, 'node_modules', '@codegraph', 'engine', 'bin', 'codegraph.js'), ...args], {
    cwd: ws,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 << 20,
  });
}

export function nx(ws: string, env: NodeJS.ProcessEnv, args: string[]): string {
  return execFileSync(nxBin, args, { cwd: ws, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const execFileAsync = promisify(execFile);

/** `nx` without blocking this process's event loop (needed when this process also serves the remote cache). */
export async function nxAsync(ws: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(nxBin, args, { cwd: ws, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 240_000 });
  return stdout;
}

/** The tasks of an `nx` output and where each result came from. */
export function tasks(output: string): TaskLine[] {
  const out: TaskLine[] = [];
  for (const line of output.split('\n')) {
    const m = /nx run (\S+:\S+)(.*)$/.exec(line);
    if (!m) continue;
    const from = /\[remote cache\]/.test(m[2]!) ? 'remote' : /\[local cache\]/.test(m[2]!) ? 'local' : 'run';
    out.push({ task: m[1]!, cached: from !== 'run', from });
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
