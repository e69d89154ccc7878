/**
 * Dependencies through flow summaries: a dependency's functions, classes, decorators and pass-through helpers used by
 * the dependent resolve exactly as when the dependency's facts are solved with the project's (a call of a pure
 * pass-through gives back only its own arguments, not what the dependency passed it); a later run whose
 * dependency facts are unchanged reads the cached summaries and loads none of the dependency's facts; a run whose
 * facts are all unchanged reuses the answers without solving; cold and incremental runs write the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexDirectory, PackReader, runL4, type L4Stats } from '@codegraph/engine';
import { calleesOf, callGraph, indexProjects, writeTree, type Indexed } from './valueflow-helpers';

const CORE = {
  'core/lib.py': [
    'REGISTRY = []',
    '',
    'def register(f):',
    '    REGISTRY.append(f)',
    '    return f',
    '',
    'def ident(x):',
    '    y = x',
    '    return y',
    '',
    'class Item:',
    '    def use(self):',
    '        pass',
    '',
    'class Part:',
    '    def fit(self):',
    '        pass',
    '',
    'class Base:',
    '    def run(self):',
    '        pass',
    '',
    '    def chain(self):',
    '        return self',
    '',
    '    @property',
    '    def part(self):',
    '        return Part()',
    '',
    'class Box:',
    '    def __init__(self):',
    '        self.content = Item()',
    '',
    'def make():',
    '    return Base()',
    '',
    'handler = Base()',
    '',
    // The dependency's own uses of its pass-throughs: a dependent's call must give back only what it passed.
    'def helper():',
    '    pass',
    '',
    'ident(helper)',
    '',
    '@register',
    'def builtin_task():',
    '    pass',
    '',
  ].join('\n'),
  'core/extra.py': 'from lib import *\n\ndef other():\n    pass\n',
};

const MAIN = [
  'from lib import register, ident, make, Box, handler, Base',
  'import extra',
  '',
  'class Mine(Base):',
  '    def hook(self):',
  '        pass',
  '',
  '@register',
  'def task():',
  '    pass',
  '',
  'def local():',
  '    pass',
  '',
  'def main():',
  '    task()',
  '    ident(local)()',
  '    make().run()',
  '    Box().content.use()',
  '    handler.run()',
  '    Mine().chain().hook()',
  '    Mine().part.fit()',
  '    extra.make().run()',
  '',
].join('\n');

const EXPECTED = [
  'lib.Base.chain',
  'lib.Base.run',
  'lib.Box',
  'lib.Box.__init__',
  'lib.Item.use',
  'lib.Part.fit',
  'lib.ident',
  'lib.make',
  'main.Mine',
  'main.Mine.hook',
  'main.local',
  'main.task',
];

const l4 = (ix: Indexed, p: string, flowSummaries: boolean, out = ix.out): Promise<L4Stats> =>
  runL4({ root: ix.root, project: { name: p, outDir: out[p]! }, deps: p === 'app' ? [{ name: 'core', outDir: out.core! }] : [], flowSummaries });

describe('value flow through dependency summaries', () => {
  let ix: Indexed;

  beforeAll(async () => {
    ix = await indexProjects(writeTree({ ...CORE, 'app/main.py': MAIN }), ['core', 'app']);
  });

  afterAll(() => fs.rmSync(ix.root, { recursive: true, force: true }));

  it("resolves the dependent's calls into the dependency's functions, classes, decorators and pass-through helpers", () => {
    const s = ix.stats.app!.flow!;
    expect({ cached: s.deps?.cached, summaries: s.source.fromSummaries }).toEqual({ cached: false, summaries: 2 });
    expect(calleesOf(callGraph(ix.out.app!), 'main.main')).toEqual(EXPECTED);
  });

  it("lets a second dependent read the dependency's summaries the first derived, writing what deriving them gives", async () => {
    expect({ units: ix.stats.app!.flow!.deps?.units, derived: ix.stats.app!.flow!.deps?.derived }).toEqual({ units: 2, derived: 2 });
    fs.mkdirSync(path.join(ix.root, 'app2'));
    fs.writeFileSync(path.join(ix.root, 'app2/main.py'), MAIN);
    const out = { ...ix.out, app2: path.join(ix.root, '.out', 'app2'), fresh: path.join(ix.root, '.out', 'app2-fresh') };
    await indexDirectory({ dir: path.join(ix.root, 'app2'), outDir: out.app2, root: ix.root, workers: 1 });
    fs.cpSync(out.app2, out.fresh, { recursive: true });
    const deps = [{ name: 'core', outDir: out.core! }];
    const read = await runL4({ root: ix.root, project: { name: 'app2', outDir: out.app2 }, deps });
    // Derived again in a store of its own: the same outputs, byte for byte, as from the shared store.
    const store = path.join(ix.root, '.other-store');
    const derived = await runL4({ root: ix.root, project: { name: 'app2', outDir: out.fresh }, deps, summaryStore: store });
    const d = (s: L4Stats) => ({ units: s.flow!.deps!.units, read: s.flow!.deps!.read, derived: s.flow!.deps!.derived, cached: s.flow!.deps!.cached });
    expect([d(read), d(derived)]).toEqual([
      { units: 2, read: 2, derived: 0, cached: true },
      { units: 2, read: 0, derived: 2, cached: false },
    ]);
    expect(fs.readdirSync(store).filter((f) => f.endsWith('.json.br'))).toHaveLength(2);
    expect(calleesOf(callGraph(out.app2), 'main.main')).toEqual(EXPECTED);
    for (const f of fs.readdirSync(path.join(out.app2, 'l4'))) {
      if (f === 'stats.json') continue; // timings, and how the summaries were had
      expect({ f, same: fs.readFileSync(path.join(out.app2, 'l4', f)).equals(fs.readFileSync(path.join(out.fresh, 'l4', f))) }).toEqual({ f, same: true });
    }
    // A dependent with another dependency set (core and app) reads core's unit too: a unit's key covers its
    // closure, not the whole symbol table.
    fs.mkdirSync(path.join(ix.root, 'app3'));
    fs.writeFileSync(path.join(ix.root, 'app3/tool.py'), 'from lib import make\n\ndef go():\n    make().run()\n');
    const app3 = path.join(ix.root, '.out', 'app3');
    await indexDirectory({ dir: path.join(ix.root, 'app3'), outDir: app3, root: ix.root, workers: 1 });
    const third = await runL4({ root: ix.root, project: { name: 'app3', outDir: app3 }, deps: [...deps, { name: 'app', outDir: out.app! }] });
    expect(d(third)).toEqual({ units: 1, read: 1, derived: 0, cached: true });
    expect(calleesOf(callGraph(app3), 'tool.go')).toEqual(['lib.Base.run', 'lib.make']);
    // No dependent keeps a copy of its dependency's summaries (or facts) in its own outputs.
    expect(fs.readdirSync(path.join(out.app2, 'l4'))).not.toContain('flow-summary.pack');
    const facts = PackReader.open(path.join(out.app2, 'l4', 'flow.pack'))!;
    expect(facts.size).toBe(1); // main.py's facts (extracted: no L5 here), none of core's
    facts.close();
  });

  it('gives the same calls as solving the dependency with the project', async () => {
    const facts = { ...ix.out, app: path.join(ix.root, '.out', 'app-facts') };
    fs.cpSync(ix.out.app!, facts.app, { recursive: true });
    fs.rmSync(path.join(facts.app, 'l4'), { recursive: true });
    const stats = await l4(ix, 'app', false, facts);
    expect({ deps: stats.flow!.deps, summaries: stats.flow!.source.fromSummaries }).toEqual({ deps: undefined, summaries: 0 });
    expect(callGraph(facts.app)).toEqual(callGraph(ix.out.app!));
  });

  it("re-solves an edited dependent from the cached summaries, loading none of the dependency's facts", async () => {
    const l4Dir = path.join(ix.out.app!, 'l4');
    const cold = Object.fromEntries(fs.readdirSync(l4Dir).map((f) => [f, fs.readFileSync(path.join(l4Dir, f))]));
    fs.writeFileSync(path.join(ix.root, 'app/main.py'), MAIN.replace('    pass\n\ndef main', '    return 1\n\ndef main'));
    await indexDirectory({ dir: path.join(ix.root, 'app'), outDir: ix.out.app!, root: ix.root, workers: 1 });
    const stats = await l4(ix, 'app', true);
    const s = stats.flow!;
    expect({ cached: s.deps?.cached, solved: s.deps?.solve, summaries: s.source.fromSummaries, facts: s.source.files - s.source.fromSummaries }).toEqual({
      cached: true,
      solved: undefined,
      summaries: 2,
      facts: 1,
    });
    expect(calleesOf(callGraph(ix.out.app!), 'main.main')).toEqual(EXPECTED);
    // Back to the original text: the incremental run writes what the cold run wrote, byte for byte.
    fs.writeFileSync(path.join(ix.root, 'app/main.py'), MAIN);
    await indexDirectory({ dir: path.join(ix.root, 'app'), outDir: ix.out.app!, root: ix.root, workers: 1 });
    await l4(ix, 'app', true);
    for (const [f, bytes] of Object.entries(cold)) {
      if (f === 'stats.json') continue; // timings
      expect({ f, same: fs.readFileSync(path.join(l4Dir, f)).equals(bytes) }).toEqual({ f, same: true });
    }
  });

  it('solves the dependency again when its facts change, and the change reaches the dependent', async () => {
    fs.writeFileSync(path.join(ix.root, 'core/lib.py'), CORE['core/lib.py'].replace('    return Base()', '    return Item()').replace('handler = Base()', 'handler = Item()'));
    await indexDirectory({ dir: path.join(ix.root, 'core'), outDir: ix.out.core!, root: ix.root, workers: 1 });
    await l4(ix, 'core', true);
    const stats = await l4(ix, 'app', true);
    // Both units again: `extra` imports `lib`, so its key changes with lib's.
    expect({ cached: stats.flow!.deps?.cached, derived: stats.flow!.deps?.derived }).toEqual({ cached: false, derived: 2 });
    expect(calleesOf(callGraph(ix.out.app!), 'main.main')).not.toContain('lib.Base.run');
  });

  it('reuses the answers without solving when no fact changed (a comment edit), writing the same bytes', async () => {
    const l4Dir = path.join(ix.out.app!, 'l4');
    const before = Object.fromEntries(fs.readdirSync(l4Dir).map((f) => [f, fs.readFileSync(path.join(l4Dir, f))]));
    const graph = callGraph(ix.out.app!);
    fs.writeFileSync(path.join(ix.root, 'app/main.py'), `${MAIN}# a comment\n`);
    await indexDirectory({ dir: path.join(ix.root, 'app'), outDir: ix.out.app!, root: ix.root, workers: 1 });
    const s = (await l4(ix, 'app', true)).flow!;
    expect({ reused: s.answersReused, steps: s.solve.steps, cached: s.deps?.cached }).toEqual({ reused: true, steps: 0, cached: true });
    expect(callGraph(ix.out.app!)).toEqual(graph);
    fs.writeFileSync(path.join(ix.root, 'app/main.py'), MAIN);
    await indexDirectory({ dir: path.join(ix.root, 'app'), outDir: ix.out.app!, root: ix.root, workers: 1 });
    expect((await l4(ix, 'app', true)).flow!.answersReused).toBe(true);
    for (const [f, bytes] of Object.entries(before)) {
      if (f === 'stats.json') continue;
      expect({ f, same: fs.readFileSync(path.join(l4Dir, f)).equals(bytes) }).toEqual({ f, same: true });
    }
  });
});
