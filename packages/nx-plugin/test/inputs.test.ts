/**
 * Inputs from the workspace's named inputs: which exclusions are honoured (in the hash and, through `excludeFiles`,
 * in the index), which are not and why, and the option that turns it off. The end-to-end proof that Nx and the
 * engine then agree is e2e/named-inputs.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CreateNodesContext, CreateNodesResult } from '@nx/devkit';
import { createNodes } from '../dist/plugins/plugin';
import { namedInputExclusions } from '../dist/utils/inputs';
import type { CodegraphPluginOptions } from '../dist/utils/options';

const NAMED_INPUTS = {
  default: ['{projectRoot}/**/*', 'sharedGlobals'],
  sharedGlobals: ['{workspaceRoot}/.github/workflows/ci.yml'],
  production: ['default', '!{projectRoot}/**/test_*.py', { fileset: '!{projectRoot}/tests/**' }, '!{workspaceRoot}/scratch/**', '!{projectRoot}/setup.cfg', '^production', { runtime: 'node -v' }],
};

describe('namedInputExclusions', () => {
  it("takes the named input's negative {projectRoot} globs, through the named inputs it refers to", () => {
    const wrapped = { ...NAMED_INPUTS, ci: ['production', '!{projectRoot}/**/conftest.py'] };
    expect(namedInputExclusions(wrapped, 'ci')).toEqual({
      inputs: ['!{projectRoot}/**/test_*.py', '!{projectRoot}/tests/**', '!{projectRoot}/**/conftest.py'],
      excludeFiles: ['**/test_*.py', 'tests/**', '**/conftest.py'],
      // Outside the project (Nx would hash it over the whole workspace), or a packaging file the layers read anyway.
      ignored: ['!{workspaceRoot}/scratch/**', '!{projectRoot}/setup.cfg'],
    });
  });

  it('gives nothing for a workspace without that named input', () => {
    expect(namedInputExclusions(undefined, 'production')).toEqual({ inputs: [], excludeFiles: [], ignored: [] });
    expect(namedInputExclusions({ default: ['{projectRoot}/**/*'] }, 'production').excludeFiles).toEqual([]);
  });
});

describe('createNodes with namedInputs', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-inputs-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'libs/core/core'), { recursive: true });
  fs.writeFileSync(path.join(root, 'libs/core/pyproject.toml'), '[project]\nname = "shop-core"\n');
  fs.writeFileSync(path.join(root, 'libs/core/core/__init__.py'), 'X = 1\n');

  async function core(options?: CodegraphPluginOptions) {
    const context = { nxJsonConfiguration: { namedInputs: NAMED_INPUTS }, workspaceRoot: root, configFiles: [] } as unknown as CreateNodesContext;
    const results = (await createNodes[1](['libs/core/pyproject.toml'], options, context)) as ReadonlyArray<readonly [string, CreateNodesResult]>;
    for (const [, r] of results) for (const p of Object.values(r.projects ?? {})) if (p.name === 'shop-core') return p.targets!;
    throw new Error('no shop-core');
  }

  it('every target hashing the project files excludes what the named input excludes, and tells the engine to skip it', async () => {
    const t = await core();
    for (const name of ['codegraph-l0', 'codegraph-l1', 'codegraph-l4', 'codegraph-l9', 'codegraph-index']) {
      expect(t[name]!.inputs).toEqual(expect.arrayContaining(['{projectRoot}/**/*.py', '!{projectRoot}/**/test_*.py', '!{projectRoot}/tests/**']));
      expect(t[name]!.inputs).not.toContain('!{workspaceRoot}/scratch/**');
    }
    for (const name of ['codegraph-l0', 'codegraph-l1']) expect(t[name]!.options.excludeFiles).toEqual(['**/test_*.py', 'tests/**']);
  });

  it('namedInput: false turns it off (plain inputs, nothing skipped)', async () => {
    const t = await core({ namedInput: false });
    expect(t['codegraph-l1']!.inputs!.filter((i) => typeof i === 'string' && i.startsWith('!'))).toEqual([]);
    expect(t['codegraph-l1']!.options.excludeFiles).toBeUndefined();
  });
});
