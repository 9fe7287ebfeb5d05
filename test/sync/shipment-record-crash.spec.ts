// Recording a shipment changes two files: stock.json (on hand at the location, the stock the order
// holds) and the order's month file (the shipment itself). A kill between the two writes must neither
// lose the shipment nor take its units off twice. Kill-free: the month files are put back as they were
// before the shipment, which is what a kill right after stock.json was written leaves on disk.
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../helpers';
import { openWorld, type World } from './world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('a shipment recorded just before a kill', () => {
  it('is on the order and took its units off once, after a kill between the stock file and the order file', async () => {
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 4 }, shipmentTracking: true } }] });
    const api = () => world!.host.client;
    const shop = world.shops.get('Main')!;
    await api().call('stock.set', { sku: 'SKU-00001', quantity: 10, location: 'WH' });
    const remote = shop.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 3 }] });
    await api().call('sync.run', { job: 'orders' });
    const number = `WO:${remote.id}`;
    await world.host.store.flush();
    const ordersBefore = await tempDir('br-orders-before-');
    await cp(join(world.dataDir, 'orders'), ordersBefore, { recursive: true });

    await api().call('ship', { orderNumber: number, carrier: 'DHL', tracking: 'DHL-1' });
    await world.host.close();
    // The kill: stock.json (and the queue) were written, the order's month file was not.
    await rm(join(world.dataDir, 'orders'), { recursive: true });
    await cp(ordersBefore, join(world.dataDir, 'orders'), { recursive: true });
    await world.restart();

    // The merchant looks, and the engine syncs: the shipment is there, once, and the shop hears of it.
    await api().call('sync.run', {});
    const order = await api().call('orders.show', { number });
    expect(order.shipments.map((s) => s.tracking)).toEqual(['DHL-1']);
    expect(order.fulfilment).toBe('fulfilled');
    const stock = await api().call('stock.list', {});
    expect(stock.find((s) => s.sku === 'SKU-00001')).toMatchObject({ totalOnHand: 7, committed: 0 });
    expect(shop.state.order(remote.id).trackings.map((t) => t.number)).toEqual(['DHL-1']);
    // Shipping it again is refused: nothing is left to ship, and no units go twice.
    await expect(api().call('ship', { orderNumber: number, carrier: 'DHL', tracking: 'DHL-2' })).rejects.toThrow(/nothing left to ship/);
    expect((await api().call('stock.list', {})).find((s) => s.sku === 'SKU-00001')).toMatchObject({ totalOnHand: 7 });
  }, 60_000);
});
