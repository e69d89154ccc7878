import { readNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from '../dist/generators/init/generator';

describe('init generator (nx add @codegraph/nx)', () => {
  it('registers the plugin once and ignores the output folder', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.gitignore', 'node_modules\n');
    await initGenerator(tree, { skipFormat: true });
    await initGenerator(tree, { skipFormat: true });
    const plugins = readNxJson(tree)!.plugins!.filter((p) => (typeof p === 'string' ? p : p.plugin) === '@codegraph/nx');
    expect(plugins).toEqual([{ plugin: '@codegraph/nx', options: { targetPrefix: 'codegraph', repoProjectName: 'repo' } }]);
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\n# codegraph outputs\n/.codegraph\n');
  });
});
