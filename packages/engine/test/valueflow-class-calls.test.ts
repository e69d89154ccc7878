/**
 * What calling a class name runs when it is not the class's `__init__`, and decorator applications outside the corpus:
 * a metaclass `__call__` (declared, or inherited from a base; an external metaclass instantiates as usual), a class
 * decorator that replaces the class with a function, and `@x.setter` (a call of `builtins.property.setter`). The call
 * graph read back must be what Python runs — and keep no edge of the class call L1 found by name.
 */
import * as fs from 'node:fs';
import { calleesOf, callGraph, indexProjects, writeTree, type Indexed } from './valueflow-helpers';

const M = `import abc


class Meta(type):
    def __call__(cls, *args):
        return super().__call__(*args)


class Service(metaclass=Meta):
    def __init__(self):
        self.up = True


class Plain(Service):
    def __init__(self):
        super().__init__()


class Abstract(metaclass=abc.ABCMeta):
    def __init__(self):
        self.ok = True


def singleton(cls):
    instance = cls()

    def get():
        return instance

    return get


@singleton
class Config:
    def __init__(self):
        self.debug = False


class Box:
    @property
    def w(self):
        return 1

    @w.setter
    def w(self, v):
        pass


def run():
    s = Service()
    p = Plain()
    a = Abstract()
    c = Config()
    return s, p, a, c


run()
`;

// The metaclass reaches the class's `metaclass=` only through calls: the class call may be seen first (instantiated as
// without a metaclass), then superseded by the `__call__`.
const LATE = `def make():
    return Service()


class Meta(type):
    def __call__(cls, *args):
        return super().__call__(*args)


def pick(x):
    return x


class Service(metaclass=pick(pick(pick(Meta)))):
    def __init__(self):
        self.up = True


make()
`;

let ix: Indexed;
let graph: string[];

beforeAll(async () => {
  ix = await indexProjects(writeTree({ 'app/m.py': M, 'app/late.py': LATE }), ['app']);
  graph = callGraph(ix.out.app!);
});

afterAll(() => fs.rmSync(ix.root, { recursive: true, force: true }));

const callees = (caller: string) => calleesOf(graph, caller);

describe('value flow: what a class name holds', () => {
  it("calls the metaclass's __call__, not __init__, where a class with that metaclass (or a subclass) is called", () => {
    expect(callees('m.run')).toEqual(['m.Abstract', 'm.Abstract.__init__', 'm.Meta.__call__', 'm.singleton.get']);
  });

  it("instantiates the class and runs its __init__ from the metaclass's super().__call__ (type.__call__)", () => {
    expect(callees('m.Meta.__call__')).toEqual(['m.Plain', 'm.Plain.__init__', 'm.Service', 'm.Service.__init__']);
  });

  it('keeps no instantiation at the call site when the metaclass is known only later', () => {
    expect(callees('late.make')).toEqual(['late.Meta.__call__']);
    expect(callees('late.Meta.__call__')).toEqual(['late.Service', 'late.Service.__init__']);
  });

  it('applies an external decorator as a call of it from the class body', () => {
    expect(callees('m.Box')).toEqual(['builtins.property', 'builtins.property.setter']);
  });
});
