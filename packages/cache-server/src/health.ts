/**
 * `codegraph-cache-server health <url>`: is the remote cache usable right now? CI falls back to the local cache if not.
 *
 * Given a token (CI has `NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN` set anyway), the check also proves the server
 * accepts it — only then does `/health` answer with the store's figures — because Nx would fail every cache request
 * with that token just as it fails on an unreachable server.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface HealthResult {
  ok: boolean;
  detail: string;
}

export function checkHealth(baseUrl: string, timeoutMs = 3000, token?: string): Promise<HealthResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL('/health', baseUrl);
    } catch {
      return resolve({ ok: false, detail: `not a URL: ${baseUrl}` });
    }
    const get = url.protocol === 'https:' ? https.get : http.get;
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const req = get(url, { timeout: timeoutMs, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const detail = `${res.statusCode} ${body.slice(0, 200)}`;
        if (res.statusCode !== 200) return resolve({ ok: false, detail });
        if (token && !tokenAccepted(body)) return resolve({ ok: false, detail: `token not accepted: ${detail}` });
        resolve({ ok: true, detail });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, detail: err.message }));
  });
}

/** The server names the token's role only when it accepted the token. */
function tokenAccepted(body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { role?: unknown }).role === 'string';
  } catch {
    return false;
  }
}
