/** Human sizes and durations for flags: `10GB`, `512MiB`, `7d`, `12h`. */
const UNITS: Record<string, number> = {
  b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

export function parseSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(s);
  const unit = UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined) throw new Error(`not a size: '${s}' (e.g. 512MB, 10GiB)`);
  return Math.floor(Number(m[1]) * unit);
}

const TIME: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };

/** Milliseconds; a bare number is seconds. */
export function parseDuration(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|[smhd]?)\s*$/i.exec(s);
  if (!m) throw new Error(`not a duration: '${s}' (e.g. 30d, 12h, 10s, 500ms)`);
  return Math.floor(Number(m[1]) * TIME[(m[2] || 's').toLowerCase()]!);
}
