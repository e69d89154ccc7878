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

  /** Creates the folders, removes uploads a crash left behind, and indexes existing entries. */
  init(): void {
    const entries = path.join(this.o.dir, 'entries');
    const tmp = path.join(this.o.dir, 'tmp');
    fs.mkdirSync(entries, { recursive: true });
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    for (const shard of fs.readdirSync(entries)) {
      const sdir = path.join(entries, shard);
      for (const name of fs.readdirSync(sdir)) {
        const st = fs.statSync(path.join(sdir, name));
        if (st.size < DIGEST) {
          fs.rmSync(path.join(sdir, name), { force: true });
          continue;
        }
        this.index.set(name, { size: st.size - DIGEST, atime: st.mtimeMs });
        this.total += st.size - DIGEST;
      }
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

  /** Streams `body` into the store; only exactly `length` bytes are ever published. */
  async write(hash: string, body: Readable, length: number): Promise<WriteResult> {
    if (this.has(hash)) return 'exists';
    this.writing.add(hash);
    const tmp = path.join(this.o.dir, 'tmp', `${hash}.${randomBytes(6).toString('hex')}`);
    let fh: fsp.FileHandle | undefined;
    try {
      fh = await fsp.open(tmp, 'w');
      await fh.write(Buffer.alloc(DIGEST), 0, DIGEST, 0);
      const h = createHash('sha256');
      let received = 0;
      let pos = DIGEST;
      try {
        for await (const chunk of body) {
          const buf = chunk as Buffer;
          received += buf.length;
          if (received > length) return 'truncated';
          h.update(buf);
          await fh.write(buf, 0, buf.length, pos);
          pos += buf.length;
        }
      } catch {
        return 'truncated'; // the client went away mid-body
      }
      if (received !== length || (body as { aborted?: boolean }).aborted) return 'truncated';
      await fh.write(h.digest(), 0, DIGEST, 0);
      await fh.sync();
      await fh.close();
      fh = undefined;
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
