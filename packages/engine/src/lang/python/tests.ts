/**
 * Test detection, the way pytest and unittest find tests: by path (`tests/`, `test_*.py`, `*_test.py`,
 * `conftest.py`), by name (`test*` functions, `Test*` classes, `*TestCase` bases) and by decorator (pytest marks
 * and fixtures, unittest skips).
 */
export function isTestPath(file: string): boolean {
  const parts = file.split('/');
  const base = parts[parts.length - 1]!;
  if (/^test_.*\.py$/.test(base) || /_test\.py$/.test(base) || base === 'conftest.py' || base === 'tests.py') return true;
  for (let i = 0; i < parts.length - 1; i++) if (parts[i] === 'tests' || parts[i] === 'test' || parts[i] === 'testing') return true;
  return false;
}

export function isTestDecorator(text: string): boolean {
  return /^(pytest\.(fixture|mark)|fixture\b|unittest\.(skip|expectedFailure)|skip(If|Unless)?\b|mock\.patch|patch\b)/.test(text);
}
