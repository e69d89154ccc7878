/** The two ways the CLI fails, each with its exit code: bad usage (2, nothing was done) and a failed run (1). */
export class UsageError extends Error {
  readonly exitCode = 2;
}

export class RunError extends Error {
  readonly exitCode = 1;
}
