/**
 * Progress of long work, on stderr (stdout stays for results, e.g. `--json`): a bar on a terminal, a plain line at
 * most every few seconds otherwise (CI logs), nothing when quiet.
 */
import { SingleBar } from 'cli-progress';
import { count } from './format';

export interface Progress {
  /** A step starts (e.g. `l2 occurrences`). */
  step(name: string): void;
  /** `done` of `total` items of the current step. */
  update(done: number, total: number): void;
  stop(): void;
}

export const silentProgress: Progress = { step() {}, update() {}, stop() {} };

export function createProgress(stream: NodeJS.WriteStream, opts: { quiet: boolean; intervalMs?: number }): Progress {
  if (opts.quiet) return silentProgress;
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream, opts.intervalMs ?? 5000);
}

class BarProgress implements Progress {
  private bar: SingleBar | undefined;
  private name = '';
  constructor(private readonly stream: NodeJS.WriteStream) {}

  step(name: string): void {
    this.stopBar();
    this.name = name;
    // Steps without per-file progress still say what is running; the bar, if one comes, draws over this line.
    this.stream.write(`\r\x1b[K  ${name}…`);
  }

  update(done: number, total: number): void {
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: this.stream,
        format: `  ${this.name} [{bar}] {done}/{all} files  {percentage}%  eta {eta_formatted}`,
        barsize: 30,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      });
      this.bar.start(total, 0, { done: count(0), all: count(total) });
    }
    this.bar.setTotal(total);
    this.bar.update(done, { done: count(done), all: count(total) });
  }

  stop(): void {
    this.stopBar();
    this.stream.write('\r\x1b[K');
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

class LineProgress implements Progress {
  private name = '';
  private last = 0;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly intervalMs: number,
  ) {}

  step(name: string): void {
    this.name = name;
    this.last = Date.now();
    this.stream.write(`codegraph: ${name}…\n`);
  }

  update(done: number, total: number): void {
    const now = Date.now();
    if (done < total && now - this.last < this.intervalMs) return;
    this.last = now;
    this.stream.write(`codegraph: ${this.name}: ${count(done)}/${count(total)} files\n`);
  }

  stop(): void {}
}
