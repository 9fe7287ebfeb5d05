// A first pull of a large Shopify history through a bulk query: counted first, read as JSONL from
// another origin without the access token, served to the order pull page by page, each order once.
import { afterEach, describe, expect, it } from 'vitest';
import { createShopifyConnector } from '../../core/platforms/shopify/connector';
import type { RemoteOrder, ShopConnector } from '../../core/platforms/types';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { collect } from '../pages';

let shop: ShopifySandbox | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

/** Reads the way the order pull does: every page of one read, from `from` on. */
async function pull(c: ShopConnector, from?: string): Promise<RemoteOrder[]> {
  const seen: RemoteOrder[] = [];
  for (const r of await collect(c.orderPages(from ? { modifiedAfter: from } : {}))) {
    if (!r.ok) throw new Error(r.message);
    seen.push(r.order);
  }
  return seen;
}

describe('Shopify first pull through a bulk query', () => {
  it('reads a history above the threshold with one bulk operation and no token sent to the result file', async () => {
    let now = Date.parse('2026-11-01T08:00:00Z');
    shop = await startShopifySandbox({ now: () => now, seed: { products: 20, orders: 180 }, bucket: { maximumAvailable: 2000, restoreRate: 50_000 } });
    const big = shop.addOrder({ lines: Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-0000${(i % 8) + 1}`, quantity: 1 })) });
    now += 60_000;
    const c = createShopifyConnector({ domain: shop.domain }, { token: shop.token }, { bulkThreshold: 100, limits: { retries: 1, backoffLimitMs: 50 } });
    const orders = await pull(c);
    const ids = orders.map((o) => o.remoteId);
    expect(new Set(ids).size).toBe(181);
    expect(shop.operations.filter((o) => o.name === 'BackroomBulkRun')).toHaveLength(1);
    // One live page after the snapshot: what changed while the bulk operation ran (nothing here).
    expect(shop.operations.filter((o) => o.name === 'BackroomOrders')).toHaveLength(1);
    expect(shop.bulkTokensSeen).toEqual([]);
    // All eight lines came back from the JSONL under their order.
    expect(orders.find((o) => o.remoteId === String(big.id))!.lines).toHaveLength(8);
    expect(shop.operations.every((o) => o.errors.length === 0 && o.deprecated.length === 0)).toBe(true);
  });

  it('reads orders changed after the bulk operation began live, right after the snapshot, each once', async () => {
    let now = Date.parse('2026-11-01T08:00:00Z');
    shop = await startShopifySandbox({ now: () => now, seed: { products: 20, orders: 60 }, bucket: { maximumAvailable: 2000, restoreRate: 50_000 } });
    now += 10 * 60_000;
    const c = createShopifyConnector({ domain: shop.domain }, { token: shop.token }, { bulkThreshold: 50, limits: { retries: 1, backoffLimitMs: 50 } });
    // Changed on the shop while the bulk operation runs: the JSONL holds its old copy.
    const changed = [...shop.state.orders.values()][3]!;
    const stop = shop.beforeOperation('BackroomBulkOperation', () => {
      now += 5_000;
      shop!.cancelOrder(changed.id);
      stop();
    });
    const first = await pull(c);
    // The snapshot left out its stale copy; the live read after the snapshot brought the change.
    expect(first.filter((o) => o.remoteId === String(changed.id)).map((o) => o.status)).toEqual(['cancelled']);
    expect(new Set(first.map((o) => o.remoteId)).size).toBe(60);
    expect(first).toHaveLength(60);
    expect(shop.operations.filter((o) => o.name === 'BackroomBulkRun')).toHaveLength(1);
  });
});
