/**
 * An output (JSON lines, or raw bytes) written incrementally yet atomically: lines are buffered and appended to a sibling temp
 * file, which is fsynced and renamed over the target at the end (the same guarantees as writeFileAtomicSync), so
 * an output proportional to a whole project's edges never has to be one string in memory.
 */
import { TempFile } from './temp-file';

const FLUSH_AT = 1 << 20;

export class AtomicLineWriter {
  private readonly file: TempFile;
  private buf: string[] = [];
  private size = 0;
  lines = 0;
  /** Bytes written by writeBytes. */
  bytes = 0;

  constructor(target: string) {
    this.file = new TempFile(target);
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
    this.file.write(b);
    this.bytes += b.length;
  }

  private flush(): void {
    if (!this.buf.length) return;
    this.file.write(this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
  }

  /** Flushes, fsyncs and renames over the target. */
  commit(): void {
    try {
      this.flush();
    } catch (err) {
      this.abort();
      throw err;
    }
    this.file.commit();
  }

  /** Drops the temp file; the previous output (if any) stays as it was. */
  abort(): void {
    this.file.abort();
  }
}
