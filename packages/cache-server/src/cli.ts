/** Command line of the cache server; flags override environment variables. */
import { parseArgs } from 'node:util';
import { parseTokenSpec, type TokenSpec } from './auth';
import { checkHealth } from './health';
import { createCacheServer } from './server';
import { parseDuration, parseSize } from './size';

const USAGE = `usage:
  codegraph-cache-server [--dir DIR] [--host 127.0.0.1] [--port 3939] [--max-size 50GB] [--max-entry-size 2GB]
                         [--max-age 30d] [--token rw:SECRET] [--token ro:SECRET] [--allow-anonymous] [--quiet]
                         [--headers-timeout 10s] [--request-timeout 10m] [--keep-alive-timeout 5s]
                         [--idle-timeout 60s] [--max-connections N (default: half the open-file limit, <= 4096)]
  codegraph-cache-server health <url> [--timeout-ms 3000] [--token SECRET]
    exit 0 when the server answers /health and accepts the token (if one is given; default
    $NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN), 1 otherwise

environment: CODEGRAPH_CACHE_DIR, CODEGRAPH_CACHE_HOST, CODEGRAPH_CACHE_PORT, CODEGRAPH_CACHE_TOKENS="rw:abc,ro:def"
Nx clients: NX_SELF_HOSTED_REMOTE_CACHE_SERVER=http://host:port NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=SECRET`;

function optionalDuration(s: string | undefined): number | undefined {
  return s === undefined ? undefined : parseDuration(s);
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'health') {
    const { values, positionals } = parseArgs({
      args: argv.slice(1),
      allowPositionals: true,
      options: { 'timeout-ms': { type: 'string' }, token: { type: 'string' } },
    });
    const url = positionals[0] ?? process.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
    if (!url) {
      console.error(USAGE);
      return 2;
    }
    const token = values.token ?? process.env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN;
    const r = await checkHealth(url, Number(values['timeout-ms'] ?? 3000), token || undefined);
    (r.ok ? console.log : console.error)(`${r.ok ? 'healthy' : 'unavailable'}: ${url} (${r.detail})`);
    return r.ok ? 0 : 1;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'max-size': { type: 'string' },
      'max-entry-size': { type: 'string' },
      'max-age': { type: 'string' },
      'headers-timeout': { type: 'string' },
      'request-timeout': { type: 'string' },
      'keep-alive-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'max-connections': { type: 'string' },
      token: { type: 'string', multiple: true },
      'allow-anonymous': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const tokens: TokenSpec[] = [
    ...(process.env.CODEGRAPH_CACHE_TOKENS ?? '').split(',').filter(Boolean).map((s) => parseTokenSpec(s.trim())),
    ...(values.token ?? []).map(parseTokenSpec),
  ];
  const server = createCacheServer({
    storageDir: values.dir ?? process.env.CODEGRAPH_CACHE_DIR ?? '.codegraph-cache',
    host: values.host ?? process.env.CODEGRAPH_CACHE_HOST ?? '127.0.0.1',
    port: Number(values.port ?? process.env.CODEGRAPH_CACHE_PORT ?? 3939),
    tokens,
    allowAnonymous: values['allow-anonymous'],
    maxTotalBytes: values['max-size'] ? parseSize(values['max-size']) : undefined,
    maxEntryBytes: values['max-entry-size'] ? parseSize(values['max-entry-size']) : undefined,
    maxAgeMs: values['max-age'] ? parseDuration(values['max-age']) : undefined,
    quiet: values.quiet,
    headersTimeoutMs: optionalDuration(values['headers-timeout']),
    requestTimeoutMs: optionalDuration(values['request-timeout']),
    keepAliveTimeoutMs: optionalDuration(values['keep-alive-timeout']),
    idleTimeoutMs: optionalDuration(values['idle-timeout']),
    maxConnections: values['max-connections'] === undefined ? undefined : Number(values['max-connections']),
  });
  const { url } = await server.listen();
  console.log(`codegraph-cache-server listening on ${url} (${server.storage.stats().entries} entries, at most ${server.maxConnections} connections)`);
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}
