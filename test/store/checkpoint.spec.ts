// Store.checkpoint is the only way a sync marker moves: the data it covers is made durable first,
// and when that fails the marker stays where it was, in memory and on disk.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Order } from '../../core/model';
import { openStore } from '../../core/store';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

function order(remoteId: string): Order {
  const at = '2026-11-20T08:00:00.000Z';
  return {
    shop: 'Main', remoteId, number: `WO:${remoteId}`, remoteNumber: remoteId, status: 'processing', currency: 'EUR', total: '10.00',
    customer: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Okafor', phone: '', company: '' },
    lines: [], meta: {}, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

const onDisk = async (dir: string) => JSON.parse(await readFile(join(dir, 'cursors.json'), 'utf8')) as { shops: Record<string, { ordersModifiedAfter?: string }>; orderCounts: Record<string, number> };

describe('store.checkpoint', () => {
  it('writes the staged orders before it moves the cursor, and moves nothing when they cannot be written', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    await store.orders.stage(order('1'));
    await store.checkpoint({ shop: 'Main', ordersModifiedAfter: '2026-11-20T08:00:00.000Z', ordersImported: 1 });
    expect((await onDisk(dir)).shops.Main?.ordersModifiedAfter).toBe('2026-11-20T08:00:00.000Z');
    expect(JSON.parse(await readFile(join(dir, 'orders', '2026-11.json'), 'utf8')).orders['Main#1']).toBeDefined();

    // The orders folder cannot be written (a file stands in its place): the checkpoint fails whole.
    await rm(join(dir, 'orders'), { recursive: true });
    await writeFile(join(dir, 'orders'), 'not a folder');
    await store.orders.stage({ ...order('2'), modifiedAt: '2026-12-01T08:00:00.000Z' });
    await expect(store.checkpoint({ shop: 'Main', ordersModifiedAfter: '2026-12-01T08:00:00.000Z', ordersImported: 1 })).rejects.toThrow();
    expect(store.cursors.of('Main').ordersModifiedAfter).toBe('2026-11-20T08:00:00.000Z');
    expect(store.cursors.orderCount('Main')).toBe(1);
    await store.flush().catch(() => undefined);
    expect(await onDisk(dir)).toMatchObject({ shops: { Main: { ordersModifiedAfter: '2026-11-20T08:00:00.000Z' } }, orderCounts: { Main: 1 } });
  });

  it('hands out copies: changing a read cursor changes nothing stored', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    await store.checkpoint({ shop: 'Main', lastSent: { A: 3 }, lastRun: { inventory: '2026-11-20T08:00:00.000Z' } });
    const read = store.cursors.of('Main');
    read.lastSent.A = 50;
    read.lastRun.inventory = '2030-01-01T00:00:00.000Z';
    await store.main.save();
    expect(store.cursors.of('Main').lastSent).toEqual({ A: 3 });
    expect((await openStore(dir)).cursors.of('Main').lastRun).toEqual({ inventory: '2026-11-20T08:00:00.000Z' });
  });

  it('reset forgets a shop\'s cursors but keeps its order count (its orders stay)', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    await store.checkpoint({ shop: 'Main', ordersModifiedAfter: '2026-11-20T08:00:00.000Z', cartsModifiedAfter: '2026-11-20T07:00:00.000Z', lastSent: { A: 1 }, ordersImported: 4 });
    await store.checkpoint({ shop: 'Main', reset: true });
    expect(store.cursors.of('Main')).toEqual({ lastRun: {}, lastSent: {} });
    expect(store.cursors.orderCount('Main')).toBe(4);
    expect((await openStore(dir)).cursors.of('Main').ordersModifiedAfter).toBeUndefined();
  });

  it('an engine owner recounts order counts that a kill left short (orders written, markers not)', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    await store.orders.stage(order('1'));
    await store.checkpoint({ shop: 'Main', ordersImported: 1 });
    // As a kill between the two writes leaves it: two more orders on disk, the count not moved.
    await store.orders.stage(order('2'));
    await store.orders.stage(order('3'));
    await store.flush();
    expect((await openStore(dir)).cursors.orderCount('Main')).toBe(1);
    const owner = await openStore(dir, { recountOrders: true });
    expect(owner.cursors.orderCount('Main')).toBe(3);
    expect((await openStore(dir)).cursors.orderCount('Main')).toBe(3);
  });
});
