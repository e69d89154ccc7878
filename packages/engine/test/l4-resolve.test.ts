/**
 * L4 on a real two-project Python repo written to disk, indexed by the real L0/L1 and resolved by L4: every import
 * form, re-exports, `__all__` and `*`, submodule attributes, MRO, `super()`, instances, externals, cycles.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  depsPath,
  indexDirectory,
  initHash,
  kahnOrder,
  L1Reader,
  readFileIr,
  readResolved,
  resolutionStats,
  runL4,
  tarjanScc,
  type DepsJson,
  type L1Manifest,
  type L4Line,
} from '@codegraph/engine';

const FILES: Record<string, string> = {
  'core-proj/pyproject.toml': '[project]\nname = "acme-core"\nversion = "1.0"\n',
  'core-proj/core/__init__.py': 'from .models import Order, Item\nfrom .util import *\n',
  'core-proj/core/models.py': [
    'class Base:',
    '    def save(self):',
    '        pass',
    '    def total(self):',
    '        return 0',
    '',
    'class Order(Base):',
    '    def __init__(self):',
    '        self.n = 1',
    '    def total(self):',
    '        return 1',
    '',
    'class Item:',
    '    pass',
    '',
    'default_order = Order()',
    '',
  ].join('\n'),
  'core-proj/core/util.py': "__all__ = ['fmt']\n\ndef fmt(x):\n    return x\n\ndef _hidden():\n    pass\n\ndef not_in_all():\n    pass\n",
  'core-proj/core/sub/__init__.py': '',
  'core-proj/core/sub/deep.py': 'def f():\n    pass\n',
  'core-proj/core/cyc_a.py': 'from . import cyc_b\n\ndef a():\n    return cyc_b.b()\n',
  'core-proj/core/cyc_b.py': 'from .cyc_a import *\n\ndef b():\n    return a()\n',
  'app-proj/pyproject.toml': '[project]\nname = "acme-app"\nversion = "2.0"\ndependencies = ["acme-core"]\n',
  'app-proj/src/app/__init__.py': '',
  'app-proj/src/app/helpers.py': 'def helper():\n    pass\n',
  'app-proj/src/app/main.py': [
    'import os',
    'import requests',
    'import core.sub.deep',
    'import core.models as m',
    'from core import Order, fmt',
    'from core.util import _hidden',
    'from core.util import not_in_all',
    'from core import not_in_all as nope',
    'from . import helpers',
    'from .helpers import helper as h',
    'from .missing import thing',
    'from core.models import default_order',
    '',
    'class Special(Order):',
    '    def go(self):',
    '        self.save()',
    '        return super().total()',
    '',
    'class Holder:',
    '    def __init__(self):',
    '        self.order = Order()',
    '    def use(self):',
    '        return self.order.total()',
    '',
    'def run():',
    '    o = Order()',
    '    o.total()',
    '    x = m.Item()',
    '    core.sub.deep.f()',
    '    h()',
    '    helpers.helper()',
    '    fmt(1)',
    "    os.path.join('a')",
    "    requests.get('u')",
    '    s = Special()',
    '    s.save()',
    '    default_order.total()',
    '    return _hidden, x',
    '',
  ].join('\n'),
};

let root: string;
const out = (p: string) => path.join(root, '.out', p);
let lines: L4Line[];
/** L1 edge id → "src fqn: callee-or-target". */
const edgeText = new Map<string, string>();

const readLines = (outDir: string): L4Line[] => readResolved(outDir);

function loadL1Edges(outDir: string): void {
  const m = JSON.parse(fs.readFileSync(path.join(outDir, 'l1', 'manifest.json'), 'utf8')) as L1Manifest;
  for (const file of Object.keys(m.files)) {
    const shard = readFileIr(outDir, file);
    const byId = new Map(shard.nodes.map((n) => [n.id, n]));
    for (const edge of shard.edges) {
      const src = byId.get(edge.src)!;
      // READS name what they read by target (the Import node's FQN); the others by the expression as written.
      const what = edge.edge === 'READS' ? edge.target : edge.callee ?? src.attrs?.name ?? src.name;
      edgeText.set(edge.id, `${edge.edge} ${src.fqn}: ${what}`);
    }
  }
}

/** Resolved lines as "KIND src: callee -> target (via)" or "… -> external:x" / "… -> unresolved". */
function rendered(): string[] {
  return lines.map((l) => {
    const key = 'of' in l && l.of !== undefined ? `${edgeText.get(l.of)} [init]` : edgeText.get(l.id) ?? `<${l.id}>`;
    const head = key.replace(/^\S+/, l.edge);
    if ('unresolved' in l) return `${head} -> ${l.external ? `external:${l.external}` : 'unresolved'}`;
    return `${head} -> ${l.target} (${l.via})`;
  });
}

beforeAll(async () => {
  await initHash();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l4-'));
  for (const [rel, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  for (const p of ['core-proj', 'app-proj']) await indexDirectory({ dir: path.join(root, p), outDir: out(p), root, workers: 1 });
  await runL4({ root, project: { name: 'acme-core', outDir: out('core-proj') } });
  await runL4({ root, project: { name: 'acme-app', outDir: out('app-proj') }, deps: [{ name: 'acme-core', outDir: out('core-proj') }] });
  lines = readLines(out('app-proj'));
  loadL1Edges(out('app-proj'));
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('L4 import resolution', () => {
  const imports = () => rendered().filter((l) => l.startsWith('IMPORTS '));

  it('resolves every import form to the defining module or definition', () => {
    expect(imports().sort()).toEqual(
      [
        'IMPORTS app.main.os: os -> external:os',
        'IMPORTS app.main.requests: requests -> external:requests',
        'IMPORTS app.main.core: core -> core.sub.deep (import)',
        'IMPORTS app.main.m: m -> core.models (import)',
        'IMPORTS app.main.Order: Order -> core.models.Order (reexport)',
        'IMPORTS app.main.fmt: fmt -> core.util.fmt (star)',
        'IMPORTS app.main._hidden: _hidden -> core.util._hidden (import)',
        'IMPORTS app.main.not_in_all: not_in_all -> core.util.not_in_all (import)',
        // core re-exports util's names through `*` and util's `__all__` leaves not_in_all out.
        'IMPORTS app.main.nope: not_in_all -> unresolved',
        'IMPORTS app.main.helpers: helpers -> app.helpers (import)',
        'IMPORTS app.main.h: helper -> app.helpers.helper (import)',
        'IMPORTS app.main.thing: thing -> unresolved',
        'IMPORTS app.main.default_order: default_order -> core.models.default_order (import)',
      ].sort(),
    );
  });
});

describe('L4 completes what L1 left open', () => {
  const others = () => rendered().filter((l) => !l.startsWith('IMPORTS ') && !l.startsWith('READS '));

  it('resolves calls, instantiations and bases through imports, re-exports, stars, MRO, super and instances', () => {
    expect(others().sort()).toEqual([
      'CALLS app.main.Holder.__init__: Order [init] -> core.models.Order.__init__ (init)',
      // `self.order = Order()` in __init__: the attribute's class is known, its methods resolve.
      'CALLS app.main.Holder.use: self.order.total -> core.models.Order.total (instance)',
      'CALLS app.main.Special.go: self.save -> core.models.Base.save (mro)',
      'CALLS app.main.Special.go: super().total -> core.models.Order.total (super)',
      'CALLS app.main.run: Order [init] -> core.models.Order.__init__ (init)',
      'CALLS app.main.run: core.sub.deep.f -> core.sub.deep.f (import)',
      // A module-level instance in another project: its methods are its class's.
      'CALLS app.main.run: default_order.total -> core.models.Order.total (instance)',
      'CALLS app.main.run: fmt -> core.util.fmt (star)',
      'CALLS app.main.run: h -> app.helpers.helper (import)',
      'CALLS app.main.run: helpers.helper -> app.helpers.helper (import)',
      // `o = Order()` with Order imported: L1 leaves `core.Order.total`; L4 follows the re-export.
      'CALLS app.main.run: o.total -> core.models.Order.total (reexport)',
      'CALLS app.main.run: os.path.join -> external:os',
      'CALLS app.main.run: requests.get -> external:requests',
      // `s = Special()` (in-file class) whose `save` is inherited from another project's base.
      'CALLS app.main.run: s.save -> core.models.Base.save (mro)',
      'INHERITS app.main.Special: Order -> core.models.Order (reexport)',
      'INSTANTIATES app.main.Holder.__init__: Order -> core.models.Order (reexport)',
      'INSTANTIATES app.main.run: Order -> core.models.Order (reexport)',
      'INSTANTIATES app.main.run: m.Item -> core.models.Item (import)',
    ]);
  });

  it('resolves reads of imported names', () => {
    expect(rendered().filter((l) => l.startsWith('READS ')).sort()).toEqual([
      'READS app.main.run: app.main._hidden -> core.util._hidden (import)',
      'READS app.main.run: app.main.core -> core (import)',
      'READS app.main.run: app.main.default_order -> core.models.default_order (import)',
      'READS app.main.run: app.main.helpers -> app.helpers (import)',
      'READS app.main.run: app.main.m -> core.models (import)',
      'READS app.main.run: app.main.os -> external:os',
      'READS app.main.run: app.main.requests -> external:requests',
      'READS app.main: app.main.Order -> core.models.Order (reexport)',
    ]);
    expect(lines.every((l) => 'unresolved' in l || l.dst !== undefined || l.kind === 'Module')).toBe(true);
  });
});

describe('L4 file dependency graph', () => {
  const deps = (p: string) => JSON.parse(fs.readFileSync(depsPath(out(p)), 'utf8')) as DepsJson;

  it('lists what each file imports, across projects, and the externals', () => {
    const d = deps('app-proj');
    expect(d.files['app-proj/src/app/main.py']).toEqual({
      imports: [
        'app-proj/src/app/helpers.py',
        'core-proj/core/__init__.py',
        'core-proj/core/models.py',
        'core-proj/core/sub/deep.py',
        'core-proj/core/util.py',
      ],
      externals: ['os', 'requests'],
    });
    expect(d.projects).toEqual({ 'acme-core': 4 });
    expect(d.dependents['app-proj/src/app/helpers.py']).toEqual(['app-proj/src/app/main.py']);
    expect(d.order.indexOf('app-proj/src/app/helpers.py')).toBeLessThan(d.order.indexOf('app-proj/src/app/main.py'));
    expect(d.cycles).toEqual([]);
  });

  it('reports import cycles as strongly connected components and still orders every file', () => {
    const d = deps('core-proj');
    expect(d.cycles).toEqual([['core-proj/core/cyc_a.py', 'core-proj/core/cyc_b.py']]);
    expect([...d.order].sort()).toEqual(Object.keys(d.files).sort());
    // __init__ imports models and util: both come before it.
    for (const dep of ['core-proj/core/models.py', 'core-proj/core/util.py'])
      expect(d.order.indexOf(dep)).toBeLessThan(d.order.indexOf('core-proj/core/__init__.py'));
    // Names through a circular `*` import still resolve: cyc_b's `a()` is cyc_a.a.
    const b = readLines(out('core-proj')).filter((l) => l.edge === 'CALLS' && !('unresolved' in l));
    expect(b.map((l) => ('target' in l ? l.target : '')).sort()).toEqual(['core.cyc_a.a', 'core.cyc_b.b']);
  });

  it("resolves against the projects' interface facts (L1 facts.pack)", () => {
    const l1 = L1Reader.open(out('core-proj'));
    const facts = l1.refs.map((r) => l1.factsOf(r)!);
    l1.close();
    expect(facts.map((f) => f.module!.fqn).sort()).toEqual(['core', 'core.cyc_a', 'core.cyc_b', 'core.models', 'core.sub', 'core.sub.deep', 'core.util']);
    const defs = new Map(facts.flatMap((f) => f.defs.map(([fqn, , kind]) => [fqn, kind] as const)));
    expect(defs.get('core.models.Order.total')).toBe('Method');
    expect(defs.get('core.util.fmt')).toBe('Function');
    // Locals are not part of any interface.
    expect([...defs.keys()].some((k) => k.startsWith('core.models.Order.total.'))).toBe(false);
  });

  it('measures the resolution rate from the outputs on disk', async () => {
    const r = await resolutionStats(out('app-proj'));
    expect(r.files).toBe(3);
    // 16 call sites in app.main; os.path.join and requests.get are external, everything else resolves.
    expect(r.calls).toMatchObject({ total: 16, resolved: 14, external: 2 });
    expect(r.calls.fractionInternal).toBe(1);
  });
});

describe('L4 is incremental per file', () => {
  it('re-resolves only the edited file after a body-only edit, the whole project after an interface change, and matches a clean run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l4-inc-'));
    try {
      const w = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, 'p', rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, 'p', rel), text);
      };
      w('pkg/__init__.py', 'from .a import A\n');
      w('pkg/a.py', 'class A:\n    def run(self):\n        return 1\n');
      w('pkg/b.py', 'from pkg.a import A\n\ndef go():\n    a = A()\n    return a.run()\n\ndef later():\n    a = A()\n    return a.go()\n');
      w('pkg/c.py', 'from pkg import A\n\ndef make():\n    x = 1\n    return A()\n');
      const root = path.join(dir, 'p');
      const run = async (out: string) => {
        await indexDirectory({ dir: root, outDir: out, workers: 1 });
        return runL4({ root, project: { name: 'p', outDir: out } });
      };
      const out = path.join(dir, 'out');
      expect(await run(out)).toMatchObject({ files: 4, resolvedFiles: 4, reusedFiles: 0 });
      expect(await run(out)).toMatchObject({ resolvedFiles: 0, reusedFiles: 4 });

      // A body-only edit (spans of later code move, no name changes): only that file is resolved again.
      w('pkg/c.py', 'from pkg import A\n\ndef make():\n    x = 1\n    y = x + 1\n    return A()\n');
      expect(await run(out)).toMatchObject({ resolvedFiles: 1, reusedFiles: 3 });
      const clean = path.join(dir, 'clean');
      await run(clean);
      expect(readResolved(out)).toEqual(readResolved(clean));

      const goCalls = () => readResolved(out).filter((l) => 'target' in l && l.target === 'pkg.a.A.go');
      expect(goCalls()).toHaveLength(0);
      // A new method in a.py changes its interface: b.py (unchanged) now resolves `a.go()`, so every file is resolved again.
      w('pkg/a.py', 'class A:\n    def run(self):\n        return 1\n    def go(self):\n        return 2\n');
      expect(await run(out)).toMatchObject({ resolvedFiles: 4, reusedFiles: 0 });
      fs.rmSync(clean, { recursive: true });
      await run(clean);
      expect(readResolved(out)).toEqual(readResolved(clean));
      expect(fs.readFileSync(path.join(out, 'l4', 'deps.json'), 'utf8')).toBe(fs.readFileSync(path.join(clean, 'l4', 'deps.json'), 'utf8'));
      expect(goCalls()).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('L4 on hostile input', () => {
  it('ends re-export loops and inheritance cycles as unresolved, never looping', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l4-loop-'));
    try {
      const files: Record<string, string> = {
        'p/__init__.py': 'from p.a import *\nfrom p.b import X\n',
        'p/a.py': 'from p.b import *\nfrom p import Y\n',
        'p/b.py': 'from p.a import *\nfrom p.a import X\n',
        'p/c.py': 'from p import X, Z\nclass A(B):\n    pass\nclass B(A):\n    pass\ndef f():\n    A().missing()\n    return X, Z\n',
      };
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      await indexDirectory({ dir, outDir: path.join(dir, '.out'), workers: 1 });
      const stats = await runL4({ root: dir, project: { name: 'p', outDir: path.join(dir, '.out') } });
      expect(stats.files).toBe(4);
      const res = readLines(path.join(dir, '.out'));
      const imports = res.filter((l) => l.edge === 'IMPORTS');
      expect(imports.filter((l) => !('unresolved' in l)).map((l) => ('target' in l ? l.target : ''))).toEqual(expect.arrayContaining(['p.a', 'p.b']));
      expect(imports.filter((l) => 'unresolved' in l).length).toBeGreaterThanOrEqual(3); // X, Y, Z exist nowhere
      const deps = JSON.parse(fs.readFileSync(depsPath(path.join(dir, '.out')), 'utf8')) as DepsJson;
      expect(deps.cycles[0]).toEqual(expect.arrayContaining(['p/__init__.py', 'p/a.py', 'p/b.py']));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('orders a 20,000-file import chain and finds a 20,000-file cycle without recursion', () => {
    const n = 20_000;
    const chain = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : []));
    const { comp, count } = tarjanScc(chain);
    expect(count).toBe(n);
    const order = kahnOrder(chain, comp, count, (v) => v);
    expect(order[0]).toBe(n - 1);
    expect(order[n - 1]).toBe(0);
    const ring = Array.from({ length: n }, (_, i) => [(i + 1) % n]);
    expect(tarjanScc(ring).count).toBe(1);
  });
});
