/**
 * The PluginCache of createNodes: a second inference of unchanged projects reads no config file (the names and
 * targets come from the cache persisted under the workspace data directory), gives the same projects, and a
 * different set of plugin options is cached apart.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CreateNodesContext, CreateNodesResult } from '@nx/devkit';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-pcache-'));
const dataDir = path.join(root, '.nx-data');
// Read by Nx when its internals load — lazily, on the first createNodes call below.
process.env.NX_WORKSPACE_DATA_DIRECTORY = dataDir;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createNodes } = require('../dist/plugins/plugin') as typeof import('../dist/plugins/plugin');

const FILES: Record<string, string> = {
  'libs/core/pyproject.toml': '[project]\nname = "shop-core"\nversion = "1.0"\n',
  'libs/core/core/__init__.py': 'X = 1\n',
  'apps/api/setup.cfg': '[metadata]\nname = shop-api\n',
  'apps/api/api/__init__.py': 'from core import X\n',
  'libs/broken/pyproject.toml': '[project]\nname = "broken\n',
};
for (const [rel, text] of Object.entries(FILES)) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const CONFIG_FILES = ['libs/core/pyproject.toml', 'apps/api/setup.cfg', 'libs/broken/pyproject.toml'];

/** Projects by name (or the error), and the config files read while inferring them. */
async function infer(options?: Record<string, unknown>): Promise<{ projects: Record<string, unknown>; errors: string[]; reads: string[] }> {
  // The module object itself (an `import * as` binding may be a copy): what the plugin's own `fs` reads through.
  const spy = jest.spyOn(require('node:fs') as typeof fs, 'readFileSync');
  const context = { nxJsonConfiguration: {}, workspaceRoot: root, configFiles: [] } as unknown as CreateNodesContext;
  const projects: Record<string, unknown> = {};
  const errors: string[] = [];
  try {
    const results = (await createNodes[1](CONFIG_FILES, options, context)) as ReadonlyArray<readonly [string, CreateNodesResult]>;
    for (const [, r] of results) for (const p of Object.values(r.projects ?? {})) projects[p.name!] = p;
  } catch (err) {
    const e = err as { partialResults?: ReadonlyArray<readonly [string, CreateNodesResult]>; errors?: Array<[string, Error]> };
    for (const [, r] of e.partialResults ?? []) for (const p of Object.values(r.projects ?? {})) projects[p.name!] = p;
    for (const [file, x] of e.errors ?? []) errors.push(`${file}: ${x.message}`);
  }
  const reads = spy.mock.calls
    .map((c) => String(c[0]))
    .filter((f) => /(pyproject\.toml|setup\.cfg|setup\.py)$/.test(f))
    .map((f) => path.relative(root, f));
  spy.mockRestore();
  return { projects, errors, reads };
}

describe('createNodes PluginCache', () => {
  it('a second call reads no config file and infers the same projects (the broken one still reported)', async () => {
    const first = await infer();
    expect(Object.keys(first.projects).sort()).toEqual(['repo', 'shop-api', 'shop-core']);
    expect(first.errors).toEqual([expect.stringMatching(/^libs\/broken\/pyproject\.toml: .*invalid TOML/)]);
    expect(first.reads).toEqual(expect.arrayContaining(['libs/core/pyproject.toml', 'apps/api/setup.cfg']));
    expect(fs.readdirSync(dataDir).filter((f) => /^codegraph-.*\.hash$/.test(f))).toHaveLength(1);

    const second = await infer();
    expect(second.reads).toEqual([]);
    expect(second.projects).toEqual(first.projects);
    expect(second.errors).toEqual(first.errors);
  });

  it('other plugin options have their own cache file', async () => {
    const other = await infer({ targetPrefix: 'cg' });
    expect(Object.keys((other.projects['shop-core'] as { targets: object }).targets)).toContain('cg-l1');
    expect(fs.readdirSync(dataDir).filter((f) => /^codegraph-.*\.hash$/.test(f))).toHaveLength(2);
  });
});
