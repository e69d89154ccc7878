/**
 * Queries on the bundled example (examples/shop: three projects importing each other), indexed by the real layers
 * and L7 in a temp copy: exact answers across projects, partial and unknown names, FTS ranking, the CLI's text and
 * JSON, and clear errors for a missing or damaged index.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildL7, cliMain, Federation, format, l7DbPath, nameKey, Queries, QueryError } from '@codegraph/query';
import { copyShop, indexShop } from './shop';

let ws: string;
let fed: Federation;
let q: Queries;

beforeAll(async () => {
  ws = copyShop();
  await indexShop(ws);
  fed = Federation.open(path.join(ws, 'apps', 'api', 'api'));
  q = new Queries(fed);
});
afterAll(() => fed?.close());

const fqns = (xs: Array<{ fqn: string }>) => xs.map((x) => x.fqn);

async function cli(args: string[], cwd = ws): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cliMain(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd: () => cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('queries on examples/shop', () => {
  it('finds the cross-project callers of core.money.format_money, transitively with depth', () => {
    const direct = q.callers('core.money.format_money');
    expect(direct.callers.map((c) => [c.fqn, c.project, c.site, c.depth])).toEqual([
      ['api.app.checkout', 'shop-api', 'apps/api/api/app.py:18', 1],
      ['payments.gateway.Gateway.pay', 'shop-payments', 'libs/payments/src/payments/gateway.py:32', 1],
    ]);
    // Depth 2 is what value flow finds: the router's dispatch calls the registered checkout handler
    // (`self.routes[path](**params)`); Gateway.pay is decorated by @audited, so its caller is the wrapper (charge's
    // `gateway.pay(order)` calls the wrapper, one level further).
    expect(fqns(q.callers('format_money', 2).callers)).toEqual([
      'api.app.checkout',
      'payments.gateway.Gateway.pay',
      'api.router.Router.dispatch',
      'payments.gateway.audited.wrapper',
      'tests.test_app.test_checkout',
    ]);
    expect(fqns(q.callers('format_money', 3).callers)).toContain('payments.gateway.charge');
  });

  it('lists references with their roles, through re-exports', () => {
    const r = q.refs('format_money');
    expect(r.refs.map((x) => `${x.file}:${x.line} ${x.role}`)).toEqual([
      'apps/api/api/app.py:2 import',
      'apps/api/api/app.py:18 call',
      'libs/core/core/__init__.py:3 import',
      'libs/payments/src/payments/gateway.py:5 import',
      'libs/payments/src/payments/gateway.py:32 call',
    ]);
  });

  it('computes the impact of a change across projects, tests included', () => {
    const r = q.impact('core.money.format_money');
    expect(r.projects).toEqual(['shop-api', 'shop-core', 'shop-payments']);
    expect(r.files).toEqual(['apps/api/api/app.py', 'apps/api/api/router.py', 'apps/api/tests/test_app.py', 'libs/core/core/money.py', 'libs/payments/src/payments/gateway.py']);
    expect(r.tests).toEqual(['tests.test_app.test_checkout']);
    const byFile = q.impact('libs/payments/src/payments/gateway.py');
    expect(byFile.projects).toEqual(['shop-api', 'shop-payments']);
    expect(byFile.files).toContain('apps/api/api/app.py');
    expect(byFile.tests).toEqual(['tests.test_app.test_checkout']);
  });

  it('follows callees and finds a call path across three projects', () => {
    const c = q.callees('api.app.checkout').callees;
    expect(c.filter((x) => x.resolved).map((x) => x.fqn)).toEqual([
      'core.models.Order',
      'core.models.Order.__init__',
      'core.models.Customer',
      'core.models.Customer.__init__',
      'core.models.Order.add',
      'payments.gateway.charge',
      'core.money.format_money',
    ]);
    expect(c.find((x) => x.fqn === 'builtins.str')).toMatchObject({ resolved: false, external: 'builtins' });
    expect(fqns(q.path('test_checkout', 'Money.zero').path ?? [])).toEqual([
      'tests.test_app.test_checkout',
      'api.app.checkout',
      'payments.gateway.charge',
      'payments.gateway.audited.wrapper', // pay is decorated: charge calls the wrapper, which calls pay
      'payments.gateway.Gateway.pay',
      'core.models.Order.total',
      'core.money.Money.zero',
    ]);
    // main() reaches format_money through the router: dispatch calls the handler registered by @router.get.
    expect(fqns(q.path('api.app.main', 'format_money').path ?? [])).toEqual(['api.app.main', 'api.router.Router.dispatch', 'api.app.checkout', 'core.money.format_money']);
    expect(q.path('core.money.format_money', 'api.app.main').path).toBeNull();
  });

  it('resolves partial names, lists ambiguous ones, and suggests for unknown ones', () => {
    expect(q.def('Money.times').map((s) => [s.fqn, s.file, s.line, s.signature])).toEqual([['core.money.Money.times', 'libs/core/core/money.py', 16, 'def times(self, n: int) -> "Money"']]);
    expect(fqns(q.def('total'))).toEqual(['core.models.Order.total', 'core.models.OrderLine.total']);
    expect(() => q.callers('total')).toThrow(/total is ambiguous, 2 symbols match[\s\S]*core\.models\.Order\.total[\s\S]*core\.models\.OrderLine\.total/);
    expect(q.def('core.format_money').map((s) => s.fqn)).toEqual(['core.money.format_money']); // the re-exported spelling
    let err: QueryError | undefined;
    try {
      q.refs('formatmoney');
    } catch (e) {
      err = e as QueryError;
    }
    expect(err).toBeInstanceOf(QueryError);
    expect(err!.code).toBe('not-found');
  });

  it('ranks full-text hits with names first', () => {
    expect(q.search('format money')[0]!.fqn).toBe('core.money.format_money');
    expect(q.search('payment completed')[0]!.fqn).toBe('payments.errors.PaymentError'); // its docstring
    expect(q.search('zzzz-nothing')).toEqual([]);
    // One word naming at least `limit` symbols exactly: those, shortest FQN first, without ranking every token match.
    expect(q.search('total', 2).map((h) => [h.fqn, h.score])).toEqual([
      ['core.models.Order.total', 0],
      ['core.models.OrderLine.total', 0],
    ]);
    // Fewer exact names than asked for: the name index and then code fill the rest (`order.total()` in Gateway.pay).
    expect(q.search('total', 3).map((h) => [h.fqn, h.match])).toEqual([
      ['core.models.Order.total', 'name'],
      ['core.models.OrderLine.total', 'name'],
      ['payments.gateway.Gateway.pay', 'code'],
    ]);
    // Names holding more words rank after those that are the words; the qualified name counts too.
    expect(q.search('money').map((h) => [h.fqn, h.score]).slice(0, 4)).toEqual([
      ['core.money', 0],
      ['core.money.Money', 0],
      ['core.money.format_money', 1],
      ['core.money.Money.zero', 11],
    ]);
  });

  it('searches code text: names first, then the symbols whose code, comments or docstring hold the terms', () => {
    const hits = q.search('format_money');
    expect(hits[0]).toMatchObject({ fqn: 'core.money.format_money', match: 'name' });
    expect(hits.slice(1).map((h) => h.match)).toEqual(hits.slice(1).map(() => 'code'));
    expect(hits.map((h) => `${h.fqn} ${h.file}:${h.at}`)).toEqual(
      expect.arrayContaining(['api.app.checkout apps/api/api/app.py:18', 'payments.gateway.Gateway.pay libs/payments/src/payments/gateway.py:32', 'api.app apps/api/api/app.py:2']),
    );
    // An attribute named as typed, then each symbol whose own lines use it, with the first (equal counts: in file order).
    expect(q.search('limit_cents').map((h) => [h.fqn, h.match, h.at, h.snippet])).toEqual([
      ['payments.gateway.CardGateway.limit_cents', 'name', undefined, 'variable payments.gateway.CardGateway.limit_cents'],
      ['payments.gateway.CardGateway.__init__', 'code', 37, 'def __init__(self, limit_cents: int = 100_000):'],
      ['payments.gateway.CardGateway.authorize', 'code', 41, 'return amount.cents <= self.limit_cents'],
    ]);
    // The symbol holding every term ranks first; a docstring is code text too.
    expect(q.search('currency mismatch')[0]).toMatchObject({ fqn: 'core.money.Money._check', match: 'code', at: 20 });
    expect(q.search('payment completed')[0]).toMatchObject({ fqn: 'payments.errors.PaymentError', match: 'code' });
    // Whole words, as the tokenizer cuts them: `limit_cent` is not in `limit_cents`.
    expect(q.search('limit_cent')).toEqual([]);
    expect(format.search(q.search('limit_cents', 2), 'limit_cents')).toBe(
      'payments.gateway.CardGateway.limit_cents  (variable, libs/payments/src/payments/gateway.py:38, shop-payments)\n' +
        'payments.gateway.CardGateway.__init__  (method, libs/payments/src/payments/gateway.py:37, shop-payments)\n  libs/payments/src/payments/gateway.py:37: def __init__(self, limit_cents: int = 100_000):',
    );
  });

  it('says the index is stale when a source file changed since it was built, instead of placing hits in new text', () => {
    const file = path.join(ws, 'libs/payments/src/payments/gateway.py');
    const before = fs.readFileSync(file);
    fs.writeFileSync(file, before.toString('utf8').replace('def __init__(self, limit_cents', '# moved\n    def __init__(self, limit_cents'));
    try {
      for (const ask of [() => q.search('limit_cents'), () => q.chunk('CardGateway.authorize')]) {
        let err: QueryError | undefined;
        try {
          ask();
        } catch (e) {
          err = e as QueryError;
        }
        expect(err).toBeInstanceOf(QueryError);
        expect(err!.code).toBe('stale');
        expect(err!.message).toMatch(/gateway\.py changed since L1 indexed it.*the index is stale, rebuild it/);
      }
    } finally {
      fs.writeFileSync(file, before);
    }
    expect(q.search('limit_cents')).toHaveLength(3); // the same bytes again: fresh
  });

  it('stores the occurrences refs can ask for: of symbols, not of builtins, outside modules or locals', () => {
    const has = (project: string, fqn: string) => fed.project(project)!.db.prepare('SELECT count(*) FROM occ WHERE name = ?').pluck().get(nameKey(fqn)) !== 0;
    expect(['pytest', 'pytest.mark.parametrize', 'builtins.print', 'builtins.sorted', 'api.app.checkout.order'].filter((n) => has('shop-api', n))).toEqual([]);
    // A name of another project's symbol (its symbols are not known when this project is built), and of its own.
    expect([has('shop-payments', 'core.money.Money'), has('shop-payments', 'payments.gateway.CardGateway.limit_cents')]).toEqual([true, true]);
  });

  it('answers project and module dependencies both ways', () => {
    const d = q.deps('shop-api');
    expect(d.projects).toEqual([
      { project: 'shop-core', files: 3 },
      { project: 'shop-payments', files: 3 },
    ]);
    expect(d.external).toEqual(['pytest', 'typing']);
    expect(q.deps('shop-core', true).projects.map((p) => p.project)).toEqual(['shop-api', 'shop-payments']);
    expect(q.deps('core.money', true).modules.map((m) => m.module)).toEqual(['api.app', 'core', 'core.models', 'payments.gateway']);
    expect(q.deps('payments.gateway').modules.map((m) => m.module)).toEqual(['core', 'core.models', 'core.money', 'payments.errors']);
  });

  it('gives a chunk with its parent context', () => {
    const c = q.chunk('Money.times');
    expect(c.text).toBe('def times(self, n: int) -> "Money":\n    return Money(self.cents * n, self.currency)');
    expect(c.parent).toMatchObject({ fqn: 'core.money.Money', signature: 'class Money' });
    expect(c.id).toBe('chunk:shop:method:core.money.Money.times');
  });
});

describe('codegraph-query CLI', () => {
  it('answers from a subfolder, as text and as JSON', async () => {
    const text = await cli(['callers', 'format_money'], path.join(ws, 'libs', 'core', 'core'));
    expect(text).toMatchObject({ code: 0, err: '' });
    expect(text.out).toBe(
      '2 callers of core.money.format_money\n  api.app.checkout  (apps/api/api/app.py:18, shop-api)\n  payments.gateway.Gateway.pay  (libs/payments/src/payments/gateway.py:32, shop-payments)',
    );
    const json = await cli(['--json', 'impact', 'format_money']);
    expect(JSON.parse(json.out).projects).toEqual(['shop-api', 'shop-core', 'shop-payments']);
    for (const args of [['def', 'Money'], ['refs', 'Money'], ['callees', 'charge', '-d', '2'], ['path', 'checkout', 'format_money'], ['deps', 'shop-payments'], ['rdeps', 'core'], ['search', 'gateway'], ['chunk', 'charge'], ['stats']]) {
      const r = await cli(['--json', ...args]);
      expect({ args, code: r.code, err: r.err }).toEqual({ args, code: 0, err: '' });
      expect(() => JSON.parse(r.out)).not.toThrow();
    }
  });

  it('exits 1 with what to do: unknown names, bad options, no index', async () => {
    const unknown = await cli(['def', 'no_such_thing']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no symbol named no_such_thing/);
    expect((await cli(['callers', 'charge', '--depth', 'x'])).err).toMatch(/--depth must be a positive integer/);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'codegraph-noindex-'));
    const none = await cli(['stats'], outside);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no codegraph index found .*run `npx nx run repo:codegraph-index`/);
  });
});

describe('a missing, damaged or replaced index', () => {
  it('says which project lacks its L7 index and how to build it', () => {
    const ws2 = copyShop();
    return indexShop(ws2).then(() => {
      fs.rmSync(l7DbPath(path.join(ws2, '.codegraph', 'projects', 'libs', 'payments')));
      expect(() => Federation.open(ws2)).toThrow(/no L7 index for shop-payments .*codegraph-l7/);
      fs.writeFileSync(l7DbPath(path.join(ws2, '.codegraph', 'projects', 'libs', 'payments')), 'not a database, just text\n'.repeat(100));
      expect(() => Federation.open(ws2)).toThrow(/L7 index of shop-payments .* is damaged or outdated .*delete it and run/);
    });
  });

  it('reads a snapshot and reopens a database rebuilt meanwhile', async () => {
    const ws3 = copyShop();
    await indexShop(ws3);
    const f = Federation.open(ws3);
    try {
      const before = new Queries(f).callers('format_money').callers.length;
      fs.appendFileSync(path.join(ws3, 'libs/core/core/money.py'), '\n\ndef tip(m: Money) -> str:\n    return format_money(m)\n');
      await indexShop(ws3);
      expect(new Queries(f).callers('format_money').callers.length).toBe(before); // the snapshot still open
      expect(f.refresh().sort()).toEqual(['shop-api', 'shop-core', 'shop-payments']);
      expect(fqns(new Queries(f).callers('format_money').callers)).toContain('core.money.tip');
    } finally {
      f.close();
    }
  });

  it('says the index is stale for a file edited since, and builds it without chunks from scratch', async () => {
    const ws4 = copyShop();
    await indexShop(ws4);
    fs.appendFileSync(path.join(ws4, 'libs/core/core/models.py'), '\n# edited after L1\n');
    const f = Federation.open(ws4);
    try {
      expect(() => new Queries(f).chunk('Order.total')).toThrow(/models\.py changed since L1 indexed it .*the index is stale, rebuild it/);
      expect(new Queries(f).chunk('Money.times').text).toMatch(/^def times/); // another file: still answered
    } finally {
      f.close();
    }
    const outDir = path.join(ws4, '.codegraph/projects/libs/core');
    // An incremental build keeps the file: its layer records (L1, L2, L4) have not changed.
    expect(await buildL7({ root: ws4, project: { name: 'shop-core', outDir } })).toMatchObject({ rebuilt: 0, unchunked: 0 });
    const s = await buildL7({ root: ws4, project: { name: 'shop-core', outDir }, full: true });
    expect(s.unchunked).toBe(1);
    expect(s.skipped).toEqual(['libs/core/core/models.py changed since L1 indexed it (re-run L1)']);
    expect(s.symbols).toBeGreaterThan(0);
  });
});
