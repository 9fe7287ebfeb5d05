// A first pull of a large Shopify history through a bulk query: counted first, read as JSONL from
// another origin without the access token, served to the order pull page by page, each order once.
import { afterEach, describe, expect, it } from 'vitest';
import { createShopifyConnector } from '../../core/platforms/shopify/connector';
import type { RemoteOrder, ShopConnector } from '../../core/platforms/types';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';

let shop: ShopifySandbox | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

/** Reads the way the order pull does: keyset restarts after the newest time seen, until a short page. */
async function pull(c: ShopConnector, from?: string): Promise<RemoteOrder[]> {
  const seen: RemoteOrder[] = [];
  let after = from;
  let page = 1;
  for (;;) {
    const result = await c.listOrders({ page, perPage: c.limits.pageSize, ...(after ? { modifiedAfter: after } : {}) });
    let newest = after;
    for (const r of result.results) {
      if (!r.ok) throw new Error(r.message);
      seen.push(r.order);
      if (!newest || r.order.modifiedAt > newest) newest = r.order.modifiedAt;
    }
    if (result.results.length < c.limits.pageSize || page >= result.totalPages) return seen;
    const next = newest ? new Date(Date.parse(newest) - 1000).toISOString() : after;
    if (next && (!after || next > after)) {
      after = next;
      page = 1;
    } else page++;
  }
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
    expect(shop.operations.filter((o) => o.name === 'BackroomOrders')).toHaveLength(0);
    expect(shop.bulkTokensSeen).toEqual([]);
    // All eight lines came back from the JSONL under their order.
    expect(orders.find((o) => o.remoteId === String(big.id))!.lines).toHaveLength(8);
    expect(shop.operations.every((o) => o.errors.length === 0 && o.deprecated.length === 0)).toBe(true);
  });

  it('leaves orders changed after the bulk operation began to the live read that follows', async () => {
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
    expect(first.map((o) => o.remoteId)).not.toContain(String(changed.id));
    const newest = first.map((o) => o.modifiedAt).sort().at(-1)!;
    // The next pull, live from the cursor less its overlap, brings the change.
    const next = await pull(c, new Date(Date.parse(newest) - 5 * 60_000).toISOString());
    expect(next.find((o) => o.remoteId === String(changed.id))?.status).toBe('cancelled');
  });
});
