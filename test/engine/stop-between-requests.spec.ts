// engine.stop() (SIGTERM, quit) during each shop job: the job ends after the request in flight,
// saves where it is, and the next start does the rest exactly once. The connectors are the real
// ones against the sandbox; the stop is asked for from inside the first request, so "mid-run" is
// exact rather than a matter of timing.
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers';
import { openWorld, requestsTo, wrappedShopFactory, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

/** A factory whose connector asks the engine to stop while its first call of `method` is in flight. */
function stopDuringFirst(getWorld: () => World | undefined, method: 'setStock' | 'addShipment' | 'checkoutPages') {
  let calls = 0;
  return wrappedShopFactory((real) => ({
    [method]: (...args: never[]) => {
      if (calls++ === 0) getWorld()!.host.ctx.engine.stop();
      return (real[method] as (...a: never[]) => unknown)(...args);
    },
  }));
}

describe('stopping the engine during a job', () => {
  it('the stock push ends after the batch in flight; the next start pushes the rest', async () => {
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 250 } } }] });
    const shop = world.shops.get('Main')!;
    const skus = [...shop.state.products.values()].filter((p) => p.type === 'simple' && p.manageStock).slice(0, 250).map((p) => p.sku);
    expect(skus.length).toBeGreaterThan(100); // more than one batch of 100
    await world.host.client.call('stock.import', { csv: ['sku,location,quantity', ...skus.map((sku, i) => `${sku},WH,${i % 9}`)].join('\n') });
    await world.restart(stopDuringFirst(() => world, 'setStock'));
    const stopped = await world.host.ctx.engine.run('inventory', 'Main');
    expect(stopped.stopped).toMatch(/stopping/);
    expect(requestsTo(shop, /\/batch(\?|$)/, 'POST')).toBe(1);
    // Last sent holds exactly what the shop accepted.
    const sent = world.host.store.cursors.of('Main').lastSent;
    expect(Object.keys(sent)).toHaveLength(100);
    for (const [sku, quantity] of Object.entries(sent)) expect(shop.state.stockOf(sku), sku).toBe(quantity);

    await world.restart();
    await world.host.client.call('sync.run', { job: 'inventory' });
    expect(requestsTo(shop, /\/batch(\?|$)/, 'POST')).toBe(1 + Math.ceil((skus.length - 100) / 100));
    skus.forEach((sku, i) => expect(shop.state.stockOf(sku), sku).toBe(i % 9));
  });

  it('the shipping push ends after the order in flight; the rest stays queued and is sent once at the next start', async () => {
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 4 }, shipmentTracking: true } }] });
    const shop = world.shops.get('Main')!;
    const ids = Array.from({ length: 4 }, () => shop.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 1 }] }).id);
    await world.host.client.call('stock.set', { sku: 'SKU-00001', quantity: 50, location: 'WH' });
    await world.host.client.call('sync.run', { job: 'orders' });
    for (const id of ids) await world.host.client.call('ship', { orderNumber: `WO:${id}`, carrier: 'DHL', tracking: `T-${id}` });
    await world.restart(stopDuringFirst(() => world, 'addShipment'));
    const stopped = await world.host.ctx.engine.run('shipping', 'Main');
    expect(stopped.stopped).toMatch(/stopping/);
    const tracked = () => ids.filter((id) => shop.state.orders.get(id)!.trackings.length > 0).length;
    expect(tracked()).toBe(1);
    expect(world.host.store.queue.data.items.filter((i) => i.kind === 'shipping.push')).toHaveLength(3);

    await world.restart();
    await world.host.client.call('sync.run', { job: 'shipping' });
    for (const id of ids) expect(shop.state.orders.get(id)!.trackings.map((t) => t.number), `order ${id}`).toEqual([`T-${id}`]);
  });

  it('the cart sweep ends after the page in flight with the cursor over what it read; the next start reads on and captures every checkout once', async () => {
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 4, checkouts: 250 } } }] });
    const shop = world.shops.get('Main')!;
    await world.restart(stopDuringFirst(() => world, 'checkoutPages'));
    const stopped = await world.host.ctx.engine.run('carts', 'Main');
    expect(stopped.stopped).toMatch(/stopping/);
    expect(requestsTo(shop, /checkout-draft/, 'GET')).toBe(1);
    // The page read is kept with the cursor over it (keyset paging: nothing older is left unread),
    // and the cursor stops there, before the checkouts not read yet.
    const cursor = world.host.store.cursors.of('Main').cartsModifiedAfter;
    expect(cursor).toBeDefined();
    const newestCheckout = Math.max(...[...shop.state.orders.values()].filter((o) => o.status === 'checkout-draft' || o.status === 'pending').map((o) => o.modifiedMs));
    expect(Date.parse(cursor!)).toBeLessThan(newestCheckout);
    const afterStop = Object.keys(world.host.store.carts.data.carts).length;

    await world.restart();
    const rest = await world.host.ctx.engine.run('carts', 'Main');
    expect(rest.stopped).toBeUndefined();
    const carts = Object.values(world.host.store.carts.data.carts);
    expect(carts.length).toBeGreaterThan(afterStop);
    expect(new Set(carts.map((c) => c.remoteId)).size).toBe(carts.length);
    expect(world.host.store.cursors.of('Main').cartsModifiedAfter).toBeDefined();
  });
});
