// A checkpoint writes the orders staged before it began saving what they imply, and no others.
// Issue 9 (crash test, seed 914384958: CRM tags and totals behind the orders): a pull staged an
// order and queued its CRM work while a checkpoint's queue.json write was already running (its text
// taken at write start); the same checkpoint then wrote the order's month file with the order in it.
// A kill before the next queue.json write left the order on disk without its CRM work, and the
// re-pull skipped it as unchanged, so the work was never queued again.
// No kill needed: "what is on disk" is read by opening the folder again, as the next start would.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Order } from '../../core/model';
import { openStore, type Store } from '../../core/store';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const AT = '2026-11-20T08:00:00.000Z';

function order(remoteId: string, email = 'ada@example.com'): Order {
  return {
    shop: 'Main', remoteId, number: `WO:${remoteId}`, remoteNumber: remoteId, status: 'processing', currency: 'EUR', total: '10.00',
    customer: { email, firstName: 'Ada', lastName: 'Okafor', phone: '', company: '' },
    lines: [], meta: {}, createdAt: AT, modifiedAt: AT, importedAt: AT, fulfilment: 'unfulfilled', shipments: [],
  };
}

/** What a pull does for a new order: its CRM work into the queue (the order hook), then the order staged. */
async function pull(store: Store, o: Order): Promise<void> {
  store.queue.data.customers[o.customer.email] = { ...store.queue.data.customers[o.customer.email], [`${o.shop}#${o.remoteId}`]: { cents: 1000, at: o.createdAt } };
  await store.orders.stage(o);
}

/** Lets the event loop run until queue.json's next write has begun (its text is taken as it begins). */
async function untilQueueWriteStarts(store: Store): Promise<void> {
  const before = store.queue.writes;
  for (let turn = 0; store.queue.writes === before; turn++) {
    if (turn > 10_000) throw new Error('queue.json was never written');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Order keys in the month file on disk, and the order keys queue.json on disk has CRM work for. */
async function onDisk(dir: string): Promise<{ orders: string[]; crmWork: string[] }> {
  const month = JSON.parse(await readFile(join(dir, 'orders', '2026-11.json'), 'utf8').catch(() => '{"orders":{}}')) as { orders: Record<string, unknown> };
  const reopened = await openStore(dir);
  return { orders: Object.keys(month.orders).sort(), crmWork: Object.values(reopened.queue.data.customers).flatMap((o) => Object.keys(o)).sort() };
}

describe('a checkpoint and an order staged while it saves', () => {
  it('never writes the order without the CRM work queued for it', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    await pull(store, order('1'));
    await store.checkpoint({ shop: 'Main', ordersImported: 1 });

    // Another job's checkpoint (a shipment, a CRM send) is writing queue.json when the pull stages order 2.
    const running = store.checkpoint();
    await untilQueueWriteStarts(store);
    await pull(store, order('2', 'bo@example.com'));
    await running;

    // Killed here. Every order on disk must have its CRM work on disk.
    const disk = await onDisk(dir);
    expect(disk.orders.filter((key) => !disk.crmWork.includes(key)), `orders on disk without their CRM work (on disk: orders ${disk.orders.join(', ')}; CRM work ${disk.crmWork.join(', ')})`).toEqual([]);

    // Still seen by every reader meanwhile, and written with the next checkpoint.
    expect((await store.orders.get('Main', '2', AT))?.number).toBe('WO:2');
    expect((await store.orders.findByNumber('WO:2'))?.remoteId).toBe('2');
    await store.checkpoint({ shop: 'Main', ordersImported: 1 });
    expect(await onDisk(dir)).toEqual({ orders: ['Main#1', 'Main#2'], crmWork: ['Main#1', 'Main#2'] });
  });
});
