import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShopPlan, StockPlanLine, SyncPlan } from '../../core/model';
import { formatPlan } from './plan';

const ACTIONS: StockPlanLine['action'][] = ['push', 'missing', 'unmanaged', 'held'];

function shopPlan(actions: StockPlanLine['action'][], unchanged: number): ShopPlan {
  return {
    shop: 'Main shop', firstSync: false, orders: [], moreOrders: 0, skippedByStatus: {}, shipments: [],
    stock: actions.map((action, n) => ({ sku: `SKU-${n}`, from: 1, to: 2, action, why: 'because' })),
    unchangedStock: unchanged,
  };
}

/** The numbers in the plan's "Stock: …" line. */
function stockLineFigures(text: string): number[] {
  const line = text.split('\n').find((l) => l.trimStart().startsWith('Stock:'))!;
  return [...line.matchAll(/(\d+)/g)].map((m) => Number(m[1]));
}

describe('the dry run’s stock summary', () => {
  it('counts every row shown under it: 2 to push and 1 not on the shop are 3 rows, not "2 to push, 0 unchanged"', () => {
    const plan: SyncPlan = { computedAt: '2026-12-02T00:00:00Z', crm: [], shops: [shopPlan(['push', 'push', 'missing'], 0)] };
    const text = formatPlan(plan);
    expect(text).toContain('Stock: 2 to push, 1 not on the shop, 0 unchanged');
  });

  it('adds up to the rows plus the unchanged SKUs, whatever the mix of actions', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 40 }), fc.nat({ max: 10_000 }), (actions, unchanged) => {
      const figures = stockLineFigures(formatPlan({ computedAt: '2026-12-02T00:00:00Z', crm: [], shops: [shopPlan(actions, unchanged)] }));
      expect(figures.reduce((a, b) => a + b, 0)).toBe(actions.length + unchanged);
    }));
  });
});
