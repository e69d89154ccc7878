/** @codegraph/cache-server — a self-hosted Nx remote cache. */
export { createCacheServer, type CacheServer, type CacheServerOptions } from './server';
export { FsStorage, isNoSpace, type StorageOptions, type WriteResult } from './storage';
export { ConnectionCap, defaultMaxConnections, maxConnectionsFor } from './connections';
export { parseTokenSpec, type Role, type TokenSpec } from './auth';
export { checkHealth, type HealthResult } from './health';
export { parseSize, parseDuration } from './size';
