// Orders per day per shop, derived from the stored orders: against a brute-force count over any set
// of orders (property), bounded to the asked range, and with a clear message outside the allowed one.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../engine/clock';
import { hostEngine, type EngineHost } from '../../engine/host';
import type { Order } from '../../model';
import { removeTempDirs, tempDir } from '../../../test/helpers';
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
