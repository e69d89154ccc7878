/**
 * The life of an output written in pieces: a sibling temp file opened at once, appended to, then either committed
 * (fsync unless told otherwise, close, rename over the target: all-or-nothing across a killed process) or aborted
 * (closed and removed, the previous output left as it was). Shared by every streamed writer (line-writer, packs).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class TempFile {
  readonly tmp: string;
  private fd: number;

  constructor(readonly target: string) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    this.tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    this.fd = fs.openSync(this.tmp, 'w');
  }

  write(data: string | Uint8Array): void {
    if (typeof data === 'string') fs.writeSync(this.fd, data);
    else fs.writeSync(this.fd, data);
  }

  /** fsync (unless `fsync: false`), close and rename over the target; on any failure the temp file is removed. */
  commit(opts: { fsync?: boolean } = {}): void {
    try {
      if (opts.fsync !== false) fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = -1;
      fs.renameSync(this.tmp, this.target);
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /** Closes and removes the temp file; the previous output (if any) stays as it was. */
  abort(): void {
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = -1;
    }
    fs.rmSync(this.tmp, { force: true });
  }
}
