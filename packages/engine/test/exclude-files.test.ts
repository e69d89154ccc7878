/** File globs skipped by discovery (`excludeFiles`, CLI `--exclude-files`): relative to the walked directory. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverFiles } from '../dist';

describe('excludeFiles', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-exclude-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  for (const f of ['proj/pkg/__init__.py', 'proj/pkg/test_a.py', 'proj/tests/helpers.py', 'proj/test_top.py', 'proj/pkg/contest.py']) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), 'x = 1\n');
  }

  it('skips matching files, relative to the project, and lists them as excluded', () => {
    const d = discoverFiles(root, path.join(root, 'proj'), { extensions: ['.py'], excludedFiles: ['**/test_*.py', 'tests/**'] });
    expect(d.files).toEqual(['proj/pkg/__init__.py', 'proj/pkg/contest.py']);
    expect(d.skipped.filter((s) => s.reason === 'excluded-file').map((s) => s.path)).toEqual(['proj/pkg/test_a.py', 'proj/test_top.py', 'proj/tests/helpers.py']);
  });

  it('codegraph index --exclude-files leaves them out of the index', () => {
    const bin = path.join(__dirname, '..', 'bin', 'codegraph.js');
    const out = path.join(root, 'out');
    const json = JSON.parse(execFileSync(process.execPath, [bin, 'index', path.join(root, 'proj'), '--out', out, '--exclude-files', '**/test_*.py', '--json'], { encoding: 'utf8' }));
    expect(json.files).toBe(3);
  });
});
