/** Public API of @codegraph/query: chunks, the L7 index, and the queries the CLI and the MCP server run. */
export * from './chunks/chunks';
export { readSource, splitLines } from './chunks/source';
export { buildL7, formatL7Stats, repoNameOf, type BuildL7Options, type L7Stats } from './l7/build';
export { l7DbPath, l7Dir, L7_SCHEMA, L7_FORMAT, fqnSql, storedQual, SYM_JOIN, packSignature, unpackSignature } from './l7/schema';
export { l7Content, l7Digest } from './l7/digest';
export { decodeInboundRow, nameKey, symHex } from './l7/codec';
export { fileChunks, type ChunkSource, type FileRow } from './chunks/on-demand';
export { applyL4 } from './l7/complete';
export * from './testing/index-workspace';
export { Federation, QueryError, findWorkspace } from './query/federation';
export { Queries, type Sym } from './query/queries';
export { format } from './format';
export { main as cliMain } from './cli';
export { createMcpServer, serveMcp } from './mcp';
