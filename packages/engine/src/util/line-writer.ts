/**
 * An output (JSON lines, or raw bytes) written incrementally yet atomically: lines are buffered and appended to a sibling temp
 * file, which is fsynced and renamed over the target at the end (the same guarantees as writeFileAtomicSync), so
 * an output proportional to a whole project's edges never has to be one string in memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const FLUSH_AT = 1 << 20;

export class AtomicLineWriter {
  private readonly tmp: string;
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  lines = 0;
  /** Bytes written by writeBytes. */
  bytes = 0;

  constructor(private readonly target: string) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    this.tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    this.fd = fs.openSync(this.tmp, 'w');
  }

  write(record: unknown): void {
    this.writeRaw(JSON.stringify(record));
  }

  /** Appends a line that is already JSON (passed through from another output without a parse). */
  writeRaw(s: string): void {
    this.buf.push(s);
    this.size += s.length + 1;
    this.lines++;
    if (this.size >= FLUSH_AT) this.flush();
  }

  /** Appends raw bytes (a binary output such as a protobuf stream), after any buffered lines. */
  writeBytes(b: Uint8Array): void {
    this.flush();
    fs.writeSync(this.fd, b);
    this.bytes += b.length;
  }

  private flush(): void {
    if (!this.buf.length) return;
    fs.writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
  }

  /** Flushes, fsyncs and renames over the target. */
  commit(): void {
    try {
      this.flush();
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = -1;
      fs.renameSync(this.tmp, this.target);
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /** Drops the temp file; the previous output (if any) stays as it was. */
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
