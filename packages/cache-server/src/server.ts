/**
 * Nx's self-hosted remote cache contract (Nx 24, `NX_SELF_HOSTED_REMOTE_CACHE_SERVER`):
 *   GET /v1/cache/{hash} → 200 body | 404
 *   PUT /v1/cache/{hash} (Content-Length required) → 200 stored | 409 exists (never overwritten) | 403 read-only
 *   401 (text/plain) without a valid `Authorization: Bearer` token.
 * Plus `GET /health` (no auth) for CI to decide whether to use the remote cache at all.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Auth, type Role, type TokenSpec } from './auth';
import { FsStorage } from './storage';

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
  /** Where structured log records go (default: one JSON line each on stderr). */
  log?: (rec: Record<string, unknown>) => void;
}

export interface CacheServer {
  listen(): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
  readonly port: number;
  readonly url: string;
  readonly storage: FsStorage;
}

const HASH = /^[A-Za-z0-9_-]{1,128}$/;

function text(res: http.ServerResponse, status: number, body: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed', { Allow: 'GET' });
      const body = JSON.stringify({ status: 'ok', ...storage.stats(), uploading: storage.uploading(), uptimeSeconds: Math.round((Date.now() - started) / 1000) });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      return void res.end(body);
    }
    const m = /^\/v1\/cache\/([^/]*)$/.exec(url.pathname);
    if (!m) return text(res, 404, 'not found');
    const hash = decodeURIComponent(m[1]!);
    if (!HASH.test(hash)) return text(res, 400, 'invalid hash');
    const role = auth.roleOf(req.headers.authorization);
    ctx.role = role;
    if (!role) return text(res, 401, 'unauthorized', { 'WWW-Authenticate': 'Bearer' });

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

  const server = http.createServer((req, res) => {
    const t0 = performance.now();
    const ctx: { role?: Role; bytes: number } = { bytes: 0 };
    res.on('close', () => {
      log({ method: req.method, path: req.url, status: res.statusCode, bytes: ctx.bytes, ms: Math.round(performance.now() - t0), role: ctx.role ?? null });
    });
    handle(req, res, ctx).catch((err: Error) => {
      log({ event: 'error', path: req.url, error: err.message });
      if (!res.headersSent) text(res, 500, 'internal error');
      else res.destroy();
    });
  });
  // Expired entries go even when nobody writes.
  const sweep = setInterval(() => storage.evict(), 60_000);
  sweep.unref();

  let address: AddressInfo | undefined;
  return {
    storage,
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
