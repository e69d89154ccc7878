/** How the CLI writes numbers, sizes and durations: one formatter each, so every line reads alike. */
import prettyBytes from 'pretty-bytes';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const seconds = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const count = (n: number): string => integer.format(n);
export const pct = (fraction: number): string => percent.format(Number.isFinite(fraction) ? fraction : 0);
export const bytes = (n: number): string => prettyBytes(n);
export const duration = (ms: number): string => (ms < 1000 ? `${integer.format(ms)} ms` : `${seconds.format(ms / 1000)} s`);
/** `1 file`, `2 files`. */
export const plural = (n: number, word: string, many = `${word}s`): string => `${count(n)} ${n === 1 ? word : many}`;
