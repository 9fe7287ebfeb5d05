import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from './world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('one sync pass converges', () => {
  it('a second full pass with nothing changed sends nothing to the shop and reads one page of orders and one of checkouts', async () => {
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 30, orders: 120, checkouts: 4 } } }] });
    const shop = world.shops.get('Main')!;
    const api = world.host.client;
    const rows = ['sku,location,quantity', ...[...shop.state.products.values()].filter((p) => p.type === 'simple').map((p) => `${p.sku},WH,${p.id % 13}`)];
    await api.call('stock.import', { csv: rows.join('\n') });
    const orders = await api.call('orders.list', { limit: 1 });
    expect(orders.total).toBe(0);
    await api.call('sync.run', {});
    const some = await api.call('orders.list', { limit: 1 });
    await api.call('ship', { orderNumber: some.orders[0]!.number, carrier: 'DHL', tracking: 'CONV-1' });
    await api.call('sync.run', {});

    const before = shop.log.length;
    const second = await api.call('sync.run', {});
    const seen = shop.log.slice(before);
    expect(seen.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(seen.map((r) => decodeURIComponent(r.path).replace(/\?.*status=([^&]*).*/, '?status=$1').replace(/\?(?!status).*/, ''))).toEqual([
      '/wp-json/wc/v3/orders',
      '/wp-json/wc/v3/orders?status=checkout-draft,pending',
    ]);
    expect(second.summaries.every((s) => s.errors === 0)).toBe(true);
  });

  it('pushes each shipment as it is made when the shop asks for it, and completes the order with the last', async () => {
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 6 } } }] });
    const shop = world.shops.get('Main')!;
    const api = world.host.client;
    await api.call('shop.update', { name: 'Main', shippingPush: 'each' });
    await api.call('stock.set', { sku: 'SKU-00001', quantity: 5, location: 'WH' });
    await api.call('stock.set', { sku: 'SKU-00002', quantity: 5, location: 'WH' });
    const remote = shop.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 1 }, { sku: 'SKU-00002', quantity: 1 }] });
    await api.call('sync.run', { job: 'orders' });
    await api.call('ship', { orderNumber: `WO:${remote.id}`, carrier: 'DHL', tracking: 'EACH-1', lines: [{ sku: 'SKU-00001', quantity: 1 }] });
    await api.call('sync.run', { job: 'shipping' });
    expect(shop.state.order(remote.id).trackings.map((t) => t.number)).toEqual(['EACH-1']);
    expect(shop.state.order(remote.id).status).toBe('processing');
    await api.call('ship', { orderNumber: `WO:${remote.id}`, carrier: 'DHL', tracking: 'EACH-2' });
    await api.call('sync.run', { job: 'shipping' });
    expect(shop.state.order(remote.id).trackings.map((t) => t.number)).toEqual(['EACH-1', 'EACH-2']);
    expect(shop.state.order(remote.id).status).toBe('completed');
  });
});
