/** The pinned pyright package: where its server is and which version it is (without loading any LSP code). */

/** Resolved path of the server's entry: no reliance on PATH or on npm's bin links. */
export function pyrightServerEntry(): string {
  return require.resolve('pyright/langserver.index.js');
}

export function pyrightVersion(): string {
  return (require('pyright/package.json') as { version: string }).version;
}
