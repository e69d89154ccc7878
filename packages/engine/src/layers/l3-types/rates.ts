/**
 * L3 in the resolution rates: what its answers add to L4's counts (`l4/stats.json`), from its manifest. Only files
 * whose L3 entry was computed on the L4 record L4's manifest names now count — an L3 output older than the L4 run
 * (L4 re-ran, L3 not yet) adds nothing for the files L4 changed, so nothing is counted twice or against stale sites.
 */
import { readJsonOrUndefined } from '../../util/atomic';
import type { L3RateDelta } from '../l4-resolve/stats';
import { l3ManifestPath } from './paths';
import * as path from 'node:path';

interface ManifestView {
  files?: Record<string, { l4Key?: string; rates?: L3RateDelta }>;
}

export function emptyDelta(): L3RateDelta {
  return { calls: { resolved: 0, external: 0 }, references: { resolved: 0, external: 0 } };
}

export function addDelta(into: L3RateDelta, d: L3RateDelta): void {
  for (const k of ['calls', 'references'] as const) {
    into[k].resolved += d[k].resolved;
    into[k].external += d[k].external;
  }
}

/** L3's change to a project's rates, or undefined when L3 did not run there. */
export function l3RateDelta(outDir: string): L3RateDelta | undefined {
  const l3 = readJsonOrUndefined<ManifestView>(l3ManifestPath(outDir));
  if (!l3?.files) return undefined;
  const l4 = readJsonOrUndefined<{ files?: Record<string, { key: string }> }>(path.join(outDir, 'l4', 'manifest.json'));
  const sum = emptyDelta();
  for (const [file, e] of Object.entries(l3.files)) {
    if (e.rates && e.l4Key !== undefined && l4?.files?.[file]?.key === e.l4Key) addDelta(sum, e.rates);
  }
  return sum;
}
