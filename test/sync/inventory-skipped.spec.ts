// A SKU that is missing on a shop, or whose product there does not manage stock, cannot be pushed.
// It is reported once and not retried on every push, but Backroom must not claim it was sent: the
// stock screens show "last sent" from the same record, and a false one hides the gap.
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers';
import { openWorld, requestsTo, type World } from './world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('stock that cannot be pushed to a shop', () => {
  it('is recorded as skipped with what was wanted, never as last sent, is not retried by plain pushes, and is pushed by the reconcile once the shop can take it', async () => {
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 12 } } }] });
    const shop = world.shops.get('Main')!;
    const unmanaged = [...shop.state.products.values()].find((p) => p.type === 'simple' && !p.manageStock)!;
    const managed = [...shop.state.products.values()].find((p) => p.type === 'simple' && p.manageStock)!;
    await world.host.client.call('stock.import', { csv: `sku,location,quantity\n${managed.sku},WH,5\n${unmanaged.sku},WH,6\nNOT-ON-SHOP,WH,7\n` });
    await world.host.client.call('sync.run', { job: 'inventory' });
    expect(shop.state.stockOf(managed.sku)).toBe(5);

    const sent = () => world!.host.store.cursors.of('Main').lastSent;
    expect(sent()[managed.sku]).toBe(5);
    expect(sent(), 'a SKU missing on the shop was never sent').not.toHaveProperty('NOT-ON-SHOP');
    expect(sent(), 'a product without stock management was never sent').not.toHaveProperty(unmanaged.sku);
    expect(world.host.store.cursors.of('Main').skipped).toEqual({
      'NOT-ON-SHOP': { wanted: 7, reason: 'missing' },
      [unmanaged.sku]: { wanted: 6, reason: 'unmanaged' },
    });
    const alerts = async () => (await world!.host.client.call('alerts.list', {})).map((a) => `${a.kind}:${a.count}`).sort();
    expect(await alerts()).toEqual(['sku-missing:1', 'stock-unmanaged:1']);

    // Not retried forever: after a restart (nothing cached), a plain push asks the shop nothing and
    // the alerts are not raised again; a new wanted quantity is recorded without a request either.
    await world.restart();
    const before = requestsTo(shop);
    await world.host.client.call('stock.set', { sku: 'NOT-ON-SHOP', quantity: 9, location: 'WH' });
    const idle = await world.host.client.call('sync.run', { job: 'inventory' });
    expect(idle.summaries.map((s) => s.requests)).toEqual([0]);
    expect(requestsTo(shop)).toBe(before);
    expect(await alerts()).toEqual(['sku-missing:1', 'stock-unmanaged:1']);

    // The merchant switches stock management on (the shop now shows 0): the reconcile pushes 6.
    shop.state.setStock(unmanaged.sku, 0, true);
    await world.host.client.call('sync.run', { job: 'inventory', reconcile: true });
    expect(shop.state.stockOf(unmanaged.sku)).toBe(6);
    expect(sent()[unmanaged.sku]).toBe(6);
    expect(world.host.store.cursors.of('Main').skipped).toEqual({ 'NOT-ON-SHOP': { wanted: 9, reason: 'missing' } });
  });
});
