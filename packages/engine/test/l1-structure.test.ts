/**
 * L1 rules on real Python: definitions and FQNs, calls, imports, reads/writes and literal types, attributes,
 * stable ids. Each expectation is exact, so a regression in any rule fails here.
 */
import { initEngine, lazyPy, py } from './helpers';

beforeAll(initEngine);

describe('definitions and FQNs', () => {
  const v = lazyPy(`
"""Module docstring."""
import functools

class Base:
    """A base."""
    kind = "base"

    def __init__(self, name):
        self.name = name

    @property
    def label(self):
        return self.name

    @label.setter
    def label(self, value):
        self.name = value

    @staticmethod
    def make(*args, key=None, **kwargs):
        return Base("x")

    @classmethod
    def build(cls, /, n: int = 3) -> "Base":
        return cls("y")

class Child(Base, metaclass=type):
    async def run(self):
        def inner():
            return lambda x: x + 1
        return inner()

def top(a, b=2.5):
    square = lambda y: y * y
    return square(a)
`);

  it('names every definition by module path and scope chain', () => {
    expect(v.fqns('Module')).toEqual(['pkg.mod']);
    expect(v.fqns('Class')).toEqual(['pkg.mod.Base', 'pkg.mod.Child']);
    expect(v.fqns('Method')).toEqual([
      'pkg.mod.Base.__init__',
      'pkg.mod.Base.label',
      'pkg.mod.Base.label#2',
      'pkg.mod.Base.make',
      'pkg.mod.Base.build',
      'pkg.mod.Child.run',
    ]);
    expect(v.fqns('Function')).toEqual(['pkg.mod.Child.run.inner', 'pkg.mod.top']);
    expect(v.fqns('Lambda')).toEqual(['pkg.mod.Child.run.inner.<lambda>', 'pkg.mod.top.<lambda>']);
    expect(v.fqns('Variable')).toEqual(['pkg.mod.Base.kind', 'pkg.mod.Base.name', 'pkg.mod.top.square']);
  });

  it('records parameters with kinds, defaults, annotations and literal types', () => {
    expect(v.node('pkg.mod.Base.make').attrs!.parameters).toEqual(['*args', 'key', '**kwargs']);
    expect(v.node('pkg.mod.Base.make.args').attrs).toMatchObject({ kind: 'vararg', index: 0 });
    expect(v.node('pkg.mod.Base.make.key').attrs).toMatchObject({ kind: 'keyword_only', default: 'None', type: 'None' });
    expect(v.node('pkg.mod.Base.make.kwargs').attrs).toMatchObject({ kind: 'kwarg' });
    expect(v.node('pkg.mod.Base.build.cls').attrs).toMatchObject({ kind: 'positional_only' });
    expect(v.node('pkg.mod.Base.build.n').attrs).toMatchObject({ kind: 'positional', annotation: 'int', default: '3', type: 'int' });
    expect(v.node('pkg.mod.top.b').attrs).toMatchObject({ type: 'float' });
    expect(v.node('pkg.mod.Base.build').attrs).toMatchObject({ returns: '"Base"', method_kind: 'class' });
  });

  it('records decorators, method kinds, async, docstrings, bases and metaclass', () => {
    expect(v.node('pkg.mod.Base.label').attrs).toMatchObject({ decorators: ['property'], method_kind: 'property' });
    expect(v.node('pkg.mod.Base.label#2').attrs).toMatchObject({ decorators: ['label.setter'], method_kind: 'property' });
    expect(v.node('pkg.mod.Base.make').attrs).toMatchObject({ method_kind: 'static' });
    expect(v.node('pkg.mod.Child.run').attrs).toMatchObject({ is_async: true, method_kind: 'instance' });
    expect(v.node('pkg.mod.top').attrs).toMatchObject({ is_async: false });
    expect(v.node('pkg.mod').attrs).toMatchObject({ docstring: 'Module docstring.' });
    expect(v.node('pkg.mod.Base').attrs).toMatchObject({ docstring: 'A base.', bases: [] });
    expect(v.node('pkg.mod.Child').attrs).toMatchObject({ bases: ['Base'], metaclass: 'type' });
    expect(v.node('pkg.mod.Base.name').attrs).toMatchObject({ instance_attribute: true });
    expect(v.node('pkg.mod.Base.kind').attrs).toMatchObject({ class_attribute: true, type: 'str' });
  });

  it('nests everything with CONTAINS edges', () => {
    expect(v.edges('CONTAINS')).toEqual(
      expect.arrayContaining([
        'pkg/mod.py -> pkg.mod',
        'pkg.mod -> pkg.mod.Base',
        'pkg.mod.Base -> pkg.mod.Base.__init__',
        'pkg.mod.Base -> pkg.mod.Base.name',
        'pkg.mod.Child.run -> pkg.mod.Child.run.inner',
        'pkg.mod.Child.run.inner -> pkg.mod.Child.run.inner.<lambda>',
        'pkg.mod.top -> pkg.mod.top.a',
      ]),
    );
    // Every node but the File has exactly one parent edge.
    expect(v.ir.edges.filter((e) => e.edge === 'CONTAINS')).toHaveLength(v.ir.nodes.length - 1);
  });

  it('maps packages and src layouts to module names', () => {
    const init = py('X = 1\n', 'pkg/__init__.py', 'pkg');
    expect(init.fqns('Module')).toEqual(['pkg']);
    expect(init.node('pkg').attrs).toMatchObject({ is_package: true });
    expect(init.fqns('Variable')).toEqual(['pkg.X']);
  });
});

describe('calls', () => {
  const v = lazyPy(`
import os.path
import a.b as c
from .sibling import helper as h
from ..up import thing

class Base:
    def __init__(self, x):
        self.x = x
    def run(self):
        return self.step()
    def step(self):
        return 1
    @classmethod
    def create(cls):
        return cls.defaults()
    @classmethod
    def defaults(cls):
        return {}

class Child(Base):
    def step(self):
        super().step()
        return self.run() + self.missing()

def top():
    b = Base(2)
    b.run()
    c.f()
    os.path.join("a", "b")
    h()
    thing.go()
    later()
    len([])
    Base.create()
    unknown_name()
    (lambda: 0)()
    def inner():
        return later()
    return inner()

def later():
    pass
`);

  it('resolves self./cls./super() calls to the class and its in-file bases', () => {
    expect(v.edge('CALLS', 'pkg.mod.Base.run', 'pkg.mod.Base.step')).toBeDefined();
    expect(v.edge('CALLS', 'pkg.mod.Base.create', 'pkg.mod.Base.defaults')).toBeDefined();
    expect(v.edge('CALLS', 'pkg.mod.Child.step', 'pkg.mod.Base.step')).toMatchObject({ callee: 'super().step' });
    expect(v.edge('CALLS', 'pkg.mod.Child.step', 'pkg.mod.Base.run')).toBeDefined();
    // Not in any class of this file: left for L4 with the FQN the MRO would start from.
    expect(v.edge('CALLS', 'pkg.mod.Child.step', 'pkg.mod.Child.missing')).toMatchObject({ attrs: { resolution: 'self' } });
  });

  it('resolves module aliases, imported names, locals, forward references and builtins', () => {
    expect(v.edges('CALLS').filter((e) => e.startsWith('pkg.mod.top '))).toEqual([
      'pkg.mod.top -> pkg.mod.Base.__init__',
      'pkg.mod.top -> pkg.mod.Base.create',
      'pkg.mod.top -> pkg.mod.Base.run',
      'pkg.mod.top -> pkg.mod.later',
      'pkg.mod.top -> pkg.mod.top.inner',
      'pkg.mod.top => a.b.f',
      'pkg.mod.top => builtins.len',
      'pkg.mod.top => os.path.join',
      'pkg.mod.top => pkg.sibling.helper',
      'pkg.mod.top => up.thing.go',
      'pkg.mod.top ?> (lambda: 0)',
      'pkg.mod.top ?> unknown_name',
    ]);
    expect(v.edge('CALLS', 'pkg.mod.top', 'a.b.f')).toMatchObject({ callee: 'c.f', attrs: { resolution: 'import' } });
    expect(v.edge('CALLS', 'pkg.mod.top.inner', 'pkg.mod.later')).toBeDefined();
  });

  it('turns calls of in-file classes into INSTANTIATES plus a call of __init__', () => {
    expect(v.edges('INSTANTIATES')).toEqual(['pkg.mod.top -> pkg.mod.Base']);
    const inst = v.edge('INSTANTIATES', 'pkg.mod.top', 'pkg.mod.Base')!;
    expect(inst.span).toEqual([26, 8, 26, 12]);
  });

  it('resolves methods of instances created in the same scope, including imported classes', () => {
    const w = py(`
from lib.models import Order

class Cart:
    def total(self):
        return 0

def f():
    cart = Cart()
    cart.total()
    order = Order()
    order.pay()
`);
    expect(w.edge('CALLS', 'pkg.mod.f', 'pkg.mod.Cart.total')).toBeDefined();
    expect(w.edge('CALLS', 'pkg.mod.f', 'lib.models.Order.pay')).toMatchObject({ attrs: { resolution: 'instance' } });
    expect(w.node('pkg.mod.f.cart').attrs).toMatchObject({ type: 'pkg.mod.Cart' });
    expect(w.node('pkg.mod.f.order').attrs).toMatchObject({ instance_of: 'lib.models.Order' });
  });

  it('resolves methods through annotations and through attributes set to instances in __init__', () => {
    const w = py(`
from typing import Optional
from lib.models import Order
import lib.money as money

class Cart:
    def total(self):
        return 0

class Shop:
    def __init__(self):
        self.cart = Cart()
        self.order = Order()

    def checkout(self, other: "Cart", maybe: Optional[Order], m: money.Money | None, n: int, o):
        self.cart.total()
        self.order.pay()
        other.total()
        maybe.pay()
        m.add()
        n.bit_length()
        o.total()

def g(c: Cart):
    kept: Order = make()
    c.total()
    kept.pay()
`);
    const calls = w.edges('CALLS').filter((e) => e.startsWith('pkg.mod.Shop.checkout') || e.startsWith('pkg.mod.g '));
    expect(calls).toEqual([
      'pkg.mod.Shop.checkout => lib.models.Order.pay', // Optional[Order]
      'pkg.mod.Shop.checkout => lib.money.Money.add', // money.Money | None
      'pkg.mod.Shop.checkout => pkg.mod.Shop.cart.total', // L4 follows Shop.cart to Cart
      'pkg.mod.Shop.checkout => pkg.mod.Shop.order.pay', // L4 follows Shop.order to lib.models.Order
      'pkg.mod.Shop.checkout ?> n.bit_length', // builtins say nothing
      'pkg.mod.Shop.checkout ?> o.total', // no annotation, no guess
      'pkg.mod.Shop.checkout -> pkg.mod.Cart.total',
      'pkg.mod.g => lib.models.Order.pay', // an annotated variable
      'pkg.mod.g -> pkg.mod.Cart.total',
      'pkg.mod.g ?> make',
    ].sort());
  });
});

describe('imports', () => {
  it('records every import form with absolute targets', () => {
    const v = py(
      `
import os
import xml.etree.ElementTree as ET
from . import sibling
from .models import Order as O, Customer
from ..core import *
from __future__ import annotations
`,
      'shop/api/views.py',
      'shop.api.views',
    );
    expect(v.edges('IMPORTS')).toEqual([
      'shop.api.views.* => shop.core',
      'shop.api.views.Customer => shop.api.models.Customer',
      'shop.api.views.ET => xml.etree.ElementTree',
      'shop.api.views.O => shop.api.models.Order',
      'shop.api.views.annotations => __future__.annotations',
      'shop.api.views.os => os',
      'shop.api.views.sibling => shop.api.sibling',
    ]);
    expect(v.node('shop.api.views.O').attrs).toMatchObject({ module: 'shop.api.models', name: 'Order', alias: 'O', level: 1 });
    expect(v.node('shop.api.views').attrs).toMatchObject({ star_imports: ['shop.core'] });
  });

  it('resolves relative imports in a package __init__ against the package itself', () => {
    const v = py('from . import a\nfrom .b import c\n__all__ = ["a", "c"]\n', 'pkg/sub/__init__.py', 'pkg.sub');
    expect(v.edges('IMPORTS')).toEqual(['pkg.sub.a => pkg.sub.a', 'pkg.sub.c => pkg.sub.b.c']);
    expect(v.node('pkg.sub').attrs).toMatchObject({ all: ['a', 'c'] });
  });

  it('keeps a relative import that climbs above the root as unresolved', () => {
    const v = py('from ...far import x\n', 'mod.py', 'mod');
    expect(v.node('mod.x').attrs).toMatchObject({ unresolved_relative: '...far' });
  });

  it('marks imports guarded by try/except ImportError or TYPE_CHECKING', () => {
    const v = py(
      [
        'from typing import TYPE_CHECKING',
        'try:',
        '    import ujson as json',
        'except ImportError:',
        '    import json',
        'try:',
        '    from yaml import CSafeLoader',
        'except (ImportError, AttributeError):',
        '    CSafeLoader = None',
        'try:',
        '    import numpy',
        'except:',
        '    numpy = None',
        'try:',
        '    import strict',
        'except ValueError:',
        '    pass',
        'if TYPE_CHECKING:',
        '    from pandas import DataFrame',
        'def f():',
        '    try:',
        '        import lazy',
        '    except ModuleNotFoundError:',
        '        return None',
        '',
      ].join('\n'),
    );
    const guard = (fqn: string) => {
      const a = v.ir.nodes.find((n) => n.node === 'Import' && n.fqn === fqn)!.attrs!;
      return a.optional ? 'optional' : a.type_checking ? 'type_checking' : 'required';
    };
    expect(v.ir.nodes.filter((n) => n.node === 'Import').map((n) => `${n.fqn}: ${guard(n.fqn)}`)).toEqual([
      'pkg.mod.TYPE_CHECKING: required',
      'pkg.mod.json: optional', // ujson as json, in the try body
      'pkg.mod.json#2: required', // the fallback in the handler always works
      'pkg.mod.CSafeLoader: optional',
      'pkg.mod.numpy: optional',
      'pkg.mod.strict: required', // ValueError says nothing about the module being absent
      'pkg.mod.DataFrame: type_checking',
      'pkg.mod.f.lazy: optional',
    ]);
  });
});

describe('reads, writes and literal types', () => {
  const v = lazyPy(`
COUNT = 0
NAMES = ["a", "b"]

def bump(step=1):
    global COUNT
    COUNT += step
    text = f"{COUNT}"
    data = b"raw"
    pairs = {k: v for k, v in zip(NAMES, NAMES)}
    squares = [i * i for i in range(3)]
    flag = not COUNT
    neg = -2
    none = None
    both = (1, "x")
    total = 1 + 2
    for item in NAMES:
        print(item)
    with open("f") as fh, open("g") as (gh):
        pass
    try:
        pass
    except ValueError as err:
        print(err)
    if (n := len(NAMES)) > 1:
        return n

def outer():
    x = 1
    def inner():
        nonlocal x
        x = "now a string"
    return inner
`);

  it('infers literal types from the syntax alone', () => {
    const t = (name: string) => v.node(`pkg.mod.bump.${name}`).attrs!.type;
    expect([t('text'), t('data'), t('pairs'), t('squares'), t('flag'), t('neg'), t('none'), t('both'), t('total')]).toEqual([
      'str',
      'bytes',
      'dict',
      'list',
      'bool',
      'int',
      'None',
      'tuple',
      'int',
    ]);
    expect(v.node('pkg.mod.NAMES').attrs).toMatchObject({ type: 'list' });
    expect(v.node('pkg.mod.outer.x').attrs).toMatchObject({ type: 'int', types: ['int', 'str'] });
  });

  it('binds loop, with, except and walrus targets; comprehension variables do not leak', () => {
    expect(v.fqns('Variable')).toEqual([
      'pkg.mod.COUNT',
      'pkg.mod.NAMES',
      'pkg.mod.bump.text',
      'pkg.mod.bump.data',
      'pkg.mod.bump.pairs',
      'pkg.mod.bump.squares',
      'pkg.mod.bump.flag',
      'pkg.mod.bump.neg',
      'pkg.mod.bump.none',
      'pkg.mod.bump.both',
      'pkg.mod.bump.total',
      'pkg.mod.bump.item',
      'pkg.mod.bump.fh',
      'pkg.mod.bump.gh',
      'pkg.mod.bump.err',
      'pkg.mod.bump.n',
      'pkg.mod.outer.x',
    ]);
  });

  it('routes global and nonlocal writes to the outer variable, one edge per scope and symbol', () => {
    expect(v.edge('WRITES', 'pkg.mod.bump', 'pkg.mod.COUNT')).toMatchObject({ attrs: { count: 1 } });
    expect(v.edge('READS', 'pkg.mod.bump', 'pkg.mod.COUNT')).toMatchObject({ attrs: { count: 3 } });
    expect(v.edge('WRITES', 'pkg.mod.outer.inner', 'pkg.mod.outer.x')).toBeDefined();
    expect(v.edge('READS', 'pkg.mod.bump', 'pkg.mod.bump.step')).toBeDefined();
    expect(v.edge('READS', 'pkg.mod.bump', 'pkg.mod.NAMES')).toMatchObject({ attrs: { count: 4 } });
    // `k`, `v`, `i` are comprehension locals: no node, no edge.
    expect(v.ir.edges.some((e) => e.target === 'pkg.mod.bump.i' || e.target === 'pkg.mod.bump.k')).toBe(false);
  });

  it('reads self attributes through the class and its in-file bases', () => {
    const w = py(`
class A:
    limit = 3
    def __init__(self):
        self.items = []
class B(A):
    def full(self):
        return len(self.items) >= self.limit
`);
    expect(w.edge('READS', 'pkg.mod.B.full', 'pkg.mod.A.items')).toBeDefined();
    expect(w.edge('READS', 'pkg.mod.B.full', 'pkg.mod.A.limit')).toBeDefined();
    expect(w.edge('WRITES', 'pkg.mod.A.__init__', 'pkg.mod.A.items')).toMatchObject({ attrs: { count: 1 } });
  });
});

describe('inheritance and decorators', () => {
  const v = lazyPy(`
import abc
from flask import Flask
app = Flask(__name__)

def traced(fn):
    return fn

class Base(abc.ABC):
    pass

class Impl(Base, Mixin):
    @traced
    def go(self):
        pass

@app.route("/")
def index():
    return "ok"
`);

  it('emits INHERITS to in-file classes, imported bases and unknown names', () => {
    expect(v.edges('INHERITS')).toEqual(['pkg.mod.Base => abc.ABC', 'pkg.mod.Impl -> pkg.mod.Base', 'pkg.mod.Impl ?> Mixin']);
  });

  it('emits DECORATES from the definition to its decorator; decorator factories are calls too', () => {
    // `app = Flask(...)`: an imported CapWords callable, so `app.route` is taken as a method of flask.Flask.
    expect(v.edges('DECORATES')).toEqual(['pkg.mod.Impl.go -> pkg.mod.traced', 'pkg.mod.index => flask.Flask.route']);
    expect(v.edge('CALLS', 'pkg.mod', 'flask.Flask.route')).toMatchObject({ callee: 'app.route', attrs: { resolution: 'instance' } });
    expect(v.edge('CALLS', 'pkg.mod', 'flask.Flask')).toMatchObject({ attrs: { resolution: 'import' } });
  });
});

describe('visibility and test detection', () => {
  it('derives visibility from names', () => {
    const v = py('def public(): pass\ndef _internal(): pass\ndef __private(): pass\ndef __dunder__(): pass\n');
    expect(v.ir.nodes.filter((n) => n.node === 'Function').map((n) => [n.name, n.attrs!.visibility])).toEqual([
      ['public', 'public'],
      ['_internal', 'internal'],
      ['__private', 'private'],
      ['__dunder__', 'public'],
    ]);
  });

  it('detects tests by path, name, base class and decorator', () => {
    const src = `
import pytest, unittest
def test_one(): pass
def helper(): pass
class TestThing:
    def test_method(self): pass
    def setup_method(self): pass
class Cases(unittest.TestCase):
    pass
@pytest.fixture
def db(): pass
`;
    const lib = py(src, 'pkg/lib.py', 'pkg.lib');
    const isTest = (fqn: string) => lib.node(fqn).attrs!.is_test;
    expect(['pkg.lib.test_one', 'pkg.lib.helper', 'pkg.lib.TestThing', 'pkg.lib.TestThing.test_method', 'pkg.lib.TestThing.setup_method', 'pkg.lib.Cases', 'pkg.lib.db'].map(isTest)).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
      true,
    ]);
    const inTests = py('def helper(): pass\n', 'tests/conftest.py', 'tests.conftest');
    expect(inTests.node('tests.conftest.helper').attrs!.is_test).toBe(true);
    expect(inTests.node('tests/conftest.py').attrs!.is_test).toBe(true);
  });
});

describe('stable ids', () => {
  it('keeps ids when unrelated code is added above, and changes them when the definition moves', () => {
    const before = py('def a():\n    return b()\n\ndef b():\n    return 1\n');
    const after = py('import os\n\n\ndef unrelated():\n    os.getcwd()\n\ndef a():\n    return b()\n\ndef b():\n    return 1\n');
    const ids = (v: ReturnType<typeof py>) => Object.fromEntries(v.ir.nodes.filter((n) => n.node === 'Function').map((n) => [n.fqn, n.id]));
    expect(ids(after)['pkg.mod.a']).toBe(ids(before)['pkg.mod.a']);
    expect(ids(after)['pkg.mod.b']).toBe(ids(before)['pkg.mod.b']);
    const callId = (v: ReturnType<typeof py>) => v.edge('CALLS', 'pkg.mod.a', 'pkg.mod.b')!.id;
    expect(callId(after)).toBe(callId(before));
    const moved = py('def a():\n    return b()\n\ndef b():\n    return 1\n', 'pkg/other.py', 'pkg.other');
    expect(moved.node('pkg.other.a').id).not.toBe(ids(before)['pkg.mod.a']);
  });
});
