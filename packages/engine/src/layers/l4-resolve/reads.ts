/**
 * Which modules' interface facts a resolution read — per file, as incremental compilers track a query's inputs
 * (salsa, rust-analyzer): an L4 record is reused while the facts of every module its resolution read are unchanged.
 *
 * A lookup of the symbol table names what it reads by its name alone, whichever table answers it (the built one or
 * the lazy one; every file's facts regular — inputs-index.ts): a definition, variable type or class's bases named X
 * can only come from the modules that are dotted prefixes of X, a module record from the module itself. A lookup that
 * misses reads the same modules (the ones that would have had to hold the name). Whether a module exists at all, and
 * which file wins it, is the project's file list, which every key covers whole.
 *
 * The resolver memoises its answers across files, so a memoised answer keeps the reads made while computing it
 * (a `ReadSet`), and a file that uses the answer takes them over. Frames nest as the resolver recurses; a finished
 * frame's reads are merged into its parent's. Where an answer was cut short by a name still being computed (a cycle:
 * re-exports in a loop, circular `*` imports, inheritance cycles) or by the resolver's depth cap, the answer depends
 * on that unfinished computation too: the frame keeps a link to its `ReadSet`, followed when a file's reads are
 * collected (by then every frame has finished).
 */

/** The reads of one computation: module ranks (indexes in the table's order), plus links to unfinished ones. */
export class ReadSet {
  /** While the computation runs: the ranks read so far. */
  open: Set<number> | undefined = new Set();
  /** Once finished: the ranks read, sorted (shared between equal sets). */
  mods: Int32Array = EMPTY;
  links: ReadSet[] | undefined;
}

const EMPTY = new Int32Array(0);

export class ReadTracker {
  private stack: ReadSet[] = [];
  /** 1 while a file's frame is the bottom of the stack. */
  private base = 0;
  /** Module ranks of each name's dotted prefixes, by the name's parent (`a.b` for `a.b.c`): what a lookup reads. */
  private prefixMemo = new Map<string, Int32Array>();
  /** Finished sets without links, by content: most answers read the same few modules. */
  private interned = new Map<string, ReadSet>();

  /** `rankOf`: a module's rank in the table (undefined when no file declares it). */
  constructor(private readonly rankOf: (module: string) => number | undefined) {}

  /** Starts a computation whose reads are kept (a memoised answer, or a file). */
  begin(s = new ReadSet()): ReadSet {
    this.stack.push(s);
    return s;
  }

  /**
   * Ends the innermost computation: its reads, frozen (an equal finished set when there is one), merged into the
   * enclosing computation's unless `merge` is false.
   */
  end(merge = true): ReadSet {
    const s = this.stack.pop()!;
    const mods = Int32Array.from(s.open!).sort();
    s.open = undefined;
    s.mods = mods;
    let out = s;
    if (!s.links) {
      // (`s` itself keeps its reads: a computation cut short by it links to it.)
      const key = mods.join(',');
      const had = this.interned.get(key);
      if (had) s.mods = (out = had).mods;
      else this.interned.set(key, s);
    }
    if (merge) this.use(out);
    return out;
  }

  /** Starts a file's reads (dropping what a file whose resolution threw left under way). */
  beginFile(): void {
    this.stack.length = 0;
    this.begin();
    this.base = 1;
  }

  /** Every module the file's resolution read, by rank, sorted. */
  endFile(): number[] {
    const s = this.stack.pop()!;
    this.stack.length = 0;
    this.base = 0;
    return ReadTracker.collect(s);
  }

  /** The current computation uses a finished answer: it read what that answer read. */
  use(s: ReadSet | undefined): void {
    const top = this.stack[this.stack.length - 1];
    if (!top || !s) return;
    for (const m of s.mods) top.open!.add(m);
    if (s.links) for (const l of s.links) this.link(l);
  }

  /** The current computation used an answer cut short by `s`, still running: it reads whatever `s` ends up reading. */
  link(s: ReadSet): void {
    const top = this.stack[this.stack.length - 1];
    if (!top || top === s) return;
    (top.links ??= []).includes(s) || top.links.push(s);
  }

  /**
   * The resolver's depth cap cut an answer short: it depends on every computation under way, i.e. on the reads of
   * the outermost one (above the file's own frame).
   */
  linkOutermost(): void {
    const s = this.stack[this.base];
    if (s) this.link(s);
  }

  /** A lookup of module `fqn`'s record. */
  module(fqn: string): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    const r = this.rankOf(fqn);
    if (r !== undefined) top.open!.add(r);
  }

  /** A lookup of a definition, variable type or class's bases named `fqn`: its prefix modules. */
  under(fqn: string): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    const dot = fqn.lastIndexOf('.');
    if (dot < 0) return;
    for (const r of this.prefixRanks(fqn.slice(0, dot))) top.open!.add(r);
  }

  /** The ranks of module `parent` and its dotted prefixes that are modules. */
  private prefixRanks(parent: string): Int32Array {
    let ranks = this.prefixMemo.get(parent);
    if (ranks) return ranks;
    const dot = parent.lastIndexOf('.');
    const up = dot < 0 ? EMPTY : this.prefixRanks(parent.slice(0, dot));
    const own = this.rankOf(parent);
    ranks = own === undefined ? up : Int32Array.from([...up, own]);
    this.prefixMemo.set(parent, ranks);
    return ranks;
  }

  /** Every rank `s` read, its links followed (all finished by now), sorted. */
  static collect(s: ReadSet): number[] {
    const out = new Set<number>(s.open ?? s.mods);
    const seen = new Set<ReadSet>([s]);
    const todo = [...(s.links ?? [])];
    while (todo.length) {
      const l = todo.pop()!;
      if (seen.has(l)) continue;
      seen.add(l);
      for (const m of l.open ?? l.mods) out.add(m);
      if (l.links) todo.push(...l.links);
    }
    return [...out].sort((a, b) => a - b);
  }
}
