/**
 * The source text L8 needs, read lazily and only for files that have a finding: to turn L5's string indices into
 * line/column, to read `# codegraph: ignore` comments, and to fingerprint a finding by its line's text. Python files
 * are decoded as L1 decoded them (PEP 263, UTF-16/32, NULs), so indices and columns mean the same text; other files
 * (pyproject.toml, requirement files) are UTF-8.
 */
import * as path from 'node:path';
import { decodePythonSource } from '../../lang/python/decode';
import { readConfined } from '../../project/discover';
import { hashBytes } from '../../util/hash';
import { lineAt, lineStarts } from '../../util/lines';

export class SourceText {
  private starts: number[] | undefined;

  constructor(readonly text: string) {}

  /** Start index of every line (lines end at `\n`, as tree-sitter counts rows). */
  private lineStarts(): number[] {
    return (this.starts ??= lineStarts(this.text));
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  /** 0-based line and UTF-16 column of a string index (what L1 spans use). */
  position(index: number): [number, number] {
    const s = this.lineStarts();
    const line = lineAt(s, index);
    return [line, index - s[line]!];
  }

  /** A line's text without its line break ('' past the end). */
  line(n: number): string {
    const s = this.lineStarts();
    if (n < 0 || n >= s.length) return '';
    const end = n + 1 < s.length ? s[n + 1]! - 1 : this.text.length;
    return this.text.slice(s[n]!, end).replace(/\r$/, '');
  }
}

/** Files read once per run; a file that cannot be read is undefined (its findings keep their ranges, no comments). */
export class Sources {
  private cache = new Map<string, SourceText | undefined>();
  /** Python files whose bytes differ from what L1 indexed (positions may be off): reported, not fatal. */
  readonly stale: string[] = [];

  /** `expectedHash`: L1's content hash of the file, checked when given. */
  constructor(
    private readonly root: string,
    private readonly expectedHash: (file: string) => string | undefined = () => undefined,
  ) {}

  get(file: string): SourceText | undefined {
    if (this.cache.has(file)) return this.cache.get(file);
    let src: SourceText | undefined;
    try {
      const bytes = readConfined(this.root, path.join(this.root, file));
      const want = this.expectedHash(file);
      if (want !== undefined && hashBytes(bytes) !== want) this.stale.push(file);
      src = new SourceText(file.endsWith('.py') ? decodePythonSource(bytes).text : bytes.toString('utf8'));
    } catch {
      src = undefined;
    }
    this.cache.set(file, src);
    return src;
  }
}
