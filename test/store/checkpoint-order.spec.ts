// The order pull de-duplicates on the orders it has stored: an order already on disk is skipped as
// unchanged when it is read again. So what an order implies — the stock it holds (stock.json), its
// CRM work and customer totals (queue.json), carts it recovers — must never become durable later
// than the order itself, or a crash in between loses it for good (found by the crash test: a
// customer's order count on the CRM 98 short, and their orders' tag events gone).
import { mkdir, readFile, rm } from 'node:fs/promises';
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
    lines: [{ lineId: '1', sku: 'MUG', name: 'Mug', productId: '7', quantity: 2, refundedQuantity: 0, total: '10.00' }], meta: {}, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

const monthHas = async (dir: string, key: string) => {
  const text = await readFile(join(dir, 'orders', '2026-11.json'), 'utf8').catch(() => '{"orders":{}}');
  return key in (JSON.parse(text) as { orders: Record<string, unknown> }).orders;
};

describe('store.checkpoint writes an order after what it implies', () => {
  for (const file of ['queue.json', 'stock.json']) {
    it(`an order whose ${file} cannot be written is not written either`, async () => {
      const dir = await tempDir();
      const store = await openStore(dir);
      await store.orders.stage(order('1'));
      store.stock.data.commitments['Main#1'] = { location: null, lines: { MUG: 2 } };
      store.queue.data.customers['ada@example.com'] = { 'Main#1': { cents: 1000, at: '2026-11-20T08:00:00.000Z' } };
      // A folder where the file should be: its save fails, as a kill or a full disk would stop it.
      await rm(join(dir, file), { force: true });
      await mkdir(join(dir, file));
      await expect(store.checkpoint({ shop: 'Main', ordersModifiedAfter: '2026-11-20T08:00:00.000Z', ordersImported: 1 })).rejects.toThrow();
      expect(await monthHas(dir, 'Main#1'), 'the order on disk without what it implies').toBe(false);
      expect(store.cursors.of('Main').ordersModifiedAfter).toBeUndefined();

      // Once the file can be written again, the next checkpoint writes both.
      await rm(join(dir, file), { recursive: true });
      await store.checkpoint({ shop: 'Main', ordersModifiedAfter: '2026-11-20T08:00:00.000Z', ordersImported: 1 });
      expect(await monthHas(dir, 'Main#1')).toBe(true);
      expect(JSON.parse(await readFile(join(dir, 'queue.json'), 'utf8')).customers['ada@example.com']).toBeDefined();
      expect(JSON.parse(await readFile(join(dir, 'stock.json'), 'utf8')).commitments['Main#1']).toEqual({ location: null, lines: { MUG: 2 } });
    });
  }
});
