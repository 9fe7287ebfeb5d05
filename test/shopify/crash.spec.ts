// Exactly-once shipping to Shopify across a real crash: the engine runs in a child process that is
// killed with SIGKILL while Shopify is making the first of an order's two fulfillments (one per
// location); a new process then pushes again and sends only the location still missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostEngine } from '../../core/host/host';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { removeTempDirs, spawnTs, tempDir } from '../helpers';

process.env.BACKROOM_SECRETS = 'file';

let shop: ShopifySandbox;
beforeAll(async () => {
  shop = await startShopifySandbox({ locations: ['Main store', 'Warehouse'], seed: { products: 8 }, bucket: { maximumAvailable: 2000, restoreRate: 20_000 } });
  shop.setInventory('SKU-00003', 20, 'Warehouse');
});
afterAll(async () => {
  await shop.close();
  await removeTempDirs();
});

describe('Shopify shipping across a SIGKILL', () => {
  it('creates each location fulfillment once when the pushing process is killed mid-push', async () => {
    const dataDir = await tempDir('br-shopify-crash-');
    const remote = shop.addOrder({ lines: [{ sku: 'SKU-00001', quantity: 2, location: 'Main store' }, { sku: 'SKU-00003', quantity: 1, location: 'Warehouse' }] });
    const number = `SH:${remote.name.slice(1)}`;
    const setup = (await hostEngine({ dataDir, serve: false }))!;
    await setup.client.call('location.add', { name: 'WH' });
    await setup.client.call('shop.add', { platform: 'shopify', name: 'Shopify', domain: shop.domain, token: shop.token, location: 'WH' });
    await setup.client.call('stock.set', { sku: 'SKU-00001', quantity: 10, location: 'WH' });
    await setup.client.call('stock.set', { sku: 'SKU-00003', quantity: 10, location: 'WH' });
    await setup.client.call('sync.run', { job: 'orders' });
    await setup.client.call('ship', { orderNumber: number, carrier: 'PostNL', tracking: '3SABC123' });
    await setup.close();

    // Killed the moment Shopify starts on the first fulfillment: Shopify makes it, nobody hears back.
    const first = spawnTs('test/shopify/ship-child.ts', [dataDir]);
    const stop = shop.beforeOperation('BackroomFulfil', () => {
      first.process.kill('SIGKILL');
      stop();
    });
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(shop.fulfillmentsOf(remote.id)).toHaveLength(1);

    const second = spawnTs('test/shopify/ship-child.ts', [dataDir]);
    await second.waitForLine((l) => l.startsWith('done '), 60_000);
    await second.exited;
    const fulfillments = shop.fulfillmentsOf(remote.id);
    expect(fulfillments).toHaveLength(2);
    expect(new Set(fulfillments.map((f) => f.locationId)).size).toBe(2);
    expect(fulfillments.flatMap((f) => f.trackingInfo.map((t) => t.number))).toEqual(['3SABC123', '3SABC123']);
    expect(shop.operations.filter((o) => o.name === 'BackroomFulfil')).toHaveLength(2);
    expect(shop.state.displayFulfillmentStatus(shop.state.order(remote.id))).toBe('FULFILLED');

    const after = (await hostEngine({ dataDir, serve: false }))!;
    try {
      const order = await after.client.call('orders.show', { number });
      expect(order.shipments[0]!.pushedAt).toBeDefined();
      expect(order.status).toBe('completed');
    } finally {
      await after.close();
    }
  }, 120_000);
});
