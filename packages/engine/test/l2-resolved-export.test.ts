/**
 * The SCIP export carries what L4 resolved: a call resolved by value flow, by the MRO through an imported base, a
 * name imported through a star re-export get the symbol of their definition in `index.scip` (project and repo export),
 * where L2 on its own has no occurrence or a guessed placeholder. Real Python through the real L1, L4 and L2; the
 * index decoded with the SCIP schema.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deserializeSCIP, type Index } from '@c4312/scip';
import { runL2, writeProjectScip, writeRepoScip } from '../dist/index';
import { indexProjects, writeTree, type Indexed } from './valueflow-helpers';

const CORE = 'scip-python python shop-core 0.1.0 ';
const WEB = 'scip-python python shop-web 0.1.0 ';
const LIB = CORE + '`core.lib`/';

const files: Record<string, string> = {
  'core/core/__init__.py': 'from .lib import *\n',
  'core/core/lib.py': `class Base:
    def m(self):
        pass


def g():
    return 1


def apply(cb):
    return cb()


def run():
    h = g
    h()
    return apply(g)
`,
  'web/web/views.py': `from core import Base, g


class Sub(Base):
    def go(self):
        self.m()


def u():
    g()
`,
};

const packages = { core: { name: 'shop-core', version: '0.1.0' }, web: { name: 'shop-web', version: '0.1.0' } };
let ix: Indexed;
const projects = () => (['core', 'web'] as const).map((p) => ({ name: p, outDir: ix.out[p]!, package: packages[p] }));

/** Occurrences of a document as `[range] symbol roles`. */
function occurrences(idx: Index, rel: string): string[] {
  const doc = idx.documents.find((d) => d.relativePath === rel);
  if (!doc) throw new Error(`no document ${rel}`);
  return doc.occurrences.map((o) => `[${o.range.join(',')}] ${o.symbol} ${o.symbolRoles}`);
}
const definitions = (idx: Index) => new Set(idx.documents.flatMap((d) => d.occurrences.filter((o) => o.symbolRoles & 1).map((o) => o.symbol)));

async function exportRepo(name: string): Promise<Index> {
  const out = path.join(ix.root, 'export', name);
  await writeRepoScip({ root: ix.root, projects: projects(), out });
  return deserializeSCIP(fs.readFileSync(out));
}

async function exportProject(p: 'core' | 'web', name: string, withOwners: boolean): Promise<Index> {
  const out = path.join(ix.root, 'export', name);
  const owners = withOwners && p === 'web' ? [{ package: packages.core, outDir: ix.out.core! }] : [];
  await writeProjectScip({ root: ix.root, project: { name: p, outDir: ix.out[p]! }, package: packages[p], owners, out });
  return deserializeSCIP(fs.readFileSync(out));
}

/** Moves a project's L4 output aside for the duration of `fn` (an index built without L4). */
async function withoutL4<T>(fn: () => Promise<T>): Promise<T> {
  const dirs = Object.values(ix.out).map((o) => path.join(o, 'l4'));
  for (const d of dirs) fs.renameSync(d, d + '.aside');
  try {
    return await fn();
  } finally {
    for (const d of dirs) fs.renameSync(d + '.aside', d);
  }
}

beforeAll(async () => {
  ix = await indexProjects(writeTree(files, 'cg-l2x-'), ['core', 'web']);
  for (const p of projects()) await runL2({ root: ix.root, project: { name: p.name, outDir: p.outDir } });
});
afterAll(() => fs.rmSync(ix.root, { recursive: true, force: true }));

describe('SCIP export of L4-resolved references', () => {
  it('gives a call resolved by value flow the symbol of its target (project export)', async () => {
    const idx = await exportProject('core', 'core.scip', false);
    const occ = occurrences(idx, 'core/core/lib.py');
    expect(definitions(idx).has(`${LIB}g().`)).toBe(true);
    // `h()` after `h = g`, and `cb()` when `apply(g)` passes g as the callback.
    expect(occ).toContain(`[15,4,5] ${LIB}g(). 0`);
    expect(occ).toContain(`[10,11,13] ${LIB}g(). 0`);
    // Without L4 output the export keeps L2's own view: no call occurrence at those sites.
    const alone = occurrences(await withoutL4(() => exportProject('core', 'core-alone.scip', false)), 'core/core/lib.py');
    expect(alone.filter((o) => o.startsWith('[15,4,5]') || o.startsWith('[10,11,13]'))).toEqual([]);
  });

  it('gives cross-project names L4 resolved (a star re-export, a method inherited from an imported base) the owner symbol (repo export)', async () => {
    const idx = await exportRepo('repo.scip');
    const occ = occurrences(idx, 'web/web/views.py');
    const V = WEB + '`web.views`/';
    // Every name L4 resolved carries its definition's symbol: the imports (through the star re-export), the read
    // of Base as a base class, the inherited self.m(), the imported g().
    expect(occ).toEqual([
      `[0,0,0] ${V} 1`,
      `[0,17,21] ${LIB}Base# 2`,
      `[0,23,24] ${LIB}g(). 2`,
      `[3,6,9] ${V}Sub# 1`,
      `[3,10,14] ${LIB}Base# 8`,
      `[4,8,10] ${V}Sub#go(). 1`,
      `[4,11,15] ${V}Sub#go().(self) 1`,
      `[5,8,12] ${V}Sub#go().(self) 8`,
      `[5,13,14] ${LIB}Base#m(). 0`,
      `[8,4,5] ${V}u(). 1`,
      `[9,4,5] ${LIB}g(). 0`,
    ]);
    const defs = definitions(idx);
    for (const s of [`${LIB}Base#`, `${LIB}Base#m().`, `${LIB}g().`]) expect(defs.has(s)).toBe(true);
    expect(idx.externalSymbols.filter((s) => s.symbol.startsWith(CORE) || s.symbol.startsWith(WEB))).toEqual([]);
    // The same index without L4 output: L2's guesses (the method on Sub, `g` in the package `core`).
    const alone = occurrences(await withoutL4(() => exportRepo('repo-alone.scip')), 'web/web/views.py');
    expect(alone).toContain(`[5,13,14] ${WEB}\`web.views\`/Sub#m(). 0`);
    expect(alone).toContain(`[0,23,24] ${CORE}core/g(). 2`);
    expect(alone).toContain(`[9,4,5] ${CORE}core/g(). 0`);
    expect(alone.filter((o) => o.includes(LIB))).toEqual([]);
  });

  it('uses owners in a project export, and adds no guessed symbol for a target it cannot name', async () => {
    const withOwners = await exportProject('web', 'web.scip', true);
    expect(occurrences(withOwners, 'web/web/views.py')).toContain(`[5,13,14] ${LIB}Base#m(). 0`);
    expect(withOwners.externalSymbols.map((s) => s.symbol)).toContain(`${LIB}Base#m().`);
    // Without core's tables, L4's target has no symbol here: the document's own occurrence stays, nothing is added.
    const own = occurrences(await exportProject('web', 'web-own.scip', false), 'web/web/views.py');
    const alone = occurrences(await withoutL4(() => exportProject('web', 'web-own-alone.scip', false)), 'web/web/views.py');
    expect(own).toEqual(alone);
  });
});
