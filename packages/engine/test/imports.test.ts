/** extractImports: real import statements only, with where they run (module level, function, TYPE_CHECKING, try). */
import { extractImports, initPythonParser } from '@codegraph/engine';

beforeAll(() => initPythonParser());

const SOURCE = `"""Helpers.

Example::

    import requests
    from django.db import models
"""
# import not_a_comment_import
from __future__ import annotations
import os, sys as system
import xml.etree.ElementTree as ET
from . import sibling
from ..pkg.mod import (a,
    b as c)
from typing import TYPE_CHECKING
text = "import in_a_string"
doc = '''
from in_triple_quotes import x
'''
if TYPE_CHECKING:
    from idna import core
try:
    import ujson as json
except ImportError:
    import json

class Model:
    from collections import *

    def save(self):
        import sqlite3
        if TYPE_CHECKING:
            import typing_extensions
        return f"import {self}"
`;

describe('extractImports', () => {
  const imports = () => extractImports(SOURCE);

  it('finds every import statement and nothing in docstrings, strings or comments', () => {
    expect(imports().map((i) => [i.module, i.level, i.names])).toEqual([
      ['__future__', 0, ['annotations']],
      ['os', 0, []],
      ['sys', 0, []],
      ['xml.etree.ElementTree', 0, []],
      ['', 1, ['sibling']],
      ['pkg.mod', 2, ['a', 'b']],
      ['typing', 0, ['TYPE_CHECKING']],
      ['idna', 0, ['core']],
      ['ujson', 0, []],
      ['json', 0, []],
      ['collections', 0, ['*']],
      ['sqlite3', 0, []],
      ['typing_extensions', 0, []],
    ]);
  });

  it('says which imports run at import time', () => {
    const by = new Map(imports().map((i) => [i.module, i]));
    expect(by.get('os')).toMatchObject({ line: 10, functionLevel: false, typeChecking: false, optional: false });
    expect(by.get('idna')).toMatchObject({ functionLevel: false, typeChecking: true });
    expect(by.get('ujson')).toMatchObject({ optional: true, typeChecking: false });
    expect(by.get('json')).toMatchObject({ optional: false }); // in the handler, not the guarded body
    expect(by.get('collections')).toMatchObject({ functionLevel: false }); // class bodies run at import time
    expect(by.get('sqlite3')).toMatchObject({ functionLevel: true, typeChecking: false });
    expect(by.get('typing_extensions')).toMatchObject({ functionLevel: true, typeChecking: true });
  });

  it('survives syntax errors and keeps the imports it can still see', () => {
    const found = extractImports('import good\ndef broken(:\n    pass\nfrom also_good import x\n').map((i) => i.module);
    expect(found).toEqual(expect.arrayContaining(['good', 'also_good']));
    expect(extractImports('')).toEqual([]);
  });
});
