/** @codegraph/cache-server — a self-hosted Nx remote cache. */
export { createCacheServer, type CacheServer, type CacheServerOptions } from './server';
export { FsStorage, type StorageOptions, type WriteResult } from './storage';
export { parseTokenSpec, type Role, type TokenSpec } from './auth';
export { checkHealth } from './health';
export { parseSize, parseDuration } from './size';
