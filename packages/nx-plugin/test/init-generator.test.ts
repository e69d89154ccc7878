import { logger, readNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from '../dist/generators/init/generator';

/** Runs the generator and its callback (what `nx g` prints after writing), returning the lines it logged. */
async function runInit(tree: ReturnType<typeof createTreeWithEmptyWorkspace>): Promise<string[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(logger, 'info').mockImplementation((m: unknown) => void lines.push(String(m)));
  try {
    const done = await initGenerator(tree, { skipFormat: true });
    await done();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('init generator (nx add @codegraph/nx)', () => {
  it('registers the plugin once, ignores the output folder and prints the next command', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('.gitignore', 'node_modules\n');
    const first = await runInit(tree);
    const second = await runInit(tree);
    const plugins = readNxJson(tree)!.plugins!.filter((p) => (typeof p === 'string' ? p : p.plugin) === '@codegraph/nx');
    expect(plugins).toEqual([{ plugin: '@codegraph/nx', options: { targetPrefix: 'codegraph', repoProjectName: 'repo' } }]);
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\n# codegraph outputs\n/.codegraph\n');
    expect(first.join('\n')).toContain('npx nx run repo:codegraph-index');
    expect(second.join('\n')).toMatch(/already registered/);
  });

  it('edits nx.json minimally: comments, indentation and existing plugins stay as written', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write(
      'nx.json',
      '{\n    // shared settings\n    "defaultBase": "main",\n    "plugins": [\n        "@nx/js/typescript"\n    ],\n    "namedInputs": { "default": ["{projectRoot}/**/*"] }\n}\n',
    );
    await runInit(tree);
    expect(tree.read('nx.json', 'utf-8')).toBe(
      '{\n    // shared settings\n    "defaultBase": "main",\n    "plugins": [\n        "@nx/js/typescript",\n' +
        '        {\n            "plugin": "@codegraph/nx",\n            "options": {\n                "targetPrefix": "codegraph",\n' +
        '                "repoProjectName": "repo"\n            }\n        }\n    ],\n    "namedInputs": { "default": ["{projectRoot}/**/*"] }\n}\n',
    );
  });

  it('adds a plugins array with the file’s own indentation (tabs) when there is none', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('nx.json', '{\n\t"defaultBase": "main"\n}');
    await runInit(tree);
    const text = tree.read('nx.json', 'utf-8')!;
    expect(text).toMatch(/^\{\n\t"defaultBase": "main",\n\t"plugins": \[\n\t\t\{\n\t\t\t"plugin": "@codegraph\/nx",/);
    expect(text.includes('  ')).toBe(false);
  });

  it('uses an existing root project (project.json) as the repo project, and says so', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('project.json', JSON.stringify({ name: 'acme', root: '.' }));
    const lines = await runInit(tree);
    const entry = readNxJson(tree)!.plugins!.find((p) => typeof p !== 'string' && p.plugin === '@codegraph/nx');
    expect(entry).toEqual({ plugin: '@codegraph/nx', options: { targetPrefix: 'codegraph', repoProjectName: 'acme' } });
    expect(lines.join('\n')).toContain("root project, 'acme'");
    expect(lines.join('\n')).toContain('npx nx run acme:codegraph-index');
  });

  it('uses a root package.json with an nx field as the repo project', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('package.json', JSON.stringify({ name: '@acme/monorepo', nx: {} }));
    const lines = await runInit(tree);
    expect(lines.join('\n')).toContain('npx nx run @acme/monorepo:codegraph-index');
  });

  it('picks a free name when another project is already called repo', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('tools/repo/project.json', JSON.stringify({ name: 'repo', root: 'tools/repo' }));
    const lines = await runInit(tree);
    const entry = readNxJson(tree)!.plugins!.find((p) => typeof p !== 'string' && p.plugin === '@codegraph/nx');
    expect(entry).toMatchObject({ options: { repoProjectName: 'codegraph-repo' } });
    expect(lines.join('\n')).toContain("already called 'repo'");
    expect(lines.join('\n')).toContain('npx nx run codegraph-repo:codegraph-index');
  });
});
