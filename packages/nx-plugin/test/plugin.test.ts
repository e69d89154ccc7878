/**
 * createNodes called directly on temp workspaces of real files: target names, metadata, target groups, and a broken
 * project reported on its own while the others are still inferred.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AggregateCreateNodesError, type CreateNodesContext, type CreateNodesResult } from '@nx/devkit';
import { createNodes } from '../dist/plugins/plugin';
import type { CodegraphPluginOptions } from '../dist/utils/options';

const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-plugin-'));
  tmpDirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const configFiles = (files: Record<string, string>) => Object.keys(files).filter((f) => /(pyproject\.toml|setup\.cfg|setup\.py)$/.test(f));

async function infer(files: Record<string, string>, options?: CodegraphPluginOptions) {
  const root = workspace(files);
  const context: CreateNodesContext = { nxJsonConfiguration: {}, workspaceRoot: root, configFiles: [] } as unknown as CreateNodesContext;
  return createNodes[1](configFiles(files), options, context);
}

/** Every inferred project by name, as Nx merges the results. */
function projects(results: ReadonlyArray<readonly [string, CreateNodesResult]>) {
  const out: Record<string, NonNullable<CreateNodesResult['projects']>[string]> = {};
  for (const [, r] of results) for (const p of Object.values(r.projects ?? {})) out[p.name!] = p;
  return out;
}

const SHOP = {
  'libs/core/pyproject.toml': '[project]\nname = "shop-core"\nversion = "1.0"\n',
  'libs/core/core/__init__.py': 'X = 1\n',
  'apps/api/pyproject.toml': '[project]\nname = "shop-api"\ndependencies = ["shop-core"]\n',
  'apps/api/api/__init__.py': 'from core import X\n',
};

describe('createNodes', () => {
  it('describes every target: technologies, a description, a help command and example for it, grouped in layer order', async () => {
    const p = projects(await infer(SHOP));
    expect(Object.keys(p).sort()).toEqual(['repo', 'shop-api', 'shop-core']);
    const core = p['shop-core']!;
    expect(core.metadata?.targetGroups).toEqual({
      codegraph: ['codegraph-l0', 'codegraph-l1', 'codegraph-l2', 'codegraph-l5', 'codegraph-l4', 'codegraph-l7', 'codegraph-l9', 'codegraph-l8', 'codegraph-index'],
    });
    for (const [name, t] of Object.entries(core.targets!)) {
      expect(t.metadata?.technologies).toEqual(['python']);
      expect(t.metadata?.description).toMatch(/^codegraph/);
      expect(t.metadata?.help?.command).toBe(`npx nx run shop-core:${name} --help`);
      expect(t.metadata?.help?.example).toEqual({ options: expect.any(Object) });
    }
    expect(core.targets!['codegraph-l1']!.metadata?.description).toMatch(/structural IR/);
    expect(p['repo']!.metadata?.targetGroups).toEqual({ codegraph: ['codegraph-index'] });
    expect(p['repo']!.targets!['codegraph-index']!.metadata?.help?.command).toBe('npx nx run repo:codegraph-index --help');
  });

  it('names targets per layer from targetNames, the rest from targetPrefix, and every dependsOn follows', async () => {
    const p = projects(await infer(SHOP, { targetPrefix: 'cg', targetNames: { l1: 'py-ir', index: 'py-index' } }));
    const api = p['shop-api']!;
    expect(Object.keys(api.targets!).sort()).toEqual(['cg-l0', 'cg-l2', 'cg-l4', 'cg-l5', 'cg-l7', 'cg-l8', 'cg-l9', 'py-index', 'py-ir']);
    expect(api.targets!['py-ir']!.dependsOn).toEqual(['cg-l0']);
    expect(api.targets!['cg-l2']!.dependsOn).toEqual(['py-ir']);
    expect(api.targets!['cg-l4']!.dependsOn).toEqual([
      'py-ir',
      'cg-l5',
      { projects: ['shop-api', 'shop-core'], target: 'py-ir' },
      { projects: ['shop-api', 'shop-core'], target: 'cg-l5' },
    ]);
    expect(api.targets!['cg-l7']!.dependsOn).toEqual(['py-ir', 'cg-l2', 'cg-l4']);
    expect(api.targets!['cg-l9']!.dependsOn).toEqual(['py-ir', '^py-ir']);
    // L3 by the prefix's name: a project without that target simply has no such dependency (Nx skips it).
    expect(api.targets!['cg-l8']!.dependsOn).toEqual(['py-ir', 'cg-l5', 'cg-l4', 'cg-l9', 'cg-l3']);
    expect(api.targets!['py-index']!.dependsOn).toEqual(['py-ir', 'cg-l2', 'cg-l5', 'cg-l4', 'cg-l9']);
    expect(api.metadata?.targetGroups).toEqual({ cg: ['cg-l0', 'py-ir', 'cg-l2', 'cg-l5', 'cg-l4', 'cg-l7', 'cg-l9', 'cg-l8', 'py-index'] });
    expect(p['repo']!.targets!['py-index']!.dependsOn).toEqual([
      { projects: ['shop-api', 'shop-core'], target: 'py-index' },
      { projects: ['shop-api', 'shop-core'], target: 'cg-l7' },
      { projects: ['shop-api', 'shop-core'], target: 'cg-l8' },
    ]);
  });

  it('adds codegraph-l3 after L4 only when the l3 option is on, with its mode and budgets; L7 and the index wait for it', async () => {
    const off = projects(await infer(SHOP))['shop-core']!;
    expect(off.targets!['codegraph-l3']).toBeUndefined();
    expect(off.targets!['codegraph-l7']!.dependsOn).not.toContain('codegraph-l3');
    const on = projects(await infer(SHOP, { l3: { mode: 'all', timeBudgetMs: 60000 } }))['shop-core']!;
    const l3 = on.targets!['codegraph-l3']!;
    expect(l3.dependsOn).toEqual(['codegraph-l4']);
    expect(l3.options).toMatchObject({ layer: 'l3', mode: 'all', timeBudgetMs: 60000 });
    expect(l3.outputs).toEqual(['{workspaceRoot}/.codegraph/projects/{projectRoot}/l3']);
    expect(on.targets!['codegraph-l7']!.dependsOn).toContain('codegraph-l3');
    expect(on.targets!['codegraph-index']!.dependsOn).toContain('codegraph-l3');
    expect(on.metadata?.targetGroups?.codegraph).toEqual(['codegraph-l0', 'codegraph-l1', 'codegraph-l2', 'codegraph-l5', 'codegraph-l4', 'codegraph-l3', 'codegraph-l7', 'codegraph-l9', 'codegraph-l8', 'codegraph-index']);
    const all = projects(await infer(SHOP, { l3: 'all' }))['shop-core']!;
    expect(all.targets!['codegraph-l3']!.options).toMatchObject({ layer: 'l3', mode: 'all' });
  });

  it('reports a project with an invalid pyproject.toml against its own file and still infers the others', async () => {
    const files = { ...SHOP, 'libs/broken/pyproject.toml': '[project]\nname = "broken\nversion = 1\n', 'libs/broken/b.py': '' };
    let error: unknown;
    try {
      await infer(files);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AggregateCreateNodesError);
    const agg = error as AggregateCreateNodesError;
    expect(agg.errors.map(([file]) => file)).toEqual(['libs/broken/pyproject.toml']);
    expect(String(agg.errors[0]![1])).toMatch(/^Error: libs\/broken\/pyproject\.toml:\d+:\d+: invalid TOML: /);
    const p = projects(agg.partialResults);
    expect(Object.keys(p).sort()).toEqual(['repo', 'shop-api', 'shop-core']);
    // The broken project is nobody's dependency target: a reference to a project without targets would fail the run.
    expect(p['repo']!.targets!['codegraph-index']!.dependsOn).toEqual([
      { projects: ['shop-api', 'shop-core'], target: 'codegraph-index' },
      { projects: ['shop-api', 'shop-core'], target: 'codegraph-l7' },
      { projects: ['shop-api', 'shop-core'], target: 'codegraph-l8' },
    ]);
    expect(p['shop-core']!.targets!['codegraph-l4']!.dependsOn).toEqual([
      'codegraph-l1',
      'codegraph-l5',
      { projects: ['shop-api', 'shop-core'], target: 'codegraph-l1' },
      { projects: ['shop-api', 'shop-core'], target: 'codegraph-l5' },
    ]);
  });
});
