/**
 * The solver's handlers (what happens to each object arriving at a node: a load, a call, a store…) as columns of
 * typed arrays instead of one JS object each: a big corpus has over a million of them, and an object with its
 * per-node array cost ~100 bytes where a row here costs 13. Call records and name lists, shared and few per call
 * site, stay objects in a side table; attribute names are interned.
 */
import { grown, release } from './page-arrays';

export const enum H {
  /** a dst, b name, c site — dst ⊇ o.name */
  Load,
  /** a call ref, b names ref */
  Implicit,
  /** a src, b name, c site (-1: none) */
  Store,
  /** a dst */
  Elem,
  /** a src */
  Selem,
  /** a call ref */
  Call,
  /** a dst, b class object */
  Super,
  /** a dst, b obj — `super(C, obj)`: each class arriving here makes a super proxy with each object of `obj`. */
  SuperOf,
  /** a call ref, b self — objects arriving here are called as a method of self (or plainly when self is -1). */
  CallVia,
  /** a dst, b via, c site — read through an instance (method binding, properties) into dst. */
  Access,
  /** As Access, read through a class. */
  AccessCls,
  /** a dst, b wrapper kind */
  Wrap,
  /** a src, b via, c site — a store of src through the instance via: a property setter arriving here is called. */
  Setter,
  /** a call ref, b class object — metaclasses arriving here decide what calling the class runs. */
  MetaCall,
}

export class HandlerTable {
  kind = new Uint8Array(1024);
  a: Int32Array = new Int32Array(1024);
  b: Int32Array = new Int32Array(1024);
  c: Int32Array = new Int32Array(1024);
  /** Call records and name lists the rows refer to. */
  readonly refs: unknown[] = [];
  readonly strs: string[] = [];
  private strIds = new Map<string, number>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(kind: H, a: number, b = 0, c = 0): number {
    const id = this.count++;
    if (id >= this.kind.length) {
      // 1.5×, not 2×: sympy's fixpoint has 3.3M rows, and a doubled table is 10+ MB unused at the end.
      const cap = Math.ceil(this.kind.length * 1.5);
      this.kind = grown(this.kind, cap);
      this.a = grown(this.a, cap);
      this.b = grown(this.b, cap);
      this.c = grown(this.c, cap);
    }
    this.kind[id] = kind;
    this.a[id] = a;
    this.b[id] = b;
    this.c[id] = c;
    return id;
  }

  /** Gives the rows' memory back now (page-arrays.ts `release`): the owner reads none of them again. */
  release(): void {
    for (const col of [this.kind, this.a, this.b, this.c]) release(col);
  }

  ref(x: unknown): number {
    this.refs.push(x);
    return this.refs.length - 1;
  }

  str(s: string): number {
    let i = this.strIds.get(s);
    if (i === undefined) {
      i = this.strs.length;
      this.strs.push(s);
      this.strIds.set(s, i);
    }
    return i;
  }
}

/**
 * Call records as columns: a call's result node, site, arguments (an id of the solver's interned argument lists) and
 * kind. Objects per call cost ~64 bytes plus their argument array, and sympy's fixpoint makes 2.5M of them (a class
 * call's `__init__`, a property read); a row here is 13 bytes.
 */
export class CallTable {
  dst: Int32Array = new Int32Array(1024);
  site: Int32Array = new Int32Array(1024);
  args: Int32Array = new Int32Array(1024);
  /** kind (T_*) * 2 + 1 when a decorator application. */
  flags = new Uint8Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(dst: number, site: number, args: number, deco: boolean, kind: number): number {
    const id = this.count++;
    if (id >= this.dst.length) {
      const cap = Math.ceil(this.dst.length * 1.5);
      this.dst = grown(this.dst, cap);
      this.site = grown(this.site, cap);
      this.args = grown(this.args, cap);
      this.flags = grown(this.flags, cap);
    }
    this.dst[id] = dst;
    this.site[id] = site;
    this.args[id] = args;
    this.flags[id] = kind * 2 + (deco ? 1 : 0);
    return id;
  }

  /** Gives the rows' memory back now (page-arrays.ts `release`): the owner reads none of them again. */
  release(): void {
    for (const col of [this.dst, this.site, this.args, this.flags]) release(col);
  }

  kind(id: number): number {
    return this.flags[id]! >> 1;
  }

  deco(id: number): boolean {
    return (this.flags[id]! & 1) === 1;
  }
}
