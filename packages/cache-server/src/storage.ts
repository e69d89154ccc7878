/**
 * Filesystem storage for cache entries.
 *
 * Layout: `<dir>/entries/<2 hex>/<hash>` holds a 32-byte SHA-256 of the body followed by the body; `<dir>/tmp/`
 * holds uploads in progress. An upload is streamed to a temp file while hashed and counted; only a body of exactly
 * Content-Length bytes is published, by fsync then link(2) into place — link fails if the entry exists, so two
 * concurrent uploads of one hash give one winner and never a torn or overwritten entry. Reads verify the checksum
 * before sending a byte: a corrupt entry is deleted and reported as absent, never served.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

const DIGEST = 32;
/** Entry file names are hashes as the server accepts them (see HASH in server.ts). */
const HASH_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const SHARD = /^[A-Za-z0-9_-]{1,2}$/;
const MAX_REPORTED_STRAYS = 20;

/** The file system is full (or the quota is reached): the server answers 507, not a client error. */
export function isNoSpace(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** write(2) may store fewer bytes than asked (typically right before ENOSPC); keep going until all are written. */
async function writeFully(fh: fsp.FileHandle, buf: Buffer, pos: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, pos + off);
    if (bytesWritten === 0) throw Object.assign(new Error('no bytes written (file system full?)'), { code: 'ENOSPC' });
    off += bytesWritten;
  }
}

export interface StorageOptions {
  dir: string;
  /** Largest accepted entry body. */
  maxEntryBytes: number;
  /** Total size above which least-recently-used entries are evicted. */
  maxTotalBytes: number;
  /** Entries not read or written for this long are evicted (0 = never). */
  maxAgeMs: number;
  log: (rec: Record<string, unknown>) => void;
}

export type WriteResult = 'stored' | 'exists' | 'truncated';

interface Entry {
  size: number;
  atime: number;
}

export class FsStorage {
  private readonly index = new Map<string, Entry>();
  private readonly writing = new Set<string>();
  private total = 0;

  constructor(private readonly o: StorageOptions) {}

  /**
   * Creates the folders, removes the temp files of uploads a crash cut short (every file in `tmp/`), and indexes
   * existing entries. Anything else found in the folder (`.DS_Store`, a README, a stray directory, a symlink) is
   * not ours: it is left alone, never indexed or served, and reported in one `stray-files` warning so the server
   * still starts.
   */
  init(): void {
    const entries = path.join(this.o.dir, 'entries');
    const tmp = path.join(this.o.dir, 'tmp');
    fs.mkdirSync(entries, { recursive: true });
    fs.mkdirSync(tmp, { recursive: true });
    const strays: string[] = [];
    const list = (dir: string): fs.Dirent[] => {
      try {
        return fs.readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        strays.push(`${path.relative(this.o.dir, dir)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        return [];
      }
    };
    for (const d of list(this.o.dir)) if (d.name !== 'entries' && d.name !== 'tmp') strays.push(d.name);
    let removedTemps = 0;
    // tmp/ is the server's own: every file in it is an upload a crash or kill cut short.
    for (const d of list(tmp)) {
      if (!d.isFile()) {
        strays.push(path.join('tmp', d.name));
        continue;
      }
      fs.rmSync(path.join(tmp, d.name), { force: true });
      removedTemps++;
    }
    for (const shard of list(entries)) {
      if (!shard.isDirectory() || !SHARD.test(shard.name)) {
        strays.push(path.join('entries', shard.name));
        continue;
      }
      const sdir = path.join(entries, shard.name);
      for (const d of list(sdir)) {
        const rel = path.join('entries', shard.name, d.name);
        // lstat-level type from readdir: a symlink is never followed, so no entry can point outside the store.
        if (!d.isFile() || !HASH_NAME.test(d.name) || d.name.slice(0, 2) !== shard.name) {
          strays.push(rel);
          continue;
        }
        const st = fs.statSync(path.join(sdir, d.name));
        if (st.size < DIGEST) {
          // Published entries always start with their digest; a shorter one is damage, not data.
          fs.rmSync(path.join(sdir, d.name), { force: true });
          this.o.log({ event: 'corrupt-entry', hash: d.name, error: `${st.size} bytes, shorter than its checksum` });
          continue;
        }
        this.index.set(d.name, { size: st.size - DIGEST, atime: st.mtimeMs });
        this.total += st.size - DIGEST;
      }
    }
    if (removedTemps) this.o.log({ event: 'removed-temp-files', count: removedTemps });
    if (strays.length) {
      this.o.log({
        level: 'warn',
        event: 'stray-files',
        dir: this.o.dir,
        count: strays.length,
        paths: strays.slice(0, MAX_REPORTED_STRAYS),
        note: 'not cache entries: ignored, left in place',
      });
    }
  }

  stats(): { entries: number; bytes: number } {
    return { entries: this.index.size, bytes: this.total };
  }

  /** Uploads in progress (their hashes answer 409 until they end, stored or discarded). */
  uploading(): number {
    return this.writing.size;
  }

  has(hash: string): boolean {
    return this.index.has(hash) || this.writing.has(hash);
  }

  private entryPath(hash: string): string {
    return path.join(this.o.dir, 'entries', hash.slice(0, 2), hash);
  }

  /** The entry's body, after verifying its checksum; undefined when absent or corrupt. */
  async read(hash: string): Promise<{ size: number; open: () => Readable } | undefined> {
    const entry = this.index.get(hash);
    if (!entry) return undefined;
    const file = this.entryPath(hash);
    try {
      const fh = await fsp.open(file, 'r');
      const want = Buffer.alloc(DIGEST);
      try {
        await fh.read(want, 0, DIGEST, 0);
      } finally {
        await fh.close();
      }
      const h = createHash('sha256');
      for await (const chunk of fs.createReadStream(file, { start: DIGEST })) h.update(chunk as Buffer);
      if (!h.digest().equals(want)) {
        this.o.log({ event: 'corrupt-entry', hash });
        this.remove(hash);
        return undefined;
      }
    } catch (err) {
      this.o.log({ event: 'unreadable-entry', hash, error: (err as Error).message });
      this.remove(hash);
      return undefined;
    }
    const now = Date.now();
    entry.atime = now;
    // The access time lives in mtime so LRU order survives a restart.
    fsp.utimes(file, now / 1000, now / 1000).catch(() => undefined);
    return { size: entry.size, open: () => fs.createReadStream(file, { start: DIGEST }) };
  }

  /**
   * Streams `body` into the store; only exactly `length` bytes are ever published. A failing storage write (disk
   * full, I/O error) is thrown, but only after the rest of the body has been read and discarded, so the client
   * receives the answer on a healthy connection instead of a reset while it is still sending.
   */
  async write(hash: string, body: Readable, length: number): Promise<WriteResult> {
    if (this.has(hash)) return 'exists';
    this.writing.add(hash);
    const tmp = path.join(this.o.dir, 'tmp', `${hash}.${randomBytes(6).toString('hex')}`);
    let fh: fsp.FileHandle | undefined;
    try {
      const out = await fsp.open(tmp, 'w');
      fh = out;
      await writeFully(out, Buffer.alloc(DIGEST), 0);
      const h = createHash('sha256');
      let received = 0;
      let pos = DIGEST;
      let storageError: unknown;
      try {
        for await (const chunk of body) {
          const buf = chunk as Buffer;
          received += buf.length;
          if (storageError !== undefined || received > length) continue; // drain: the answer is already decided
          h.update(buf);
          try {
            await writeFully(out, buf, pos);
            pos += buf.length;
          } catch (err) {
            storageError = err;
            // Give the space back now rather than when the client has finished sending.
            fh = undefined;
            await out.close().catch(() => undefined);
            await fsp.rm(tmp, { force: true }).catch(() => undefined);
          }
        }
      } catch {
        if (storageError === undefined) return 'truncated'; // the client went away mid-body
      }
      if (storageError !== undefined) throw storageError;
      if (received !== length || (body as { aborted?: boolean }).aborted) return 'truncated';
      await writeFully(out, h.digest(), 0);
      await out.sync();
      fh = undefined;
      await out.close();
      const final = this.entryPath(hash);
      await fsp.mkdir(path.dirname(final), { recursive: true });
      try {
        await fsp.link(tmp, final);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
        throw err;
      }
      this.index.set(hash, { size: length, atime: Date.now() });
      this.total += length;
      this.evict();
      return 'stored';
    } finally {
      // The hash is released only once its temp file is gone, so "no upload in progress" means a clean tmp/.
      if (fh) await fh.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      this.writing.delete(hash);
    }
  }

  private remove(hash: string): void {
    const e = this.index.get(hash);
    if (e) {
      this.total -= e.size;
      this.index.delete(hash);
    }
    fs.rmSync(this.entryPath(hash), { force: true });
  }

  /** Drops expired entries, then least-recently-used ones until the store is back under 90% of its limit. */
  evict(now = Date.now()): number {
    let removed = 0;
    if (this.o.maxAgeMs > 0) {
      for (const [hash, e] of this.index) {
        if (now - e.atime > this.o.maxAgeMs) {
          this.remove(hash);
          removed++;
        }
      }
    }
    if (this.total > this.o.maxTotalBytes) {
      const target = this.o.maxTotalBytes * 0.9;
      const lru = [...this.index.entries()].sort((a, b) => a[1].atime - b[1].atime);
      for (const [hash] of lru) {
        if (this.total <= target) break;
        this.remove(hash);
        removed++;
      }
    }
    if (removed) this.o.log({ event: 'evicted', entries: removed, bytes: this.total });
    return removed;
  }
}
