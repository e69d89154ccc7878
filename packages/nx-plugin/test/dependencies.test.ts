import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DependencyType, type CreateDependenciesContext } from '@nx/devkit';
import { initPythonParser } from '@codegraph/engine';
import { createDependencies, declaredDistributions, importedTopLevels, normalizeDist } from '../dist/plugins/dependencies';

beforeAll(() => initPythonParser());

describe('import scanning for the project graph', () => {
  it('finds top-level modules of every import form, and nothing in relative imports, strings or comments', () => {
    const src = [
      '"""Usage:',
      '',
      '    import requests',
      '    from django.db import models',
      '"""',
      'import os, sys as system',
      'import core.models as m',
      'from payments.gateway import (',
      '    charge,',
      ')',
      'from . import sibling',
      'from .errors import PaymentError',
      '# import commented_out',
      'x = "import not_a_module"',
      'def f():',
      '    import json  # inside a function',
    ].join('\n');
    expect([...importedTopLevels(src).keys()].sort()).toEqual(['core', 'json', 'os', 'payments', 'sys']);
    expect(importedTopLevels(src).get('json')).toBe(false);
    expect(importedTopLevels(src).get('core')).toBe(true);
  });

  it('reads declared distributions from pyproject, normalised per PEP 503', () => {
    const py = '[project]\nname = "shop-api"\ndependencies = [\n  "shop_core>=0.1",\n  "Shop.Payments[extra] ; python_version>\'3.8\'",\n]\n';
    expect(declaredDistributions(py)).toEqual(['shop-core', 'shop-payments']);
    expect(normalizeDist('Django_REST.framework')).toBe('django-rest-framework');
  });
});

describe('createDependencies on real files', () => {
  // The shape of idna → requests: requests imports idna for real; idna's docstring only mentions requests.
  const files: Record<string, string> = {
    'libs/requests/pyproject.toml': '[project]\nname = "requests"\n',
    'libs/requests/requests/__init__.py': 'import idna\n',
    'libs/idna/pyproject.toml': '[project]\nname = "idna"\n',
    'libs/idna/idna/__init__.py': '"""Use it like this:\n\n    import requests\n    requests.get(url)\n"""\n# from requests import get\nX = "import requests"\n',
    'libs/idna/idna/typing_only.py': 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tools import Helper\n',
    'libs/idna/idna/lazy.py': 'def f():\n    import tools\n    return tools\n',
    'libs/tools/pyproject.toml': '[project]\nname = "tools"\n',
    'libs/tools/tools/__init__.py': '',
  };
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-deps-'));
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  function ctx(only?: string[]): CreateDependenciesContext {
    const projects: Record<string, { root: string; tags: string[] }> = {};
    const projectFileMap: Record<string, { file: string; hash: string }[]> = {};
    for (const name of ['requests', 'idna', 'tools']) {
      projects[name] = { root: `libs/${name}`, tags: ['codegraph:python'] };
      projectFileMap[name] = Object.keys(files)
        .filter((f) => f.startsWith(`libs/${name}/`) && (!only || only.includes(f)))
        .map((file) => ({ file, hash: '0' }));
    }
    return { workspaceRoot: root, projects, filesToProcess: { projectFileMap, nonProjectFiles: [] } } as unknown as CreateDependenciesContext;
  }

  it('makes edges from real imports only: no false cycle from a docstring; later-running imports are dynamic', async () => {
    const deps = await createDependencies({}, ctx());
    const edges = deps.map((d) => `${d.source} -> ${d.target} ${d.type} ${'sourceFile' in d ? d.sourceFile : ''}`).sort();
    expect(edges).toEqual([
      `idna -> tools ${DependencyType.dynamic} libs/idna/idna/lazy.py`,
      `idna -> tools ${DependencyType.dynamic} libs/idna/idna/typing_only.py`,
      `requests -> idna ${DependencyType.static} libs/requests/requests/__init__.py`,
    ]);
  });

  it('reads only the files Nx passes to process', async () => {
    expect(await createDependencies({}, ctx(['libs/idna/idna/__init__.py']))).toEqual([]);
    const deps = await createDependencies({}, ctx(['libs/requests/requests/__init__.py']));
    expect(deps.map((d) => d.target)).toEqual(['idna']);
  });
});
