/**
 * A short deterministic fuzz run (tools/fuzz): hostile files through the real worker pool, a canary after each.
 * The long runs (`npm run fuzz -- --files 10000`) are not part of the suite's time budget.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runFuzz } = require('../../../tools/fuzz/lib') as {
  runFuzz: (o: { files: number; seed: number; workers?: number; budgetMs?: number }) => Promise<{
    files: number;
    ok: number;
    handled: number;
    crashes: unknown[];
    hangs: unknown[];
    poisoned: unknown[];
    missing: unknown[];
    byGenerator: Record<string, { files: number }>;
  }>;
};

it('indexes 160 hostile files with no crash, hang, poisoned successor or silently missing file', async () => {
  const s = await runFuzz({ files: 160, seed: 20240917, workers: 2, budgetMs: 5000 });
  expect(s.files).toBe(160);
  expect({ crashes: s.crashes, hangs: s.hangs, poisoned: s.poisoned, missing: s.missing }).toEqual({ crashes: [], hangs: [], poisoned: [], missing: [] });
  expect(s.ok + s.handled).toBe(160);
  // Every generator ran (deep nesting that overflows the scanner, encodings, NULs, unterminated strings...).
  expect(Object.values(s.byGenerator).every((g) => g.files === 20)).toBe(true);
}, 180_000);
