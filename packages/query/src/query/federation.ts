/**
 * The repo as queries see it: every project's L7 database opened together (read-only), found through the repo
 * federation (`.codegraph/repo/projects.json`). No repo-wide copy exists: a query runs on each project's database
 * and the results are merged, so an edit in one project rewrites that project's database only.
 *
 * Snapshots: a database is replaced by rename, so an open handle keeps reading the file it opened — a consistent
 * snapshot — while `refresh()` (called before each query by long-lived processes) notices a newer file (another
 * inode or mtime) and reopens it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { readFederation } from '@codegraph/engine';
import { L7_SCHEMA, l7DbPath } from '../l7/schema';

/** An error the user can act on: the message says what happened and what to run. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly code: 'no-index' | 'no-l7' | 'damaged' | 'stale' | 'not-found' | 'ambiguous' | 'bad-input' = 'bad-input',
  ) {
    super(message);
  }
}

export const INDEX_HINT = 'run `npx nx run repo:codegraph-index` in the workspace';
export const L7_HINT = 'run `npx nx run repo:codegraph-index` or `npx nx run-many -t codegraph-l7` (without Nx: `codegraph-query build`)';

export interface ProjectDb {
  name: string;
  root?: string;
  outDir: string;
  dbPath: string;
  db: Database.Database;
  /** Identity of the file opened: reopen when the path names another file. */
  stamp: string;
}

export const REPO_DIR = path.join('.codegraph', 'repo');

/** Walks up from `from` to the folder holding `.codegraph/repo/projects.json`. */
export function findWorkspace(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, REPO_DIR, 'projects.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function stampOf(p: string): string | undefined {
  try {
    const s = fs.statSync(p);
    return `${s.dev}:${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}

export class Federation {
  private constructor(
    readonly workspace: string,
    /** The index root: file paths in the databases are relative to it (the workspace, or a CLI-indexed folder). */
    readonly root: string,
    readonly repo: string,
    public projects: ProjectDb[],
  ) {}

  /** Opens the federation of the workspace containing `from`. Throws a QueryError saying what to run when it cannot. */
  static open(from: string): Federation {
    const ws = findWorkspace(from);
    if (!ws) throw new QueryError(`no codegraph index found in ${path.resolve(from)} or above it: ${INDEX_HINT} (it builds every layer, L7 included)`, 'no-index');
    const fed = readFederation(path.join(ws, REPO_DIR));
    if (!fed) throw new QueryError(`${path.join(ws, REPO_DIR, 'projects.json')} is unreadable or of another version: ${INDEX_HINT} again`, 'no-index');
    const missing = fed.projects.filter((p) => !fs.existsSync(l7DbPath(p.outDir)));
    if (missing.length)
      throw new QueryError(`no L7 index for ${missing.map((p) => p.name).join(', ')} (looked for ${path.relative(ws, l7DbPath(missing[0]!.outDir))}): ${L7_HINT}`, 'no-l7');
    const projects = fed.projects.map((p) => openProject(p.name, p.root, p.outDir));
    const repo = projects.map((p) => p.db.prepare("SELECT value FROM meta WHERE key = 'repo'").pluck().get() as string | undefined).find(Boolean) ?? path.basename(ws);
    return new Federation(ws, fed.root, repo, projects);
  }

  /** Reopens every database whose file was replaced since it was opened; returns the names of those reopened. */
  refresh(): string[] {
    const reopened: string[] = [];
    this.projects = this.projects.map((p) => {
      const now = stampOf(p.dbPath);
      if (now === undefined || now === p.stamp) return p;
      const fresh = openProject(p.name, p.root, p.outDir);
      p.db.close();
      reopened.push(p.name);
      return fresh;
    });
    return reopened;
  }

  project(name: string): ProjectDb | undefined {
    return this.projects.find((p) => p.name === name);
  }

  /** Runs `sql` on every project's database; rows carry their project's name. */
  all<T extends object>(sql: string, ...params: unknown[]): Array<T & { project: string }> {
    const out: Array<T & { project: string }> = [];
    for (const p of this.projects) for (const r of p.db.prepare(sql).all(...params) as T[]) out.push({ ...r, project: p.name });
    return out;
  }

  close(): void {
    for (const p of this.projects) if (p.db.open) p.db.close();
  }
}

function openProject(name: string, root: string | undefined, outDir: string): ProjectDb {
  const dbPath = l7DbPath(outDir);
  const stamp = stampOf(dbPath);
  if (stamp === undefined) throw new QueryError(`no L7 index for ${name} (${dbPath}): ${L7_HINT}`, 'no-l7');
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    // Symbol ids are hashes, so lookups land on random pages: mapped, they cost no read call each.
    db.pragma('mmap_size = 268435456');
    const schema = db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get();
    if (schema !== String(L7_SCHEMA)) throw new Error(`schema ${String(schema)}, this reader needs ${L7_SCHEMA}`);
    // Touch every table a query reads, so a damaged file fails here with a clear message, not mid-answer.
    // (The FTS5 tables keep no rows to scan: their segments are read.)
    for (const t of ['files', 'symbols', 'file_symbols', 'inbound', 'outbound', 'occ', 'aliases', 'file_deps', 'file_externals', 'search_data', 'code_data']) db.prepare(`SELECT * FROM ${t} LIMIT 1`).get();
    return { name, root, outDir, dbPath, db, stamp };
  } catch (err) {
    db?.close();
    throw new QueryError(`the L7 index of ${name} (${dbPath}) is damaged or outdated (${(err as Error).message}): delete it and ${L7_HINT}`, 'damaged');
  }
}
