/**
 * An invalid pyproject.toml under Nx: the real `nx` CLI names the file with its line and column (as `codegraph index`
 * does), and the other projects are still inferred.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nx, nxBin, setup } from './support';

describe('Nx: an invalid pyproject.toml', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    ({ ws, env } = setup({
      'libs/good/pyproject.toml': '[project]\nname = "good"\n',
      'libs/good/good/__init__.py': 'X = 1\n',
      'libs/bad/pyproject.toml': '[project]\nname = "bad"\nversion = 1.0.0\n',
      'libs/bad/bad/__init__.py': 'Y = 2\n',
    }));
  });

  afterAll(() => fs.rmSync(path.dirname(ws), { recursive: true, force: true }));

  it('is reported with file:line:column, and the good project is still a project', () => {
    const r = spawnSync(nxBin, ['show', 'projects'], { cwd: ws, env, encoding: 'utf8' });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(output).toMatch(/libs\/bad\/pyproject\.toml:3:\d+: invalid TOML: illegal character in numeric literal/);
    // Fixed, the same workspace infers both (and nothing stale is served from the plugin's cache).
    fs.writeFileSync(path.join(ws, 'libs/bad/pyproject.toml'), '[project]\nname = "bad"\nversion = "1.0.0"\n');
    expect(nx(ws, env, ['show', 'projects']).split('\n').filter(Boolean).sort()).toEqual(['bad', 'good', 'repo']);
  });
});
