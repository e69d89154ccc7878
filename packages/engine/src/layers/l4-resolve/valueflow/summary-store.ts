/**
 * The workspace's store of dependency flow summaries, shared by every project's L4: one entry per dependency unit
 * (an import cycle of top-level packages, see dep-units.ts), content-addressed by the unit's key — its files' facts,
 * the keys of the units it imports and the dependencies' interfaces. The summaries are a pure function of that key,
 * so whichever L4 derives an entry first, every other dependent reads the same bytes instead of solving it again.
 *
 * It lives outside any project's outputs (Nx caches those per task; a dependent must not keep a copy of its
 * dependencies' summaries, nor write another project's outputs). Safe with concurrent writers (two batch workers,
 * two processes): entries are written to a temp file and renamed, and identical keys hold identical bytes, so the
 * last rename wins harmlessly. A lock file per key lets a second deriver wait for the first instead of solving the
 * same unit twice; a lock whose holder died (or that is older than the longest derive we expect) is taken over.
 * Bounded: past `maxBytes`, the least recently used entries go (a read refreshes an entry's mtime). A damaged or
 * vanished entry reads as missing: the reader derives it again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { writeFileAtomicSync } from '../../../util/atomic';
import { hashPieces, hashString } from '../../../util/hash';
import { compress } from '../../../util/pack';
import { FLOW_SUMMARY_FORMAT, type FileSummary, type SummaryEntry } from './summary';

/** 512 MiB: many generations of the summaries of a 2M-line workspace (the stdlib's: 32 MB of JSON, 3.2 MB stored). */
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** A lock older than this is stale whatever its holder (no unit takes that long to solve). */
const LOCK_STALE_MS = 10 * 60_000;
const POLL_MS = 100;

/** What an entry holds (JSON, brotli-compressed as pack records are; see header()). */
interface StoredUnit {
  format: string;
  key: string;
  files: Array<[file: string, summary: SummaryEntry['summary']]>;
}

export interface StoredSummaries {
  /**
   * The summaries, parsed from the entry's text on each call: a run that reuses its answers (needing only `content`)
   * never parses them — on django's stdlib units, 0.4 s of such an L4's 3 s.
   */
  entries: () => SummaryEntry[];
  /** The summaries' JSON as stored (what `entries` parses): sent as it is to a unit derived in a worker. */
  json: () => string;
  /** How many files the entry summarizes. */
  files: number;
  /** Digest of the entry's summaries (same bytes whoever derived them). */
  content: string;
  /** Digest of the summaries up to source positions (summaryShape): what a dependent's answers depend on. */
  shape: string;
}

export class SummaryStore {
  constructor(
    readonly dir: string,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  private entryPath(key: string): string {
    return path.join(this.dir, `${key}.json.br`);
  }

  /** The unit's summaries, or undefined (none yet, or damaged). */
  read(key: string): StoredSummaries | undefined {
    const file = this.entryPath(key);
    let text: string;
    try {
      text = zlib.brotliDecompressSync(fs.readFileSync(file)).toString('utf8');
    } catch {
      return undefined;
    }
    let found: StoredSummaries | undefined;
    try {
      found = parseEntry(key, text);
    } catch {
      return undefined;
    }
    if (!found) return undefined;
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch {
      // Evicted meanwhile: what we read stays valid.
    }
    return found;
  }

  /**
   * Marks a unit's entry as recently used without reading it (a dependent that knows its shape and needs no more):
   * it stays out of the next eviction's way as a read would keep it.
   */
  touch(key: string): void {
    const now = new Date();
    try {
      fs.utimesSync(this.entryPath(key), now, now);
    } catch {
      // Evicted: a dependent that needs the summaries later derives them again.
    }
  }

  /** Stores the unit's summaries; returns what a later `read` returns (summaries parsed back from the stored text). */
  write(key: string, entries: readonly SummaryEntry[]): StoredSummaries {
    return this.writeEntry(key, entryBytes(key, entries));
  }

  /**
   * As `write`, given the entry (`entryBytes`, made where the unit was derived: in a worker thread, moved here
   * without a copy).
   */
  writeEntry(key: string, entry: Uint8Array): StoredSummaries {
    try {
      writeFileAtomicSync(this.entryPath(key), compress(entry), { fsync: false });
      this.collect(key);
    } catch {
      // A read-only or full disk: the summaries are still this run's, only not shared.
    }
    const text = Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength).toString('utf8');
    // Parsed back from the text, as a reader gets them: a derived and a read unit load into the solver the same way.
    return parseEntry(key, text)!;
  }

  /**
   * Reads the unit, or derives it under the unit's lock: when another deriver holds the lock, waits for its entry
   * (or for the lock to go stale) rather than solving the same unit at the same time. `waited` says whether it did.
   */
  async readOrDerive(key: string, derive: () => Promise<SummaryEntry[] | { entry: Uint8Array }>): Promise<StoredSummaries & { derived: boolean; waitedMs: number }> {
    let waitedMs = 0;
    for (;;) {
      const found = this.read(key);
      if (found) return Object.assign(found, { derived: false, waitedMs });
      const lock = this.tryLock(key);
      if (lock === 'held') {
        const t = performance.now();
        await new Promise((r) => setTimeout(r, POLL_MS));
        waitedMs += Math.round(performance.now() - t);
        continue;
      }
      try {
        // Written by the holder between our read and our lock: no need to solve.
        const late = lock === 'locked' ? this.read(key) : undefined;
        if (late) return Object.assign(late, { derived: false, waitedMs });
        const got = await derive();
        const stored = 'entry' in got ? this.writeEntry(key, got.entry) : this.write(key, got);
        return Object.assign(stored, { derived: true, waitedMs });
      } finally {
        if (lock === 'locked') fs.rmSync(this.lockPath(key), { force: true });
      }
    }
  }

  private lockPath(key: string): string {
    return path.join(this.dir, `${key}.lock`);
  }

  /** 'locked': ours now; 'held': someone alive holds it; 'unlockable': no lock possible (derive without one). */
  private tryLock(key: string): 'locked' | 'held' | 'unlockable' {
    const lock = this.lockPath(key);
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return 'locked';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return 'unlockable';
    }
    let holder = NaN;
    let age = 0;
    try {
      holder = Number(fs.readFileSync(lock, 'utf8'));
      age = Date.now() - fs.statSync(lock).mtimeMs;
    } catch {
      return 'held'; // released meanwhile: the next round reads the entry or takes the lock
    }
    if (age < LOCK_STALE_MS && (!Number.isInteger(holder) || holder <= 0 || alive(holder))) return 'held';
    fs.rmSync(lock, { force: true });
    return 'held'; // taken over on the next round (through `wx`, so two waiters do not both take it)
  }

  /** Evicts the least recently used entries past the size bound (never `keep`, the one just written). */
  private collect(keep: string): void {
    const entries: Array<{ file: string; size: number; mtime: number }> = [];
    let total = 0;
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.json.br')) continue;
      try {
        const st = fs.statSync(path.join(this.dir, name));
        total += st.size;
        if (name !== `${keep}.json.br`) entries.push({ file: path.join(this.dir, name), size: st.size, mtime: st.mtimeMs });
      } catch {
        // evicted by another writer
      }
    }
    if (total <= this.maxBytes) return;
    entries.sort((a, b) => a.mtime - b.mtime);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      fs.rmSync(e.file, { force: true });
      total -= e.size;
    }
  }
}

/**
 * An entry's text: a header with the format, the key, the xxh64 of the summaries' JSON (checked on every read: a
 * damaged entry is derived again, never trusted), their shape and how many files they summarize, then the summaries. That digest is also the entry's `content`, so
 * two keys whose summaries come out the same (a dependency edit that changes no summary) give the same content, and
 * the dependent's answers (keyed by it) are reused.
 */
const header = (key: string, sum: string, shape: string, n: number) =>
  `{"format":${JSON.stringify(FLOW_SUMMARY_FORMAT)},"key":${JSON.stringify(key)},"sum":"${sum}","shape":"${shape}","n":${n},"files":`;

/** Room kept before an entry's body for its header (written last: it holds the body's digests), ≥ any header. */
const HEADER_ROOM = 1024;

/**
 * The stored entry of a unit's summaries, as UTF-8 bytes (the text `header` + the JSON of the [file, summary] pairs
 * + `}`), made one file at a time: each file's JSON is hashed and encoded as it is made, and its shape's too, so the
 * summaries are never held as one string, nor as a position-blanked copy (making those whole was the largest
 * allocation of deriving the stdlib's unit: a few 32M-character strings, past V8's young generation). A caller whose
 * iterable lets each summary go once read (deriveUnit) does not hold them as objects and as text at once either.
 */
export function entryBytes(key: string, entries: Iterable<SummaryEntry>): Uint8Array {
  const body = new ByteSink(HEADER_ROOM);
  const sum = hashPieces();
  const shape = new ShapeHasher();
  // What JSON.stringify gives for the array of pairs, a piece at a time.
  for (const { file, summary } of entries) {
    const piece = `${shape.files ? ',' : '['}${JSON.stringify([file, summary])}`;
    sum.update(piece);
    body.write(piece);
    shape.add(file, summary);
  }
  const close = shape.files ? ']' : '[]';
  sum.update(close);
  body.write(close);
  body.write('}');
  const head = new TextEncoder().encode(header(key, sum.digest(), shape.digest(), shape.files));
  if (head.length > HEADER_ROOM) throw new Error(`codegraph: a summary entry's header is ${head.length} bytes`);
  return body.withPrefix(head);
}

/** UTF-8 bytes appended to one buffer (growing by doubling), after `room` bytes kept for a prefix. */
class ByteSink {
  private buf: Uint8Array;
  private at: number;
  private readonly encoder = new TextEncoder();

  constructor(private readonly room: number) {
    this.buf = new Uint8Array(room + (1 << 16));
    this.at = room;
  }

  write(s: string): void {
    // At most three bytes per UTF-16 unit.
    const need = this.at + s.length * 3;
    if (need > this.buf.length) {
      const next = new Uint8Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.at));
      this.buf = next;
    }
    this.at += this.encoder.encodeInto(s, this.buf.subarray(this.at)).written;
  }

  /** The bytes written, `prefix` before them (a view of the same buffer). */
  withPrefix(prefix: Uint8Array): Uint8Array {
    const from = this.room - prefix.length;
    this.buf.set(prefix, from);
    return this.buf.subarray(from, this.at);
  }
}

/**
 * The digest of a unit's summaries with every source position (of a function or class: in `funcs`, `classes` and
 * the objects naming one) replaced by the rank of its (file, line, column) among those the summaries name, in order
 * of first appearance. Positions only tell definitions apart (a summarized function is found by file, FQN and
 * position) and find their L1 node (whose id is path and FQN): two units with the same shape give a dependent the
 * same answers, so a dependency edit that only moves code (a line inserted in a body) re-solves no dependent.
 * Hashed file by file: the digest of the JSON of the array of every file's [file, blanked summary].
 */
class ShapeHasher {
  private rank = new Map<string, number>();
  private hash = hashPieces();
  files = 0;

  add(file: string, s: FileSummary): void {
    const blanked = [
      file,
      {
        ...s,
        funcs: s.funcs.map(([fqn, params, flags, line, col]) => [fqn, params, flags, this.at(file, line, col)]),
        classes: s.classes.map(([fqn, bases, attrs, line, col, metas]) => [fqn, bases, attrs, this.at(file, line, col), ...(metas ? [metas] : [])]),
        objs: s.objs.map((o) => (o[0] === 'f' || o[0] === 'c' ? [o[0], o[1], o[2], this.at(o[1], o[3], o[4])] : o)),
      },
    ];
    this.hash.update(`${this.files++ ? ',' : '['}${JSON.stringify(blanked)}`);
  }

  digest(): string {
    this.hash.update(this.files ? ']' : '[]');
    return this.hash.digest();
  }

  private at(file: string, line: number, col: number): number {
    const k = `${file}\0${line}\0${col}`;
    let r = this.rank.get(k);
    if (r === undefined) this.rank.set(k, (r = this.rank.size));
    return r;
  }
}

function parseEntry(key: string, text: string): StoredSummaries | undefined {
  // Read by position, not with a RegExp: V8 keeps the last match's subject (a slice of `text`), and every slice of 13
  // characters or more keeps the string it was cut from: the header's fields are copied out, so that nothing held
  // after the entry is parsed keeps its text (32M characters for the stdlib unit sympy reads) alive.
  const field = (name: string, from: number) => {
    const at = text.indexOf(`"${name}":`, from);
    return at < 0 || at > 300 ? -1 : at + name.length + 3;
  };
  const sumAt = field('sum', 0);
  const shapeAt = field('shape', sumAt);
  const nAt = field('n', shapeAt);
  if (sumAt < 0 || shapeAt < 0 || nAt < 0) return undefined;
  const sum = copied(text.slice(sumAt + 1, sumAt + 17));
  const shape = copied(text.slice(shapeAt + 1, shapeAt + 17));
  const n = Number.parseInt(text.slice(nAt, nAt + 12), 10);
  if (!/^[0-9a-f]{16}$/.test(shape) || !Number.isSafeInteger(n)) return undefined;
  const head = header(key, sum, shape, n);
  if (!text.startsWith(head) || !text.endsWith('}')) return undefined;
  const files = text.slice(head.length, -1);
  if (hashString(files) !== sum) return undefined;
  // Checked whole above: what it parses to is what was written. (Until then `files` holds the text, by design.)
  return { entries: () => parseSummaries(files), json: () => files, files: n, content: sum, shape };
}

/** The summaries of an entry's JSON (StoredSummaries.json). */
export function parseSummaries(json: string): SummaryEntry[] {
  return (JSON.parse(json) as StoredUnit['files']).map(([file, summary]): SummaryEntry => ({ file, summary }));
}

/** A copy of a short string that shares no memory with the string it was cut from. */
function copied(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
