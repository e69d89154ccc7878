/**
 * The MCP server as an agent uses it: `codegraph-query mcp` started as a child process in a temp copy of the
 * example (indexed by the real layers and L7), driven over stdio by the SDK's real client — tools listed and each
 * one called, resources listed and read, errors returned as tool errors, and a rebuilt index noticed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { copyShop, indexShop } from '../packages/query/test/shop';
import { repoRoot } from './support';

const BIN = path.join(repoRoot, 'packages', 'query', 'bin', 'codegraph-query.js');

let ws: string;
let client: Client;

beforeAll(async () => {
  ws = copyShop();
  await indexShop(ws);
  client = new Client({ name: 'codegraph-e2e', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: path.join(ws, 'apps', 'api'), stderr: 'pipe' }));
}, 60_000);

afterAll(async () => {
  await client?.close();
});

async function call(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
  const r = (await client.callTool({ name, arguments: args })) as { content: Array<{ type: string; text: string }>; isError?: boolean };
  return { text: r.content.map((c) => c.text).join('\n'), isError: r.isError === true };
}

describe('codegraph-query mcp', () => {
  it('lists every query as a tool with a JSON schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['callees', 'callers', 'chunk', 'def', 'deps', 'impact', 'path', 'rdeps', 'refs', 'search', 'stats']);
    const callers = tools.find((t) => t.name === 'callers')!;
    expect(callers.inputSchema).toMatchObject({ type: 'object', required: ['name'], properties: { name: { type: 'string' }, depth: { type: 'integer' } } });
  });

  it('answers each tool concisely', async () => {
    expect(await call('callers', { name: 'core.money.format_money' })).toEqual({
      isError: false,
      text: '2 callers of core.money.format_money\n  api.app.checkout  (apps/api/api/app.py:18, shop-api)\n  payments.gateway.Gateway.pay  (libs/payments/src/payments/gateway.py:32, shop-payments)',
    });
    expect((await call('def', { name: 'Money.times' })).text).toBe('core.money.Money.times  (method, libs/core/core/money.py:16, shop-core)\n  def times(self, n: int) -> "Money"');
    expect((await call('refs', { name: 'format_money' })).text).toMatch(/^5 references to core\.money\.format_money\n/);
    expect((await call('callees', { name: 'charge', depth: 2 })).text).toMatch(/payments\.gateway\.Gateway\.pay/);
    expect((await call('path', { from: 'checkout', to: 'format_money' })).text).toBe(
      'api.app.checkout  (function, apps/api/api/app.py:11, shop-api)\n  core.money.format_money  (function, libs/core/core/money.py:28, shop-core)',
    );
    expect((await call('impact', { target: 'format_money' })).text).toMatch(/projects: shop-api, shop-core, shop-payments\ntests: tests\.test_app\.test_checkout$/);
    expect((await call('deps', { name: 'shop-api' })).text).toMatch(/^project shop-api uses shop-core \(3 files\), shop-payments \(3 files\)/);
    expect((await call('rdeps', { name: 'shop-core' })).text).toMatch(/^project shop-core is used by shop-api/);
    expect((await call('search', { text: 'format money', limit: 3 })).text.split('\n')[0]).toMatch(/^core\.money\.format_money /);
    expect((await call('chunk', { name: 'charge' })).text).toMatch(/^# payments\.gateway\.charge .*\n# in module payments\.gateway.*\ndef charge\(order: Order\) -> Money:\n/);
    expect((await call('stats', {})).text).toMatch(/3 projects, 10 files/);
  });

  it('returns unknown and ambiguous names as tool errors and keeps serving', async () => {
    expect(await call('refs', { name: 'no_such_symbol' })).toMatchObject({ isError: true, text: expect.stringMatching(/no symbol named no_such_symbol/) });
    expect(await call('callers', { name: 'total' })).toMatchObject({ isError: true, text: expect.stringMatching(/total is ambiguous/) });
    expect((await call('def', { name: 'charge' })).isError).toBe(false);
  });

  it('serves project and module overviews as resources', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['codegraph://project/shop-core', 'codegraph://module/core.money']));
    const mod = await client.readResource({ uri: 'codegraph://module/core.money' });
    expect((mod.contents[0] as { text: string }).text).toBe(
      'module core.money (libs/core/core/money.py)\n"""Money as integer cents, never floats."""\nvariable CURRENCY\nclass Money\ndef format_money(m: Money) -> str',
    );
    const proj = await client.readResource({ uri: 'codegraph://project/shop-payments' });
    expect((proj.contents[0] as { text: string }).text).toMatch(/^project shop-payments: 3 modules\n  payments\n  payments\.errors\n  payments\.gateway — Gateways that take money for orders\./);
  });

  it('notices a rebuilt index on the next call', async () => {
    fs.appendFileSync(path.join(ws, 'libs/core/core/money.py'), '\n\ndef tip(m: Money) -> str:\n    return format_money(m)\n');
    await indexShop(ws);
    expect((await call('callers', { name: 'format_money' })).text).toMatch(/^3 callers of core\.money\.format_money\n[\s\S]*core\.money\.tip/);
  });
});
