/** A failed step's message as its task log shows it: the stack only with NX_VERBOSE_LOGGING (Nx's `--verbose`). */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return process.env.NX_VERBOSE_LOGGING === 'true' ? (e.stack ?? e.message) : e.message;
}
