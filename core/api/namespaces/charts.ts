import { monthOf } from '../../store/order-book';
import { chartHistoryOf } from '../chart-recorder';
import type { OrdersPerDay, StockHistory, SyncLag } from '../contract-charts';
import { notFound } from '../errors';
import type { Handler } from '../server';

const DAY_MS = 86_400_000;

/** The `count` UTC days ending with the day of `now`, oldest first, as `YYYY-MM-DD`. */
export function utcDays(now: Date, count: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) => new Date(today - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** Pictures derived from what is stored; nothing is counted as it happens, so nothing can drift. */
export const chartsHandlers: {
  'charts.ordersPerDay': Handler<'charts.ordersPerDay'>;
  'charts.stockHistory': Handler<'charts.stockHistory'>;
  'charts.syncLag': Handler<'charts.syncLag'>;
} = {
  async 'charts.stockHistory'({ sku }, ctx) {
    const points = chartHistoryOf(ctx)?.stock[sku];
    if (!points && !ctx.store.stock.data.items[sku]) throw notFound('sku', `There is no SKU "${sku}" in your stock list.`);
    return { sku, points: (points ?? []).map(([at, onHand, available]) => ({ at: new Date(at * 1000).toISOString(), onHand, available })) } satisfies StockHistory;
  },

  async 'charts.syncLag'({ runs }, ctx) {
    const ring = chartHistoryOf(ctx)?.runs ?? [];
    const shops = ctx.store.main.data.shops.map((shop) => ({
      name: shop.name,
      runs: ring.filter((r) => r.shop === shop.name).slice(-runs).map(({ at, ok, lagSeconds }) => ({ at, ok, lagSeconds })),
    }));
    return { shops } satisfies SyncLag;
  },

  async 'charts.ordersPerDay'({ days }, ctx) {
    const range = utcDays(ctx.clock.now(), days);
    const index = new Map(range.map((d, i) => [d, i]));
    const firstMonth = monthOf(`${range[0]!}T00:00:00.000Z`);
    const counts = new Map<string, number[]>(ctx.store.main.data.shops.map((s) => [s.name, range.map(() => 0)]));
    // Newest month first: stop once a month lies wholly before the range (bounded reading).
    for await (const orders of ctx.store.orders.byMonth()) {
      const month = orders[0] ? monthOf(orders[0].createdAt) : undefined;
      if (month && month < firstMonth) break;
      for (const order of orders) {
        const at = index.get(new Date(order.createdAt).toISOString().slice(0, 10));
        if (at === undefined) continue;
        const row = counts.get(order.shop) ?? counts.set(order.shop, range.map(() => 0)).get(order.shop)!;
        row[at]!++;
      }
    }
    return { days: range, shops: [...counts].map(([name, c]) => ({ name, counts: c })) } satisfies OrdersPerDay;
  },
};
