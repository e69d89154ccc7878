/**
 * Which open sites L3's default (`selective`) mode asks Pyright about, from L1's facts on real Python: bare names,
 * import attributes, `self` methods and annotated parameters anywhere; every site inside an annotated function;
 * never unannotated parameters or expressions elsewhere (the costly inferences, measured in docs/architecture.md).
 */
import * as fs from 'node:fs';
import { readFileIr, Scopes, selectSites, type L4Line } from '@codegraph/engine';
import { indexProjects, writeTree } from './valueflow-helpers';

const SOURCE = `import os
from pkg import helpers


class Repo:
    def load(self, key, cache):
        self.check(key)
        self.store.get(key)
        helpers.fetch(key)
        cache.lookup(key)
        rows = self.query()
        rows.first()
        make().run()
        self.rows().first()
        helpers.fetch(key).strip()
        undefined_name()
        CONFIG.items()
        obj = lambda: key.strip()

    @staticmethod
    def build(spec):
        spec.compile()

    def typed(self, path: str) -> list:
        parts = path.split()
        return os.fspath(path).strip().split(parts[0])
`;

describe("L3's site selection", () => {
  let root: string;
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('classifies each receiver from the enclosing scopes and asks only the cheap ones outside annotated functions', async () => {
    root = writeTree({ 'p/pyproject.toml': '[project]\nname = "p"\nversion = "0"\n', 'p/pkg/__init__.py': '', 'p/pkg/helpers.py': 'def fetch(k):\n    return k\n', 'p/pkg/repo.py': SOURCE }, 'cg-l3sites-');
    const ix = await indexProjects(root, ['p']);
    const ir = readFileIr(ix.out.p!, 'p/pkg/repo.py');
    const calls = ir.edges.filter((e) => e.edge === 'CALLS');
    const scopes = new Scopes(ir.nodes);
    const kind = (callee: string) => scopes.receiverKind(calls.find((e) => e.callee === callee)!);
    expect(kind('self.check')).toBe('self');
    expect(kind('self.store.get')).toBe('self-attr');
    expect(kind('helpers.fetch')).toBe('none');
    expect(kind('cache.lookup')).toBe('param');
    expect(kind('rows.first')).toBe('local');
    expect(kind('make().run')).toBe('expression');
    expect(kind('self.rows().first')).toBe('expression');
    expect(kind('helpers.fetch(key).strip')).toBe('expression');
    expect(kind('undefined_name')).toBe('none');
    expect(kind('CONFIG.items')).toBe('global');
    expect(kind('key.strip')).toBe('param'); // in a lambda: the enclosing method's parameter
    expect(kind('spec.compile')).toBe('param'); // a static method's first parameter is no `self`
    expect(kind('path.split')).toBe('param-typed');

    // Every call site taken as open (as if L4 had resolved nothing): what each mode asks.
    const open = new Map<string, L4Line>(ir.edges.map((e) => [e.id, { edge: e.edge, id: e.id, unresolved: true } as L4Line]));
    const asked = (mode: 'selective' | 'unresolved') => selectSites(ir.nodes, ir.edges, open, mode).filter((s) => s.edge.edge === 'CALLS').map((s) => s.edge.callee).sort();
    const selective = asked('selective');
    expect(selective).toEqual(expect.arrayContaining(['self.check', 'helpers.fetch', 'undefined_name', 'path.split', 'os.fspath(path).strip().split', 'os.fspath(path).strip']));
    for (const skipped of ['self.store.get', 'cache.lookup', 'rows.first', 'make().run', 'self.rows().first', 'helpers.fetch(key).strip', 'CONFIG.items', 'key.strip', 'spec.compile']) expect(selective).not.toContain(skipped);
    expect(asked('unresolved')).toEqual(expect.arrayContaining(['self.store.get', 'cache.lookup', 'rows.first', 'make().run', 'CONFIG.items', 'key.strip', 'spec.compile']));
  });
});
