/**
 * An L4 run whose value-flow answers are reused decodes only what changed: the interface facts of the files the
 * inputs index does not know (inputs-index.ts) and, for the files it resolves, the modules their names reach
 * (LazySymbolTable) — never the whole symbol table. Every such run writes what a cold L4 over the same inputs writes,
 * and an edit of a dependency's interface or imports is seen (its keys change).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexDirectory, initHash, runL4, runL5, type L4Stats } from '@codegraph/engine';
import { initHash as initSrcHash } from '../src/util/hash';
import { buildSymbolTable } from '../src/layers/l4-resolve/run';
import { LazySymbolTable, type Symbols } from '../src/layers/l4-resolve/symbols';
import { InputsIndex, inputsPackPath, isRegular } from '../src/layers/l4-resolve/inputs-index';
import { L1Reader, type ProjectOut } from '../src/layers/l1-structure/stream';
import { calleesOf, callGraph, indexShadowedFixture, shadowedProjects, writeTree } from './valueflow-helpers';

const CORE = {
  'core/corelib/__init__.py': 'from corelib.shapes import Shape, Circle\n__all__ = ["Shape", "Circle", "area"]\n\ndef area(s):\n    return s.area()\n',
  'core/corelib/shapes.py': [
    'import math',
    '',
    'class Shape:',
    '    def area(self):',
    '        return 0',
    '',
    'class Circle(Shape):',
    '    def __init__(self, r):',
    '        self.r = r',
    '',
    '    def area(self):',
    '        return math.pi * self.r ** 2',
    '',
    'UNIT = Circle(1)',
    '',
  ].join('\n'),
  // Nothing of the app imports this package: its files are outside the reached packages.
  'core/unused/__init__.py': 'def never():\n    return 1\n',
};

const APP = {
  'app/app/__init__.py': '',
  'app/app/main.py': [
    'from corelib import area, Circle',
    'from corelib.shapes import UNIT',
    'from app.helpers import twice',
    '',
    'def main():',
    '    c = Circle(2)',
    '    total = twice(area, c)',
    '    return total + UNIT.area()',
    '',
  ].join('\n'),
  'app/app/helpers.py': 'def twice(fn, x):\n    return fn(x) + fn(x)\n',
};

/** The app's call graph: `area` reaches `twice` as a value, `UNIT.area()` is a method of a dependency's instance. */
const GRAPH = [
  'app.helpers.twice -> corelib.area',
  'app.main.main -> app.helpers.twice',
  'app.main.main -> corelib.shapes.Circle',
  'app.main.main -> corelib.shapes.Circle.__init__',
  'app.main.main -> corelib.shapes.Circle.area',
];
const FILES = Object.keys(CORE).length + Object.keys(APP).length;
const L4_FILES_COMPARED = (dir: string) => fs.readdirSync(dir).filter((f) => f !== 'stats.json'); // stats: timings

describe('L4 whose answers are reused: what it decodes, and what invalidates it', () => {
  let root: string;
  const out = (p: string) => path.join(root, '.out', p);
  const deps = () => [{ name: 'core', outDir: out('core') }];
  const l4 = (outDir = out('app')) => runL4({ root, project: { name: 'app', outDir }, deps: deps() });
  const index = async (p: string) => {
    await indexDirectory({ dir: path.join(root, p), outDir: out(p), root, workers: 1 });
    if (p === 'app') await runL5({ root, outDir: out(p), workers: 1 });
  };
  const write = (rel: string, text: string) => fs.writeFileSync(path.join(root, rel), text);

  /** L4 from scratch over the current L1/L5 (a copy of the outputs without l4/): the same bytes, file by file. */
  async function expectSameAsCold(label: string): Promise<L4Stats> {
    const cold = out(`cold-${label}`);
    fs.cpSync(out('app'), cold, { recursive: true });
    fs.rmSync(path.join(cold, 'l4'), { recursive: true });
    const stats = await l4(cold);
    expect(stats.flow!.answersReused).toBeUndefined();
    const dir = path.join(out('app'), 'l4');
    expect(L4_FILES_COMPARED(dir).sort()).toEqual(L4_FILES_COMPARED(path.join(cold, 'l4')).sort());
    for (const f of L4_FILES_COMPARED(dir)) {
      expect({ f, same: fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(cold, 'l4', f))) }).toEqual({ f, same: true });
    }
    return stats;
  }

  beforeAll(async () => {
    await initHash();
    root = writeTree({ ...CORE, ...APP }, 'cg-l4-reuse-');
    await index('core');
    await index('app');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('cold: decodes every file\'s facts once and builds the whole table to solve', async () => {
    const s = await l4();
    expect(s.flow!.inputs).toEqual({ factsDecoded: FILES, table: 'built' });
    expect(s.flow!.solve.steps).toBeGreaterThan(0);
    expect(s.flow!.source.unreached).toBe(1);
    expect(callGraph(out('app'))).toEqual(GRAPH);
    expect(fs.existsSync(inputsPackPath(out('app')))).toBe(true);
  });

  it('nothing changed: decodes no facts, builds no table, reads no summaries — and writes what a cold run writes', async () => {
    const s = await l4();
    expect(s.flow!.inputs).toEqual({ factsDecoded: 0, table: 'none' });
    expect({ reused: s.flow!.answersReused, units: s.flow!.deps!.units, indexed: s.flow!.deps!.indexed, read: s.flow!.deps!.read }).toEqual({
      reused: true,
      units: 1,
      indexed: 1,
      read: 0,
    });
    expect(s.reusedFiles).toBe(3);
    await expectSameAsCold('noop');
  });

  it('a line inserted in a body: decodes that file, resolves it against the modules its names reach', async () => {
    write('app/app/main.py', APP['app/app/main.py'].replace('    c = Circle(2)\n', '    pass\n    c = Circle(2)\n'));
    await index('app');
    const s = await l4();
    expect({ reused: s.flow!.answersReused, rekeyed: s.flow!.answersRekeyed, resolved: s.resolvedFiles }).toEqual({ reused: true, rekeyed: 1, resolved: 1 });
    expect(s.flow!.inputs!.factsDecoded).toBe(1);
    expect(s.flow!.inputs!.table).toBe('lazy');
    expect(s.flow!.inputs!.tableFiles).toBeGreaterThan(0);
    expect(s.flow!.inputs!.tableFiles).toBeLessThan(FILES);
    expect(callGraph(out('app'))).toEqual(GRAPH);
    await expectSameAsCold('pass');
  });

  it('a dependency\'s interface changed (a method added): its units are derived again and the app solved again', async () => {
    write('core/corelib/shapes.py', CORE['core/corelib/shapes.py'].replace('class Circle(Shape):\n', 'class Circle(Shape):\n    def grow(self):\n        return Circle(self.r * 2)\n\n'));
    await index('core');
    const s = await l4();
    expect(s.flow!.inputs!.factsDecoded).toBe(1);
    expect(s.flow!.deps!.derived).toBe(1);
    expect(s.flow!.inputs!.table).toBe('built');
    await expectSameAsCold('iface');
  });

  it('a dependency\'s imports changed (the unused package now reached): the reached packages and units follow', async () => {
    write('core/corelib/shapes.py', `import unused\n${CORE['core/corelib/shapes.py']}`);
    await index('core');
    const s = await l4();
    expect(s.flow!.source.unreached).toBe(0);
    expect(s.flow!.deps!.units).toBe(2);
    await expectSameAsCold('imports');
  });

  it('a damaged inputs index is read as empty: every file decoded again, the same outputs', async () => {
    const pack = inputsPackPath(out('app'));
    const bytes = fs.readFileSync(pack);
    bytes[48] = bytes[48]! ^ 0xff; // inside the record's stored bytes (past magic, frame and key)
    fs.writeFileSync(pack, bytes);
    const s = await l4();
    expect(s.flow!.inputs!.factsDecoded).toBe(FILES);
    expect(s.flow!.answersReused).toBe(true);
    await expectSameAsCold('damaged');
  });
});

describe('LazySymbolTable: what the built table answers, a module at a time', () => {
  let root: string;
  const projects = (): ProjectOut[] => shadowedProjects(root);

  beforeAll(async () => {
    await initHash();
    // The table classes are imported from the sources (the engine's entry point may be another copy of them).
    await initSrcHash();
    root = await indexShadowedFixture(
      { 'only_lib.py': 'from os import path\n\nclass Base:\n    x = 1\n\nclass Sub(Base):\n    pass\n\nINSTANCE = Sub()\n' },
      'cg-lazy-table-',
    );
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const regularity = () => {
    const idx = InputsIndex.none();
    for (const p of projects()) {
      const l1 = L1Reader.open(p.outDir);
      for (const ref of l1.refs) idx.importedTops(l1, ref);
      l1.close();
    }
    return idx;
  };

  it('answers every module, definition, variable type, base list and namespace as the built table does', () => {
    const built = buildSymbolTable(projects()[0]!, projects().slice(1));
    const idx = regularity();
    const lazy = LazySymbolTable.open(projects(), (ref) => idx.regular(ref))!;
    expect(lazy).toBeDefined();
    try {
      const fileOf = (t: Symbols, i: number | undefined) => (i === undefined ? undefined : t.files[i]!.path);
      const names = new Set([...built.modules.keys(), ...built.defs.keys(), ...built.bases.keys(), ...built.varTypes.keys(), ...built.namespaces]);
      // And names that are in neither: under a module, under a class, nowhere.
      for (const extra of ['corelib', 'os.path', 'only_lib.Nothing', 'only_lib.Sub.x', 'nowhere.at.all']) names.add(extra);
      expect(names.size).toBeGreaterThan(50);
      for (const n of names) {
        const view = (t: Symbols) => {
          const m = t.modules.get(n);
          const d = t.defs.get(n);
          return {
            n,
            module: m && { id: m.id, file: fileOf(t, m.file), pkg: m.pkg, all: m.all, stars: m.stars, binds: m.binds && [...m.binds] },
            def: d && { id: d.id, kind: d.kind, file: fileOf(t, d.file) },
            bases: t.bases.get(n),
            varType: t.varTypes.get(n),
            namespace: t.namespaces.has(n),
            isNamespace: t.isNamespace(n),
            hasModule: t.modules.has(n),
          };
        };
        expect(view(lazy)).toEqual(view(built));
      }
      expect(lazy.unreadable).toEqual(built.unreadable);
    } finally {
      lazy.close();
    }
  });

  it('loads only the modules a name reaches', () => {
    const idx = regularity();
    const lazy = LazySymbolTable.open(projects(), (ref) => idx.regular(ref))!;
    try {
      expect(lazy.defs.get('only_lib.Sub')?.kind).toBe('Class');
      expect(lazy.decoded).toBe(1);
      expect(lazy.bases.get('only_lib.Sub')).toEqual(['only_lib.Base']);
      expect(lazy.decoded).toBe(1);
    } finally {
      lazy.close();
    }
  });

  it('is not used when some file\'s facts are not known to be regular', () => {
    expect(LazySymbolTable.open(projects(), () => undefined)).toBeUndefined();
    const facts = { module: { fqn: 'a.b', id: 'x', pkg: false }, binds: [], defs: [['a.b.f', 'y', 'Function']], varTypes: [], bases: [], imports: [], test: false } as const;
    expect(isRegular({ ...facts, defs: [['a.b.f', 'y', 'Function']] }, 'a.b')).toBe(true);
    expect(isRegular({ ...facts, defs: [['a.bc.f', 'y', 'Function']] }, 'a.b')).toBe(false);
    expect(isRegular({ ...facts, defs: [] }, 'a')).toBe(false);
  });
});
