import type { ShopConnectorFactory } from '../../core/engine/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers';
import { openWorld, quickShopFactory, wrappedShopFactory, type World } from './world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

async function oneOrder(options: { factory?: ShopConnectorFactory; shipmentTracking?: boolean } = {}) {
  world = await openWorld({ locations: ['WH'], factory: options.factory, shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 8 }, shipmentTracking: options.shipmentTracking ?? true } }] });
  const shop = world.shops.get('Main')!;
  await world.host.client.call('stock.set', { sku: 'SKU-00001', quantity: 10, location: 'WH' });
  await world.host.client.call('stock.set', { sku: 'SKU-00002', quantity: 10, location: 'WH' });
  const remote = shop.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 2 }, { sku: 'SKU-00002', quantity: 1 }] });
  await world.host.client.call('sync.run', { job: 'orders' });
  return { shop, remote, number: `WO:${remote.id}` };
}

describe('shipping push', () => {
  it('waits for the whole order, then pushes every shipment once and completes the order', async () => {
    const { shop, remote, number } = await oneOrder();
    const first = await world!.host.client.call('ship', { orderNumber: number, carrier: 'DHL', tracking: 'TRACK-1', lines: [{ sku: 'SKU-00001', quantity: 2 }] });
    expect(first.order.fulfilment).toBe('partial');
    await world!.host.client.call('sync.run', { job: 'shipping' });
    expect(shop.state.order(remote.id).trackings).toHaveLength(0);
    expect(shop.state.order(remote.id).status).toBe('processing');

    const second = await world!.host.client.call('ship', { orderNumber: number, carrier: 'UPS', tracking: 'TRACK-2' });
    expect(second.order.fulfilment).toBe('fulfilled');
    expect(second.shipment.lines).toEqual([{ sku: 'SKU-00002', quantity: 1 }]);
    await world!.host.client.call('sync.run', { job: 'shipping' });
    const onShop = shop.state.order(remote.id);
    expect(onShop.trackings.map((t) => t.number).sort()).toEqual(['TRACK-1', 'TRACK-2']);
    expect(onShop.status).toBe('completed');

    // On hand went down at the location; nothing is committed any more.
    const stock = await world!.host.client.call('stock.list', {});
    expect(stock.find((s) => s.sku === 'SKU-00001')).toMatchObject({ totalOnHand: 8, committed: 0 });

    // Running again pushes nothing more.
    await world!.host.client.call('sync.run', { job: 'shipping' });
    expect(shop.state.order(remote.id).trackings).toHaveLength(2);
  });

  it('pushes once even when the process dies between the push and its record', async () => {
    let crashed = false;
    const dying = wrappedShopFactory((real) => ({
      async addShipment(remoteOrderId, shipment) {
        const ref = await real.addShipment(remoteOrderId, shipment);
        if (!crashed) {
          crashed = true;
          throw new Error('simulated crash after the shop accepted the shipment');
        }
        return ref;
      },
    }));
    const { shop, remote, number } = await oneOrder({ factory: dying });
    await world!.host.client.call('ship', { orderNumber: number, carrier: 'DHL', tracking: 'ONCE-1' });
    await expect(world!.host.client.call('sync.run', { job: 'shipping' })).rejects.toThrow(/simulated crash/);
    expect(shop.state.order(remote.id).trackings).toHaveLength(1);

    await world!.restart(quickShopFactory);
    await world!.host.client.call('sync.run', { job: 'shipping' });
    expect(shop.state.order(remote.id).trackings).toHaveLength(1);
    expect(shop.state.order(remote.id).status).toBe('completed');
    const order = await world!.host.client.call('orders.show', { number });
    expect(order.shipments[0]!.pushedAt).toBeDefined();
    expect(order.shippingPushedAt).toBeDefined();
  });

  it('errors retry pushes a failed shipment once, then neither the error nor its queued push is left', async () => {
    let refuse = true;
    const failing = wrappedShopFactory((real) => ({
      async addShipment(remoteOrderId, shipment) {
        if (refuse) throw new Error('simulated fault while sending the shipment');
        return real.addShipment(remoteOrderId, shipment);
      },
    }));
    const { shop, remote, number } = await oneOrder({ factory: failing });
    await world!.host.client.call('ship', { orderNumber: number, carrier: 'DHL', tracking: 'TRACK-1' });
    await world!.host.client.call('sync.run', { job: 'shipping' }).catch(() => undefined);
    const errors = await world!.host.client.call('errors.list', {});
    const failed = errors.find((e) => e.operation.kind === 'shipping.push');
    expect(failed, 'the failed push is in the error list').toBeDefined();
    expect(await world!.host.ctx.repos.queue.find('shipping.push', number), 'and still queued').toBeDefined();

    refuse = false;
    expect(await world!.host.client.call('errors.retry', { id: failed!.id })).toEqual({ resolved: true });
    expect(shop.state.order(remote.id).trackings.map((t) => t.number)).toEqual(['TRACK-1']);
    expect(await world!.host.ctx.repos.queue.find('shipping.push', number), 'the queued push is gone').toBeUndefined();
    // The next shipping run finds nothing to push again.
    await world!.host.client.call('sync.run', { job: 'shipping' });
    expect(shop.state.order(remote.id).trackings).toHaveLength(1);
  });

  it('writes a customer note when Shipment Tracking is not installed', async () => {
    const { shop, remote, number } = await oneOrder({ shipmentTracking: false });
    await world!.host.client.call('ship', { orderNumber: number, carrier: 'DHL', tracking: 'NOTE-1' });
    await world!.host.client.call('sync.run', { job: 'shipping' });
    const notes = shop.state.order(remote.id).notes.filter((n) => n.customerNote);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.note).toContain('NOTE-1');
    await world!.host.client.call('sync.run', { job: 'shipping' });
    expect(shop.state.order(remote.id).notes.filter((n) => n.customerNote)).toHaveLength(1);
  });

  it('refuses a shipment that does not fit the order, changing nothing', async () => {
    const { number } = await oneOrder();
    await expect(world!.host.client.call('ship', { orderNumber: number, carrier: 'DHL', tracking: 'X', lines: [{ sku: 'SKU-00001', quantity: 5 }] })).rejects.toMatchObject({ code: 'bad-input', field: 'lines' });
    await expect(world!.host.client.call('ship', { orderNumber: 'WO:999999', carrier: 'DHL', tracking: 'X' })).rejects.toMatchObject({ code: 'bad-input', field: 'order' });
    const stock = await world!.host.client.call('stock.list', {});
    expect(stock.find((s) => s.sku === 'SKU-00001')!.totalOnHand).toBe(10);
  });
});
