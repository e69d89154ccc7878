/**
 * Dependency units derived in a worker thread (derive-unit.ts): the store entries are the bytes deriving them in
 * L4's own thread gives, a worker that dies leaves the unit derived in L4's thread (same bytes), and an entry made
 * file by file is the documented text (header, then the JSON of the [file, summary] pairs) whose digests are those of
 * the whole strings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runL4 } from '@codegraph/engine';
import { ValueFlow } from '../dist/layers/l4-resolve/valueflow';
import { buildSymbolTable } from '../dist/layers/l4-resolve/run';
import { flowRefs } from '../dist/layers/l4-resolve/valueflow/facts-source';
import { dependencyUnits } from '../dist/layers/l4-resolve/valueflow/dep-units';
import { UnitDeriver } from '../dist/layers/l4-resolve/valueflow/derive-unit';
import { entryBytes, SummaryStore } from '../dist/layers/l4-resolve/valueflow/summary-store';
import { FLOW_SUMMARY_FORMAT, type SummaryEntry } from '../dist/layers/l4-resolve/valueflow/summary';
import { hashPieces, hashString } from '../dist/util/hash';
import { indexProjects, writeTree, type Indexed } from './valueflow-helpers';

const CORE = {
  'core/lib.py': ['def ident(x):', '    return x', '', 'class Base:', '    def run(self):', '        pass', '', 'def make():', '    return Base()', ''].join('\n'),
  'core/extra.py': 'from lib import *\n\ndef other():\n    return make()\n',
};
const MAIN = 'from lib import ident, make\nimport extra\n\ndef main():\n    ident(make)().run()\n    extra.other().run()\n';

const entries = (dir: string) =>
  Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json.br'))
      .map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]),
  );

describe('dependency units derived in a worker thread', () => {
  let ix: Indexed;
  const core = () => ({ name: 'core', outDir: ix.out.core! });
  const app = () => ({ name: 'app', outDir: ix.out.app! });

  beforeAll(async () => {
    ix = await indexProjects(writeTree({ ...CORE, 'app/main.py': MAIN }), ['core', 'app']);
  });
  afterAll(() => fs.rmSync(ix.root, { recursive: true, force: true }));

  it("stores what deriving them in L4's own thread stores, byte for byte", async () => {
    const inWorker = path.join(ix.root, '.store-worker');
    fs.rmSync(path.join(ix.out.app!, 'l4'), { recursive: true, force: true });
    const stats = await runL4({ root: ix.root, project: app(), deps: [core()], summaryStore: inWorker });
    expect({ derived: stats.flow!.deps!.derived, inWorker: stats.flow!.deps!.workerUnits }).toEqual({ derived: 2, inWorker: 2 });
    // No table recipe: derived here.
    const here = path.join(ix.root, '.store-here');
    const prepared = await ValueFlow.prepare(ix.root, app(), [core()], { depTable: () => buildSymbolTable(core()), store: here });
    expect({ derived: prepared.summaries!.stats.derived, inWorker: prepared.summaries!.stats.workerUnits }).toEqual({ derived: 2, inWorker: undefined });
    expect(Object.keys(entries(inWorker))).toHaveLength(2);
    expect(entries(here)).toEqual(entries(inWorker));
  });

  it("derives a unit in L4's thread when the worker dies, with the same bytes", async () => {
    const units = dependencyUnits(flowRefs(app(), [core()]).deps);
    expect(units.map((u) => u.packages)).toEqual([['lib'], ['extra']]);
    const dies = path.join(ix.root, 'dies.js');
    fs.writeFileSync(dies, 'process.exit(3);\n');
    const table = () => buildSymbolTable(core());
    const init = { root: ix.root, project: app(), tableProjects: [core()] };
    const input = { key: units[0]!.key, refs: units[0]!.refs, closure: [] };
    const worker = new UnitDeriver(ix.root, app(), table, init);
    const fallback = new UnitDeriver(ix.root, app(), table, init, dies);
    try {
      const a = await worker.derive(input);
      const b = await fallback.derive(input);
      // Its second unit (which reads the first's summaries) too, without trying the worker again.
      const closure = [new SummaryStore(path.join(ix.root, '.unused')).writeEntry(units[0]!.key, b.entry).json()];
      const c = await fallback.derive({ key: units[1]!.key, refs: units[1]!.refs, closure });
      const d = await worker.derive({ key: units[1]!.key, refs: units[1]!.refs, closure });
      expect([a.inWorker, b.inWorker, c.inWorker, d.inWorker]).toEqual([true, undefined, undefined, true]);
      expect(Buffer.from(b.entry).equals(Buffer.from(a.entry))).toBe(true);
      expect(Buffer.from(c.entry).equals(Buffer.from(d.entry))).toBe(true);
      expect(a.solve.steps).toBeGreaterThan(0);
    } finally {
      await worker.close();
      await fallback.close();
    }
  });

  it('makes an entry file by file that is the header and the JSON of the pairs, its digests those of the whole text', () => {
    const summary = (module: string, name: string): SummaryEntry => ({
      file: `${module}.py`,
      summary: {
        format: FLOW_SUMMARY_FORMAT,
        module,
        globals: [name],
        funcs: [[`${module}.${name}`, [['x', '']], 0, 3, 4]],
        classes: [[`${module}.C`, [], ['a'], 7, 6]],
        objs: [['f', `${module}.py`, `${module}.${name}`, 3, 4], ['i', 2], ['c', `${module}.py`, `${module}.C`, 7, 6]],
        sets: [[`${module}.${name}`, [0, 1]]],
        inst: [[2, 'a', [0]]],
        pass: [[0, [0]]],
      },
    });
    // Non-ASCII names (UTF-8 of two, three and four bytes) in a summary of more than a hash piece (1 MiB).
    const list = [summary('m', 'caf\u00e9_\u4e2d'), summary('n', '\u{1f600}'.repeat(400_000)), summary('o', 'plain')];
    const text = Buffer.from(entryBytes('k', list)).toString('utf8');
    const json = JSON.stringify(list.map((e) => [e.file, e.summary]));
    expect(text.endsWith(`"n":3,"files":${json}}`)).toBe(true);
    expect(text).toContain(`"sum":"${hashString(json)}"`);
    // Read back through the store: the digest checked, the summaries as given.
    const dir = path.join(ix.root, '.store-text');
    const stored = new SummaryStore(dir).write('k', list);
    expect(new SummaryStore(dir).read('k')!.entries()).toEqual(list);
    // The shape as documented (docs/ir.md): the digest of the whole JSON, positions replaced by their ranks.
    const rank = new Map<string, number>();
    const at = (file: string, line: number, col: number) => {
      const k = `${file}:${line}:${col}`;
      if (!rank.has(k)) rank.set(k, rank.size);
      return rank.get(k)!;
    };
    const blanked = list.map(({ file, summary: s }) => [
      file,
      {
        ...s,
        funcs: s.funcs.map(([fqn, params, flags, line, col]) => [fqn, params, flags, at(file, line, col)]),
        classes: s.classes.map(([fqn, bases, attrs, line, col]) => [fqn, bases, attrs, at(file, line, col)]),
        objs: s.objs.map((o) => (o[0] === 'f' || o[0] === 'c' ? [o[0], o[1], o[2], at(o[1], o[3], o[4])] : o)),
      },
    ]);
    expect(stored.shape).toBe(hashString(JSON.stringify(blanked)));
    // The shape does not see positions: the same summaries moved by a line have the same.
    const moved = list.map((e) => ({ ...e, summary: { ...e.summary, funcs: e.summary.funcs.map(([f, p, fl, l, c]) => [f, p, fl, l + 1, c] as typeof e.summary.funcs[0]), objs: e.summary.objs.map((o) => (o[0] === 'f' ? (['f', o[1], o[2], o[3] + 1, o[4]] as typeof o) : o)) } }));
    const renamed = list.map((e, i) => (i === 2 ? summary('o', 'other') : e));
    expect(new SummaryStore(dir).write('k2', moved).shape).toBe(stored.shape);
    expect(new SummaryStore(dir).write('k3', renamed).shape).not.toBe(stored.shape);
  });

  it('hashes pieces as the whole string, pairs split across the 1 MiB piece boundary included', () => {
    const whole = 'a'.repeat((1 << 20) - 1) + '\u{1f600}' + 'b\u00e9'.repeat(300_000) + '\u{1f601}';
    const h = hashPieces();
    for (const piece of ['', whole.slice(0, 5), whole.slice(5, (1 << 20) - 1), whole.slice((1 << 20) - 1)]) h.update(piece);
    expect(h.digest()).toBe(hashString(whole));
  });
});
