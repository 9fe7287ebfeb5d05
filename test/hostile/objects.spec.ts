import { fc } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createShopifyConnector } from '../../core/platforms/shopify';
import { createWooConnector } from '../../core/platforms/woocommerce/connector';
import { startHostileServer, type HostileServer } from '../../sandbox/kit/hostile';
import { removeTempDirs } from '../helpers';
import { firstPage } from '../pages';
import { openWorld, type World } from '../sync/world';
import { broken, shopifyOrder, wooOrder } from './arbitraries';

let world: World | undefined;
const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

const goodOrder = {
  id: 501, number: '501', status: 'processing', currency: 'EUR', total: '12.00',
  date_created_gmt: '2026-01-05T10:00:00', date_modified_gmt: '2026-01-05T10:00:00', customer_id: 0,
  billing: { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com' }, meta_data: [],
  line_items: [{ id: 1, name: 'Mug', product_id: 10, variation_id: 0, quantity: 1, total: '12.00', sku: 'MUG-1' }], refunds: [],
};

describe('malformed objects in a platform answer', () => {
  it('a page with null, junk and impossible dates imports the good order; each bad one is an error entry; orders list still works', async () => {
    const page = [goodOrder, null, 'order', { ...goodOrder, id: 502, number: '502', date_created_gmt: '9999-99-99T99:99:99' }, { ...goodOrder, id: 503, number: '503', date_created_gmt: '2026-02-30T10:00:00' }, { ...goodOrder, id: 504, line_items: [null] }, { ...goodOrder, id: 505, billing: null }];
    const shop = await startHostileServer({
      kind: 'route',
      answer: (path) => {
        if (path === '/wp-json/wc/v3/orders') return { body: page };
        return { status: 404, body: { code: 'rest_no_route', message: 'No route was found matching the URL and request method.' } };
      },
    });
    servers.push(shop);
    world = await openWorld({ shops: [] });
    const api = world.host.client;
    await api.call('shop.add', { platform: 'woocommerce', name: 'Odd', url: shop.url, key: 'ck_odd', secret: 'cs_odd', combined: true });
    const { summaries } = await api.call('sync.run', { job: 'orders' });
    expect(summaries[0]!.counts.pulled).toBe(1);
    expect(summaries[0]!.errors).toBe(6);

    const listed = await api.call('orders.list', {});
    expect(listed.orders.map((o) => o.number)).toEqual(['WO:501']);
    const errors = await api.call('errors.list', {});
    const objects = errors.map((e) => e.object).sort();
    expect(objects).toEqual(['order #(unknown) on Odd', 'order #502 on Odd', 'order #503 on Odd', 'order #504 on Odd', 'order #505 on Odd'].sort());
    expect(errors.find((e) => e.object === 'order #502 on Odd')!.message).toMatch(/date_created_gmt: must be a real date/);
    // The store holds nothing half-read: one order, its month file only.
    expect(world.host.store.cursors.orderCount('Odd')).toBe(1);
  });

  it('fuzzed WooCommerce pages over HTTP: every good order imports, every bad one becomes its own error result', { timeout: 120_000 }, async () => {
    let page: unknown[] = [];
    const shop = await startHostileServer({ kind: 'route', answer: () => ({ body: page }) });
    servers.push(shop);
    const woo = createWooConnector({ url: shop.url }, { key: 'ck_fuzz', secret: 'cs_fuzz' }, { limits: { retries: 0 } });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(wooOrder.map((o) => ({ good: true as const, o })), broken(wooOrder).map((o) => ({ good: false as const, o }))), { maxLength: 8 }), async (entries) => {
        // Unique ids, so each result can be matched to what was sent.
        page = entries.map((e, i) => (e.o && typeof e.o === 'object' && !Array.isArray(e.o) && 'id' in e.o ? { ...e.o, id: e.good ? 10_000 + i : (e.o as { id: unknown }).id } : e.o));
        const result = await firstPage(woo.orderPages({ pageSize: 100 }));
        expect(result.items).toHaveLength(page.length);
        entries.forEach((e, i) => {
          const r = result.items[i]!;
          if (e.good) expect(r.ok && r.order.remoteId).toBe(String(10_000 + i));
          if (!r.ok) expect(r.message).toMatch(/^WooCommerce order .* could not be read: field /);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('fuzzed Shopify pages over HTTP: every good order imports, every bad one becomes its own error result', { timeout: 120_000 }, async () => {
    let nodes: unknown[] = [];
    const shop = await startHostileServer({
      kind: 'route',
      answer: () => ({ body: { data: { orders: { pageInfo: { hasNextPage: false, endCursor: null }, nodes } }, extensions: { cost: { requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 990, restoreRate: 50 } } } } }),
    });
    servers.push(shop);
    const shopify = createShopifyConnector({ domain: shop.url }, { token: 'shpat_fuzz' }, { limits: { retries: 0 } });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(shopifyOrder.map((o) => ({ good: true as const, o })), broken(shopifyOrder).map((o) => ({ good: false as const, o }))), { maxLength: 6 }), async (entries) => {
        nodes = entries.map((e, i) => (e.good ? { ...e.o, id: `gid://shopify/Order/${20_000 + i}` } : e.o));
        // An incremental pull (a cursor is set): a first pull would ask for the order count to choose a bulk export.
        const result = await firstPage(shopify.orderPages({ modifiedAfter: '2026-01-01T00:00:00.000Z', pageSize: 50 }));
        expect(result.items).toHaveLength(nodes.length);
        entries.forEach((e, i) => {
          const r = result.items[i]!;
          if (e.good) expect(r.ok && r.order.remoteId).toBe(String(20_000 + i));
        });
      }),
      { numRuns: 200 },
    );
  });
});
