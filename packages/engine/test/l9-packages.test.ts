/**
 * L9 on a real monorepo written to disk: packaging files of every supported kind, real Python indexed by the real
 * L0/L1, then L9 — declared vs imported packages, name mapping (workspace, known mismatch, default), diagnostics.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexDirectory } from '@codegraph/engine';
import { packagesPath, parseRequirement, runL9 } from '../dist/layers/l9-packages';
import type { DeclaredDep, PackagesReport } from '../dist/layers/l9-packages';

const FILES: Record<string, string> = {
  // A workspace project providing top-level `core` under the distribution name acme-core.
  'core-proj/pyproject.toml': '[project]\nname = "acme-core"\nversion = "1.0"\n',
  'core-proj/core/__init__.py': 'from .models import Order\n',
  'core-proj/core/models.py': 'class Order:\n    pass\n',
  'core-proj/tests/test_models.py': 'from core.models import Order\n',

  // PEP 621 + optional deps + PEP 735 groups, requirement files with includes, markers, extras, URLs.
  'app/pyproject.toml': [
    '[project]',
    'name = "app-proj"',
    'version = "0.1"',
    'dependencies = [',
    '  "acme-core",',
    '  "PyYAML>=6",',
    `  "click[Extras] >= 8 ; python_version >= '3.8'",`,
    '  "unused_lib==1.0",',
    ']',
    '',
    '[project.optional-dependencies]',
    'cli = ["rich>=13", "app-proj[extra]"]',
    '',
    '[dependency-groups]',
    'test = ["pytest>=7", {include-group = "lint"}]',
    'lint = ["ruff"]',
    '',
    '[tool.setuptools.packages.find]',
    'where = ["src"]',
    '',
  ].join('\n'),
  'app/requirements.txt': [
    '# runtime pins',
    '--index-url https://pypi.org/simple',
    '-e .',
    'attrs==23.1 ; python_version >= "3.8"',
    'Pillow[tiff] >= 10  # imaging',
    'mylib @ https://example.com/mylib.zip ; sys_platform == "linux"',
    '-r extra/more.txt',
    '',
  ].join('\n'),
  // Includes back into requirements.txt: a cycle that must terminate.
  'app/extra/more.txt': '-r ../requirements.txt\npython-dateutil>=2.8 \\\n    --hash=sha256:abcdef\n',
  'app/requirements-dev.txt': '-r requirements.txt\npytest-cov\n',
  'app/requirements/docs.txt': 'sphinx\n',
  'app/src/app/__init__.py': [
    'from __future__ import annotations',
    'import os, sys',
    'import yaml',
    'from core import models',
    'import requests.adapters',
    'from . import util',
    'from .util import helper',
    'import click',
    'from PIL import Image',
    'import attr',
    'import app.util',
    '',
  ].join('\n'),
  'app/src/app/util.py': 'import dateutil.parser\n\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\n\ndef helper():\n    return json\n',
  'app/tests/test_app.py': 'import pytest\nimport hypothesis\nimport yaml\nfrom app import util\n',

  // Poetry: main (python excluded), optional via extras, legacy dev, groups; case-insensitive default mapping.
  'poetry-proj/pyproject.toml': [
    '[tool.poetry]',
    'name = "poetry-proj"',
    'version = "0.1.0"',
    '',
    '[tool.poetry.dependencies]',
    'python = "^3.10"',
    'requests = "^2.31"',
    'Markdown = {version = "^3.5", extras = ["Extra"]}',
    'boto3 = {version = "^1", optional = true}',
    'PyQt5 = "^5"',
    '',
    '[tool.poetry.extras]',
    'aws = ["boto3"]',
    '',
    '[tool.poetry.dev-dependencies]',
    'black = "^23"',
    'types-requests = "^2"',
    '',
    '[tool.poetry.group.test.dependencies]',
    'pytest = "^7"',
    '',
  ].join('\n'),
  'poetry-proj/poetry_proj/__init__.py': 'import requests\nimport markdown\nfrom PyQt5 import QtCore\n\ntry:\n    import boto3\nexcept ImportError:\n    boto3 = None\n',
  'poetry-proj/tests/test_it.py': 'import pytest\n',

  // setup.cfg; imports an undeclared workspace project and an undeclared known-mismatch module.
  'setup-proj/setup.cfg': [
    '[metadata]',
    'name = setup-proj',
    '',
    '[options]',
    'packages = find:',
    'install_requires =',
    '    requests>=2',
    '    # a comment',
    '    typing_extensions; python_version < "3.11"',
    '',
    '[options.extras_require]',
    'yaml =',
    '    PyYAML',
    '',
  ].join('\n'),
  'setup-proj/setup_proj/__init__.py': 'import requests\nfrom typing_extensions import Self\nimport core\nimport cv2\n',

  // Broken packaging files: diagnostics, never a throw.
  'bad-proj/pyproject.toml': '[project\nname = "bad"\ndependencies = [\n',
  'bad-proj/requirements.txt': 'flask>=2\n!!! not a requirement\n-r missing.txt\n',
  'bad-proj/bad/__init__.py': 'import flask\nimport numpy as np\n',
};

let root: string;
const out = (p: string) => path.join(root, '.out', p);
const proj = (p: string) => path.join(root, p);
const workspace = () => [
  { name: 'acme-core', outDir: out('core-proj') },
  { name: 'app-proj', outDir: out('app') },
  { name: 'poetry-proj', outDir: out('poetry-proj') },
  { name: 'setup-proj', outDir: out('setup-proj') },
];
const run = (p: string) => runL9({ root, projectDir: proj(p), outDir: out(p), workspace: workspace() });
const brief = (d: DeclaredDep) => `${d.name}|${d.group}|${d.source}:${d.line ?? '?'}`;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-l9-'));
  for (const [rel, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(proj(rel)), { recursive: true });
    fs.writeFileSync(proj(rel), text);
  }
  for (const p of ['core-proj', 'app', 'poetry-proj', 'setup-proj', 'bad-proj']) await indexDirectory({ root, dir: proj(p), outDir: out(p), workers: 1 });
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('PEP 508 parsing', () => {
  test('name, extras, version, marker, URL', () => {
    expect(parseRequirement('Foo_Bar.baz [Sec, tls] (>=1.0) ; python_version < "3.9"')).toEqual({
      name: 'foo-bar-baz',
      extras: ['sec', 'tls'],
      marker: 'python_version < "3.9"',
    });
    expect(parseRequirement('pkg @ https://x.org/p.zip;v=1 ; os_name == "nt"')).toEqual({ name: 'pkg', url: 'https://x.org/p.zip;v=1', marker: 'os_name == "nt"' });
    expect(parseRequirement('requests')).toEqual({ name: 'requests' });
    expect(parseRequirement('!!! not')).toBeUndefined();
    expect(parseRequirement('foo bar')).toBeUndefined();
  });
});

describe('PEP 621 + requirement files + workspace project (app)', () => {
  let r: PackagesReport;
  beforeAll(async () => {
    r = await run('app');
  });

  test('declarations from pyproject, requirement files (-r includes, cycle) and requirements/*.txt', () => {
    expect(r.project).toBe('app-proj');
    expect(r.distribution).toBe('app-proj');
    expect(r.declared.map(brief)).toEqual([
      'acme-core|main|app/pyproject.toml:5',
      'attrs|main|app/requirements.txt:4',
      'click|main|app/pyproject.toml:7',
      'mylib|main|app/requirements.txt:6',
      'pillow|main|app/requirements.txt:5',
      'pytest|group:test|app/pyproject.toml:15',
      'pytest-cov|dev|app/requirements-dev.txt:2',
      'python-dateutil|main|app/extra/more.txt:2',
      'pyyaml|main|app/pyproject.toml:6',
      'rich|optional:cli|app/pyproject.toml:12',
      'ruff|group:lint|app/pyproject.toml:16',
      'sphinx|group:docs|app/requirements/docs.txt:1',
      'unused-lib|main|app/pyproject.toml:8',
    ]);
    const by = (n: string) => r.declared.find((d) => d.name === n)!;
    expect(by('click')).toMatchObject({ raw: `click[Extras] >= 8 ; python_version >= '3.8'`, extras: ['extras'], marker: `python_version >= '3.8'` });
    expect(by('attrs')).toMatchObject({ raw: 'attrs==23.1 ; python_version >= "3.8"', marker: 'python_version >= "3.8"' });
    expect(by('pillow')).toMatchObject({ raw: 'Pillow[tiff] >= 10', extras: ['tiff'] });
    expect(by('mylib')).toMatchObject({ url: 'https://example.com/mylib.zip', marker: 'sys_platform == "linux"' });
    expect(by('python-dateutil').raw).toBe('python-dateutil>=2.8');
  });

  test('mapping: workspace, known mismatches, default', () => {
    expect(r.mapping).toEqual([
      { dist: 'acme-core', imports: ['core'], rule: 'workspace' },
      { dist: 'attrs', imports: ['attr', 'attrs'], rule: 'known' },
      { dist: 'click', imports: ['click'], rule: 'default' },
      { dist: 'mylib', imports: ['mylib'], rule: 'default' },
      { dist: 'pillow', imports: ['PIL'], rule: 'known' },
      { dist: 'pytest', imports: ['pytest'], rule: 'default' },
      { dist: 'pytest-cov', imports: ['pytest_cov'], rule: 'default' },
      { dist: 'python-dateutil', imports: ['dateutil'], rule: 'known' },
      { dist: 'pyyaml', imports: ['yaml'], rule: 'known' },
      { dist: 'rich', imports: ['rich'], rule: 'default' },
      { dist: 'ruff', imports: ['ruff'], rule: 'default' },
      { dist: 'sphinx', imports: ['sphinx'], rule: 'default' },
      { dist: 'unused-lib', imports: ['unused_lib'], rule: 'default' },
    ]);
  });

  test('imported: third-party top-levels only (no stdlib, __future__, own or relative), files and test-only flag', () => {
    const src = 'app/src/app/__init__.py';
    const t = 'app/tests/test_app.py';
    expect(r.imported).toEqual([
      { name: 'PIL', files: [src], testOnly: false, optional: false, providedBy: ['pillow'] },
      { name: 'attr', files: [src], testOnly: false, optional: false, providedBy: ['attrs'] },
      { name: 'click', files: [src], testOnly: false, optional: false, providedBy: ['click'] },
      { name: 'core', files: [src], testOnly: false, optional: false, providedBy: ['acme-core'] },
      { name: 'dateutil', files: ['app/src/app/util.py'], testOnly: false, optional: false, providedBy: ['python-dateutil'] },
      { name: 'hypothesis', files: [t], testOnly: true, optional: false, providedBy: [] },
      { name: 'pytest', files: [t], testOnly: true, optional: false, providedBy: ['pytest'] },
      { name: 'requests', files: [src], testOnly: false, optional: false, providedBy: [] },
      // `try: import ujson as json / except ImportError: import json`: the code runs without it.
      { name: 'ujson', files: ['app/src/app/util.py'], testOnly: false, optional: true, providedBy: [] },
      { name: 'yaml', files: [src, t], testOnly: false, optional: false, providedBy: ['pyyaml'] },
    ]);
  });

  test('undeclared and unused', () => {
    expect(r.undeclared).toEqual([
      { name: 'hypothesis', files: ['app/tests/test_app.py'], testOnly: true, candidates: ['hypothesis'] },
      { name: 'requests', files: ['app/src/app/__init__.py'], testOnly: false, candidates: ['requests'] },
    ]);
    // Guarded imports are optional integrations, reported apart from missing dependencies.
    expect(r.optionalUndeclared).toEqual([{ name: 'ujson', files: ['app/src/app/util.py'], testOnly: false, candidates: ['ujson'] }]);
    expect(r.unused).toEqual([
      { dist: 'mylib', imports: ['mylib'], groups: ['main'] },
      { dist: 'pytest-cov', imports: ['pytest_cov'], groups: ['dev'] },
      { dist: 'rich', imports: ['rich'], groups: ['optional:cli'] },
      { dist: 'ruff', imports: ['ruff'], groups: ['group:lint'] },
      { dist: 'sphinx', imports: ['sphinx'], groups: ['group:docs'] },
      { dist: 'unused-lib', imports: ['unused_lib'], groups: ['main'] },
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  test('written atomically to l9/packages.json, deterministic across runs', async () => {
    const first = fs.readFileSync(packagesPath(out('app')), 'utf8');
    expect(JSON.parse(first)).toEqual(r);
    await run('app');
    expect(fs.readFileSync(packagesPath(out('app')), 'utf8')).toBe(first);
    expect(fs.readdirSync(path.dirname(packagesPath(out('app'))))).toEqual(['packages.json']);
  });
});

describe('Poetry (poetry-proj)', () => {
  test('main without python, optional via extras, legacy dev, groups; case-insensitive default mapping; type stubs', async () => {
    const r = await run('poetry-proj');
    expect(r.declared.map(brief)).toEqual([
      'black|dev|poetry-proj/pyproject.toml:16',
      'boto3|optional:aws|poetry-proj/pyproject.toml:9',
      'markdown|main|poetry-proj/pyproject.toml:8',
      'pyqt5|main|poetry-proj/pyproject.toml:10',
      'pytest|group:test|poetry-proj/pyproject.toml:20',
      'requests|main|poetry-proj/pyproject.toml:7',
      'types-requests|dev|poetry-proj/pyproject.toml:17',
    ]);
    expect(r.declared.find((d) => d.name === 'markdown')).toMatchObject({ raw: 'Markdown = {"version":"^3.5","extras":["Extra"]}', extras: ['extra'] });
    expect(r.mapping.find((m) => m.dist === 'pyqt5')).toEqual({ dist: 'pyqt5', imports: ['PyQt5'], rule: 'default' });
    // Stubs are used when their package is imported, but do not count as providing it.
    expect(r.mapping.find((m) => m.dist === 'types-requests')).toEqual({ dist: 'types-requests', imports: ['requests'], rule: 'known', stubs: true });
    expect(r.imported.map((i) => `${i.name}:${i.testOnly}:${i.providedBy.join(',')}`)).toEqual(['PyQt5:false:pyqt5', 'boto3:false:boto3', 'markdown:false:markdown', 'pytest:true:pytest', 'requests:false:requests']);
    expect(r.undeclared).toEqual([]);
    expect(r.unused).toEqual([{ dist: 'black', imports: ['black'], groups: ['dev'] }]);
    expect(r.diagnostics).toEqual([]);
  });
});

describe('setup.cfg (setup-proj)', () => {
  test('install_requires and extras_require; undeclared workspace and known-mismatch imports get candidates', async () => {
    const r = await run('setup-proj');
    expect(r.project).toBe('setup-proj');
    expect(r.declared.map(brief)).toEqual([
      'pyyaml|optional:yaml|setup-proj/setup.cfg:13',
      'requests|main|setup-proj/setup.cfg:7',
      'typing-extensions|main|setup-proj/setup.cfg:9',
    ]);
    expect(r.declared.find((d) => d.name === 'typing-extensions')).toMatchObject({ marker: 'python_version < "3.11"' });
    expect(r.undeclared).toEqual([
      { name: 'core', files: ['setup-proj/setup_proj/__init__.py'], testOnly: false, candidates: ['acme-core'] },
      {
        name: 'cv2',
        files: ['setup-proj/setup_proj/__init__.py'],
        testOnly: false,
        candidates: ['opencv-contrib-python', 'opencv-contrib-python-headless', 'opencv-python', 'opencv-python-headless'],
      },
    ]);
    expect(r.unused).toEqual([{ dist: 'pyyaml', imports: ['yaml'], groups: ['optional:yaml'] }]);
  });
});

describe('malformed packaging files (bad-proj)', () => {
  test('diagnostics instead of a crash; the readable parts still count', async () => {
    const r = await run('bad-proj');
    expect(r.diagnostics.map((d) => d.file)).toEqual(['bad-proj/pyproject.toml', 'bad-proj/requirements.txt', 'bad-proj/requirements.txt']);
    expect(r.diagnostics[0]!.message).toMatch(/^invalid TOML: /);
    expect(r.diagnostics.slice(1).map((d) => d.message)).toEqual(['line 2: not a PEP 508 requirement: "!!! not a requirement"', 'line 3: included file not found: missing.txt']);
    expect(r.declared.map(brief)).toEqual(['flask|main|bad-proj/requirements.txt:1']);
    expect(r.undeclared.map((u) => u.name)).toEqual(['numpy']);
    expect(r.unused).toEqual([]);
    expect(r.project).toBe('bad-proj');
  });
});
