/**
 * Value-flow facts (lang/python/valueflow/model.ts) as a compact binary record, and its exact inverse.
 *
 * Strings go to two per-file tables (qualified names: variables, functions, classes; words: attribute, parameter
 * and module names) and are referred to by index; lines are deltas from the previous line of the same list. A
 * constraint is an opcode followed by numbers, strings, string lists and argument lists: its "shape" (the type of
 * each element) is stored once per file in a shape table and each constraint refers to it, so the opcode and arity
 * cost one byte and nothing is assumed about which opcode takes what — a new opcode or operand encodes without a
 * change here. Streams: structure (counts, kinds, shape ids), constraint and definition integers, call-site
 * integers, name references, word references, shapes, the two string tables.
 *
 * Whatever the encoder does not expect (a non-integer number, an unknown parameter kind, a value of another type)
 * throws NotEncodable and the caller stores JSON.
 */
import type { ArgFact, Constraint, FlowFacts, ParamKind } from '../../../lang/python/valueflow/model';
import { ByteReader, ByteWriter, joinStreams, NotEncodable, splitStreams, StringTable, WriterSet } from './bytes';

export const FACTS_RECORD_TAG = 2;

const PARAM_KINDS: readonly ParamKind[] = ['p', 'po', 'k', '*', '**'];
const PARAM_KIND = new Map(PARAM_KINDS.map((k, i) => [k, i]));

// Which optional fields are present, in the order the extractor adds them.
const HAS_ALL = 1;
const HAS_STARS = 2;
const HAS_SKIPPED = 4;
const HAS_OMITTED = 8;

// Element types of a constraint: an integer, a string, a list of strings, a list of arguments.
const E_INT = 0;
const E_STR = 1;
const E_STRS = 2;
const E_ARGS = 3;

/**
 * A constraint's integers are mostly variable and site indices, which grow through the file. Each is stored as its
 * difference from a prediction, chosen per operand position of each opcode (an args list shares its position's):
 * the previous integer at that position, or the largest integer seen so far (a fresh temporary is usually the
 * newest variable), whichever has predicted that position better so far — the decoder keeps the same tallies, so
 * the choice costs no byte. On the stdlib this made the constraints' integers ~4× smaller after brotli than plain
 * values (previous-at-position alone: ~3×).
 */
const MAX_OPS = 64;
const MAX_OPERANDS = 16;

class OperandPredictor {
  // A plain array (not a Float64Array): values read back stay small integers, as JSON.parse would make them.
  private readonly last: number[] = new Array<number>(MAX_OPS * MAX_OPERANDS).fill(0);
  /** Per position, the bits the two predictions would have cost so far: [previous, largest]. */
  private readonly cost = new Float64Array(MAX_OPS * MAX_OPERANDS * 2);
  private max = 0;

  private predict(ctx: number): number {
    return this.cost[ctx * 2]! <= this.cost[ctx * 2 + 1]! ? this.last[ctx]! : this.max;
  }

  private seen(ctx: number, v: number): void {
    this.cost[ctx * 2] += bits(v - this.last[ctx]!);
    this.cost[ctx * 2 + 1] += bits(v - this.max);
    this.last[ctx] = v;
    if (v > this.max) this.max = v;
  }

  residual(ctx: number, v: number): number {
    const r = v - this.predict(ctx);
    this.seen(ctx, v);
    return r;
  }

  value(ctx: number, residual: number): number {
    const v = this.predict(ctx) + residual;
    this.seen(ctx, v);
    return v;
  }
}

function bits(d: number): number {
  const a = d < 0 ? -d : d;
  return a < 0x80000000 ? 32 - Math.clz32(a) : 32;
}

const KNOWN_KEYS = new Set(['format', 'module', 'pkg', 'vars', 'funcs', 'classes', 'globals', 'sites', 'c', 'all', 'stars', 'skipped', 'omitted']);

function elementType(v: unknown): number {
  if (typeof v === 'number') return E_INT;
  if (typeof v === 'string') return E_STR;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.length ? E_STRS : E_ARGS;
  if (Array.isArray(v)) return E_ARGS;
  throw new NotEncodable(`constraint element of unknown type: ${JSON.stringify(v)}`);
}

const WRITERS = new WriterSet(7);

export function encodeFacts(f: FlowFacts): Uint8Array {
  for (const k in f) if (!KNOWN_KEYS.has(k)) throw new NotEncodable(`unknown facts field ${k}`);
  if (typeof f.pkg !== 'boolean') throw new NotEncodable('pkg is not a boolean');
  const [s, ints, n, h, t, m, siteInts] = WRITERS.take() as [ByteWriter, ByteWriter, ByteWriter, ByteWriter, ByteWriter, ByteWriter, ByteWriter];
  // Two tables: qualified names (variables, functions, classes), then the words (attribute, parameter, module
  // names): each kind front-codes and compresses better without the other interleaved.
  const names = new StringTable();
  const words = new StringTable();
  const name = (v: string) => names.ref(n, v);
  const word = (v: string) => words.ref(m, v);
  const strs = (list: readonly string[]) => {
    s.uv(list.length);
    for (const v of list) word(v);
  };
  s.u8((f.all ? HAS_ALL : 0) | (f.stars ? HAS_STARS : 0) | (f.skipped !== undefined ? HAS_SKIPPED : 0) | (f.omitted !== undefined ? HAS_OMITTED : 0));
  name(f.format);
  name(f.module);
  s.u8(f.pkg ? 1 : 0);
  s.uv(f.vars.length);
  for (const v of f.vars) name(v);
  s.uv(f.funcs.length);
  let line = 0;
  for (const [fqn, params, flags, l, col] of f.funcs) {
    name(fqn);
    s.uv(params.length);
    for (const [param, pk] of params) {
      word(param);
      const k = PARAM_KIND.get(pk);
      if (k === undefined) throw new NotEncodable(`unknown parameter kind ${pk}`);
      s.u8(k);
    }
    s.uv(flags);
    ints.sv(l - line);
    ints.sv(col);
    line = l;
  }
  s.uv(f.classes.length);
  line = 0;
  for (const [fqn, bases, bodyNames, l, col] of f.classes) {
    name(fqn);
    s.uv(bases.length);
    let prev = 0;
    for (const b of bases) {
      ints.sv(b - prev);
      prev = b;
    }
    strs(bodyNames);
    ints.sv(l - line);
    ints.sv(col);
    line = l;
  }
  strs(f.globals);
  s.uv(f.sites.length);
  line = 0;
  for (const [l, col, endLine, endCol, k] of f.sites) {
    siteInts.sv(l - line);
    siteInts.sv(col);
    siteInts.sv(endLine - l);
    siteInts.sv(endCol - col);
    s.uv(k);
    line = l;
  }
  encodeConstraints(f.c, s, ints, m, h, words);
  if (f.all) strs(f.all);
  if (f.stars) strs(f.stars);
  if (f.skipped !== undefined) ints.sv(f.skipped);
  if (f.omitted !== undefined) ints.sv(f.omitted);
  names.write(t);
  words.write(t);
  return joinStreams(FACTS_RECORD_TAG, [s, ints, siteInts, n, m, h, t]);
}

function encodeConstraints(cs: readonly Constraint[], s: ByteWriter, ints: ByteWriter, n: ByteWriter, h: ByteWriter, strings: StringTable): void {
  const shapes = new Map<number, number>();
  const p = new OperandPredictor();
  const types = new Uint8Array(MAX_OPERANDS);
  s.uv(cs.length);
  for (const c of cs) {
    const op = c[0];
    if (typeof op !== 'number' || !Number.isInteger(op) || op < 0 || op >= MAX_OPS || c.length > MAX_OPERANDS) {
      throw new NotEncodable(`constraint without a small opcode: ${JSON.stringify(c)}`);
    }
    // The shape as a number: the arity, then two bits per element type.
    let shape = c.length;
    for (let k = 0; k < c.length; k++) shape = shape * 4 + (types[k] = elementType(c[k]));
    let id = shapes.get(shape);
    if (id === undefined) {
      id = shapes.size;
      shapes.set(shape, id);
      h.uv(c.length);
      for (let k = 0; k < c.length; k++) h.u8(types[k]!);
    }
    s.uv(id);
    const ctx = (op as number) * MAX_OPERANDS;
    ints.sv(op as number);
    for (let k = 1; k < c.length; k++) {
      const v = c[k]!;
      const e = types[k];
      if (e === E_INT) {
        ints.sv(p.residual(ctx + k, v as number));
      } else if (e === E_STR) strings.ref(n, v as string);
      else if (e === E_STRS) {
        s.uv((v as string[]).length);
        for (const x of v as string[]) strings.ref(n, x);
      } else {
        s.uv((v as ArgFact[]).length);
        for (const a of v as ArgFact[]) {
          const x = typeof a === 'number' ? a : Array.isArray(a) && a.length === 2 && typeof a[0] === 'string' && typeof a[1] === 'number' ? a[1] : undefined;
          if (x === undefined) throw new NotEncodable(`argument of unknown shape: ${JSON.stringify(a)}`);
          s.u8(typeof a === 'number' ? 0 : 1);
          if (typeof a !== 'number') strings.ref(n, a[0]);
          ints.sv(p.residual(ctx + k, x));
        }
      }
    }
  }
}

export function decodeFacts(buf: Uint8Array): FlowFacts {
  const [s, ints, siteInts, n, m, h, t] = splitStreams(buf, 7) as [ByteReader, ByteReader, ByteReader, ByteReader, ByteReader, ByteReader, ByteReader];
  const names = StringTable.read(t, buf);
  const words = StringTable.read(t, buf);
  const name = () => names.read(n);
  const word = () => words.read(m);
  const strs = () => {
    const out: string[] = new Array(s.uv());
    for (let i = 0; i < out.length; i++) out[i] = word();
    return out;
  };
  const has = s.u8();
  const format = name();
  const module = name();
  const pkg = s.u8() === 1;
  const vars: string[] = new Array(s.uv());
  for (let i = 0; i < vars.length; i++) vars[i] = name();
  const funcs: FlowFacts['funcs'] = new Array(s.uv());
  let line = 0;
  for (let i = 0; i < funcs.length; i++) {
    const fqn = name();
    const params: FlowFacts['funcs'][number][1] = new Array(s.uv());
    for (let k = 0; k < params.length; k++) params[k] = [word(), PARAM_KINDS[s.u8()]!];
    const flags = s.uv();
    line += ints.sv();
    funcs[i] = [fqn, params, flags, line, ints.sv()];
  }
  const classes: FlowFacts['classes'] = new Array(s.uv());
  line = 0;
  for (let i = 0; i < classes.length; i++) {
    const fqn = name();
    const bases: number[] = new Array(s.uv());
    let prev = 0;
    for (let k = 0; k < bases.length; k++) prev = bases[k] = prev + ints.sv();
    const bodyNames = strs();
    line += ints.sv();
    classes[i] = [fqn, bases, bodyNames, line, ints.sv()];
  }
  const globals = strs();
  const sites: FlowFacts['sites'] = new Array(s.uv());
  line = 0;
  for (let i = 0; i < sites.length; i++) {
    line += siteInts.sv();
    const col = siteInts.sv();
    const endLine = line + siteInts.sv();
    const endCol = col + siteInts.sv();
    sites[i] = [line, col, endLine, endCol, s.uv()];
  }
  const c = decodeConstraints(s, ints, h, word);
  const facts: FlowFacts = { format, module, pkg, vars, funcs, classes, globals, sites, c };
  if (has & HAS_ALL) facts.all = strs();
  if (has & HAS_STARS) facts.stars = strs();
  if (has & HAS_SKIPPED) facts.skipped = ints.sv();
  if (has & HAS_OMITTED) facts.omitted = ints.sv();
  return facts;
}

function decodeConstraints(s: ByteReader, ints: ByteReader, h: ByteReader, word: () => string): Constraint[] {
  const shapes: number[][] = [];
  while (!h.done) {
    const shape: number[] = new Array(h.uv());
    for (let i = 0; i < shape.length; i++) shape[i] = h.u8();
    shapes.push(shape);
  }
  const p = new OperandPredictor();
  const out: Constraint[] = new Array(s.uv());
  for (let i = 0; i < out.length; i++) {
    const shape = shapes[s.uv()];
    if (shape?.[0] !== E_INT) throw new RangeError('constraint shape without an opcode');
    if (!shape) throw new RangeError('shape index out of range');
    const op = ints.sv();
    const c: Constraint = [op];
    const ctx = op * MAX_OPERANDS;
    for (let k = 1; k < shape.length; k++) {
      const e = shape[k];
      if (e === E_INT) c.push(p.value(ctx + k, ints.sv()));
      else if (e === E_STR) c.push(word());
      else if (e === E_STRS) {
        const list: string[] = new Array(s.uv());
        for (let j = 0; j < list.length; j++) list[j] = word();
        c.push(list);
      } else {
        const args: ArgFact[] = new Array(s.uv());
        for (let j = 0; j < args.length; j++) {
          if (s.u8() === 0) args[j] = p.value(ctx + k, ints.sv());
          else {
            const name = word();
            args[j] = [name, p.value(ctx + k, ints.sv())];
          }
        }
        c.push(args);
      }
    }
    out[i] = c;
  }
  return out;
}
