import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { orderTotal } from '../../sandbox/woocommerce/state';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

/**
 * What a crash (or a full disk) between writing queue.json and the orders month file leaves: the
 * queue file with the order counted into its customer's totals, but neither the order nor the cursor
 * that passed it. The restart pulls the order again as new.
 */
async function loseOrdersButKeepQueue(dataDir: string): Promise<void> {
  for (const file of await readdir(join(dataDir, 'orders'))) await rm(join(dataDir, 'orders', file));
  const mainPath = join(dataDir, 'backroom.json');
  const main = JSON.parse(await readFile(mainPath, 'utf8')) as { cursors: Record<string, unknown>; orderCounts: Record<string, number> };
  main.cursors = {};
  main.orderCounts = {};
  await writeFile(mainPath, JSON.stringify(main));
}

describe('customer totals sent to the CRM', () => {
  it('count an order once when it is pulled again after a crash between the queue file and the month file', async () => {
    const clock = new FakeClock('2026-05-04T09:00:00Z');
    world = await openWorld({ clock, crms: ['AC'], shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime(), seed: { products: 4 } } }] });
    const crm = world.crms.get('AC')!;
    crm.addField('Order count', 'ORDER_COUNT');
    crm.addField('Total spent', 'TOTAL_SPENT');
    await world.host.client.call('settings.update', { crmFields: { orderCount: 'ORDER_COUNT', totalSpent: 'TOTAL_SPENT' } });
    await world.host.client.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    const shop = world.shops.get('Main')!;
    const first = shop.addOrder({ status: 'processing', email: 'ann@example.com', lines: [{ sku: 'SKU-00001', quantity: 1 }] });
    await world.host.client.call('sync.run', {});
    expect(crm.fieldsOf('ann@example.com')).toMatchObject({ ORDER_COUNT: '1', TOTAL_SPENT: Number(orderTotal(first)).toFixed(2) });

    await world.host.close();
    await loseOrdersButKeepQueue(world.dataDir);
    await world.restart();
    await world.host.client.call('sync.run', {});

    clock.set('2026-05-04T10:00:00Z');
    const second = shop.addOrder({ status: 'processing', email: 'ann@example.com', lines: [{ sku: 'SKU-00002', quantity: 2 }] });
    await world.host.client.call('sync.run', {});
    expect(crm.fieldsOf('ann@example.com')).toMatchObject({ ORDER_COUNT: '2', TOTAL_SPENT: (Number(orderTotal(first)) + Number(orderTotal(second))).toFixed(2) });
  });

  it('rebuilds totals an earlier version incremented (possibly twice) from the orders actually stored', async () => {
    const clock = new FakeClock('2026-05-04T09:00:00Z');
    world = await openWorld({ clock, crms: ['AC'], shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime(), seed: { products: 4 } } }] });
    const crm = world.crms.get('AC')!;
    crm.addField('Order count', 'ORDER_COUNT');
    await world.host.client.call('settings.update', { crmFields: { orderCount: 'ORDER_COUNT', lastOrderDate: 'ORDER_COUNT_DATE' } });
    await world.host.client.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    const shop = world.shops.get('Main')!;
    shop.addOrder({ status: 'processing', email: 'bo@example.com' });
    await world.host.client.call('sync.run', {});
    await world.host.close();

    // queue.json as an earlier version wrote it, with the order counted twice.
    const queuePath = join(world.dataDir, 'queue.json');
    const queue = JSON.parse(await readFile(queuePath, 'utf8')) as Record<string, unknown>;
    delete queue.customers;
    queue.contacts = { 'bo@example.com': { orders: 2, spentCents: 99_999, lastOrderAt: '2026-05-04T09:00:00.000Z' } };
    await writeFile(queuePath, JSON.stringify(queue));
    await world.restart();
    clock.set('2026-05-04T10:00:00Z');
    shop.addOrder({ status: 'processing', email: 'bo@example.com' });
    await world.host.client.call('sync.run', {});
    expect(crm.fieldsOf('bo@example.com').ORDER_COUNT).toBe('2');
    const migrated = JSON.parse(await readFile(queuePath, 'utf8')) as Record<string, unknown>;
    expect(migrated.contacts).toBeUndefined();
    expect(Object.keys((migrated.customers as Record<string, object>)['bo@example.com']!)).toHaveLength(2);
  });
});
