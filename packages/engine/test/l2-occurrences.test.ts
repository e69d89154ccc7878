/**
 * L2 occurrences on real Python through the real extractor and L1: exact occurrences (range, symbol, roles), the
 * SCIP index decoded back with the SCIP protobuf schema, cross-project symbols, per-file reuse and mergeScip.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deserializeSCIP, type Index } from '@c4312/scip';
import { indexDirectory, initHash } from '@codegraph/engine';
import { docsPackPath, mergeScip, runL2 as runL2Layer, writeProjectScip, writeRepoScip, PackReader, type ProjectScipOptions } from '../dist/index';

type L2Options = Omit<ProjectScipOptions, 'out'>;
/** Where a test's project SCIP export goes (an export now, not an L2 output). */
const scipPath = (outDir: string) => path.join(outDir, 'export', 'index.scip');
/** Runs the L2 layer, then exports the project's index.scip as `codegraph export --format scip` does. */
async function runL2(o: L2Options) {
  const stats = await runL2Layer({ root: o.root, project: o.project });
  await writeProjectScip({ ...o, out: scipPath(o.project.outDir) });
  return stats;
}

const CORE = 'scip-python python shop-core 0.1.0 ';
const WEB = 'scip-python python shop-web 0.1.0 ';

const files: Record<string, string> = {
  'libs/core/core/__init__.py': 'from .models import Order\n',
  'libs/core/core/models.py': `import os.path
from collections import OrderedDict as OD


class Order:
    def __init__(self, total):
        self.total = total

    def pay(self, amount):
        self.total = self.total - amount
        return os.path.join("a", str(amount))


def make(n):
    count = n
    count = count + 1
    return Order(count)


RATE = OD()
EMOJI = "\u{1F680}"; COPY = EMOJI
`,
  'apps/web/web/views.py': `from core import Order
from core.models import make as mk


def view():
    o = mk(1)
    return Order(3)
`,
};

let tmp: string;
const out = (p: string) => path.join(tmp, 'out', p);
const coreOpts = (): L2Options => ({ root: tmp, project: { name: 'core', outDir: out('core') }, package: { name: 'shop-core', version: '0.1.0' } });
const webOpts = (): L2Options => ({
  root: tmp,
  project: { name: 'web', outDir: out('web') },
  package: { name: 'shop-web', version: '0.1.0' },
  owners: [{ package: { name: 'shop-core', version: '0.1.0' }, outDir: out('core') }],
});

async function indexAll(): Promise<void> {
  await indexDirectory({ dir: path.join(tmp, 'libs/core'), outDir: out('core'), root: tmp, workers: 1 });
  await indexDirectory({ dir: path.join(tmp, 'apps/web'), outDir: out('web'), root: tmp, workers: 1 });
}

const decode = (file: string): Index => deserializeSCIP(fs.readFileSync(file));
/** Occurrences of a document as `[range] symbol roles`, `enc=` for enclosing ranges. */
function occurrences(idx: Index, rel: string): string[] {
  const doc = idx.documents.find((d) => d.relativePath === rel);
  if (!doc) throw new Error(`no document ${rel}`);
  return doc.occurrences.map((o) => `[${o.range.join(',')}] ${o.symbol} ${o.symbolRoles}${o.enclosingRange.length ? ` enc=${o.enclosingRange.join(',')}` : ''}`);
}

beforeAll(async () => {
  await initHash();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l2-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), text);
  }
  await indexAll();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('L2 occurrences', () => {
  it('writes a valid SCIP index with exact occurrences, symbols and metadata', async () => {
    const stats = await runL2(coreOpts());
    expect(stats).toMatchObject({ files: 2, computed: 2, reused: 0, missing: 0 });
    const idx = decode(scipPath(out('core')));
    expect(idx.metadata).toMatchObject({
      version: 0,
      projectRoot: `file://${tmp}`,
      textDocumentEncoding: 1,
      toolInfo: { name: 'codegraph', version: '0.1.0' },
    });
    expect(idx.documents.map((d) => [d.relativePath, d.language, d.positionEncoding])).toEqual([
      ['libs/core/core/__init__.py', 'python', 2],
      ['libs/core/core/models.py', 'python', 2],
    ]);
    const M = CORE + '`core.models`/';
    expect(occurrences(idx, 'libs/core/core/models.py')).toEqual([
      `[0,0,0] ${M} 1`,
      // import os.path: a reference to the module, Import role
      '[0,7,14] scip-python python os . `os.path`/ 2',
      // from collections import OrderedDict as OD: the imported name (Import) and the alias (Definition)
      '[1,24,35] scip-python python collections . collections/OrderedDict# 2',
      `[1,39,41] ${M}OD. 1 enc=1,0,41`,
      `[4,6,11] ${M}Order# 1 enc=4,0,10,45`,
      `[5,8,16] ${M}Order#__init__(). 1 enc=5,4,6,26`,
      `[5,17,21] ${M}Order#__init__().(self) 1`,
      `[5,23,28] ${M}Order#__init__().(total) 1`,
      // self.total = total: the attribute's definition (and first write), then a read of the parameter
      `[6,13,18] ${M}Order#total. 5`,
      `[6,21,26] ${M}Order#__init__().(total) 8`,
      `[8,8,11] ${M}Order#pay(). 1 enc=8,4,10,45`,
      `[8,12,16] ${M}Order#pay().(self) 1`,
      `[8,18,24] ${M}Order#pay().(amount) 1`,
      `[9,13,18] ${M}Order#total. 4`,
      `[9,21,25] ${M}Order#pay().(self) 8`,
      `[9,26,31] ${M}Order#total. 8`,
      `[9,34,40] ${M}Order#pay().(amount) 8`,
      // os.path.join(...): the root `os` is a read of the import, `join` the callee
      '[10,15,17] scip-python python os . os/ 8',
      '[10,23,27] scip-python python os . `os.path`/join(). 0',
      '[10,33,36] scip-python python builtins . builtins/str(). 0',
      `[10,37,43] ${M}Order#pay().(amount) 8`,
      `[13,4,8] ${M}make(). 1 enc=13,0,16,23`,
      `[13,9,10] ${M}make().(n) 1`,
      // function locals are document-local; the second write and the reads come from READS/WRITES `at`
      '[14,4,9] local 0 5',
      `[14,12,13] ${M}make().(n) 8`,
      '[15,4,9] local 0 4',
      '[15,12,17] local 0 8',
      `[16,11,16] ${M}Order# 0`,
      '[16,17,22] local 0 8',
      `[19,0,4] ${M}RATE. 5`,
      // a use of an import alias names what it imports
      "[19,7,9] scip-python python collections . collections/OrderedDict# 0",
      // UTF-16 columns: the rocket is two code units
      `[20,0,5] ${M}EMOJI. 5`,
      `[20,14,18] ${M}COPY. 5`,
      `[20,21,26] ${M}EMOJI. 8`,
    ]);
    expect(occurrences(idx, 'libs/core/core/__init__.py')).toEqual([`[0,0,0] ${CORE}core/ 1`, `[0,20,25] ${M}Order# 2`]);
    const doc = idx.documents[1]!;
    const info = (s: string) => doc.symbols.find((x) => x.symbol === s);
    expect(info(`${M}Order#pay().`)).toMatchObject({ kind: 26, displayName: 'pay', enclosingSymbol: `${M}Order#` });
    expect(info(`${M}Order#`)).toMatchObject({ kind: 7, displayName: 'Order', enclosingSymbol: M });
    expect(info(`${M}make()`+'.')).toMatchObject({ kind: 17, displayName: 'make' });
    expect(info(`${M}make().(n)`)).toMatchObject({ kind: 37, displayName: 'n' });
    expect(info(`${M}Order#total.`)).toMatchObject({ kind: 15, displayName: 'total' });
    expect(info('local 0')).toMatchObject({ kind: 61, displayName: 'count', enclosingSymbol: `${M}make().` });
    expect(idx.externalSymbols.map((s) => s.symbol)).toContain('scip-python python collections . collections/OrderedDict#');
  });

  it('gives cross-project references the exact symbol of the definition in the owner project', async () => {
    await runL2(coreOpts());
    await runL2(webOpts());
    const idx = decode(scipPath(out('web')));
    const core = decode(scipPath(out('core')));
    const defs = new Set(core.documents.flatMap((d) => d.occurrences.filter((o) => o.symbolRoles & 1).map((o) => o.symbol)));
    const V = WEB + '`web.views`/';
    const occ = occurrences(idx, 'apps/web/web/views.py');
    expect(occ).toEqual([
      `[0,0,0] ${V} 1`,
      // `from core import Order` follows the re-export in core/__init__.py to the class
      `[0,17,22] ${CORE}\`core.models\`/Order# 2`,
      `[1,24,28] ${CORE}\`core.models\`/make(). 2`,
      `[1,32,34] ${V}mk. 1 enc=1,0,34`,
      `[4,4,8] ${V}view(). 1 enc=4,0,6,19`,
      '[5,4,5] local 0 5',
      `[5,8,10] ${CORE}\`core.models\`/make(). 0`,
      `[6,11,16] ${CORE}\`core.models\`/Order# 0`,
    ]);
    expect(defs.has(`${CORE}\`core.models\`/Order#`)).toBe(true);
    expect(defs.has(`${CORE}\`core.models\`/make().`)).toBe(true);
    expect(idx.externalSymbols.map((s) => s.symbol).sort()).toEqual([`${CORE}\`core.models\`/Order#`, `${CORE}\`core.models\`/make().`]);
  });

  it('reuses unchanged documents: one edited file recomputes one document', async () => {
    await runL2(coreOpts());
    expect(await runL2(coreOpts())).toMatchObject({ files: 2, computed: 0, reused: 2 });
    const before = fs.readFileSync(scipPath(out('core')));
    fs.appendFileSync(path.join(tmp, 'libs/core/core/models.py'), 'LATE = RATE\n');
    await indexDirectory({ dir: path.join(tmp, 'libs/core'), outDir: out('core'), root: tmp, workers: 1 });
    expect(await runL2(coreOpts())).toMatchObject({ files: 2, computed: 1, reused: 1 });
    const after = decode(scipPath(out('core')));
    expect(occurrences(after, 'libs/core/core/models.py').slice(-2)).toEqual([
      `[21,0,4] ${CORE}\`core.models\`/LATE. 5`,
      `[21,7,11] ${CORE}\`core.models\`/RATE. 8`,
    ]);
    // Only the current documents stay cached.
    const docs = PackReader.open(docsPackPath(out('core')))!;
    expect(docs.size).toBe(2);
    docs.close();
    expect(before.equals(fs.readFileSync(scipPath(out('core'))))).toBe(false);
    fs.writeFileSync(path.join(tmp, 'libs/core/core/models.py'), files['libs/core/core/models.py']!);
    await indexDirectory({ dir: path.join(tmp, 'libs/core'), outDir: out('core'), root: tmp, workers: 1 });
    expect(await runL2(coreOpts())).toMatchObject({ computed: 1, reused: 1 });
    expect(before.equals(fs.readFileSync(scipPath(out('core'))))).toBe(true);
  });

  it('merges per-project indexes into one (documents copied, external symbols deduplicated)', async () => {
    await runL2(coreOpts());
    await runL2(webOpts());
    const merged = path.join(tmp, 'out', 'index.scip');
    const r = mergeScip([scipPath(out('core')), scipPath(out('web'))], merged, tmp);
    const idx = decode(merged);
    const core = decode(scipPath(out('core')));
    const web = decode(scipPath(out('web')));
    expect(r.documents).toBe(3);
    expect(idx.metadata).toMatchObject({ projectRoot: `file://${tmp}`, toolInfo: { name: 'codegraph' } });
    expect(idx.documents.map((d) => d.relativePath)).toEqual(['libs/core/core/__init__.py', 'libs/core/core/models.py', 'apps/web/web/views.py']);
    expect(idx.documents[2]!.occurrences).toEqual(web.documents[0]!.occurrences);
    expect(idx.documents[1]!.symbols).toEqual(core.documents[1]!.symbols);
    const ext = idx.externalSymbols.map((s) => s.symbol);
    expect(new Set(ext).size).toBe(ext.length);
    expect(ext.sort()).toEqual([...new Set([...core.externalSymbols, ...web.externalSymbols].map((s) => s.symbol))].sort());
  });

  it('links cross-project references in the repo index even when each project was indexed on its own', async () => {
    await runL2(coreOpts());
    await runL2({ ...webOpts(), owners: [] }); // a project's own export: no knowledge of core
    const alone = occurrences(decode(scipPath(out('web'))), 'apps/web/web/views.py');
    expect(alone).toContain('[6,11,16] scip-python python core . core/Order# 0'); // a placeholder package
    const repo = path.join(tmp, 'out', 'repo.scip');
    const r = await writeRepoScip({
      root: tmp,
      out: repo,
      projects: [
        { name: 'core', outDir: out('core'), package: { name: 'shop-core', version: '0.1.0' } },
        { name: 'web', outDir: out('web'), package: { name: 'shop-web', version: '0.1.0' } },
      ],
    });
    const idx = decode(repo);
    expect(r.documents).toBe(3);
    expect(idx.documents.map((d) => d.relativePath)).toEqual(['libs/core/core/__init__.py', 'libs/core/core/models.py', 'apps/web/web/views.py']);
    const web = occurrences(idx, 'apps/web/web/views.py');
    expect(web).toContain(`[6,11,16] ${CORE}\`core.models\`/Order# 0`);
    const defs = new Set(idx.documents.flatMap((d) => d.occurrences.filter((o) => o.symbolRoles & 1).map((o) => o.symbol)));
    const refs = idx.documents[2]!.occurrences.filter((o) => o.symbol.startsWith(CORE)).map((o) => o.symbol);
    expect(refs.length).toBe(4);
    for (const s of refs) expect(defs.has(s)).toBe(true);
    // Symbols defined in the repo are not external.
    expect(idx.externalSymbols.filter((s) => s.symbol.startsWith(CORE))).toEqual([]);
  });

  it('detects a damaged cached document by checksum and recomputes it', async () => {
    await runL2(coreOpts());
    const good = fs.readFileSync(scipPath(out('core')));
    const pack = docsPackPath(out('core'));
    const r = PackReader.open(pack)!;
    const stored = Buffer.from(r.stored(r.keys().sort()[0]!)!.stored);
    r.close();
    // One byte flipped inside a document's record: only the checksum can tell.
    const bytes = fs.readFileSync(pack);
    const at = bytes.indexOf(stored) + 3;
    bytes[at] = bytes[at]! ^ 0x01;
    fs.writeFileSync(pack, bytes);
    expect(await runL2(coreOpts())).toMatchObject({ computed: 1, reused: 1 });
    expect(fs.readFileSync(scipPath(out('core'))).equals(good)).toBe(true);
  });

  it('gives every definition one SymbolInformation, redefinitions included', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l2-redef-'));
    try {
      fs.mkdirSync(path.join(dir, 'p'));
      fs.writeFileSync(
        path.join(dir, 'p', 'm.py'),
        [
          'from io import FileIO', // an import first: the class below is `p.m.FileIO#2`, same symbol
          'try:',
          '    Unsupported = ValueError',
          'except AttributeError:',
          '    class Unsupported(Exception):',
          '        pass',
          'class FileIO:',
          '    pass',
          'def outer(flag):',
          '    if flag:',
          '        def inner():',
          '            return 1',
          '    else:',
          '        def inner():',
          '            return 2',
          '    return inner',
          '',
        ].join('\n'),
      );
      const o = path.join(dir, 'out');
      await indexDirectory({ dir, outDir: o, workers: 1 });
      await runL2({ root: dir, project: { name: 'p', outDir: o }, package: { name: 'p', version: '1' } });
      const doc = decode(scipPath(o)).documents[0]!;
      const infos = doc.symbols.map((x) => x.symbol);
      expect(new Set(infos).size).toBe(infos.length);
      const defs = [...new Set(doc.occurrences.filter((x) => x.symbolRoles & 1).map((x) => x.symbol))];
      expect(defs.filter((x) => !infos.includes(x))).toEqual([]);
      expect(doc.symbols.find((x) => x.symbol.endsWith('`p.m`/FileIO#'))).toMatchObject({ kind: 7 });
      // The two `inner`s are two locals, each with its own information.
      expect(doc.symbols.filter((x) => x.displayName === 'inner')).toHaveLength(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
