/**
 * Modules that bind names no statement shows — `globals()[k] = v`, `globals().update(...)`, `exec`, a module-level
 * `__getattr__`, `sys.modules[__name__]`, `sys.modules[…] = …` (a submodule made at run time: `typing.io`),
 * `@enum.global_enum`, `IntEnum._convert_`, an `__all__` extended at run time (`token`) — the stdlib's `re`, `ssl`,
 * `inspect`, `hashlib`, `typing` and `multiprocessing` all do. Their names cannot be judged statically, so neither a free
 * name inside them nor an import of a name from them is reported. A textual check, read only for modules that
 * already have a candidate finding; a match inside a string or comment only makes L8 more cautious.
 */
const DYNAMIC_MODULE =
  /\bglobals\(\)|\blocals\(\)|\bvars\(\)|\bexec\(|^(?:async\s+)?def\s+__getattr__\s*\(|\bsys\.modules\[\s*(?:__name__|cls\.__module__|\w+\.__module__)\s*\]|\bsys\.modules\[[^\]\n]*\]\s*=[^=]|\bglobal_enum\b|\._convert_\(|\b__dict__\.update\(|\b__all__\s*(?:\+=|\.extend\(|\.append\()/m;

export function bindsNamesDynamically(text: string): boolean {
  return DYNAMIC_MODULE.test(text);
}

/** Attributes every module has without binding them. */
export const MODULE_ATTRIBUTES: ReadonlySet<string> = new Set(
  '__name__ __file__ __doc__ __package__ __spec__ __loader__ __path__ __builtins__ __cached__ __annotations__ __dict__ __all__'.split(' '),
);
