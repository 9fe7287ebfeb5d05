import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers';
import { openWorld, requestsTo, type World } from './world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

const batchPosts = (shop: Parameters<typeof requestsTo>[0]) => requestsTo(shop, /\/batch(\?|$)/, 'POST');

describe('inventory push against two shops', () => {
  it('pushes a stock change to a location-mapped and a combined shop with the minimal batches, then nothing', async () => {
    world = await openWorld({
      locations: ['Shop floor', 'Warehouse'],
      shops: [
        { name: 'Floor', location: 'Shop floor', sandbox: { seed: { products: 250 } } },
        { name: 'Online', sandbox: { seed: { products: 250 } } },
      ],
    });
    const floor = world.shops.get('Floor')!;
    const online = world.shops.get('Online')!;
    // 150 simple, stock-managed SKUs.
    const skus = [...floor.state.products.values()].filter((p) => p.type === 'simple' && p.manageStock).slice(0, 150).map((p) => p.sku);
    const csv = ['sku,location,quantity', ...skus.flatMap((sku, i) => [`${sku},Shop floor,${i % 7}`, `${sku},Warehouse,${10 + (i % 5)}`])].join('\n');
    await world.host.client.call('stock.import', { csv });

    const first = await world.host.client.call('sync.run', { job: 'inventory' });
    expect(first.summaries.every((s) => s.errors === 0)).toBe(true);
    expect(floor.state.stockOf(skus[3]!)).toBe(3);
    expect(online.state.stockOf(skus[3]!)).toBe(3 + 13);
    // ⌈150/100⌉ = 2 batch requests per shop for 150 simple products.
    expect(batchPosts(floor)).toBe(2);
    expect(batchPosts(online)).toBe(2);

    // Nothing changed: no push request at all, and no read either.
    const before = [requestsTo(floor), requestsTo(online)];
    const idle = await world.host.client.call('sync.run', { job: 'inventory' });
    expect(idle.summaries.map((s) => s.requests)).toEqual([0, 0]);
    expect([requestsTo(floor), requestsTo(online)]).toEqual(before);

    // One SKU changes at the warehouse: the combined shop gets one batch of one; the floor shop nothing.
    await world.host.client.call('stock.set', { sku: skus[0]!, quantity: 99, location: 'Warehouse' });
    await world.host.client.call('sync.run', { job: 'inventory' });
    expect(batchPosts(online)).toBe(3);
    expect(batchPosts(floor)).toBe(2);
    expect(online.state.stockOf(skus[0]!)).toBe(99 + 0);
  });

  it('reconcile corrects drift on the shop and alerts on unmanaged stock and missing SKUs', async () => {
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 12 } } }] });
    const shop = world.shops.get('Main')!;
    const unmanaged = [...shop.state.products.values()].find((p) => p.type === 'simple' && !p.manageStock)!;
    const managed = [...shop.state.products.values()].find((p) => p.type === 'simple' && p.manageStock)!;
    const variation = [...shop.state.variations.values()][0]!;
    await world.host.client.call('stock.import', {
      csv: `sku,location,quantity\n${managed.sku},WH,5\n${unmanaged.sku},WH,5\n${variation.sku},WH,4\nNOT-ON-SHOP,WH,1\n`,
    });
    await world.host.client.call('sync.run', { job: 'inventory' });
    expect(shop.state.stockOf(managed.sku)).toBe(5);
    expect(shop.state.stockOf(variation.sku)).toBe(4);
    const kinds = (await world.host.client.call('alerts.list', {})).map((a) => a.kind).sort();
    expect(kinds).toEqual(['sku-missing', 'stock-unmanaged']);

    // Someone edits stock in wp-admin: the hourly reconcile puts it back.
    shop.state.setStock(managed.sku, 40);
    await world.host.client.call('sync.run', { job: 'inventory' });
    expect(shop.state.stockOf(managed.sku)).toBe(40); // a plain push trusts what it last sent
    await world.host.client.call('sync.run', { job: 'inventory', reconcile: true });
    expect(shop.state.stockOf(managed.sku)).toBe(5);
  });

  it('pushes 0 once available falls to the safety buffer and never below 0', async () => {
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 4 } } }] });
    const shop = world.shops.get('Main')!;
    const sku = [...shop.state.products.values()].find((p) => p.type === 'simple' && p.manageStock)!.sku;
    world.host.store.main.data.shops[0]!.safetyBuffer = 2;
    await world.host.store.main.save();
    await world.host.client.call('stock.set', { sku, quantity: 3, location: 'WH' });
    shop.addOrder({ status: 'processing', lines: [{ sku, quantity: 1 }] });
    await world.host.client.call('sync.run', {});
    expect(shop.state.stockOf(sku)).toBe(0); // 3 − 1 = 2 ≤ buffer 2
    await world.host.client.call('stock.set', { sku, quantity: 10, location: 'WH' });
    await world.host.client.call('sync.run', { job: 'inventory' });
    expect(shop.state.stockOf(sku)).toBe(9);
  });
});

describe('never offer what cannot ship (mixed mappings)', () => {
  it('a location-mapped shop is not offered units a combined shop has already sold', async () => {
    // 10 on hand at A, 0 at B; the combined shop sells all 10. Nothing is left anywhere, so the
    // A-mapped shop must be offered 0, not "A's 10 less A's own commitments".
    world = await openWorld({
      locations: ['A', 'B'],
      shops: [
        { name: 'Floor', location: 'A', sandbox: { seed: { products: 4 } } },
        { name: 'Online', sandbox: { seed: { products: 4 } } },
      ],
    });
    const floor = world.shops.get('Floor')!;
    const online = world.shops.get('Online')!;
    const sku = [...floor.state.products.values()].find((p) => p.type === 'simple' && p.manageStock)!.sku;
    expect(online.state.productBySku(sku)).toBeDefined();
    await world.host.client.call('stock.set', { sku, quantity: 10, location: 'A' });
    await world.host.client.call('stock.set', { sku, quantity: 0, location: 'B' });
    await world.host.client.call('sync.run', {});
    expect([floor.state.stockOf(sku), online.state.stockOf(sku)]).toEqual([10, 10]);

    online.addOrder({ status: 'processing', lines: [{ sku, quantity: 10 }] });
    await world.host.client.call('sync.run', {});
    expect(online.state.stockOf(sku)).toBe(0);
    expect(floor.state.stockOf(sku)).toBe(0);
    const [view] = await world.host.client.call('stock.list', { sku });
    expect(view).toMatchObject({ totalOnHand: 10, committed: 10, available: 0 });
  });
});
