/**
 * Chunks of the bundled example, cut on demand from the layer records the L7 index was built from: the hierarchy
 * and kinds, and incrementality — an edit to one function's body changes that function's chunk and its ancestors'
 * hashes, and no other chunk of any project.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Federation, Queries } from '@codegraph/query';
import { copyShop, indexShop } from './shop';

interface Row {
  id: string;
  kind: string;
  parent: string | null;
  text: string;
  hash: string;
}

function chunks(ws: string): Map<string, Row> {
  const out = new Map<string, Row>();
  const fed = Federation.open(ws);
  try {
    const q = new Queries(fed);
    for (const p of fed.projects) for (const c of q.projectChunks(p.name)) out.set(c.id, { id: c.id, kind: c.kind, parent: c.parent ?? null, text: c.text, hash: c.hash });
  } finally {
    fed.close();
  }
  return out;
}

let ws: string;
let before: Map<string, Row>;

beforeAll(async () => {
  ws = copyShop();
  await indexShop(ws);
  before = chunks(ws);
});

describe('chunks', () => {
  it('cuts the hierarchy and every kind from the IR and the source', () => {
    const kinds = new Set([...before.values()].map((c) => c.kind));
    expect([...kinds].sort()).toEqual(['class', 'constant', 'docstring', 'file', 'file-header', 'function', 'method', 'module', 'project', 'skeleton', 'usage', 'variable']);
    const parentKind = (id: string) => before.get(before.get(id)!.parent!)!.kind;
    expect(parentKind('chunk:shop:method:core.money.Money.times')).toBe('class');
    expect(parentKind('chunk:shop:class:core.money.Money')).toBe('file');
    expect(parentKind('chunk:shop:file:libs/core/core/money.py')).toBe('module');
    expect(parentKind('chunk:shop:module:core.money')).toBe('project');
    expect(before.get('chunk:shop:constant:core.money.CURRENCY')!.text).toBe('CURRENCY = "EUR"');
    expect(before.get('chunk:shop:class:core.money.Money')!.text.split('\n')[0]).toBe('@dataclass(frozen=True)');
    expect(before.get('chunk:shop:docstring:payments.errors.PaymentError')!.text).toBe('A payment could not be completed.');
    expect(before.get('chunk:shop:file-header:libs/core/core/models.py')!.text).toBe(
      'from dataclasses import dataclass, field\nfrom typing import List\nfrom .money import Money',
    );
    expect(before.get('chunk:shop:skeleton:libs/core/core/money.py')!.text).toBe(
      [
        '"""Money as integer cents, never floats."""',
        'from dataclasses import dataclass',
        'CURRENCY = "EUR"',
        '@dataclass(frozen=True)',
        'class Money:',
        '    cents: int',
        '    currency: str = CURRENCY',
        '    def __add__(self, other: "Money") -> "Money":',
        '        ...',
        '    def times(self, n: int) -> "Money":',
        '        ...',
        '    def _check(self, other: "Money") -> None:',
        '        ...',
        '    @classmethod',
        '    def zero(cls, currency: str = CURRENCY) -> "Money":',
        '        ...',
        'def format_money(m: Money) -> str:',
        '    ...',
      ].join('\n'),
    );
    // Cross-project usage: shop-api's call sites of core.money.format_money, with context lines.
    expect(before.get('chunk:shop:usage:core.money.format_money@api.app')!.text).toBe(
      'calls of core.money.format_money in api.app:\napps/api/api/app.py:18 in api.app.checkout\n        return {"ok": False, "error": str(e)}\n    return {"ok": True, "paid": format_money(paid)}\n',
    );
  });

  it('changes only the edited function chunk and its ancestors’ hashes', async () => {
    const file = path.join(ws, 'libs/core/core/money.py');
    const src = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, src.replace('return f"{m.cents / 100:.2f} {m.currency}"', 'return f"{m.currency} {m.cents / 100:.2f}"'));
    await indexShop(ws);
    const after = chunks(ws);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const changed = [...after.values()].filter((c) => c.hash !== before.get(c.id)!.hash).map((c) => c.id);
    expect(changed.sort()).toEqual([
      'chunk:shop:file:libs/core/core/money.py',
      'chunk:shop:function:core.money.format_money',
      'chunk:shop:module:core.money',
      'chunk:shop:project:shop-core',
    ]);
    const textChanged = [...after.values()].filter((c) => c.text !== before.get(c.id)!.text).map((c) => c.id);
    expect(textChanged.sort()).toEqual(['chunk:shop:file:libs/core/core/money.py', 'chunk:shop:function:core.money.format_money']);
  });
});
