/**
 * Nx's self-hosted remote cache contract (Nx 24, `NX_SELF_HOSTED_REMOTE_CACHE_SERVER`):
 *   GET /v1/cache/{hash} → 200 body | 404
 *   PUT /v1/cache/{hash} (Content-Length required) → 200 stored | 409 exists (never overwritten) | 403 read-only
 *   401 (text/plain) without a valid `Authorization: Bearer` token.
 * Plus `GET /health` for CI to decide whether to use the remote cache at all: `{"status":"ok"}` to anyone, the store's
 * figures only with a valid token.
 * Beyond the contract: 400 for a request target that is not a valid URL path (authenticated first on cache routes,
 * so an unauthenticated client learns nothing), 507 when the disk is full, 408 from Node's header/request timeouts.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Auth, type Role, type TokenSpec } from './auth';
import { ConnectionCap, defaultMaxConnections } from './connections';
import { FsStorage, isNoSpace } from './storage';

export interface CacheServerOptions {
  storageDir: string;
  tokens?: TokenSpec[];
  /** Serve without tokens: anonymous clients get read-write. Refused unless set explicitly. */
  allowAnonymous?: boolean;
  /** Default 127.0.0.1: the cache is not exposed unless asked. */
  host?: string;
  /** Default 3939; 0 picks a free port. */
  port?: number;
  maxEntryBytes?: number;
  maxTotalBytes?: number;
  maxAgeMs?: number;
  /** No request logs. */
  quiet?: boolean;
  /** Time a client has to send its complete request headers (ms; default 10 s). Cuts slowloris clients. */
  headersTimeoutMs?: number;
  /** Time a client has to send its complete request, body included (ms; default 10 min: a 2 GB upload at 3.5 MB/s). */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept between requests (ms; default 5 s). */
  keepAliveTimeoutMs?: number;
  /** A connection with no traffic in either direction for this long is closed (ms; default 60 s; 0 = never). */
  idleTimeoutMs?: number;
  /** Open connections at most (default: half the open-file limit, between 32 and 4,096). See connections.ts. */
  maxConnections?: number;
  /** Where structured log records go (default: one JSON line each on stderr). */
  log?: (rec: Record<string, unknown>) => void;
}

export interface CacheServer {
  listen(): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
  readonly port: number;
  readonly url: string;
  readonly storage: FsStorage;
  /** The connection cap in force (given or derived from the open-file limit). */
  readonly maxConnections: number;
}

const HASH = /^[A-Za-z0-9_-]{1,128}$/;
const CACHE_PREFIX = '/v1/cache/';

/**
 * The still-encoded path of a request target (origin form `/p?q`, or absolute form `http://h/p?q` as proxies send),
 * or undefined when it is neither. Routing on the raw path means decoding happens once, where it can fail cleanly.
 */
function rawPath(target: string): string | undefined {
  if (target.startsWith('/')) return target.replace(/[?#].*$/s, '');
  try {
    return new URL(target).pathname;
  } catch {
    return undefined;
  }
}

function decoded(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined; // malformed %-encoding (URIError)
  }
}

/** ASCII bodies, and exactly `text/plain`: Nx shows a 401's message only then (a charset makes it "misconfigured"). */
function text(res: http.ServerResponse, status: number, body: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function createCacheServer(o: CacheServerOptions): CacheServer {
  const tokens = o.tokens ?? [];
  if (tokens.length === 0 && !o.allowAnonymous) {
    throw new Error('refusing to start without tokens: give --token rw:SECRET (and ro:SECRET), or --allow-anonymous');
  }
  const log =
    o.log ?? ((rec: Record<string, unknown>) => (o.quiet ? undefined : process.stderr.write(JSON.stringify({ time: new Date().toISOString(), ...rec }) + '\n')));
  const auth = new Auth(tokens, o.allowAnonymous ? 'read-write' : undefined);
  // Every option is checked before the storage folder is touched.
  const headersTimeout = o.headersTimeoutMs ?? 10_000;
  const requestTimeout = o.requestTimeoutMs ?? 600_000;
  if (!(headersTimeout > 0 && requestTimeout >= headersTimeout)) {
    throw new Error(`timeouts: need 0 < headers timeout (${headersTimeout} ms) <= request timeout (${requestTimeout} ms)`);
  }
  const cap = new ConnectionCap(o.maxConnections ?? defaultMaxConnections(), log);
  const maxEntryBytes = o.maxEntryBytes ?? 2 * 1024 ** 3;
  const storage = new FsStorage({
    dir: o.storageDir,
    maxEntryBytes,
    maxTotalBytes: o.maxTotalBytes ?? 50 * 1024 ** 3,
    maxAgeMs: o.maxAgeMs ?? 0,
    log,
  });
  storage.init();
  const started = Date.now();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: { role?: Role; bytes: number }): Promise<void> {
    const p = rawPath(req.url ?? '');
    if (p === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed', { Allow: 'GET' });
      // The store's figures say how much a team builds and when: only token holders see them.
      const role = auth.roleOf(req.headers.authorization);
      ctx.role = role;
      const details = role ? { role, ...storage.stats(), uploading: storage.uploading(), uptimeSeconds: Math.round((Date.now() - started) / 1000) } : {};
      const body = JSON.stringify({ status: 'ok', ...details });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
      return void res.end(body);
    }
    if (p === undefined || !p.startsWith(CACHE_PREFIX)) {
      return p === undefined || decoded(p) === undefined ? text(res, 400, 'malformed URL') : text(res, 404, 'not found');
    }
    const role = auth.roleOf(req.headers.authorization);
    ctx.role = role;
    if (!role) return text(res, 401, 'missing or unknown bearer token', { 'WWW-Authenticate': 'Bearer' });
    const segment = p.slice(CACHE_PREFIX.length);
    const hash = decoded(segment);
    if (hash === undefined) return text(res, 400, 'malformed URL');
    if (segment.includes('/')) return text(res, 404, 'not found');
    if (!HASH.test(hash)) return text(res, 400, 'invalid hash');

    if (req.method === 'GET') {
      const entry = await storage.read(hash);
      if (!entry) return text(res, 404, 'not found');
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': entry.size });
      ctx.bytes = entry.size;
      const stream = entry.open();
      stream.on('error', () => res.destroy());
      return void stream.pipe(res);
    }
    if (req.method === 'PUT') {
      if (role !== 'read-write') return text(res, 403, 'read-only token');
      const cl = req.headers['content-length'];
      if (cl === undefined) return text(res, 411, 'Content-Length required', { Connection: 'close' });
      const length = Number(cl);
      if (!Number.isSafeInteger(length) || length < 0) return text(res, 400, 'invalid Content-Length', { Connection: 'close' });
      if (length > maxEntryBytes) return text(res, 413, 'entry too large', { Connection: 'close' });
      if (storage.has(hash)) return text(res, 409, 'entry exists');
      const result = await storage.write(hash, req, length);
      ctx.bytes = length;
      if (result === 'stored') return text(res, 200, 'stored');
      if (result === 'exists') return text(res, 409, 'entry exists');
      if (!res.destroyed) return text(res, 400, 'body shorter than Content-Length', { Connection: 'close' });
      return;
    }
    return text(res, 405, 'method not allowed', { Allow: 'GET, PUT' });
  }

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const t0 = performance.now();
    const ctx: { role?: Role; bytes: number } = { bytes: 0 };
    res.on('close', () => {
      log({ method: req.method, path: req.url, status: res.statusCode, bytes: ctx.bytes, ms: Math.round(performance.now() - t0), role: ctx.role ?? null });
    });
    handle(req, res, ctx).catch((err: NodeJS.ErrnoException) => {
      log({ level: 'error', event: 'error', method: req.method, path: req.url, code: err.code, error: err.message });
      if (res.headersSent) res.destroy();
      else if (isNoSpace(err)) text(res, 507, 'insufficient storage');
      else text(res, 500, 'internal error');
    });
  }

  const server = http.createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: o.keepAliveTimeoutMs ?? 5_000,
      // Node enforces the two timeouts above only on this tick (default 30 s, which let a slow client live ~81 s).
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
    onRequest,
  );
  server.timeout = o.idleTimeoutMs ?? 60_000;
  cap.attach(server);
  // Expired entries go even when nobody writes.
  const sweep = setInterval(() => storage.evict(), 60_000);
  sweep.unref();

  let address: AddressInfo | undefined;
  return {
    storage,
    maxConnections: cap.max,
    get port() {
      return address?.port ?? -1;
    },
    get url() {
      return address ? `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}` : '';
    },
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(o.port ?? 3939, o.host ?? '127.0.0.1', () => {
          address = server.address() as AddressInfo;
          resolve({ host: address.address, port: address.port, url: this.url });
        });
      });
    },
    close() {
      clearInterval(sweep);
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
