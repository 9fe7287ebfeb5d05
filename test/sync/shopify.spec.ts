// Sync jobs against the Shopify sandbox: a real engine on a temp data directory and a practice
// Shopify shop on 127.0.0.1, connected through the real Shopify module (real HTTP, nothing mocked).
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import type { ShopConnectorFactory } from '../../core/engine/engine';
import { hostEngine, type EngineHost } from '../../core/host/host';
import { createShopConnector } from '../../core/platforms';
import { startShopifySandbox, type ShopifySandbox, type ShopifySandboxOptions } from '../../sandbox/shopify';
import { removeTempDirs, tempDir } from '../helpers';
import { quickCrmFactory, quickShopFactory } from './world';

interface ShopifyWorld {
  host: EngineHost;
  shop: ShopifySandbox;
  restart(factory?: ShopConnectorFactory): Promise<EngineHost>;
  close(): Promise<void>;
}

let world: ShopifyWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

/** A fast-restoring bucket keeps the tests quick; pacing and throttling are the same code. */
const FAST_BUCKET = { maximumAvailable: 1000, restoreRate: 20_000 };

async function openShopifyWorld(options: { sandbox?: ShopifySandboxOptions; factory?: ShopConnectorFactory; clock?: FakeClock; statuses?: string[]; shopifyLocation?: string } = {}): Promise<ShopifyWorld> {
  const dataDir = await tempDir('br-shopify-');
  const factory = options.factory ?? quickShopFactory;
  const open = async (f: ShopConnectorFactory) => (await hostEngine({ dataDir, serve: false, connectorFactory: f, crmConnectorFactory: quickCrmFactory, clock: options.clock }))!;
  let host = await open(factory);
  const shop = await startShopifySandbox({ bucket: FAST_BUCKET, ...options.sandbox });
  await host.client.call('location.add', { name: 'WH' });
  await host.client.call('shop.add', { platform: 'shopify', name: 'Shopify', domain: shop.domain, token: shop.token, location: 'WH', statuses: options.statuses, shopifyLocation: options.shopifyLocation });
  return {
    get host() {
      return host;
    },
    shop,
    async restart(next = factory) {
      await host.close();
      host = await open(next);
      return host;
    },
    async close() {
      await host.close();
      await shop.close();
    },
  };
}

const ops = (s: ShopifySandbox, name: string) => s.operations.filter((o) => o.name === name && !o.throttled);

describe('Shopify shop in the sync engine', () => {
  it('pulls orders to exhaustion exactly once as SH: orders, then follows a cancellation', async () => {
    let now = Date.parse('2026-03-01T09:00:00Z');
    world = await openShopifyWorld({ sandbox: { now: () => now, seed: { products: 20 } } });
    const { shop } = world;
    const placed = Array.from({ length: 60 }, (_, i) => shop.addOrder({ createdAt: now - (60 - i) * 60_000 }));
    for (const o of placed) o.updatedAt = o.createdAt;
    const pending = shop.addOrder({ financialStatus: 'PENDING' });

    const first = await world.host.client.call('sync.run', { job: 'orders' });
    expect(first.summaries[0]).toMatchObject({ errors: 0, counts: { pulled: 60, skipped: 1 } });
    const { orders, total } = await world.host.client.call('orders.list', { limit: 1000, offset: 0 });
    expect(total).toBe(60);
    expect(new Set(orders.map((o) => o.number)).size).toBe(60);
    expect(orders.map((o) => o.number)).toContain(`SH:${placed[0]!.name.slice(1)}`);
    expect(orders.map((o) => o.number)).not.toContain(`SH:${pending.name.slice(1)}`);

    // Nothing changed: the next pull re-reads only the overlap and imports nothing.
    const again = await world.host.client.call('sync.run', { job: 'orders' });
    expect(again.summaries[0]!.counts.pulled ?? 0).toBe(0);
    expect((await world.host.client.call('orders.list', { limit: 1000, offset: 0 })).total).toBe(60);

    now += 10 * 60_000;
    shop.cancelOrder(placed[5]!.id);
    const third = await world.host.client.call('sync.run', { job: 'orders' });
    expect(third.summaries[0]!.counts.cancelled).toBe(1);
    const cancelled = (await world.host.client.call('orders.list', { limit: 1000, offset: 0 })).orders.find((o) => o.number === `SH:${placed[5]!.name.slice(1)}`);
    expect(cancelled?.status).toBe('cancelled');
  });

  it('records a malformed order as an error naming the field, and imports the rest', async () => {
    world = await openShopifyWorld({ sandbox: { seed: { products: 10 } } });
    const good = world.shop.addOrder();
    const bad = world.shop.addOrder();
    world.shop.corruptOrder(bad.id, { totalPriceSet: { shopMoney: { amount: 'a lot', currencyCode: 'EUR' } } });
    const run = await world.host.client.call('sync.run', { job: 'orders' });
    expect(run.summaries[0]).toMatchObject({ errors: 1, counts: { pulled: 1 } });
    const errors = await world.host.client.call('errors.list', {});
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('field totalPriceSet.shopMoney.amount')]);
    expect(good.id).not.toBe(bad.id);
  });

  it('stops on a wrong token with one auth error', async () => {
    world = await openShopifyWorld({ sandbox: { seed: { products: 5 } }, factory: (shop, creds) => createShopConnector(shop, { ...creds, token: 'shpat_notthetoken0000000000000000' }, { limits: { backoffLimitMs: 100 } }) });
    world.shop.addOrder();
    const run = await world.host.client.call('sync.run', { job: 'orders' });
    expect(run.summaries[0]).toMatchObject({ errors: 1, authFailed: true });
    expect(world.shop.log.map((l) => l.status)).toEqual([401]);
    const errors = await world.host.client.call('errors.list', {});
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('access token');
  });

  it('pushes stock with the fewest mutations, then sends nothing when nothing changed', async () => {
    world = await openShopifyWorld({ sandbox: { seed: { products: 40 } } });
    const { shop } = world;
    const skus = [...shop.state.variants.values()].filter((v) => v.sku && shop.state.inventoryItems.get(v.inventoryItemId)!.tracked).map((v) => v.sku!).slice(0, 30);
    await world.host.client.call('stock.import', { csv: ['sku,location,quantity', ...skus.map((sku, i) => `${sku},WH,${i + 1}`)].join('\n') });
    const first = await world.host.client.call('sync.run', { job: 'inventory' });
    expect(first.summaries[0]).toMatchObject({ errors: 0, counts: { pushed: 30 } });
    expect(ops(shop, 'BackroomSetStock')).toHaveLength(1);
    expect(shop.state.stockOf(skus[9]!)).toBe(10);

    const before = shop.log.length;
    const idle = await world.host.client.call('sync.run', { job: 'inventory' });
    expect(idle.summaries[0]!.requests).toBe(0);
    expect(shop.log.length).toBe(before);

    await world.host.client.call('stock.set', { sku: skus[0]!, quantity: 99, location: 'WH' });
    await world.host.client.call('sync.run', { job: 'inventory' });
    expect(ops(shop, 'BackroomSetStock')).toHaveLength(2);
    expect(shop.state.stockOf(skus[0]!)).toBe(99);
    expect(shop.state.stockOf(skus[1]!)).toBe(2);
  });

  it('sets stock at the Shopify location the shop is configured with, leaving the others alone', async () => {
    world = await openShopifyWorld({ sandbox: { locations: ['Main store', 'Pop-up'], seed: { products: 10 } } });
    const { shop } = world;
    const sku = [...shop.state.variants.values()].find((v) => v.sku && shop.state.inventoryItems.get(v.inventoryItemId)!.tracked)!.sku!;
    const [main, popUp] = shop.state.locations;
    shop.setInventory(sku, 0, 'Pop-up');
    const mainBefore = shop.state.stockOf(sku, main!.id);
    await world.host.client.call('shop.update', { name: 'Shopify', shopifyLocation: 'Pop-up' });
    await world.host.client.call('stock.set', { sku, quantity: 7, location: 'WH' });
    const run = await world.host.client.call('sync.run', { job: 'inventory' });
    expect(run.summaries[0]!.errors).toBe(0);
    expect(shop.state.stockOf(sku, popUp!.id)).toBe(7);
    expect(shop.state.stockOf(sku, main!.id)).toBe(mainBefore);
    // A location the shop does not have is refused with its name, on the shop test.
    await world.host.client.call('shop.update', { name: 'Shopify', shopifyLocation: 'Warehouse 9' });
    await expect(world.host.client.call('shop.test', { name: 'Shopify' })).rejects.toThrow(/no location "Warehouse 9"/);
  });

  it('pushes a shipment once, even when the process dies between the push and its record', async () => {
    let crashed = false;
    const dying: ShopConnectorFactory = (s, c) => {
      const real = createShopConnector(s, c, { limits: { backoffLimitMs: 100 } });
      return {
        ...real,
        stats: real.stats,
        limits: real.limits,
        async addShipment(remoteOrderId, shipment) {
          const ref = await real.addShipment(remoteOrderId, shipment);
          if (!crashed) {
            crashed = true;
            throw new Error('process died after the fulfillment was created');
          }
          return ref;
        },
      };
    };
    world = await openShopifyWorld({ sandbox: { seed: { products: 6 } }, factory: dying });
    const { shop } = world;
    await world.host.client.call('stock.set', { sku: 'SKU-00001', quantity: 10, location: 'WH' });
    const remote = shop.addOrder({ lines: [{ sku: 'SKU-00001', quantity: 2 }] });
    await world.host.client.call('sync.run', { job: 'orders' });
    const number = `SH:${remote.name.slice(1)}`;
    await world.host.client.call('ship', { orderNumber: number, carrier: 'DHL', tracking: 'TRACK-1' });

    await world.host.client.call('sync.run', { job: 'shipping' }).catch(() => undefined);
    expect(shop.fulfillmentsOf(remote.id)).toHaveLength(1);
    await world.restart(quickShopFactory);
    await world.host.client.call('errors.list', {}).then((errors) => Promise.all(errors.map((e) => world!.host.client.call('errors.retry', { id: e.id }).catch(() => undefined))));
    await world.host.client.call('sync.run', { job: 'shipping' });
    expect(shop.fulfillmentsOf(remote.id)).toHaveLength(1);
    expect(shop.fulfillmentsOf(remote.id)[0]!.trackingInfo[0]).toMatchObject({ company: 'DHL', number: 'TRACK-1' });
    expect(shop.operations.filter((o) => o.name === 'BackroomFulfil')).toHaveLength(1);
    const order = await world.host.client.call('orders.show', { number });
    expect(order.shipments[0]!.pushedAt).toBeDefined();
    expect(order.status).toBe('completed');
  });

  it('captures open abandoned checkouts as carts and abandons them after the cut-off', async () => {
    const clock = new FakeClock('2026-06-10T14:30:00.000Z');
    world = await openShopifyWorld({ clock, sandbox: { now: () => clock.now().getTime(), seed: { products: 6 } } });
    const { shop } = world;
    shop.addCheckout({ email: 'late@example.com', firstName: 'Lena', lines: [{ sku: 'SKU-00002', quantity: 1, price: '12.00' }] });
    const done = shop.addCheckout({ email: 'paid@example.com' });
    shop.completeCheckout(done.id);
    shop.addCheckout({ email: null });
    await world.host.client.call('sync.run', { job: 'carts' });
    let carts = await world.host.client.call('carts.list', {});
    expect(carts.map((c) => [c.email, c.state, c.total])).toEqual([['late@example.com', 'capturing', '12.00']]);

    clock.set('2026-06-10T14:46:00.000Z');
    await world.host.client.call('sync.run', { job: 'carts' });
    carts = await world.host.client.call('carts.list', {});
    expect(carts[0]).toMatchObject({ state: 'abandoned', stateChangedAt: '2026-06-10T14:45:00.000Z' });
  });
});
