// Recording or pushing a shipment writes the order book, and with it every order a running pull has
// staged. Those orders' implications (stock held, CRM work, customer totals) must reach the disk
// first, as in the pull's own checkpoint: found by the crash test, where a customer's order count on
// Mailchimp stayed one short after a kill that followed a shipment recorded mid-pull.
import { readdir, readFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../core/model';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

async function onDisk(dataDir: string, key: string): Promise<boolean> {
  for (const file of await readdir(join(dataDir, 'orders'))) {
    const month = JSON.parse(await readFile(join(dataDir, 'orders', file), 'utf8')) as { orders: Record<string, unknown> };
    if (key in month.orders) return true;
  }
  return false;
}

describe('a shipment recorded while a pull has orders staged', () => {
  it('does not write the staged orders ahead of the CRM work and stock they imply', async () => {
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 4 } } }] });
    const shop = world.shops.get('Main')!;
    const shipped = shop.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 1 }] });
    await world.host.client.call('stock.set', { sku: 'SKU-00001', quantity: 10, location: 'WH' });
    await world.host.client.call('sync.run', { job: 'orders' });
    const { store } = world.host;
    const stored = (await store.orders.findByNumber(`WO:${shipped.id}`))!;

    // A pull in progress has staged a new order and noted its customer, not yet checkpointed.
    const pulled: Order = { ...stored, remoteId: '999001', number: 'WO:999001', remoteNumber: '999001', shipments: [], fulfilment: 'unfulfilled' };
    await store.orders.stage(pulled);
    store.queue.data.customers['late@example.com'] = { 'Main#999001': { cents: 100, at: pulled.createdAt } };
    // queue.json cannot be written now (as if the process died before it was).
    await rm(join(world.dataDir, 'queue.json'), { force: true });
    await mkdir(join(world.dataDir, 'queue.json'));

    await world.host.client.call('ship', { orderNumber: stored.number, carrier: 'DHL', tracking: 'T-1' }).catch(() => undefined);
    expect(await onDisk(world.dataDir, 'Main#999001'), 'the pulled order on disk without its CRM work').toBe(false);
    await rm(join(world.dataDir, 'queue.json'), { recursive: true });
  });
});
