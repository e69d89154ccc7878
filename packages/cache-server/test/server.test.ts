/**
 * The cache server over real HTTP on loopback, storing on the real filesystem: the Nx contract, auth, refusal of
 * truncated and duplicate writes, checksum verification, eviction, and a bounded concurrent load.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCacheServer, type CacheServer, type CacheServerOptions } from '@codegraph/cache-server';

const RW = 'rw-secret';
const RO = 'ro-secret';

interface Started {
  server: CacheServer;
  url: string;
  dir: string;
  logs: Record<string, unknown>[];
}

const started: Started[] = [];

async function start(opts: Partial<CacheServerOptions> = {}): Promise<Started> {
  const dir = opts.storageDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cache-'));
  const logs: Record<string, unknown>[] = [];
  const server = createCacheServer({
    storageDir: dir,
    tokens: [
      { token: RW, role: 'read-write' },
      { token: RO, role: 'read-only' },
    ],
    port: 0,
    log: (r) => logs.push(r),
    ...opts,
  });
  const { url } = await server.listen();
  const s = { server, url, dir, logs };
  started.push(s);
  return s;
}

afterEach(async () => {
  for (const s of started.splice(0)) {
    await s.server.close();
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});

function put(url: string, hash: string, body: Buffer, token: string | null = RW): Promise<Response> {
  return fetch(`${url}/v1/cache/${hash}`, {
    method: 'PUT',
    body,
    headers: { 'Content-Type': 'application/octet-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
}

function get(url: string, hash: string, token: string | null = RO): Promise<Response> {
  return fetch(`${url}/v1/cache/${hash}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

/** A raw HTTP exchange, for requests fetch will not send (no Content-Length, a body cut short). */
function raw(url: string, request: string, opts: { closeAfterWrite?: boolean } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname, () => {
      sock.write(request);
      if (opts.closeAfterWrite) sock.end();
    });
    let data = '';
    sock.setEncoding('latin1');
    sock.on('data', (c: string) => (data += c));
    sock.on('close', () => resolve(data));
    sock.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(data) : reject(err)));
  });
}

function entryFiles(dir: string): string[] {
  const root = path.join(dir, 'entries');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((s) => fs.readdirSync(path.join(root, s)));
}

describe('Nx remote cache contract', () => {
  it('stores with PUT, serves with GET, never overwrites', async () => {
    const { url } = await start();
    const body = randomBytes(100_000);
    expect((await get(url, 'abc123')).status).toBe(404);
    const stored = await put(url, 'abc123', body);
    expect(stored.status).toBe(200);
    const got = await get(url, 'abc123');
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(body)).toBe(true);
    const again = await put(url, 'abc123', randomBytes(10));
    expect(again.status).toBe(409);
    expect(Buffer.from(await (await get(url, 'abc123')).arrayBuffer()).equals(body)).toBe(true);
  });

  it('stores an empty body', async () => {
    const { url } = await start();
    expect((await put(url, 'empty', Buffer.alloc(0))).status).toBe(200);
    const got = await get(url, 'empty');
    expect(got.status).toBe(200);
    expect((await got.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers 401 as text/plain without a valid token, 403 to a read-only PUT', async () => {
    const { url, dir } = await start();
    for (const res of [await get(url, 'h1', null), await get(url, 'h1', 'wrong'), await put(url, 'h1', Buffer.from('x'), null)]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    }
    const ro = await put(url, 'h1', Buffer.from('x'), RO);
    expect(ro.status).toBe(403);
    expect(entryFiles(dir)).toEqual([]);
    // A read-only token reads what a read-write token stored.
    await put(url, 'h2', Buffer.from('shared'));
    expect(await (await get(url, 'h2', RO)).text()).toBe('shared');
  });

  it('refuses to start without tokens unless anonymous access is explicit', async () => {
    expect(() => createCacheServer({ storageDir: os.tmpdir(), tokens: [] })).toThrow(/refusing to start without tokens/);
    const { url } = await start({ tokens: [], allowAnonymous: true });
    expect((await put(url, 'anon', Buffer.from('a'), null)).status).toBe(200);
  });

  it('rejects bad hashes, missing Content-Length and oversized entries', async () => {
    const { url, dir } = await start({ maxEntryBytes: 1000 });
    expect((await get(url, '..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
    expect((await put(url, 'big', randomBytes(1001))).status).toBe(413);
    const chunked = await raw(
      url,
      `PUT /v1/cache/nolen HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${RW}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 411/);
    expect(entryFiles(dir)).toEqual([]);
  });

  it('never stores a body shorter than its Content-Length', async () => {
    const { url, dir, server, logs } = await start();
    const reply = await raw(
      url,
      `PUT /v1/cache/short HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${RW}\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(400)}`,
      { closeAfterWrite: true },
    );
    expect(reply).not.toMatch(/^HTTP\/1\.1 200/);
    // The upload is abandoned asynchronously: wait until the server has seen the request and given up on it.
    const settled = () => logs.some((l) => l.method === 'PUT' && l.path === '/v1/cache/short') && server.storage.uploading() === 0;
    for (let i = 0; i < 250 && !settled(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(settled()).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    expect(entryFiles(dir)).toEqual([]);
    expect((await get(url, 'short')).status).toBe(404);
    expect(server.storage.stats()).toEqual({ entries: 0, bytes: 0 });
    // The hash is not poisoned: a complete upload afterwards is stored.
    expect((await put(url, 'short', Buffer.alloc(1000, 1))).status).toBe(200);
  });

  it('gives one winner to concurrent uploads of one hash', async () => {
    const { url } = await start();
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(200_000, i));
    const statuses = await Promise.all(bodies.map((b) => put(url, 'race', b).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    const got = Buffer.from(await (await get(url, 'race')).arrayBuffer());
    expect(bodies.some((b) => b.equals(got))).toBe(true);
  });

  it('detects a corrupt entry by checksum and never serves it', async () => {
    const { url, dir, logs } = await start();
    await put(url, 'c0ffee', Buffer.from('the real task output'));
    const file = path.join(dir, 'entries', 'c0', 'c0ffee');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
    expect((await get(url, 'c0ffee')).status).toBe(404);
    expect(logs.some((l) => l.event === 'corrupt-entry' && l.hash === 'c0ffee')).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect((await put(url, 'c0ffee', Buffer.from('the real task output'))).status).toBe(200);
  });

  it('keeps entries across a restart and drops uploads a crash left behind', async () => {
    const first = await start();
    await put(first.url, 'keep', Buffer.from('kept'));
    fs.writeFileSync(path.join(first.dir, 'tmp', 'keep2.deadbeef'), 'half an upload');
    await first.server.close();
    started.splice(started.indexOf(first), 1);
    const second = await start({ storageDir: first.dir });
    expect(await (await get(second.url, 'keep')).text()).toBe('kept');
    expect(fs.readdirSync(path.join(second.dir, 'tmp'))).toEqual([]);
  });

  it('evicts least recently used entries over the size limit (down to 90%), and expired ones', async () => {
    const { url, server } = await start({ maxTotalBytes: 3500 });
    for (const h of ['e1', 'e2', 'e3']) {
      await put(url, h, Buffer.alloc(1000, 7));
      await new Promise((r) => setTimeout(r, 5));
    }
    await get(url, 'e1'); // e1 is now the most recently used
    await new Promise((r) => setTimeout(r, 5));
    await put(url, 'e4', Buffer.alloc(1000, 8));
    expect((await get(url, 'e2')).status).toBe(404);
    for (const h of ['e1', 'e3', 'e4']) expect((await get(url, h)).status).toBe(200);
    expect(server.storage.stats().bytes).toBeLessThanOrEqual(3500);
    expect(server.storage.evict(Date.now() + 10 * 86400e3)).toBe(0); // no max age configured

    const aged = await start({ maxAgeMs: 60_000 });
    await put(aged.url, 'old', Buffer.from('x'));
    expect(aged.server.storage.evict(Date.now() + 120_000)).toBe(1);
    expect((await get(aged.url, 'old')).status).toBe(404);
  });

  it('reports health without auth, and logs one structured record per request', async () => {
    const { url, logs } = await start();
    await put(url, 'h', Buffer.from('abc'));
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', entries: 1, bytes: 3 });
    const rec = logs.find((l) => l.method === 'PUT');
    expect(rec).toMatchObject({ path: '/v1/cache/h', status: 200, bytes: 3, role: 'read-write' });
  });

  it('binds to 127.0.0.1 by default', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('load', () => {
  it('serves 1,200 concurrent mixed GET/PUT requests with nothing lost or corrupted', async () => {
    const { url, server } = await start();
    const N = 400;
    const bodies = Array.from({ length: N }, (_, i) => randomBytes(1024 + ((i * 7919) % 65536)));
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const hashes = bodies.map((b) => digest(b));
    // Half the entries exist before the burst; the burst PUTs all of them (half 409), GETs all (racing the PUTs).
    await Promise.all(bodies.slice(0, N / 2).map((b, i) => put(url, hashes[i]!, b)));
    const t0 = performance.now();
    const ops: Promise<{ kind: string; i: number; status: number; body?: Buffer }>[] = [];
    for (let i = 0; i < N; i++) {
      ops.push(put(url, hashes[i]!, bodies[i]!).then((r) => ({ kind: 'put', i, status: r.status })));
      ops.push(get(url, hashes[i]!).then(async (r) => ({ kind: 'get', i, status: r.status, body: Buffer.from(await r.arrayBuffer()) })));
      ops.push(get(url, hashes[(i * 31) % N]!).then(async (r) => ({ kind: 'get', i: (i * 31) % N, status: r.status, body: Buffer.from(await r.arrayBuffer()) })));
    }
    const results = await Promise.all(ops);
    const seconds = (performance.now() - t0) / 1000;
    console.log(`cache-server load: ${results.length} concurrent requests in ${seconds.toFixed(2)} s (${Math.round(results.length / seconds)} req/s)`);
    for (const r of results) {
      if (r.kind === 'put') expect(r.status).toBe(r.i < N / 2 ? 409 : 200);
      else if (r.status === 200) expect(digest(r.body!)).toBe(hashes[r.i]);
      else {
        expect(r.status).toBe(404);
        expect(r.i).toBeGreaterThanOrEqual(N / 2); // only entries still being uploaded may be missing
      }
    }
    // Afterwards every entry is there, intact.
    for (let i = 0; i < N; i++) {
      const r = await get(url, hashes[i]!);
      expect(digest(Buffer.from(await r.arrayBuffer()))).toBe(hashes[i]);
    }
    expect(server.storage.stats().entries).toBe(N);
  });
});
