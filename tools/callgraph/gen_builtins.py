#!/usr/bin/env python3
"""Writes tools/callgraph/builtins.json: the names the suite may use for builtins and the standard library.

    python3 tools/callgraph/gen_builtins.py

- `functions`: `builtins.<name>` of every builtin function (`builtins.len`);
- `methods`: `builtins.<type>.<method>` of every method of a builtin class (`builtins.str.split`);
- `classes`: every builtin class and every class of the stdlib modules the cases import (`builtins.int`,
  `functools.partial`). Calling a class is not an edge of the suite (README: only the `__init__`/`__new__`/
  `__call__` it runs is), so the scorer leaves codegraph's edges to these names out, and the suite test rejects them
  in a callgraph.json;
- `stdlibModules`: sys.stdlib_module_names, to tell a stdlib FQN from a case's own.
Re-run it when a case starts importing another stdlib module.
"""
import builtins
import json
import re
import sys
import importlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

functions, methods, classes = [], [], []
for name, obj in vars(builtins).items():
    if isinstance(obj, type):
        classes.append(f'builtins.{name}')
        for m, v in vars(obj).items():
            if callable(v) or isinstance(v, (classmethod, staticmethod)):
                methods.append(f'builtins.{name}.{m}')
    elif callable(obj):
        functions.append(f'builtins.{name}')

imported = set()
for py in (HERE / 'cases').rglob('*.py'):
    for m in re.finditer(r'^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))', py.read_text(encoding='utf-8'), re.M):
        mod = m.group(1) or m.group(2)
        if mod.split('.')[0] in sys.stdlib_module_names:
            imported.add(mod)
for mod in sorted(imported):
    module = importlib.import_module(mod)
    for name, obj in vars(module).items():
        if isinstance(obj, type) and not name.startswith('_'):
            classes.append(f'{mod}.{name}')

out = {
    'python': sys.version.split()[0],
    'functions': sorted(functions),
    'methods': sorted(set(methods)),
    'classes': sorted(set(classes)),
    'stdlibModules': sorted(sys.stdlib_module_names),
}
(HERE / 'builtins.json').write_text(json.dumps(out, indent=0) + '\n', encoding='utf-8')
print(f"builtins.json: {len(functions)} functions, {len(out['methods'])} methods, {len(out['classes'])} classes")
