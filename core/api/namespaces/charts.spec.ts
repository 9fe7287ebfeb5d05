// Orders per day per shop, derived from the stored orders: against a brute-force count over any set
// of orders (property), bounded to the asked range, and with a clear message outside the allowed one.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../runtime/clock';
import { hostEngine, type EngineHost } from '../../host/host';
import type { Order } from '../../model';
import { removeTempDirs, tempDir } from '../../../test/helpers';
import { startWooSandbox } from '../../../sandbox/woocommerce';
import { utcDays } from './charts';

afterAll(removeTempDirs);

const NOW = Date.parse('2026-03-02T10:00:00.000Z');

function order(shop: string, n: number, createdAt: string): Order {
  return {
    shop, remoteId: String(n), number: `${shop.slice(0, 2).toUpperCase()}:${n}`, remoteNumber: String(n), status: 'processing', currency: 'EUR', total: '10.00',
    customer: { email: 'a@example.com', firstName: 'A', lastName: 'B', phone: '', company: '' },
    lines: [], meta: {}, createdAt, modifiedAt: createdAt, importedAt: createdAt, fulfilment: 'unfulfilled', shipments: [],
  };
}

async function engineAt(now: number): Promise<EngineHost> {
  const host = await hostEngine({ dataDir: await tempDir('br-charts-'), serve: false, clock: new FakeClock(now) });
  if (!host) throw new Error('no engine');
  return host;
}

describe('charts.ordersPerDay', () => {
  it('lists the UTC days ending today, oldest first', () => {
    expect(utcDays(new Date('2026-03-02T23:59:59.999Z'), 3)).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
  });

  test.prop(
    [
      fc.array(fc.record({ shop: fc.constantFrom('Main shop', 'Second shop'), msAgo: fc.integer({ min: -2 * 86_400_000, max: 150 * 86_400_000 }) }), { maxLength: 60 }),
      fc.integer({ min: 1, max: 90 }),
    ],
    { numRuns: 15 },
  )('counts each stored order once, on its UTC creation day, and nothing outside the range', async (orders, days) => {
    const host = await hostEngine({ dataDir: await tempDir('br-charts-'), serve: false, clock: new FakeClock(NOW) });
    try {
      for (const [i, o] of orders.entries()) await host!.store.orders.put(order(o.shop, 1000 + i, new Date(NOW - o.msAgo).toISOString()));
      const result = await host!.client.call('charts.ordersPerDay', { days });
      expect(result.days).toHaveLength(days);
      expect(result.days.at(-1)).toBe('2026-03-02');
      for (const { name, counts } of result.shops) {
        result.days.forEach((day, i) => {
          const expected = orders.filter((o) => o.shop === name && new Date(NOW - o.msAgo).toISOString().slice(0, 10) === day).length;
          expect(counts[i], `${name} on ${day}`).toBe(expected);
        });
      }
      const inRange = orders.filter((o) => result.days.includes(new Date(NOW - o.msAgo).toISOString().slice(0, 10))).length;
      expect(result.shops.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0)).toBe(inRange);
    } finally {
      await host!.close();
    }
  });

  it('refuses a range outside 1–90 days, saying so', async () => {
    const host = await engineAt(NOW);
    try {
      await expect(host.client.call('charts.ordersPerDay', { days: 400 })).rejects.toThrow(/at most 90 days/);
      await expect(host.client.call('charts.ordersPerDay', { days: 0 })).rejects.toThrow(/at least 1 day/);
    } finally {
      await host.close();
    }
  });
});

describe('charts.stockHistory', () => {
  it('follows each change of a SKU, sampled, and survives a restart of the engine', async () => {
    const dataDir = await tempDir('br-charts-');
    const clock = new FakeClock(NOW);
    let host = (await hostEngine({ dataDir, serve: false, clock }))!;
    await host.client.call('location.add', { name: 'Warehouse' });
    await host.client.call('stock.set', { sku: 'MUG-1', location: 'Warehouse', quantity: 10 });
    await clock.advance(3_600_000);
    await host.client.call('stock.set', { sku: 'MUG-1', location: 'Warehouse', quantity: 7 });
    await clock.advance(60_000);
    await host.client.call('stock.set', { sku: 'MUG-1', location: 'Warehouse', quantity: 4 });
    await clock.advance(60_000); // within the sampling interval after the 7: replaces the 4
    await host.client.call('stock.set', { sku: 'MUG-1', location: 'Warehouse', quantity: 2 });
    await new Promise((r) => setImmediate(r));
    await host.close();

    host = (await hostEngine({ dataDir, serve: false, clock }))!;
    try {
      const history = await host.client.call('charts.stockHistory', { sku: 'MUG-1' });
      expect(history.points.map((p) => [p.at, p.onHand, p.available])).toEqual([
        [new Date(NOW).toISOString(), 10, 10],
        [new Date(NOW + 3_600_000).toISOString(), 7, 7],
        [new Date(NOW + 3_720_000).toISOString(), 2, 2],
      ]);
      await expect(host.client.call('charts.stockHistory', { sku: 'NOPE' })).rejects.toThrow('There is no SKU "NOPE" in your stock list.');
    } finally {
      await host.close();
    }
  });
});

describe('charts.syncLag', () => {
  it('records each order pull with how old the copy of the shop was, also while the shop fails', async () => {
    const sandbox = await startWooSandbox({ seed: { products: 2, orders: 2, random: 3 } });
    const clock = new FakeClock(Date.now());
    const host = (await hostEngine({ dataDir: await tempDir('br-charts-'), serve: false, clock }))!;
    try {
      await host.client.call('location.add', { name: 'Warehouse' });
      await host.client.call('shop.add', { platform: 'woocommerce', name: 'Main shop', url: sandbox.url, key: sandbox.credentials.key, secret: sandbox.credentials.secret, location: 'Warehouse' });
      await host.client.call('sync.run', { job: 'orders' });
      await clock.advance(300_000);
      await host.client.call('sync.run', { job: 'orders' });
      await clock.advance(600_000);
      await sandbox.close(); // the shop goes away: the pull fails and the lag keeps growing
      await host.client.call('sync.run', { job: 'orders' });
      const lag = await host.client.call('charts.syncLag', {});
      const runs = lag.shops.find((s) => s.name === 'Main shop')!.runs;
      expect(runs.map((r) => [r.ok, r.lagSeconds])).toEqual([
        [true, 0],
        [true, 300],
        [false, 600],
      ]);
      await expect(host.client.call('charts.syncLag', { runs: 500 })).rejects.toThrow(/at most 200 runs/);
    } finally {
      await host.close();
      await sandbox.close().catch(() => undefined);
    }
  });
});
