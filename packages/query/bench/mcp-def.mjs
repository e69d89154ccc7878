/**
 * The MCP round trip the benches report: `def` of each name through a connected MCP client, then the same query
 * answered directly (and formatted, as the server formats it) on a fresh federation of the same workspace. Both
 * lists of milliseconds come back sorted.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const query = require('@codegraph/query');

export async function defRoundTrips(client, dir, names) {
  const viaMcp = [];
  for (const name of names) {
    const t = performance.now();
    await client.callTool({ name: 'def', arguments: { name } });
    viaMcp.push(performance.now() - t);
  }
  const fed = query.Federation.open(dir);
  const q = new query.Queries(fed);
  const direct = [];
  for (const name of names) {
    const t = performance.now();
    try {
      query.format.def(q.def(name));
    } catch {}
    direct.push(performance.now() - t);
  }
  fed.close();
  const byValue = (a, b) => a - b;
  return { viaMcp: viaMcp.sort(byValue), direct: direct.sort(byValue) };
}
