/**
 * What createNodes inferred, cached across Nx commands as Nx's own plugins do (`@nx/jest`: a `PluginCache` under
 * `workspaceDataDirectory`, one file per set of plugin options). Without the daemon Nx recomputes the project graph
 * whenever a file changed, and naming a project means reading and parsing its `pyproject.toml` (with the engine's
 * TOML parser, ~0.3 s to load); with the cache an unchanged project costs a lookup.
 *
 * Keys are hashes of the project's config files (`pyproject.toml`, `setup.cfg`, `setup.py` — hashed by Nx's
 * workspace context, which already knows every file's hash: nothing is read here) and of what else the value
 * depends on. A project's name (or the error its config file gives) depends on its config files and directory; its
 * targets also on the plugin options, the codegraph fingerprint, the named-input exclusions, its nested projects
 * and every project's name (L4 depends on all of them).
 */
import * as path from 'node:path';
import type { ProjectConfiguration } from '@nx/devkit';

type Entry = { name: string } | { error: string } | { project: ProjectConfiguration };

interface PluginCacheLike<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  writeToDisk(): void;
}

interface NxInternals {
  PluginCache: new <T>(cachePath: string) => PluginCacheLike<T>;
  hashObject(o: unknown): string;
  hashArray(a: string[]): string;
  workspaceDataDirectory: string;
  hashMultiGlobWithWorkspaceContext(root: string, globGroups: string[][]): Promise<string[]>;
}

/** Nx's cache helpers (not part of @nx/devkit's public API, used by Nx's own plugins); undefined on an Nx without them. */
function nxInternals(): NxInternals | undefined {
  try {
    const internals = require('nx/src/devkit-internals');
    const { hashArray } = require('nx/src/devkit-exports');
    if (typeof internals.PluginCache !== 'function' || typeof internals.hashMultiGlobWithWorkspaceContext !== 'function') return undefined;
    return { ...internals, hashArray };
  } catch {
    return undefined;
  }
}

export class InferenceCache {
  private dirty = false;

  private constructor(
    private readonly nx: NxInternals | undefined,
    private readonly store: PluginCacheLike<Entry> | undefined,
    /** Per project directory, the hash of its config files. */
    private readonly configHashes: Map<string, string>,
  ) {}

  /** The cache of the given plugin options, with the config-file hashes of `dirs` computed in one call. */
  static async open(workspaceRoot: string, rawOptions: unknown, dirs: readonly string[]): Promise<InferenceCache> {
    const nx = nxInternals();
    if (!nx || dirs.length === 0) return new InferenceCache(undefined, undefined, new Map());
    const hashes = await nx.hashMultiGlobWithWorkspaceContext(
      workspaceRoot,
      dirs.map((d) => [path.posix.join(d, 'pyproject.toml'), path.posix.join(d, 'setup.cfg'), path.posix.join(d, 'setup.py')]),
    );
    const cachePath = path.join(nx.workspaceDataDirectory, `codegraph-${nx.hashObject(rawOptions ?? {})}.hash`);
    return new InferenceCache(nx, new nx.PluginCache<Entry>(cachePath), new Map(dirs.map((d, i) => [d, nx.hashArray([d, hashes[i]!])])));
  }

  /** The name of the project in `dir`: cached, else `read()` (whose error is cached and thrown again). */
  name(dir: string, read: () => string): string {
    const key = this.key('name', dir);
    const hit = key === undefined ? undefined : this.store!.get(key);
    if (hit && 'name' in hit) return hit.name;
    if (hit && 'error' in hit) throw new Error(hit.error);
    let entry: Entry;
    try {
      entry = { name: read() };
    } catch (err) {
      entry = { error: err instanceof Error ? err.message : String(err) };
    }
    this.put(key, entry);
    if ('error' in entry) throw new Error(entry.error);
    return (entry as { name: string }).name;
  }

  /** The project configuration of `dir` for these other inputs (`with`): cached, else `build()`. */
  project(dir: string, with_: unknown, build: () => ProjectConfiguration): ProjectConfiguration {
    const base = this.key('project', dir);
    const key = base === undefined ? undefined : this.nx!.hashArray([base, this.nx!.hashObject(with_)]);
    const hit = key === undefined ? undefined : this.store!.get(key);
    if (hit && 'project' in hit) return hit.project;
    const project = build();
    this.put(key, { project });
    return project;
  }

  /** Persists what was added (nothing to do when every lookup hit). */
  write(): void {
    if (this.dirty) this.store?.writeToDisk();
    this.dirty = false;
  }

  private key(kind: string, dir: string): string | undefined {
    const h = this.configHashes.get(dir);
    return h === undefined ? undefined : `${kind}:${h}`;
  }

  private put(key: string | undefined, entry: Entry): void {
    if (key === undefined) return;
    this.store!.set(key, entry);
    this.dirty = true;
  }
}
