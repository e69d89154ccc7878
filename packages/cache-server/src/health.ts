/** `codegraph-cache-server health <url>`: is the remote cache usable right now? CI falls back to the local cache if not. */
import * as http from 'node:http';
import * as https from 'node:https';

export function checkHealth(baseUrl: string, timeoutMs = 3000): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL('/health', baseUrl);
    } catch {
      return resolve({ ok: false, detail: `not a URL: ${baseUrl}` });
    }
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ ok: res.statusCode === 200, detail: `${res.statusCode} ${body.slice(0, 200)}` }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, detail: err.message }));
  });
}
