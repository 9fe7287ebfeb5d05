import { afterEach, describe, expect, it } from 'vitest';
import { hostEngine } from '../../core/host/host';
import type { Order } from '../../core/model';
import { removeTempDirs, tempDir } from '../helpers';

afterEach(removeTempDirs);

function order(shop: string, id: number, createdAt: string, status = 'processing'): Order {
  return {
    shop, remoteId: String(id), number: `${shop === 'A' ? 'WO' : 'SH'}:${id}`, remoteNumber: String(id), status, currency: 'EUR', total: '10.00',
    customer: { email: `c${id}@example.com`, firstName: 'C', lastName: String(id), phone: '', company: '' },
    lines: [], meta: {}, createdAt, modifiedAt: createdAt, importedAt: createdAt, fulfilment: 'unfulfilled', shipments: [],
  };
}

describe('orders.list', () => {
  it('pages newest first across months, per shop and by status, with the same totals as a full count', async () => {
    const host = (await hostEngine({ dataDir: await tempDir(), serve: false }))!;
    try {
      const all: Order[] = [];
      let id = 1;
      for (const month of ['2026-01', '2026-02', '2026-03']) {
        for (let day = 1; day <= 20; day++) {
          const o = order(id % 3 === 0 ? 'B' : 'A', id, `${month}-${String(day).padStart(2, '0')}T10:00:00.000Z`, id % 4 === 0 ? 'completed' : 'processing');
          id++;
          all.push(o);
          await host.store.orders.stage(o);
        }
      }
      await host.store.checkpoint(...['A', 'B'].map((shop) => ({ shop, ordersImported: all.filter((o) => o.shop === shop).length })));
      const expected = (filter: (o: Order) => boolean) => all.filter(filter).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((o) => o.number);
      const api = host.client;

      const first = await api.call('orders.list', { limit: 25 });
      expect(first.total).toBe(60);
      expect(first.orders.map((o) => o.number)).toEqual(expected(() => true).slice(0, 25));
      const third = await api.call('orders.list', { limit: 25, offset: 50 });
      expect(third.orders.map((o) => o.number)).toEqual(expected(() => true).slice(50));

      const shopB = await api.call('orders.list', { shop: 'B', limit: 5, offset: 3 });
      expect(shopB.total).toBe(all.filter((o) => o.shop === 'B').length);
      expect(shopB.orders.map((o) => o.number)).toEqual(expected((o) => o.shop === 'B').slice(3, 8));

      const completed = await api.call('orders.list', { status: 'completed', limit: 100 });
      expect(completed.total).toBe(15);
      expect(completed.orders.map((o) => o.number)).toEqual(expected((o) => o.status === 'completed'));
    } finally {
      await host.close();
    }
  });
});
