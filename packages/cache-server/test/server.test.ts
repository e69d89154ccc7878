/**
 * The cache server over real HTTP on loopback, storing on the real filesystem: the Nx contract, auth, refusal of
 * truncated and duplicate writes, checksum verification, eviction, a bounded concurrent load, and hardening against
 * malformed URLs, a full disk (a real 1 MB tmpfs), stray files, slow/idle connection floods and /health disclosure.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCacheServer, maxConnectionsFor, type CacheServer, type CacheServerOptions } from '@codegraph/cache-server';

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

function statusOf(reply: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
}

/** A raw connection whose fate the test watches: what the server sent, and whether (and when) it closed it. */
interface Watched {
  sock: net.Socket;
  data: string;
  closed: boolean;
  whenClosed: Promise<void>;
}

function watch(url: string, onConnect?: (sock: net.Socket) => void): Promise<Watched> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname);
    let closed!: () => void;
    const w: Watched = { sock, data: '', closed: false, whenClosed: new Promise((r) => (closed = r)) };
    sock.setEncoding('latin1');
    sock.on('data', (c: string) => (w.data += c));
    sock.on('error', () => undefined); // a reset is one way for the server to close it
    sock.on('close', () => {
      w.closed = true;
      closed();
    });
    sock.once('connect', () => {
      onConnect?.(sock);
      resolve(w);
    });
    sock.once('error', reject);
  });
}

/** Resolves when `w` is closed by the server, fails the test if that has not happened within `ms`. */
async function closedWithin(w: Watched, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms)));
  try {
    await Promise.race([w.whenClosed, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes `text` one byte every `everyMs` until done or the server closes the connection. */
function dribble(w: Watched, text: string, everyMs: number): void {
  let i = 0;
  const t = setInterval(() => {
    if (w.closed || i >= text.length) return clearInterval(t);
    w.sock.write(text[i++]!);
  }, everyMs);
  void w.whenClosed.then(() => clearInterval(t));
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  for (const t0 = Date.now(); !cond(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not reached within ${ms} ms`);
  }
}

/** Why a 1 MB tmpfs cannot be mounted here (not root, no Linux), or undefined when it can. */
function tmpfsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `${process.platform} is not Linux`;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cache-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `'mount -t tmpfs' is not permitted (${String((err as { stderr?: Buffer }).stderr ?? err).trim().split('\n')[0]})`;
  } finally {
    fs.rmdirSync(probe);
  }
}

/**
 * A just-closed server may still be releasing a file descriptor (a read stream closes after its last byte), and on a
 * busy machine that can take longer than a test should wait: after a few tries the mount is detached lazily
 * (`umount -l`), which the kernel completes once the last descriptor closes.
 */
async function unmount(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync('umount', attempt < 25 ? [dir] : ['-l', dir], { stdio: 'pipe' });
      return;
    } catch (err) {
      if (attempt >= 26) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
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
      // Exactly text/plain: Nx 24 calls any other 401 (even with a charset) a "misconfigured remote cache endpoint".
      expect(res.headers.get('content-type')).toBe('text/plain');
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

  it('logs one structured record per request', async () => {
    const { url, logs } = await start();
    await put(url, 'h', Buffer.from('abc'));
    const rec = logs.find((l) => l.method === 'PUT');
    expect(rec).toMatchObject({ path: '/v1/cache/h', status: 200, bytes: 3, role: 'read-write' });
  });

  it('binds to 127.0.0.1 by default', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('hardening', () => {
  function request(url: string, method: string, target: string, token?: string): Promise<string> {
    const auth = token ? `Authorization: Bearer ${token}\r\n` : '';
    const body = method === 'PUT' ? 'Content-Length: 1\r\n\r\nx' : '\r\n';
    return raw(url, `${method} ${target} HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n${body}`);
  }

  it('answers 400 to malformed %-encoding, after authenticating on cache routes', async () => {
    const { url, dir, logs } = await start();
    for (const target of ['/v1/cache/%E0%A4%A', '/v1/cache/%', '/v1/cache/ab%ZZcd']) {
      expect(statusOf(await request(url, 'GET', target))).toBe(401);
      expect(statusOf(await request(url, 'PUT', target))).toBe(401);
      expect(statusOf(await request(url, 'GET', target, 'wrong'))).toBe(401);
      expect(statusOf(await request(url, 'GET', target, RO))).toBe(400);
      expect(statusOf(await request(url, 'PUT', target, RW))).toBe(400);
    }
    expect(statusOf(await request(url, 'GET', '/elsewhere%E0%A4%A'))).toBe(400);
    expect(statusOf(await request(url, 'GET', '/elsewhere'))).toBe(404);
    expect(statusOf(await request(url, 'GET', '/health?q=%E0%A4%A'))).toBe(200);
    expect(statusOf(await request(url, 'GET', '/v1/cache/..%2F..%2Fetc%2Fpasswd'))).toBe(401);
    expect(statusOf(await request(url, 'GET', '/v1/cache/..%2F..%2Fetc%2Fpasswd', RO))).toBe(400);
    expect(logs.filter((l) => l.event === 'error' || l.status === 500)).toEqual([]);
    expect(entryFiles(dir)).toEqual([]);
    expect((await get(url, 'still-fine')).status).toBe(404);
  });

  const noTmpfs = tmpfsUnavailable();
  if (noTmpfs) console.warn(`SKIPPED the disk-full (507) test: ${noTmpfs}; it needs root to mount a 1 MB tmpfs.`);
  (noTmpfs ? it.skip : it)('answers 507 on a full disk (a real 1 MB tmpfs), logs an error record, then recovers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cache-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    try {
      const s = await start({ storageDir: dir });
      started.splice(started.indexOf(s), 1); // closed here, before the unmount
      try {
        const res = await put(s.url, 'toobig', randomBytes(3 * 1024 * 1024));
        expect(res.status).toBe(507);
        expect(await res.text()).toBe('insufficient storage');
        expect(s.logs).toContainEqual(expect.objectContaining({ level: 'error', event: 'error', code: 'ENOSPC', path: '/v1/cache/toobig' }));
        expect(s.logs).toContainEqual(expect.objectContaining({ method: 'PUT', path: '/v1/cache/toobig', status: 507 }));
        expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
        expect(s.server.storage.stats()).toEqual({ entries: 0, bytes: 0 });
        // The partial upload's space was given back: entries that fit are stored, and the failed hash is not poisoned.
        expect((await put(s.url, 'fits', randomBytes(300_000))).status).toBe(200);
        expect((await put(s.url, 'toobig', Buffer.from('small now'))).status).toBe(200);
        expect(await (await get(s.url, 'toobig')).text()).toBe('small now');
      } finally {
        await s.server.close();
      }
    } finally {
      await unmount(dir);
      fs.rmdirSync(dir);
    }
  });

  it('starts despite stray files, warns once, leaves them alone and removes only its own temp files', async () => {
    const first = await start();
    await put(first.url, 'abc123', Buffer.from('kept'));
    await first.server.close();
    started.splice(started.indexOf(first), 1);
    const dir = first.dir;
    const strays = {
      files: ['README', '.DS_Store', 'entries/.DS_Store', 'entries/ab/.DS_Store', 'entries/ab/abc123.tmp', 'entries/zz/abc'],
      dirs: ['lost+found', 'entries/ab/subdir', 'tmp/somedir'],
    };
    for (const f of strays.files) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), 'x'.repeat(100));
    }
    for (const d of strays.dirs) fs.mkdirSync(path.join(dir, d), { recursive: true });
    const passwd = path.join(dir, 'outside');
    fs.writeFileSync(passwd, Buffer.concat([createHash('sha256').update('secret').digest(), Buffer.from('secret')]));
    fs.symlinkSync(passwd, path.join(dir, 'entries', 'ab', 'ablink'));
    const ourTemps = ['abc999.0123456789ab', '.DS_Store'].map((f) => path.join(dir, 'tmp', f)); // tmp/ is the server's own
    for (const f of ourTemps) fs.writeFileSync(f, 'half an upload');

    const second = await start({ storageDir: dir });
    expect(await (await get(second.url, 'abc123')).text()).toBe('kept');
    expect((await get(second.url, 'ablink')).status).toBe(404); // a symlink is never an entry
    expect(second.server.storage.stats()).toEqual({ entries: 1, bytes: 4 });
    const warnings = second.logs.filter((l) => l.event === 'stray-files');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', count: strays.files.length + strays.dirs.length + 2 }); // + outside, ablink
    expect((warnings[0]!.paths as string[]).sort()).toEqual([...strays.files, ...strays.dirs, 'outside', 'entries/ab/ablink'].sort());
    expect(second.logs).toContainEqual(expect.objectContaining({ event: 'removed-temp-files', count: 2 }));
    for (const f of ourTemps) expect(fs.existsSync(f)).toBe(false);
    for (const p of [...strays.files, ...strays.dirs, 'outside']) expect(fs.existsSync(path.join(dir, p))).toBe(true);
    expect((await put(second.url, 'abc999', Buffer.from('new'))).status).toBe(200);
  });

  it('cuts a client that sends its headers a byte at a time, and one that sends nothing', async () => {
    const { url } = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const slow = await watch(url);
    dribble(slow, `GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(2000)}\r\n\r\n`, 20);
    const silent = await watch(url);
    await closedWithin(slow, 5000, 'byte-per-tick client');
    await closedWithin(silent, 5000, 'silent client');
    expect(statusOf(slow.data)).toBe(408);
    expect(statusOf(silent.data)).toBe(408);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('cuts a slow upload at the request timeout and a stalled one at the idle timeout, storing neither', async () => {
    const { url, dir, server } = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 300 });
    const head = (hash: string) => `PUT /v1/cache/${hash} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${RW}\r\nContent-Length: 5000\r\n\r\n`;
    const slow = await watch(url, (s) => s.write(head('slowbody')));
    dribble(slow, 'y'.repeat(5000), 20);
    const stalled = await watch(url, (s) => s.write(head('stalled') + 'z'.repeat(100)));
    await closedWithin(slow, 5000, 'slow upload');
    await closedWithin(stalled, 5000, 'stalled upload');
    await until(() => server.storage.uploading() === 0, 'uploads abandoned');
    expect(entryFiles(dir)).toEqual([]);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    expect((await get(url, 'slowbody')).status).toBe(404);
  });

  it('closes a keep-alive connection left idle after its response', async () => {
    const { url } = await start({ keepAliveTimeoutMs: 200 });
    const conn = await watch(url, (s) => s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
    await closedWithin(conn, 5000, 'idle keep-alive connection');
    expect(statusOf(conn.data)).toBe(200);
  });

  it('caps connections: an idle flood rotates through the slots while /health and an upload in progress are served', async () => {
    const cap = 10;
    const { url, server } = await start({ maxConnections: cap });
    const upload = await watch(url, (s) =>
      s.write(`PUT /v1/cache/inflight HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${RW}\r\nContent-Length: 10\r\n\r\n12345`),
    );
    await until(() => server.storage.uploading() === 1, 'upload started');
    const flood: Watched[] = [];
    for (let i = 0; i < 4 * cap; i++) flood.push(await watch(url));
    await until(() => flood.filter((w) => !w.closed).length <= cap - 1, 'idle connections beyond the cap closed');
    expect(flood.filter((w) => !w.closed).length).toBe(cap - 1); // the newest ones; the oldest made room
    expect(flood.slice(-(cap - 1)).every((w) => !w.closed)).toBe(true);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(upload.closed).toBe(false);
    upload.sock.write('67890');
    await until(() => statusOf(upload.data) !== 0, 'upload answered');
    expect(statusOf(upload.data)).toBe(200);
    expect(await (await get(url, 'inflight')).text()).toBe('1234567890');
  });

  it('refuses a new connection when every slot is serving a request', async () => {
    const { url, server } = await start({ maxConnections: 2 });
    const head = (h: string) => `PUT /v1/cache/${h} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${RW}\r\nContent-Length: 2\r\n\r\n1`;
    const a = await watch(url, (s) => s.write(head('busy1')));
    const b = await watch(url, (s) => s.write(head('busy2')));
    await until(() => server.storage.uploading() === 2, 'both uploads started');
    const refused = await watch(url);
    await closedWithin(refused, 5000, 'connection over the cap');
    expect(refused.data).toBe('');
    for (const w of [a, b]) w.sock.write('2');
    await until(() => statusOf(a.data) === 200 && statusOf(b.data) === 200, 'both uploads stored');
  });

  it('derives the default connection cap from the open-file limit', () => {
    const limits = (n: string) => `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${n}                 ${n}                 files\n`;
    expect(maxConnectionsFor(limits('1024'))).toBe(512);
    expect(maxConnectionsFor(limits('1048576'))).toBe(4096);
    expect(maxConnectionsFor(limits('20'))).toBe(32);
    expect(maxConnectionsFor(undefined)).toBe(1024);
    const dir = path.join(os.tmpdir(), `cg-cache-never-${process.pid}`);
    expect(() => createCacheServer({ storageDir: dir, allowAnonymous: true, maxConnections: 0 })).toThrow(/max connections/);
    expect(() => createCacheServer({ storageDir: dir, allowAnonymous: true, headersTimeoutMs: 2000, requestTimeoutMs: 1000 })).toThrow(/timeouts/);
    expect(fs.existsSync(dir)).toBe(false); // bad options are refused before the storage folder is touched
  });

  it('shows only {"status":"ok"} on /health without a valid token, the figures with one', async () => {
    const { url } = await start();
    await put(url, 'h', Buffer.from('abc'));
    for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: `Basic ${RW}` }]) {
      const res = await fetch(`${url}/health`, { headers });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
    const res = await fetch(`${url}/health`, { headers: { Authorization: `Bearer ${RO}` } });
    expect(await res.json()).toMatchObject({ status: 'ok', role: 'read-only', entries: 1, bytes: 3, uploading: 0 });
    const anon = await start({ tokens: [], allowAnonymous: true });
    expect(await (await fetch(`${anon.url}/health`)).json()).toMatchObject({ status: 'ok', role: 'read-write', entries: 0 });
  });

  it('keeps the CLI health check CI runs (docs/ci.md) working, and it checks the token Nx will use', async () => {
    const { url } = await start();
    const bin = path.join(__dirname, '..', 'bin', 'codegraph-cache-server.js');
    const health = (target: string, token?: string) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        const env = { ...process.env, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token ?? '' };
        execFile(process.execPath, [bin, 'health', target, '--timeout-ms', '2000'], { env }, (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code) : 0, out: stdout + stderr }),
        );
      });
    const anonymous = await health(url);
    expect(anonymous).toMatchObject({ code: 0 });
    expect(anonymous.out).toMatch(/^healthy: .*\{"status":"ok"\}/);
    const ro = await health(url, RO);
    expect(ro.code).toBe(0);
    expect(ro.out).toMatch(/"role":"read-only".*"entries":0/);
    const wrong = await health(url, 'rotated-away');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/^unavailable: .*token not accepted/);
    const closed = await start();
    await closed.server.close();
    expect((await health(closed.url)).code).toBe(1);
  });
});

describe('load', () => {
  it('serves 1,200 concurrent mixed GET/PUT requests with nothing lost or corrupted', async () => {
    // fetch opens one connection per concurrent request: the cap must not depend on this machine's open-file limit.
    const { url, server } = await start({ maxConnections: 2000 });
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
