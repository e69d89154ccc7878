#!/usr/bin/env node
/**
 * Load benchmark: the server in its own process (as deployed), driven over loopback by this one with waves of
 * concurrent mixed GET/PUT requests. Checks every body it reads back, prints throughput.
 *
 *   node packages/cache-server/bench/load.mjs [--requests 6000] [--concurrency 1000] [--size 65536]
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '6000' }, concurrency: { type: 'string', default: '1000' }, size: { type: 'string', default: '65536' } },
});
const total = Number(values.requests);
const concurrency = Number(values.concurrency);
const maxSize = Number(values.size);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cache-bench-'));
const bin = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'bin', 'codegraph-cache-server.js');
const child = spawn(process.execPath, [bin, '--dir', dir, '--port', '0', '--token', 'rw:bench', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  child.stdout.on('data', (d) => {
    const m = /listening on (\S+)/.exec(String(d));
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
});

// Whatever happens, the server child goes too (a crash here used to leave it running, holding the output pipe).
process.on('exit', () => child.kill('SIGTERM'));
const digest = (b) => createHash('sha256').update(b).digest('hex');
/** A request that got no answer at all (reset, closed): counted and named, instead of aborting the run. */
const errors = new Map();
const failed = (err) => {
  bad++;
  const code = err?.cause?.code ?? err?.code ?? err?.message;
  errors.set(code, (errors.get(code) ?? 0) + 1);
};
const bodies = [];
const headers = { Authorization: 'Bearer bench' };
let ok = 0;
let bad = 0;
let bytes = 0;
const t0 = performance.now();
for (let done = 0; done < total; done += concurrency) {
  const wave = [];
  for (let i = 0; i < Math.min(concurrency, total - done); i++) {
    // Two GETs of known entries for every PUT of a new one: a cache is read more than written.
    if (i % 3 === 0 || bodies.length === 0) {
      const body = randomBytes(1 + Math.floor(Math.random() * maxSize));
      const hash = digest(body);
      wave.push(
        fetch(`${url}/v1/cache/${hash}`, { method: 'PUT', body, headers })
          .then(async (r) => {
            await r.arrayBuffer();
            if (r.status === 200) bodies.push([hash, body.length]);
            r.status === 200 ? ok++ : bad++;
            bytes += body.length;
          })
          .catch(failed),
      );
    } else {
      const [hash, len] = bodies[Math.floor(Math.random() * bodies.length)];
      wave.push(
        fetch(`${url}/v1/cache/${hash}`, { headers })
          .then(async (r) => {
            const b = Buffer.from(await r.arrayBuffer());
            r.status === 200 && b.length === len && digest(b) === hash ? ok++ : bad++;
            bytes += b.length;
          })
          .catch(failed),
      );
    }
  }
  await Promise.all(wave);
}
const s = (performance.now() - t0) / 1000;
child.kill('SIGTERM');
fs.rmSync(dir, { recursive: true, force: true });
console.log(`${total} requests (${concurrency} concurrent, bodies ≤ ${maxSize} B): ${Math.round(total / s)} req/s, ${(bytes / s / 1e6).toFixed(1)} MB/s, ${ok} ok, ${bad} failed or corrupt`);
if (errors.size) console.log(`no answer: ${[...errors].map(([code, n]) => `${n}× ${code}`).join(', ')}`);
process.exit(bad ? 1 : 0);
