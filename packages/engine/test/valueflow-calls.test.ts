/**
 * Value flow through the real engine: the Python programs under fixtures/valueflow/app (one module per family —
 * assignments, functions as values, decorators, classes/MRO/super, imports, builtins callbacks) are indexed by the
 * real L0/L1 and resolved by L4 with value flow; the call graph read back (L1 edges with L4's completions and derived
 * lines) must be exactly what Python would call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { calleesOf, callGraph, indexProjects, readTree, writeTree, type Indexed } from './valueflow-helpers';

let ix: Indexed;
let graph: string[];

beforeAll(async () => {
  const files = readTree(path.join(__dirname, 'fixtures', 'valueflow', 'app'));
  const root = writeTree(Object.fromEntries(Object.entries(files).map(([k, v]) => [`app/${k}`, v])));
  ix = await indexProjects(root, ['app']);
  graph = callGraph(ix.out.app!);
});

afterAll(() => fs.rmSync(ix.root, { recursive: true, force: true }));

const callees = (caller: string) => calleesOf(graph, caller);

describe('value flow: assignments', () => {
  it('follows plain, chained, tuple-unpacking and walrus bindings', () => {
    expect(callees('assign.chained')).toEqual(['assign.a']);
    // `p, q = a, b; q()` and `r, s = (b, a); s()`: targets paired with values.
    expect(callees('assign.unpack')).toEqual(['assign.a', 'assign.b']);
    expect(callees('assign.walrus')).toEqual(['assign.b']);
  });

  it('gives every value that may reach a call after re-binding in a branch', () => {
    expect(callees('assign.rebind')).toEqual(['assign.a', 'assign.b']);
  });

  it('is flow-sensitive inside a function (SSA): after a swap only the swapped value reaches the call', () => {
    // m, n = a, b; m, n = n, m; n()  → a only (flow-insensitively it would be a and b).
    expect(callees('assign.swap')).toEqual(['assign.a']);
  });
});

describe('value flow: functions as values', () => {
  it('binds arguments to parameters: positional, keyword defaults, *args, **kwargs', () => {
    expect(callees('values.call_it')).toEqual(['values.one']);
    expect(callees('values.call_kw')).toEqual(['values.three']);
    expect(callees('values.call_star')).toEqual(['values.one', 'values.two']);
    expect(callees('values.call_kwargs')).toEqual(['values.three']);
  });

  it('follows returns, containers, lambdas and attributes holding functions', () => {
    expect(callees('values.main')).toEqual([
      'values.call_it',
      'values.call_kw',
      'values.call_kwargs',
      'values.call_star',
      'values.factory',
      'values.main.<lambda>',
      'values.one', // table["k"]()
      'values.two', // factory()(), items[0]() after items.append(two)
    ]);
    expect(callees('values.main.<lambda>')).toEqual(['values.three']);
    expect(callees('values.Holder.run')).toEqual(['values.one']); // self.fn = fn; Holder(one).run()
    expect(callees('values.holder_use')).toEqual(['values.Holder', 'values.Holder.__init__', 'values.Holder.run']);
  });
});

describe('value flow: decorators', () => {
  it('makes applying a decorator a call of it by the enclosing scope, factories included', () => {
    expect(callees('decos')).toEqual(['decos.factory', 'decos.factory.deco', 'decos.plain', 'decos.with_wraps']);
  });

  it('follows the decorated function into the wrapper (functools.wraps keeps it)', () => {
    expect(callees('decos.plain.wrapper')).toEqual(['decos.target_a']);
    expect(callees('decos.with_wraps.inner')).toEqual(['decos.target_b']);
  });

  it('binds cls in a classmethod', () => {
    expect(callees('decos.K.make')).toEqual(['decos.K']);
  });

  it('runs a property setter where the attribute is stored through an instance (@x.setter and property(fget, fset))', () => {
    // `t.unit = "F"` (a data attribute) and `t.other = 1` (no class attribute) call nothing; `return t.celsius` reads
    // through the getter.
    expect(calleesOf(callGraph(ix.out.app!, { implicit: true }), 'decos.use_setters')).toEqual(['decos.Temp', 'decos.Temp.__init__', 'decos.Temp._set_f', 'decos.Temp.celsius', 'decos.Temp.celsius#2']);
  });
});

describe('value flow: classes', () => {
  it('calls __bool__ (else __len__) where a value is tested for truth: if, while, not, or, comprehension filters', () => {
    const graph = callGraph(ix.out.app!, { implicit: true });
    expect(calleesOf(graph, 'classes.truth_tests')).toEqual(['classes.Flag', 'classes.Flag.__bool__', 'classes.Sized', 'classes.Sized.__len__']);
    // `f == f` compares (no user __eq__): no truth test, no call.
    expect(calleesOf(graph, 'classes.no_truth_test')).toEqual(['classes.Flag']);
  });

  it('looks super() up along the C3 MRO (D(B, C): B, then C, then A)', () => {
    expect(callees('classes.D.who')).toEqual(['classes.B.who']);
  });

  it('looks attributes up along the C3 MRO, not depth-first (D(B, C): C.hello before A.hello)', () => {
    expect(callees('classes.diamond')).toEqual(['classes.A.__init__', 'classes.C.hello', 'classes.D']);
  });

  it('calls __call__ on instances and __init__ on a class held in a variable', () => {
    expect(callees('classes.use')).toEqual([
      'classes.A.__init__',
      'classes.Caller',
      'classes.Caller.__call__',
      'classes.D',
      'classes.D.who',
    ]);
  });
});

describe('value flow: imports', () => {
  it('follows values through *, __all__, re-exports, module aliases and function-level imports', () => {
    expect(callees('imps.use')).toEqual([
      'pkg.impl.Widget',
      'pkg.impl.Widget.__call__',
      'pkg.impl.Widget.__init__',
      'pkg.impl.Widget.fire',
      'pkg.impl.exported',
      'pkg.impl.helper',
    ]);
    expect(callees('imps.late')).toEqual(['pkg.impl.hidden']);
    // The callback stored by Widget(impl_mod.helper) and called as self.cb() in another module.
    expect(callees('pkg.impl.Widget.fire')).toEqual(['pkg.impl.helper']);
  });
});

describe('value flow: builtins', () => {
  it('calls the callbacks given to map, filter and sorted(key=)', () => {
    expect(callees('builtins_.use')).toEqual(['builtins_.conv', 'builtins_.key_fn', 'builtins_.pred']);
  });

  it('reaches its fixpoint without hitting a bound', () => {
    const l4 = fs.readFileSync(path.join(ix.out.app!, 'l4', 'stats.json'), 'utf8');
    const stats = JSON.parse(l4) as { flow: { solve: { bounds: number; nodes: number } } };
    expect(stats.flow.solve.bounds).toBe(0);
    expect(stats.flow.solve.nodes).toBeGreaterThan(0);
  });
});
