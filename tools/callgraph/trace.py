#!/usr/bin/env python3
"""Dev-only check that a case's callgraph.json is true: runs the case under sys.setprofile and diffs.

    python3 tools/callgraph/trace.py [PATH ...]      # every case under PATH (default: tools/callgraph/cases)
    python3 tools/callgraph/trace.py --json CASE     # the traced graph of one case, as callgraph.json would hold it

It runs only the test programs authored in tools/callgraph/cases (never indexed user code), each in a fresh
interpreter: the case directory goes first on sys.path and `main` is imported under that name, so module-level
code's caller is `main`, as codegraph names it. What is recorded (tools/callgraph/README.md has the full rules):

- a Python function of the case entering (`call` event): caller -> callee, the caller being the nearest frame of
  the case code (comprehension frames belong to the function that holds them); module and class bodies are never
  callees; a generator's body is entered where it is resumed;
- a builtin function or method (`c_call` event) called from case code: `builtins.len`, `builtins.str.split`,
  `functools.reduce` (the name the case lists when the object's own module is private, e.g. `_functools`);
  `builtins.__build_class__` (the `class` statement itself) is not a call;
- a Python function of the standard library entered from case code, when the case lists it (`functools.wraps`):
  a frame cannot tell a call the case makes by name from one a library object makes for it (applying the partial
  that `functools.wraps(f)` returns enters `functools.update_wrapper`), so unlisted ones are not reported.

Calls of classes run no frame of their own and are seen only through the `__init__`/`__new__`/`__call__` they run.
Exit status: 0 when every case agrees, 1 otherwise.
"""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMPREHENSIONS = {'<listcomp>', '<setcomp>', '<dictcomp>', '<genexpr>'}
CO_OPTIMIZED = 0x1


def module_name(case: Path, file: Path) -> str:
    rel = file.relative_to(case).with_suffix('')
    parts = list(rel.parts)
    if parts[-1] == '__init__':
        parts.pop()
    return '.'.join(parts)


class CodeInfo:
    __slots__ = ('fqn', 'owner', 'kind')

    def __init__(self, fqn: str, owner: str, kind: str):
        self.fqn = fqn  # codegraph's spelling, with #2, #3 for repeated definitions of one name in a file
        self.owner = owner  # whom calls made in this code belong to (comprehensions: the enclosing scope)
        self.kind = kind  # module | class | function | comprehension


def index_case_code(case: Path) -> dict[tuple[str, str, int], CodeInfo]:
    """Every code object of the case's files, keyed as the running frames' code objects will be."""
    out: dict[tuple[str, str, int], CodeInfo] = {}
    for file in sorted(case.rglob('*.py')):
        mod = module_name(case, file)
        top = compile(file.read_text(encoding='utf-8'), str(file), 'exec')
        found: list[tuple[types.CodeType, types.CodeType]] = []  # code, the code that holds it

        def walk(code: types.CodeType) -> None:
            for c in code.co_consts:
                if isinstance(c, types.CodeType):
                    found.append((c, code))
                    walk(c)

        walk(top)
        infos: dict[int, CodeInfo] = {id(top): CodeInfo(mod, mod, 'module')}
        # codegraph numbers a second definition of one FQN in a file #2, #3... in source order.
        seen: dict[str, int] = {}
        for code, _ in sorted(found, key=lambda t: (t[0].co_firstlineno, first_column(t[0]))):
            if code.co_name in COMPREHENSIONS:
                continue
            base = f"{mod}.{code.co_qualname.replace('.<locals>', '')}"
            n = seen[base] = seen.get(base, 0) + 1
            fqn = base if n == 1 else f'{base}#{n}'
            infos[id(code)] = CodeInfo(fqn, fqn, 'function' if code.co_flags & CO_OPTIMIZED else 'class')
        for code, parent in found:  # parents come before children in `found`
            if code.co_name in COMPREHENSIONS:
                holder = infos[id(parent)]
                infos[id(code)] = CodeInfo(holder.fqn, holder.owner, 'comprehension')
        for code in [top] + [c for c, _ in found]:
            out[(str(file), code.co_qualname, code.co_firstlineno)] = infos[id(code)]
    return out


def first_column(code: types.CodeType) -> int:
    for _, _, col, _ in code.co_positions():
        if col is not None:
            return col
    return 0


def resolve(name: str):
    """The object a dotted name stands for (`builtins.str.split`, `functools.reduce`), or None."""
    parts = name.split('.')
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:i]))
        except Exception:
            continue
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
            return obj
        except AttributeError:
            return None
    return None


def c_name(fn, aliases: dict[int, str]) -> str | None:
    """The name a builtin function/method object is spelled with in callgraph.json, or None if it has none."""
    name = getattr(fn, '__name__', None)
    if name is None:
        return None
    owner = getattr(fn, '__self__', None)
    if owner is None or isinstance(owner, types.ModuleType):
        obj, spelled = fn, f'{owner.__name__ if owner is not None else fn.__module__}.{name}'
    else:
        cls = owner if isinstance(owner, type) else next((k for k in type(owner).__mro__ if name in k.__dict__), type(owner))
        obj, spelled = cls.__dict__.get(name, fn), f'{cls.__module__}.{cls.__qualname__}.{name}'
    if id(obj) in aliases:
        return aliases[id(obj)]
    found = resolve(spelled)
    if found is None:
        return None  # e.g. builtins.coroutine.send: no name a program could spell
    if spelled.startswith('builtins.'):
        return spelled
    return spelled if found is obj or found == obj else None


def trace_case(case: Path) -> dict:
    codes = index_case_code(case)
    expected = json.loads((case / 'callgraph.json').read_text(encoding='utf-8'))
    aliases: dict[int, str] = {}
    listed = {n for callees in expected.values() for n in callees}
    keep: list[object] = []
    for callees in expected.values():
        for n in callees:
            if n.split('.')[0] in sys.stdlib_module_names or n.startswith('builtins.'):
                obj = resolve(n)
                if obj is not None:
                    keep.append(obj)
                    aliases[id(obj)] = n
    edges: set[tuple[str, str]] = set()
    from_library: set[str] = set()

    def case_info(frame) -> CodeInfo | None:
        if frame is None:
            return None
        c = frame.f_code
        return codes.get((c.co_filename, c.co_qualname, c.co_firstlineno))

    def prof(frame, event, arg):
        if event == 'call':
            callee = case_info(frame)
            caller = case_info(frame.f_back)
            if callee is not None:
                if callee.kind in ('module', 'class', 'comprehension'):
                    return
                if caller is None:
                    back = frame.f_back
                    where = f'{back.f_globals.get("__name__")}.{back.f_code.co_qualname}' if back else '?'
                    from_library.add(f'{where} -> {callee.fqn}')
                    return
                edges.add((caller.owner, callee.fqn))
            elif caller is not None:
                name = f"{frame.f_globals.get('__name__', '')}.{frame.f_code.co_qualname}"
                if name in listed:
                    edges.add((caller.owner, name))
        elif event == 'c_call':
            caller = case_info(frame)
            if caller is None:
                return
            name = c_name(arg, aliases)
            if name is not None and name != 'builtins.__build_class__':
                edges.add((caller.owner, name))

    sys.path.insert(0, str(case))
    sys.dont_write_bytecode = True
    devnull = open(os.devnull, 'w')
    real_stdout = sys.stdout
    sys.stdout = devnull
    error = None
    sys.setprofile(prof)
    try:
        importlib.import_module('main')
    except BaseException as e:  # a case must run cleanly: report, never hide
        error = f'{type(e).__name__}: {e}'
    finally:
        sys.setprofile(None)
        sys.stdout = real_stdout
    graph: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        graph.setdefault(a, []).append(b)
    return {'graph': graph, 'fromLibrary': sorted(from_library), 'error': error}


def edge_set(graph: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {(a, b) for a, bs in graph.items() for b in bs}


def check(case: Path) -> bool:
    r = subprocess.run([sys.executable, '-B', str(Path(__file__)), '--json', str(case)], capture_output=True, text=True, timeout=60)
    name = str(case.relative_to(HERE / 'cases')) if case.is_relative_to(HERE / 'cases') else str(case)
    if r.returncode != 0:
        print(f'FAIL {name}: tracer crashed\n{r.stderr}')
        return False
    got = json.loads(r.stdout)
    expected = edge_set(json.loads((case / 'callgraph.json').read_text(encoding='utf-8')))
    traced = edge_set(got['graph'])
    problems = []
    if got['error']:
        problems.append(f'  the case raised {got["error"]}')
    for a, b in sorted(expected - traced):
        problems.append(f'  expected, not traced: {a} -> {b}')
    for a, b in sorted(traced - expected):
        problems.append(f'  traced, not expected: {a} -> {b}')
    for e in got['fromLibrary']:
        problems.append(f'  case code called from library code: {e}')
    print(('FAIL ' if problems else 'ok   ') + f'{name} ({len(expected)} edges)')
    for p in problems:
        print(p)
    return not problems


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ['--json']:
        print(json.dumps(trace_case(Path(args[1]).resolve())))
        return 0
    roots = [Path(a).resolve() for a in args] or [HERE / 'cases']
    cases = sorted({p.parent for r in roots for p in ([r / 'callgraph.json'] if (r / 'callgraph.json').exists() else r.rglob('callgraph.json'))})
    failed = [c for c in cases if not check(c)]
    print(f'\n{len(cases) - len(failed)} of {len(cases)} cases agree with their traced execution')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
