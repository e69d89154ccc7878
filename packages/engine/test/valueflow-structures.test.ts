/**
 * The solver's flat containers against plain JS sets and maps fed the same random input: membership answers and ids
 * agree through every growth of the tables.
 */
import { ListIndex, SeqInterner, TripleSet, TupleSet } from '../src/layers/l4-resolve/valueflow/edge-set';
import { IntLists } from '../src/layers/l4-resolve/valueflow/int-lists';
import { fixedInt32, grown, release, trimmed } from '../src/layers/l4-resolve/valueflow/page-arrays';

/** Deterministic pseudo-random ints (mulberry32), so a failure reproduces. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) | 0;
  };
}

describe('value-flow containers', () => {
  // 21 tag bits leave references 10 bits: past 1,023 rows (or positions) the tables drop their tags, as one past 8M
  // does with the default 8.
  it.each([[undefined], [21]])('TupleSet answers as a Set of joined keys, across rehashes (tag bits %s)', (tagBits) => {
    const r = rng(1);
    const set = new TupleSet(5, tagBits);
    const ref = new Set<string>();
    const t = new Int32Array(5);
    let wrong = 0;
    for (let i = 0; i < 60_000; i++) {
      // Small ranges so that many tuples repeat; -1 in the later components is a value like any other.
      t[0] = r(50);
      for (let k = 1; k < 5; k++) t[k] = r(12) - 1;
      const key = Array.from(t).join(',');
      if (set.add(t) === ref.has(key)) wrong++;
      ref.add(key);
    }
    expect(wrong).toBe(0);
    expect(set.size).toBe(ref.size);
    expect(ref.size).toBeGreaterThan(10_000);
  });

  it('SeqInterner gives equal sequences one id and different ones different ids', () => {
    const r = rng(2);
    const seqs = new SeqInterner();
    const ids = new Map<string, number>();
    let wrong = 0;
    for (let i = 0; i < 30_000; i++) {
      const seq = Array.from({ length: r(5) }, () => r(7) - 3);
      const key = seq.join(',');
      const id = seqs.intern(seq);
      const known = ids.get(key);
      if (known === undefined) {
        if (id !== ids.size) wrong++;
        ids.set(key, id);
      } else if (id !== known) wrong++;
      if (seqs.length(id) !== seq.length || seq.some((x, k) => seqs.at(id, k) !== x)) wrong++;
    }
    expect(wrong).toBe(0);
    expect(seqs.size).toBe(ids.size);
    // The empty sequence is a sequence like the others.
    expect(seqs.intern([])).toBe(ids.get(''));
  });

  it.each([[undefined], [21]])('TripleSet answers as a Set of joined keys, its rows past the mapped threshold (tag bits %s)', (tagBits) => {
    const r = rng(3);
    const triples = new TripleSet(tagBits);
    const refT = new Set<string>();
    let wrong = 0;
    // ~250K distinct triples: 3 MB of rows, grown in a mapped buffer; the index doubles seven times.
    for (let i = 0; i < 300_000; i++) {
      const a = r(300);
      const b = r(1_000);
      const c = r(5) - 1;
      if (triples.add(a, b, c) === refT.has(`${a},${b},${c}`)) wrong++;
      refT.add(`${a},${b},${c}`);
    }
    expect(wrong).toBe(0);
    expect(triples.size).toBe(refT.size);
    expect(refT.size).toBeGreaterThan(200_000);
  });

  it.each([[undefined], [21]])('ListIndex answers membership in the long lists as a Set of pairs would, across its growths (tag bits %s)', (tagBits) => {
    const r = rng(6);
    const lists = new IntLists();
    const index = new ListIndex(lists, tagBits);
    const ref = new Set<string>();
    const LONG = 16;
    for (let l = 0; l < 2_000; l++) lists.add();
    let wrong = 0;
    // The solver's addEdge: short lists are searched, a list is indexed once it reaches LONG elements.
    for (let i = 0; i < 400_000; i++) {
      // A few lists get most of the values (hubs), as a fixpoint's successor lists do.
      const l = r(2_000) % (1 + r(2_000));
      const v = r(50_000);
      const len = lists.length(l);
      const fresh = len < LONG ? !lists.includes(l, v) : index.add(l, v);
      if (fresh === ref.has(`${l},${v}`)) wrong++;
      if (!fresh) continue;
      ref.add(`${l},${v}`);
      lists.push(l, v);
      if (len + 1 === LONG) index.addList(l);
    }
    expect(wrong).toBe(0);
    let indexed = 0;
    for (let l = 0; l < 2_000; l++) if (lists.length(l) >= LONG) indexed += lists.length(l);
    expect(index.size).toBe(indexed);
    expect(indexed).toBeGreaterThan(100_000);
    // Some list is long enough that 21 tag bits could not count its positions.
    expect(Math.max(...Array.from({ length: 2_000 }, (_, l) => lists.length(l)))).toBeGreaterThan(1_024);
  });

  it('IntLists keeps each list as an array would, with capped segments reused', () => {
    const r = rng(4);
    const lists = new IntLists(96);
    const ref: number[][] = [];
    for (let i = 0; i < 1_000; i++) ref.push([]), lists.add();
    for (let i = 0; i < 100_000; i++) {
      const l = r(1_000);
      if (ref[l]!.length >= 96) continue;
      // Lists 0-99 all get the same elements (in the same order), so that their final segments can be shared.
      const v = l < 100 ? ref[l]!.length : r(1_000_000);
      lists.push(l, v);
      ref[l]!.push(v);
      if (ref[l]!.length === 96) lists.shareFinal(l);
    }
    expect(ref.map((_, l) => lists.toArray(l))).toEqual(ref);
    let wrong = 0;
    ref.forEach((xs, l) => {
      if (lists.length(l) !== xs.length) wrong++;
      if (xs.length && (!lists.includes(l, xs[xs.length - 1]!) || lists.indexOf(l, xs[0]!) !== 0)) wrong++;
    });
    expect(wrong).toBe(0);
    expect(ref.filter((xs) => xs.length === 96).length).toBeGreaterThan(100);
  });

  it('grown keeps the elements and zeroes the rest, from a plain array into a mapped one and in place after', () => {
    let a = new Int32Array(1000);
    for (let i = 0; i < a.length; i++) a[i] = i + 1;
    const sizes = [4_000, 300_000, 1_000_000, 3_000_000];
    const seen: Int32Array[] = [];
    for (const n of sizes) {
      const from = a.length;
      a = grown(a, n);
      seen.push(a);
      expect(a.length).toBe(n);
      let wrong = 0;
      for (let i = 0; i < n; i++) if (a[i] !== (i < from ? i + 1 : 0)) wrong++;
      expect(wrong).toBe(0);
      for (let i = from; i < n; i++) a[i] = i + 1;
    }
    // Past 1 MB the array is mapped with room to grow: a longer view of the same buffer from then on.
    expect(seen[3]!.buffer).toBe(seen[2]!.buffer);
    expect(seen[1]!.buffer).not.toBe(seen[0]!.buffer);
    // Trimming keeps the first elements; a table's slots are zeroed however large.
    const t = trimmed(a, 10);
    expect(Array.from(t.subarray(0, 10))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const f = fixedInt32(2_000_000);
    expect(f.length).toBe(2_000_000);
    expect(f.some((x) => x !== 0)).toBe(false);
  });

  it('release gives a mapped buffer back (outgrown by grown, or released) and leaves a plain array as it is', () => {
    const plain = new Int32Array(1000).fill(7);
    release(plain);
    expect(plain.length).toBe(1000);
    expect(plain[999]).toBe(7);
    const mapped = grown(new Int32Array(10), 1_000_000).fill(3);
    const room = mapped.buffer.byteLength / 4;
    // Past its buffer's room: copied into a new buffer, and the old one detached (its views read as empty).
    const next = grown(mapped, room + 1);
    expect(mapped.length).toBe(0);
    expect(mapped.buffer.byteLength).toBe(0);
    expect(next.length).toBe(room + 1);
    expect([next[0], next[999_999], next[1_000_000], next[room]]).toEqual([3, 3, 0, 0]);
    release(next);
    expect(next.length).toBe(0);
    // A detached array released again is left alone.
    expect(() => release(next)).not.toThrow();
  });

  it('IntLists past the mapped threshold: 600K pushes across 20K lists as arrays would hold them', () => {
    const r = rng(5);
    const lists = new IntLists();
    const ref: number[][] = [];
    for (let i = 0; i < 20_000; i++) ref.push([]), lists.add();
    for (let i = 0; i < 600_000; i++) {
      const l = r(20_000) % (1 + r(20_000));
      const v = r(1 << 30);
      lists.push(l, v);
      ref[l]!.push(v);
    }
    let wrong = 0;
    ref.forEach((xs, l) => {
      if (lists.length(l) !== xs.length) wrong++;
      for (let k = 0; k < xs.length; k++) if (lists.at(l, k) !== xs[k]) wrong++;
    });
    expect(wrong).toBe(0);
  });
});
