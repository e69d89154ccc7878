/**
 * After an interface edit, L4 re-resolves only the files whose resolution read what changed: each file's record is
 * keyed by the interface hashes of the modules its lookups read — those that answered and those that missed
 * (reads.ts) — so a new function in module A re-resolves A and the files that looked names up in A. Every run writes
 * what a cold L4 over the same inputs writes (resolved.pack, manifest.json with the read sets, deps.json).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexDirectory, initHash, runL4, runL5, type L4Manifest, type L4Stats } from '@codegraph/engine';
import { initHash as initSrcHash } from '../src/util/hash';
import { buildSymbolTable } from '../src/layers/l4-resolve/run';
import { LazySymbolTable, type Symbols } from '../src/layers/l4-resolve/symbols';
import { Resolver } from '../src/layers/l4-resolve/resolver';
import { ReadTracker } from '../src/layers/l4-resolve/reads';
import { InputsIndex } from '../src/layers/l4-resolve/inputs-index';
import { L1Reader, type ProjectOut } from '../src/layers/l1-structure/stream';
import { callGraph, calleesOf, indexShadowedFixture, shadowedProjects, writeTree } from './valueflow-helpers';

const APP: Record<string, string> = {
  'app/app/__init__.py': '',
  'app/app/a.py': 'def f():\n    return 1\n',
  // Imports a name of a.
  'app/app/b.py': 'from app.a import f\n\n\ndef use_f():\n    return f()\n',
  // Looks up a name a does not define (yet).
  'app/app/c.py': 'import app.a\n\n\ndef use_g():\n    return app.a.g()\n',
  'app/app/d.py': 'def h():\n    return 2\n',
  // Reads d only.
  'app/app/e.py': 'from app.d import h\n\n\ndef use_h():\n    return h()\n',
  // A re-export chain: the package's `__init__` re-exports a name of its submodule.
  'app/app/pkg/__init__.py': 'from .impl import make\n',
  'app/app/pkg/impl.py': 'def make():\n    return 0\n',
  'app/app/reexp.py': 'from app.pkg import make\n\n\ndef build():\n    return make()\n',
  // A method inherited through a base class in another module.
  'app/app/base.py': 'class Base:\n    def run(self):\n        return 1\n',
  'app/app/child.py': 'from app.base import Base\n\n\nclass Child(Base):\n    pass\n',
  'app/app/caller.py': 'from app.child import Child\n\n\ndef go(c):\n    Child.run(c)\n    return Child.stop(c)\n',
};
const COMPARED = ['resolved.pack', 'manifest.json', 'deps.json', 'inputs.pack', 'flow-answers.pack'];

describe('L4 re-resolves the files whose reads an interface edit reaches', () => {
  let root: string;
  const out = (p: string) => path.join(root, '.out', p);
  const l4 = (outDir = out('app')) => runL4({ root, project: { name: 'app', outDir } });
  const manifest = (outDir = out('app')) => JSON.parse(fs.readFileSync(path.join(outDir, 'l4', 'manifest.json'), 'utf8')) as L4Manifest;
  const write = (rel: string, text: string) => fs.writeFileSync(path.join(root, rel), text);
  const reindex = async () => {
    await indexDirectory({ dir: path.join(root, 'app'), outDir: out('app'), root, workers: 1 });
    await runL5({ root, outDir: out('app'), workers: 1 });
  };

  /** Edits (`files`, paths under app/app), re-indexes, runs L4: its stats and the files whose records were resolved. */
  async function edit(files: Record<string, string>): Promise<{ stats: L4Stats; resolved: string[] }> {
    const before = manifest().files;
    for (const [rel, text] of Object.entries(files)) write(`app/app/${rel}`, text);
    await reindex();
    const stats = await l4();
    const after = manifest().files;
    const resolved = Object.keys(after)
      .filter((f) => before[f]?.key !== after[f]!.key)
      .map((f) => f.replace(/^app\/app\//, ''))
      .sort();
    expect(stats.resolvedFiles).toBe(resolved.length);
    return { stats, resolved };
  }

  /** L4 from scratch over the current L1/L5: the same bytes, file by file (stats.json apart: timings). */
  async function expectSameAsCold(label: string): Promise<void> {
    const cold = out(`cold-${label}`);
    fs.cpSync(out('app'), cold, { recursive: true });
    fs.rmSync(path.join(cold, 'l4'), { recursive: true });
    const s = await l4(cold);
    expect(s.reusedFiles).toBe(0);
    for (const f of COMPARED) {
      const a = path.join(out('app'), 'l4', f);
      const b = path.join(cold, 'l4', f);
      expect({ f, same: fs.readFileSync(a).equals(fs.readFileSync(b)) }).toEqual({ f, same: true });
    }
  }

  beforeAll(async () => {
    await initHash();
    root = writeTree(APP, 'cg-l4-reads-');
    await reindex();
    const s = await l4();
    expect(s.resolvedFiles).toBe(Object.keys(APP).length);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('records per file the modules its lookups read, hits and misses', () => {
    const m = manifest();
    const l1 = L1Reader.open(out('app'));
    const rankOf = new Map(l1.refs.map((r, i) => [i, r.module]));
    l1.close();
    const reads = (f: string) => (m.files[`app/app/${f}`]!.reads ?? []).map((r) => rankOf.get(r)).sort();
    // (Every file of this project is readable and declares its own module: ranks are manifest order.)
    expect(reads('b.py')).toEqual(['app', 'app.a']);
    // (A miss: a defines no `g`.)
    expect(reads('c.py')).toEqual(['app', 'app.a']);
    expect(reads('e.py')).toEqual(['app', 'app.d']);
    expect(reads('reexp.py')).toEqual(['app', 'app.pkg', 'app.pkg.impl']);
    // (`Child.stop` misses along the MRO: child and base both read.)
    expect(reads('caller.py')).toEqual(['app', 'app.base', 'app.child']);
    expect(reads('a.py')).toEqual([]);
  });

  it('a new function in a module: that file and the files that looked names up in it, no other', async () => {
    const { stats, resolved } = await edit({ 'a.py': `${APP['app/app/a.py']}\n\ndef unused():\n    return 3\n` });
    expect(resolved).toEqual(['a.py', 'b.py', 'c.py']);
    expect(stats.reusedFiles).toBe(Object.keys(APP).length - 3);
    await expectSameAsCold('new-fn');
  });

  it('a lookup that missed: the file is re-resolved when the module defines the name, and resolves it', async () => {
    expect(calleesOf(callGraph(out('app')), 'app.c.use_g')).toEqual([]);
    const { resolved } = await edit({ 'a.py': `${APP['app/app/a.py']}\n\ndef unused():\n    return 3\n\n\ndef g():\n    return 4\n` });
    expect(resolved).toEqual(['a.py', 'b.py', 'c.py']);
    expect(calleesOf(callGraph(out('app')), 'app.c.use_g')).toEqual(['app.a.g']);
    await expectSameAsCold('miss');
  });

  it('a re-export chain: an edit of the defining submodule reaches the user of the package\'s name', async () => {
    expect(calleesOf(callGraph(out('app')), 'app.reexp.build')).toEqual(['app.pkg.impl.make']);
    const { resolved } = await edit({ 'pkg/impl.py': 'class make:\n    def __init__(self):\n        self.v = 0\n' });
    expect(resolved).toEqual(['pkg/__init__.py', 'pkg/impl.py', 'reexp.py']);
    expect(calleesOf(callGraph(out('app')), 'app.reexp.build')).toEqual(['app.pkg.impl.make', 'app.pkg.impl.make.__init__']);
    await expectSameAsCold('reexport');
  });

  it('an inherited method: an edit of the base class\'s module reaches the caller through the subclass', async () => {
    expect(calleesOf(callGraph(out('app')), 'app.caller.go')).toEqual(['app.base.Base.run']);
    const { resolved } = await edit({ 'base.py': `${APP['app/app/base.py']}\n    def stop(self):\n        return 0\n` });
    expect(resolved).toEqual(['base.py', 'caller.py', 'child.py']);
    expect(calleesOf(callGraph(out('app')), 'app.caller.go')).toEqual(['app.base.Base.run', 'app.base.Base.stop']);
    await expectSameAsCold('mro');
  });

  it('a body-only edit: that file alone, resolved against the lazy table, with the read sets the built table gave', async () => {
    const { stats, resolved } = await edit({ 'caller.py': APP['app/app/caller.py']!.replace('def go(c):\n', 'def go(c):\n    pass\n') });
    expect(resolved).toEqual(['caller.py']);
    expect(stats.flow!.inputs!.table).toBe('lazy');
    await expectSameAsCold('body');
  });

  it('a file added: the file list changed, every file is resolved again', async () => {
    const { resolved, stats } = await edit({ 'new_mod.py': 'X = 1\n' });
    expect(resolved.length).toBe(Object.keys(APP).length + 1);
    expect(stats.reusedFiles).toBe(0);
    await expectSameAsCold('added');
  });
});

describe('read sets: the same from the built and the lazy table', () => {
  let root: string;
  const projects = (): ProjectOut[] => shadowedProjects(root);

  beforeAll(async () => {
    await initHash();
    await initSrcHash();
    // Beside the fixture, a class hierarchy across lib's own modules, and a re-export cycle (cyc_x.a ↔ cyc_y.a) that
    // cyc_x leaves through a `*` import of cyc_z.
    root = await indexShadowedFixture(
      {
        'only_lib.py': 'from os import path\nfrom lib_base import Root\n\nclass Base(Root):\n    x = 1\n\nclass Sub(Base):\n    pass\n\nINSTANCE = Sub()\n',
        'lib_base.py': 'from only_lib import *\n\nclass Root:\n    def m(self):\n        pass\n\nclass Loop(Sub):\n    pass\n',
        'cyc_x.py': 'from cyc_y import a\nfrom cyc_z import *\n',
        'cyc_y.py': 'from cyc_x import a\n',
        'cyc_z.py': 'def a():\n    return 1\n',
      },
      'cg-l4-readsets-',
    );
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** The lazy table over both projects, every file's facts found regular by a fresh inputs index. */
  const openLazy = (): LazySymbolTable => {
    const idx = InputsIndex.none();
    for (const p of projects()) {
      const l1 = L1Reader.open(p.outDir);
      for (const ref of l1.refs) idx.importedTops(l1, ref);
      l1.close();
    }
    return LazySymbolTable.open(projects(), (ref) => idx.regular(ref))!;
  };

  it('every name of the table, and names that miss, read the same modules whichever table answers', () => {
    const lazy = openLazy();
    const built = buildSymbolTable(projects()[0]!, projects().slice(1));
    try {
      const names = [...new Set([...built.modules.keys(), ...built.defs.keys(), ...built.bases.keys(), ...built.varTypes.keys()])];
      for (const extra of ['only_lib.Nothing', 'only_lib.Sub.m', 'only_lib.INSTANCE.m', 'lib_base.Loop.x', 'lib_base.path', 'nowhere.at.all']) names.push(extra);
      expect(names.length).toBeGreaterThan(50);
      // Each table resolves every name in its own order (the lazy one backwards): what a name read must not depend
      // on what was memoised before it.
      const readsOf = (t: Symbols, order: string[]) => {
        const tracker = new ReadTracker((m) => lazy.rankOf(m));
        const r = new Resolver(t, tracker);
        const out = new Map<string, number[]>();
        for (const n of order) {
          tracker.beginFile();
          r.resolve(n);
          r.resolveModule(n);
          const dot = n.lastIndexOf('.');
          if (dot > 0) r.member(n.slice(0, dot), n.slice(dot + 1));
          out.set(n, tracker.endFile());
        }
        return out;
      };
      const fromBuilt = readsOf(built, names);
      const fromLazy = readsOf(lazy, [...names].reverse());
      let nonEmpty = 0;
      for (const n of names) {
        expect({ n, reads: fromLazy.get(n) }).toEqual({ n, reads: fromBuilt.get(n) });
        if (fromBuilt.get(n)!.length) nonEmpty++;
      }
      expect(nonEmpty).toBeGreaterThan(50);
    } finally {
      lazy.close();
    }
  });

  it('an answer cut short by a cycle is kept for its query only: the same answer and reads whatever was asked before', () => {
    const lazy = openLazy();
    try {
      const name = (rank: number) => ['cyc_x', 'cyc_y', 'cyc_z'].find((m) => lazy.rankOf(m) === rank);
      const ask = (r: Resolver, tracker: ReadTracker, fqn: string) => {
        tracker.beginFile();
        const res = r.resolve(fqn).fqn;
        return { res, reads: tracker.endFile().map(name).sort() };
      };
      // cyc_x.a first: cyc_y.a is computed while cyc_x.a is in progress (the cycle back ends unresolved), and
      // cyc_x.a goes on to cyc_z's `*`. Asked on its own, cyc_y.a reaches cyc_z.a through cyc_x: it must not
      // keep the answer cut short in cyc_x.a's query.
      const tracker = new ReadTracker((m) => lazy.rankOf(m));
      const r = new Resolver(lazy, tracker);
      expect(ask(r, tracker, 'cyc_x.a')).toEqual({ res: 'cyc_z.a', reads: ['cyc_x', 'cyc_y', 'cyc_z'] });
      expect(ask(r, tracker, 'cyc_y.a')).toEqual({ res: 'cyc_z.a', reads: ['cyc_x', 'cyc_y', 'cyc_z'] });
      // And asked first, by a fresh resolver: the same.
      const fresh = new ReadTracker((m) => lazy.rankOf(m));
      expect(ask(new Resolver(lazy, fresh), fresh, 'cyc_y.a')).toEqual({ res: 'cyc_z.a', reads: ['cyc_x', 'cyc_y', 'cyc_z'] });
    } finally {
      lazy.close();
    }
  });
});
