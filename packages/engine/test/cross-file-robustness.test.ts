/**
 * The cross-file layers (L2, L4, L9) and the repo merge on hostile input written to disk: syntax errors, bytes that
 * are not UTF-8, very deep nesting, a 3,000-class inheritance chain across files, 1,000-segment dotted names, a
 * broken pyproject and a damaged L1 record. Every layer finishes, writes its outputs, and reports what it skipped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deserializeSCIP } from '@c4312/scip';
import {
  depsPath,
  exportGraph,
  factsPackPath,
  indexDirectory,
  initHash,
  irPackPath,
  PackReader,
  readResolved,
  runL2,
  runL4,
  runL9,
  writeProjectScip,
  type DepsJson,
  type L1Manifest,
} from '@codegraph/engine';

/** Flips a byte inside a record of a pack, as a bad disk or a stray write would: same size, different bytes. */
function damageRecord(pack: string, key: string): void {
  const r = PackReader.open(pack)!;
  const stored = Buffer.from(r.stored(key)!.stored);
  r.close();
  const bytes = fs.readFileSync(pack);
  const at = bytes.indexOf(stored) + Math.floor(stored.length / 2);
  bytes[at] = bytes[at]! ^ 0xff;
  fs.writeFileSync(pack, bytes);
}

const CHAIN = 3000;

let root: string;
const proj = () => path.join(root, 'proj');
const out = () => path.join(root, 'out');

beforeAll(async () => {
  await initHash();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-xfile-'));
  const files: Record<string, string | Buffer> = {
    'proj/pyproject.toml': '[project]\nname = "hostile"\ndependencies = ["requests" "oops"]\n', // not TOML
    'proj/pkg/__init__.py': 'from .chain import *\n',
    'proj/pkg/broken.py': 'from .chain import C0\ndef ok():\n    return C0()\n\ndef broken(:\n    pass\n\nclass After(C0):\n    pass\n',
    'proj/pkg/latin.py': Buffer.concat([Buffer.from('S = "'), Buffer.from([0xff, 0xfe]), Buffer.from('"\nfrom .chain import C1\n')]),
    'proj/pkg/deep.py': `x = ${'('.repeat(3000)}1${')'.repeat(3000)}\ny = ${Array.from({ length: 1000 }, (_, i) => `a${i}`).join('.')}()\n`,
    // C0 ← C1 ← … ← C{CHAIN-1}, alternating between two files that import each other.
    'proj/pkg/chain.py': [
      'from .chain2 import *',
      'class C0:',
      '    def root(self):',
      '        return 0',
      ...Array.from({ length: CHAIN / 2 - 1 }, (_, k) => `class C${2 * k + 2}(C${2 * k + 1}):\n    pass`),
    ].join('\n'),
    'proj/pkg/chain2.py': ['from .chain import *', ...Array.from({ length: CHAIN / 2 }, (_, k) => `class C${2 * k + 1}(C${2 * k}):\n    pass`)].join('\n'),
    'proj/pkg/use.py': `from .chain import C${CHAIN - 1}\n\ndef f():\n    x = C${CHAIN - 1}()\n    return x.root()\n`,
    'proj/pkg/gone.py': 'def lost():\n    pass\n',
  };
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
  }
  await indexDirectory({ dir: proj(), outDir: out(), root, workers: 1 });
  // A file's records damaged after L1 wrote them: the later layers must notice, not trust them.
  const m = JSON.parse(fs.readFileSync(path.join(out(), 'l1', 'manifest.json'), 'utf8')) as L1Manifest;
  damageRecord(irPackPath(out()), m.files['proj/pkg/gone.py']!.key);
  damageRecord(factsPackPath(out()), m.files['proj/pkg/gone.py']!.key);
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('cross-file layers on hostile input', () => {
  it('L4 resolves through a 3,000-class chain split over two files that import each other', async () => {
    const stats = await runL4({ root, project: { name: 'hostile', outDir: out() } });
    expect(stats.files).toBe(8);
    expect(stats.unreadable).toEqual(['proj/pkg/gone.py']);
    const lines = readResolved(out());
    // `x = C2999(); x.root()` is C0.root, 2,999 bases up the MRO.
    expect(lines.some((l) => l.edge === 'CALLS' && 'target' in l && l.target === 'pkg.chain.C0.root')).toBe(true);
    const deps = JSON.parse(fs.readFileSync(depsPath(out()), 'utf8')) as DepsJson;
    expect(deps.cycles).toEqual([['proj/pkg/chain.py', 'proj/pkg/chain2.py']]);
    expect(deps.unreadable).toEqual(['proj/pkg/gone.py']);
    // The 1,000-segment call is an unresolved name, not a crash.
    expect(lines.filter((l) => 'unresolved' in l).length).toBeGreaterThan(0);
  });

  it('L2 writes a decodable index without the unreadable file, and L9 reports the broken pyproject', async () => {
    const l2 = await runL2({ root, project: { name: 'hostile', outDir: out() } });
    expect(l2).toMatchObject({ files: 7, missing: 1 });
    const scip = path.join(root, 'export', 'index.scip');
    await writeProjectScip({ root, project: { name: 'hostile', outDir: out() }, package: { name: 'hostile', version: '.' }, out: scip });
    const idx = deserializeSCIP(fs.readFileSync(scip));
    expect(idx.documents.map((d) => d.relativePath).sort()).toEqual(
      ['__init__', 'broken', 'chain', 'chain2', 'deep', 'latin', 'use'].map((f) => `proj/pkg/${f}.py`),
    );
    const chain = idx.documents.find((d) => d.relativePath === 'proj/pkg/chain2.py')!;
    expect(chain.occurrences.filter((o) => o.symbolRoles & 1 && o.symbol.endsWith('#'))).toHaveLength(CHAIN / 2);
    const l9 = await runL9({ root, projectDir: proj(), outDir: out() });
    expect(l9.diagnostics.some((d) => d.file === 'proj/pyproject.toml')).toBe(true);
  });

  it('the graph export carries on past the unreadable file', async () => {
    const r = await exportGraph({ projects: [{ name: 'hostile', outDir: out() }], out: path.join(root, 'export', 'graph.jsonl') });
    expect(r.files).toBe(7);
    expect(r.edgesResolvedByL4).toBeGreaterThan(0);
  });

  it('once the damaged records are rebuilt, L4 resolves again everything it resolved without them', async () => {
    await indexDirectory({ dir: proj(), outDir: out(), root, workers: 1 }); // L1 finds the bad checksums, re-parses
    const repaired = await runL4({ root, project: { name: 'hostile', outDir: out() } });
    // Same sources, same interface digest: only what was resolved against the incomplete table is redone.
    expect(repaired).toMatchObject({ files: 8, resolvedFiles: 8, reusedFiles: 0 });
    const clean = path.join(root, 'clean-out');
    await indexDirectory({ dir: proj(), outDir: clean, root, workers: 1 });
    await runL4({ root, project: { name: 'hostile', outDir: clean } });
    expect(readResolved(out())).toEqual(readResolved(clean));
    expect((JSON.parse(fs.readFileSync(depsPath(out()), 'utf8')) as DepsJson).unreadable).toBeUndefined();
  });
});
