// The engine's owner makes the order counts exact when it starts, reading only the month files
// written since the counts were made: a start must not read (and hold) every order of the history.
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Order } from '../../core/model';
import { openStore } from '../../core/store';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

function order(remoteId: string, createdAt: string, shop = 'Main'): Order {
  return {
    shop, remoteId, number: `WO:${remoteId}`, remoteNumber: remoteId, status: 'processing', currency: 'EUR', total: '10.00',
    customer: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Okafor', phone: '', company: '' },
    lines: [], meta: {}, createdAt, modifiedAt: createdAt, importedAt: createdAt, fulfilment: 'unfulfilled', shipments: [],
  };
}

async function folderWith(orders: Order[]): Promise<string> {
  const dir = await tempDir();
  const store = await openStore(dir);
  for (const o of orders) await store.orders.stage(o);
  await store.checkpoint(...['Main', 'Outlet'].map((shop) => ({ shop, ordersImported: orders.filter((o) => o.shop === shop).length })));
  return dir;
}

describe('order counts on start', () => {
  it('does not read a month file that has not changed since its orders were counted', async () => {
    const dir = await folderWith([order('1', '2026-09-02T08:00:00.000Z'), order('2', '2026-09-03T08:00:00.000Z'), order('3', '2026-09-04T08:00:00.000Z'), order('4', '2026-11-02T08:00:00.000Z')]);
    // A whole second, which every file system keeps exactly.
    const path = join(dir, 'orders', '2026-09.json');
    const then = new Date('2026-10-01T00:00:00.000Z');
    await utimes(path, then, then);
    expect((await openStore(dir, { recountOrders: true })).cursors.orderCount('Main')).toBe(4);

    // September, rewritten behind the store's back with one order fewer, padded to the same size and
    // given back its modified time: a start that reads it counts 3, one that trusts its counts 4.
    const before = await stat(path);
    const month = JSON.parse(await readFile(path, 'utf8')) as { orders: Record<string, Order> };
    delete month.orders['Main#3'];
    const text = JSON.stringify(month);
    await writeFile(path, text.padEnd(before.size, ' '));
    await utimes(path, then, then);

    const owner = await openStore(dir, { recountOrders: true });
    expect(owner.cursors.orderCount('Main')).toBe(4);
  });

  it('recounts a month written since, and drops a month whose file is gone', async () => {
    const dir = await folderWith([order('1', '2026-09-02T08:00:00.000Z'), order('2', '2026-11-02T08:00:00.000Z', 'Outlet')]);
    const first = await openStore(dir, { recountOrders: true });
    expect(first.cursors.orderCounts()).toEqual({ Main: 1, Outlet: 1 });
    // As a kill after the order write and before the marker write leaves it.
    await first.orders.stage(order('3', '2026-11-05T08:00:00.000Z', 'Outlet'));
    await first.flush(); // the orders written as a checkpoint writes them, no marker moved
    expect((await openStore(dir, { recountOrders: true })).cursors.orderCounts()).toEqual({ Main: 1, Outlet: 2 });

    await rm(join(dir, 'orders', '2026-09.json'));
    const again = await openStore(dir, { recountOrders: true });
    expect(again.cursors.orderCounts()).toEqual({ Outlet: 2 });
    expect(again.cursors.orderMonths()).toEqual({ '2026-11': { Outlet: 2 } });
  });
});
