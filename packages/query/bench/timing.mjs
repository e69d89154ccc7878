/** What the query benches share to time calls: a percentile of sorted milliseconds, and one call per sample timed. */

/** The p-th percentile (0–1) of ascending milliseconds. */
export const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/**
 * Calls `fn(i)` for i < n, timing each call: a call that raises (an ambiguous name) still counts, and is counted.
 * The milliseconds come back sorted.
 */
export function timeEach(n, fn) {
  const xs = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    try {
      fn(i);
    } catch {
      errors++;
    }
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return { xs, errors };
}
