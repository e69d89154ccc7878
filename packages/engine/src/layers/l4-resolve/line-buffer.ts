/**
 * Newline-separated UTF-8 lines written into one reusable Buffer: a file's L4 record is built here, outside the JS
 * heap, and compressed from it. Why: as an array of strings joined at the end, the record of a big file (27 MB of
 * lines for sympy's largest test file) lived long enough to be promoted to V8's old space, twice over, and V8 lets
 * the old space grow with what is promoted before it collects.
 */
export class LineBuffer {
  private buf = Buffer.allocUnsafe(1 << 16);
  private len = 0;
  private lines = 0;

  /** Starts an empty record (the buffer is reused). */
  reset(): void {
    this.len = 0;
    this.lines = 0;
  }

  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; plus the separator.
    const need = this.len + 1 + line.length * 3;
    if (need > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < need) cap *= 2;
      const b = Buffer.allocUnsafe(cap);
      this.buf.copy(b, 0, 0, this.len);
      this.buf = b;
    }
    if (this.lines++ > 0) this.buf[this.len++] = 0x0a;
    this.len += this.buf.write(line, this.len, 'utf8');
  }

  /** The record's bytes: a view valid until the next reset or push. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
