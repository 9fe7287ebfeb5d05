// Stock set on Shopify with compare-and-set: each quantity carries the quantity Backroom last read
// or set (changeFromQuantity), so a sale landing between Backroom's read and its write is never
// silently overwritten; a compare failure re-reads that item and tries once more, then reports.
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopifyConnector } from '../../core/platforms/shopify/connector';
import type { RemoteStockItem, ShopConnector } from '../../core/platforms/types';
import { collect } from '../pages';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';

let shop: ShopifySandbox;
let connector: ShopConnector;
let tracked: RemoteStockItem[];

beforeAll(async () => {
  shop = await startShopifySandbox({ seed: { products: 12 }, bucket: { maximumAvailable: 2000, restoreRate: 50_000 } });
  connector = createShopifyConnector({ domain: shop.domain }, { token: shop.token }, { limits: { retries: 1, backoffLimitMs: 50 } });
  tracked = (await collect(connector.stockPages())).filter((i) => i.manageStock);
});
afterAll(() => shop.close());

const sets = () => shop.operations.filter((o) => o.name === 'BackroomSetStock');
const sentQuantities = (op: { variables: Record<string, unknown> }) => (op.variables.input as { quantities: { inventoryItemId: string; quantity: number; changeFromQuantity: number | null }[] }).quantities;

/** A sale on the shop: available goes down by `units` (Shopify moves them to committed). */
function sell(sku: string, units: number) {
  shop.setInventory(sku, (shop.state.stockOf(sku) ?? 0) - units);
}

describe('Shopify stock compare-and-set', () => {
  it('sends the quantity last read as changeFromQuantity, and an idempotency key', async () => {
    const [a, b] = tracked;
    const before = sets().length;
    const result = await connector.setStock([
      { item: a!, quantity: 4 },
      { item: b!, quantity: 5 },
    ]);
    expect(result.failed).toEqual([]);
    const op = sets()[before]!;
    expect(sentQuantities(op).map((q) => q.changeFromQuantity)).toEqual([a!.quantity, b!.quantity]);
    expect(typeof op.variables.key).toBe('string');
    expect(shop.state.stockOf(a!.sku)).toBe(4);
    // What the job keeps for next time is what was set.
    expect(result.updated.map((i) => i.quantity)).toEqual([4, 5]);
  });

  it('re-reads an item sold between read and write and sets it against what Shopify now shows', async () => {
    const item = { ...tracked[2]!, quantity: shop.state.stockOf(tracked[2]!.sku) };
    sell(item.sku, 1);
    const before = sets().length;
    const result = await connector.setStock([{ item, quantity: 9 }]);
    expect(result.failed).toEqual([]);
    expect(sets().slice(before).map((o) => o.errors.length === 0 && !o.deprecated.length)).toEqual([true, true]);
    expect(sentQuantities(sets()[before + 1]!)[0]!.changeFromQuantity).toBe(item.quantity! - 1);
    expect(shop.state.stockOf(item.sku)).toBe(9);
  });

  it('reports an item that changes again after the re-read instead of forcing it', async () => {
    const item = { ...tracked[3]!, quantity: shop.state.stockOf(tracked[3]!.sku) };
    const remove = shop.beforeOperation('BackroomSetStock', () => sell(item.sku, 1));
    try {
      const result = await connector.setStock([{ item, quantity: 30 }]);
      expect(result.updated).toEqual([]);
      expect(result.failed).toEqual([{ item: { ...item, quantity: item.quantity! - 1 }, message: expect.stringMatching(new RegExp(`stock of SKU ${item.sku} changed again`)) as unknown, retriable: true }]);
      expect(shop.state.stockOf(item.sku)).toBe(item.quantity! - 2);
    } finally {
      remove();
    }
  });

  test.prop(
    [
      fc.array(
        fc.record({
          index: fc.nat({ max: 7 }),
          target: fc.integer({ min: 0, max: 60 }),
          // Sales landing just before the first and the second attempt of the push.
          salesBefore: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    ],
    { numRuns: 25 },
  )('never overwrites a sale it has not seen: each item ends at its target or keeps every sale', async (pushes) => {
    for (const push of pushes) {
      const base = tracked[push.index]!;
      shop.setInventory(base.sku, 40);
      const item = { ...base, quantity: 40 };
      let attempt = 0;
      const remove = shop.beforeOperation('BackroomSetStock', () => sell(item.sku, push.salesBefore[attempt++] ?? 0));
      try {
        const result = await connector.setStock([{ item, quantity: push.target }]);
        const sold = push.salesBefore.slice(0, attempt).reduce((a, b) => a + b, 0);
        if (result.updated.length) {
          expect(shop.state.stockOf(item.sku)).toBe(push.target);
          // Set only against a quantity Backroom had seen: the last attempt saw every sale before it.
          expect(push.salesBefore[attempt - 1]).toBe(0);
        } else {
          expect(result.failed).toHaveLength(1);
          expect(shop.state.stockOf(item.sku)).toBe(40 - sold);
        }
      } finally {
        remove();
      }
    }
  });
});
