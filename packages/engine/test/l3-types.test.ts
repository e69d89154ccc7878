/**
 * L3 on real Python with a real Pyright (the language server from npm): the types it feeds back where names and
 * value flow leave a call open — a parameter annotated with another project's class, an attribute of an attribute,
 * a stdlib call's result, an `Optional` narrowed by a test — its diagnostics, and its per-file reuse after an edit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deserializeSCIP } from '@c4312/scip';
import { exportGraph, formatSummary, indexDirectory, l3DiagnosticsPath, L3Overlay, resolutionStats, runL2, runL3, summarizeProject, writeRepoScip, type L3Manifest, type ResolutionStats } from '@codegraph/engine';
import { indexProjects, runL4Of, writeTree, type Indexed } from './valueflow-helpers';

const MODELS = `class Engine:
    def start(self) -> None:
        pass


class Car:
    engine: Engine

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def wheels(self) -> int:
        return 4
`;

const SERVICE = `import os.path
from typing import Dict, Optional

from core.models import Car

REGISTRY: Dict[str, Car] = {}


def drive(car: Car) -> None:
    car.engine.start()


def parts(a: str, b: str) -> list:
    return os.path.join(a, b).split()


def lookup(name: str) -> Optional[Car]:
    return REGISTRY.get(name)


def use(name: str) -> int:
    car = lookup(name)
    if car is None:
        return 0
    return car.wheels()
`;

const OTHER = `import os


def words(a: str, b: str) -> int:
    return len(os.path.join(a, b).upper())


def bad() -> int:
    return "x"
`;

const projects = ['core', 'app'];
const out = (ix: Indexed, p: string) => ({ name: p, outDir: ix.out[p]! });

describe('L3: types from Pyright for what L4 left open', () => {
  let ix: Indexed;
  let first: L3Manifest;

  beforeAll(async () => {
    const root = writeTree({
      'core/pyproject.toml': '[project]\nname = "core"\nversion = "0.1.0"\n',
      'core/core/__init__.py': '',
      'core/core/models.py': MODELS,
      'app/pyproject.toml': '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["core"]\n',
      'app/app/__init__.py': '',
      'app/app/service.py': SERVICE,
      'app/app/other.py': OTHER,
    }, 'cg-l3-');
    ix = await indexProjects(root, projects);
    first = await runL3({ root, project: out(ix, 'app'), deps: [out(ix, 'core')], diagnostics: true });
  }, 120_000);

  afterAll(() => fs.rmSync(ix.root, { recursive: true, force: true }));

  const overlay = (file: string) => {
    const o = L3Overlay.open(ix.out.app!)!;
    try {
      return o.linesOf(file).map((l) => JSON.parse(l) as Record<string, unknown>);
    } finally {
      o.close();
    }
  };

  it('resolves annotated parameters, attributes of attributes, Optional narrowing and stdlib results by type', () => {
    const lines = overlay('app/app/service.py').map(({ edge, target, via, kind, file, unresolved, external }) => ({ edge, target, via, kind, file, unresolved, external }));
    expect(lines).toEqual([
      // car.engine.start(): `car: Car` from another project, `engine: Engine` declared on the class.
      { edge: 'CALLS', target: 'core.models.Engine.start', via: 'type', kind: 'Method', file: 'core/core/models.py', unresolved: undefined, external: undefined },
      // os.path.join(a, b).split(): typeshed says join returns str.
      { edge: 'CALLS', target: 'builtins.str.split', via: 'type', kind: undefined, file: undefined, unresolved: true, external: 'builtins' },
      // car.wheels() after `if car is None: return`: Optional[Car] narrowed to Car.
      { edge: 'CALLS', target: 'core.models.Car.wheels', via: 'type', kind: 'Method', file: 'core/core/models.py', unresolved: undefined, external: undefined },
    ]);
    expect(first.files['app/app/service.py']).toMatchObject({ sites: 3, answered: 3, resolvedInCorpus: 2, external: 1, openCallsBefore: 3, openCallsAfter: 0 });
    expect(first.totals).toMatchObject({ files: 3, requeried: 3, reused: 0, skippedFiles: 0 });
    expect(first.budget.exhausted).toBeUndefined();
  });

  it("counts L3's answers in the project's resolution rates, once per call site, beside L4's", async () => {
    // L4's own counts (l4/stats.json) against the rates with L3: service.py's two sites in the corpus (start,
    // wheels) are resolved by L3, the str.split / str.upper calls named outside it.
    const l4 = JSON.parse(fs.readFileSync(path.join(ix.out.app!, 'l4', 'stats.json'), 'utf8')) as { resolution: ResolutionStats };
    const r = await resolutionStats(ix.out.app!);
    expect(r.l3Projects).toBe(1);
    expect(r.calls).toMatchObject({ total: l4.resolution.calls.total, resolvedL3: 2, externalL3: 2, resolved: l4.resolution.calls.resolved + 2, external: l4.resolution.calls.external + 2 });
    expect(l4.resolution.calls.resolvedL3 ?? 0).toBe(0);
    expect(first.totals.rates).toEqual({ calls: { resolved: 2, external: 2 }, references: { resolved: 0, external: 0 } });
    const s = summarizeProject('app', ix.out.app!);
    expect(s.resolution?.calls).toMatchObject({ resolvedL3: 2, resolved: r.calls.resolved });
    expect(formatSummary(s)).toMatch(/of which by Pyright's types \(L3, 1 project\): call sites 2 \(L1 \+ L4 alone [\d.]+%\)/);
  });

  it("writes Pyright's diagnostics of the analysed files with L1's span convention", () => {
    const d = JSON.parse(fs.readFileSync(l3DiagnosticsPath(ix.out.app!), 'utf8')) as { files: Record<string, unknown[]> };
    expect(Object.keys(d.files)).toEqual(['app/app/other.py']);
    expect(d.files['app/app/other.py']).toEqual([
      { rule: 'reportReturnType', severity: 'error', message: expect.stringContaining('"Literal[\'x\']" is not assignable to "int"'), range: [8, 11, 8, 14] },
    ]);
  });

  it('puts the type-resolved edges into the repo graph with resolution "type"', async () => {
    const file = path.join(ix.root, 'graph.jsonl');
    await exportGraph({ projects: [out(ix, 'core'), out(ix, 'app')], out: file });
    const edges = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { edge?: string; target?: string; attrs?: Record<string, unknown> });
    const typed = edges.filter((e) => e.attrs?.resolution === 'type').map((e) => `${e.edge} ${e.target} ${String(e.attrs?.via)}`);
    expect(typed.sort()).toEqual(['CALLS builtins.str.split type', 'CALLS builtins.str.upper type', 'CALLS core.models.Car.wheels type', 'CALLS core.models.Engine.start type']);
  });

  it('gives the type-resolved call sites their definition\'s symbol in the SCIP export', async () => {
    const pkgs = { core: { name: 'core', version: '0.1.0' }, app: { name: 'app', version: '0.1.0' } };
    for (const p of projects) await runL2({ root: ix.root, project: out(ix, p) });
    const file = path.join(ix.root, 'repo.scip');
    await writeRepoScip({ root: ix.root, projects: projects.map((p) => ({ ...out(ix, p), package: pkgs[p as 'core' | 'app'] })), out: file });
    const doc = deserializeSCIP(fs.readFileSync(file)).documents.find((d) => d.relativePath === 'app/app/service.py')!;
    const at = (line: number, col: number) => doc.occurrences.filter((o) => o.range[0] === line && o.range[1] === col).map((o) => o.symbol);
    // `start` in car.engine.start() (line 9), `wheels` in car.wheels() after the None test (line 24).
    expect(at(9, 15)).toEqual(['scip-python python core 0.1.0 `core.models`/Engine#start().']);
    expect(at(24, 15)).toEqual(['scip-python python core 0.1.0 `core.models`/Car#wheels().']);
    // Without L3's output (turned off) the export is what it was: no definition symbol at those sites.
    const l3 = path.join(ix.out.app!, 'l3');
    fs.renameSync(l3, `${l3}.aside`);
    try {
      await writeRepoScip({ root: ix.root, projects: projects.map((p) => ({ ...out(ix, p), package: pkgs[p as 'core' | 'app'] })), out: file });
    } finally {
      fs.renameSync(`${l3}.aside`, l3);
    }
    const before = deserializeSCIP(fs.readFileSync(file)).documents.find((d) => d.relativePath === 'app/app/service.py')!;
    const symbols = (line: number, col: number) => before.occurrences.filter((o) => o.range[0] === line && o.range[1] === col).map((o) => o.symbol);
    expect([...symbols(9, 15), ...symbols(24, 15)].filter((s) => s.includes('core.models'))).toEqual([]);
  });

  it('re-queries only the files whose import closure an edit reaches', async () => {
    fs.writeFileSync(path.join(ix.root, 'core/core/models.py'), MODELS.replace('return 4', 'return 6'));
    await indexDirectory({ dir: path.join(ix.root, 'core'), outDir: ix.out.core!, root: ix.root, workers: 1 });
    await runL4Of(ix.root, projects, 'core', ix.out, {});
    await runL4Of(ix.root, projects, 'app', ix.out, {});
    const m = await runL3({ root: ix.root, project: out(ix, 'app'), deps: [out(ix, 'core')], diagnostics: true });
    // service.py imports core.models; other.py and the package's __init__ do not.
    expect({ requeried: m.totals.requeried, reused: m.totals.reused }).toEqual({ requeried: 1, reused: 2 });
    expect(m.files['app/app/service.py']!.key).not.toBe(first.files['app/app/service.py']!.key);
    expect(m.files['app/app/other.py']!.key).toBe(first.files['app/app/other.py']!.key);
    expect(overlay('app/app/service.py').map((l) => l.target)).toEqual(['core.models.Engine.start', 'builtins.str.split', 'core.models.Car.wheels']);
    const again = await runL3({ root: ix.root, project: out(ix, 'app'), deps: [out(ix, 'core')], diagnostics: true });
    expect({ requeried: again.totals.requeried, reused: again.totals.reused }).toEqual({ requeried: 0, reused: 3 });
    expect(again.pyrightPeakRssMb).toBeUndefined(); // nothing to ask: no server started
  }, 120_000);

  it('keeps going when a budget runs out: the files not reached are skipped, never a failed run', async () => {
    const m = await runL3({ root: ix.root, project: { name: 'app', outDir: path.join(ix.root, '.out', 'app-budget') }, deps: [out(ix, 'core')], timeBudgetMs: 0 }).catch((e: unknown) => e);
    // A fresh output dir has no L4: that is a usage error, reported as such.
    expect(m).toBeInstanceOf(Error);
    fs.rmSync(path.join(ix.root, '.out', 'app-l3-budget'), { recursive: true, force: true });
    fs.cpSync(ix.out.app!, path.join(ix.root, '.out', 'app-l3-budget'), { recursive: true });
    fs.rmSync(path.join(ix.root, '.out', 'app-l3-budget', 'l3'), { recursive: true, force: true });
    const b = await runL3({ root: ix.root, project: { name: 'app', outDir: path.join(ix.root, '.out', 'app-l3-budget') }, deps: [out(ix, 'core')], timeBudgetMs: 0 });
    expect(b.budget.exhausted).toBe('time');
    expect(b.totals).toMatchObject({ skippedFiles: 2, sitesSkipped: 4, requeried: 1, answered: 0 });
    expect(JSON.parse(fs.readFileSync(l3DiagnosticsPath(path.join(ix.root, '.out', 'app-l3-budget')), 'utf8'))).toEqual({ files: {} });
    // A memory budget below what the server needs to start: it is killed, the run still completes.
    fs.rmSync(path.join(ix.root, '.out', 'app-l3-budget', 'l3'), { recursive: true, force: true });
    const mem = await runL3({ root: ix.root, project: { name: 'app', outDir: path.join(ix.root, '.out', 'app-l3-budget') }, deps: [out(ix, 'core')], memoryBudgetMb: 64 });
    expect(mem.budget.exhausted).toBe('memory');
    expect(mem.totals.skippedFiles).toBeGreaterThanOrEqual(1);
    expect(mem.totals.skippedFiles + mem.totals.requeried).toBe(3);
  }, 60_000);
});

describe('L3: a call on a property calls its value, not the property', () => {
  const SHAPES = `import os.path


class Shape:
    def clone(self, other: "Shape") -> "Shape":
        return other.__class__()

    def path(self, a: str) -> list:
        return os.path.join(a, a).split()
`;
  let root: string;

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  // `other.__class__()`: value flow knows nothing `other` holds (no caller), so the site is left to L3 (L4 answers
  // `self.__class__()` itself now: the receiver's classes).
  it('leaves `other.__class__()` unanswered instead of naming typeshed\'s `object.__class__` property', async () => {
    root = writeTree({ 'geo/pyproject.toml': '[project]\nname = "geo"\nversion = "0.1.0"\n', 'geo/geo/__init__.py': '', 'geo/geo/shapes.py': SHAPES }, 'cg-l3-prop-');
    const ix = await indexProjects(root, ['geo']);
    const m = await runL3({ root, project: { name: 'geo', outDir: ix.out.geo! } });
    const o = L3Overlay.open(ix.out.geo!)!;
    const lines = o.linesOf('geo/geo/shapes.py').map((l) => JSON.parse(l) as { target?: string });
    o.close();
    // Pyright's definition of `__class__` is the property's declaration in typeshed (object.__class__): what the
    // call runs is the class the property returns, which the definition does not name.
    expect(lines.map((l) => l.target)).toEqual(['builtins.str.split']);
    expect(m.files['geo/geo/shapes.py']).toMatchObject({ sites: 2, answered: 1, external: 1, resolvedInCorpus: 0 });
  }, 120_000);
});
