// Pictures: orders per day per shop, a SKU's stock over time, and how far behind each shop's orders are.
import { z } from 'zod';
import { Sku } from '../../model';
import { chartHistoryOf } from '../chart-recorder';
import { method } from '../define';
import { notFound } from '../errors';
import { namespace } from '../namespace';

/** Longest range a chart asks for, in days: the order files of about three months are read at most. */
export const MAX_CHART_DAYS = 90;

/** Orders created per UTC day per shop, oldest day first; days without orders count 0. */
export interface OrdersPerDay {
  /** The UTC days covered, `YYYY-MM-DD`, oldest first; the last is today. */
  days: string[];
  shops: { name: string; counts: number[] }[];
}

/** A SKU's stock over time, sampled (at most one point per 15 minutes, the newest always current). */
export interface StockHistory {
  sku: string;
  /** Oldest first; `at` is ISO (UTC). */
  points: { at: string; onHand: number; available: number }[];
}

/** Per shop, each recent order pull: how old Backroom's copy of the shop's orders was when it ran. */
export interface SyncLag {
  shops: { name: string; runs: { at: string; ok: boolean; lagSeconds: number }[] }[];
}

const contract = {
  'charts.stockHistory': method<StockHistory>()(z.object({ sku: Sku }).strict()),
  'charts.syncLag': method<SyncLag>()(
    z
      .object({
        /** Runs per shop, newest kept (1–200, default 100). */
        runs: z.number().int('must be a whole number').min(1, 'must be at least 1 run').max(200, 'must be at most 200 runs').default(100),
      })
      .strict(),
  ),
  'charts.ordersPerDay': method<OrdersPerDay>()(
    z
      .object({
        days: z
          .number()
          .int('must be a whole number of days')
          .min(1, 'must be at least 1 day')
          .max(MAX_CHART_DAYS, `must be at most ${MAX_CHART_DAYS} days`)
          .default(30),
      })
      .strict(),
  ),
};

const DAY_MS = 86_400_000;

/** The `count` UTC days ending with the day of `now`, oldest first, as `YYYY-MM-DD`. */
export function utcDays(now: Date, count: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) => new Date(today - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** Pictures derived from what is stored; nothing is counted as it happens, so nothing can drift. */
export const charts = namespace(contract, {
  async 'charts.stockHistory'({ sku }, ctx) {
    const points = (await chartHistoryOf(ctx))?.stock[sku];
    if (!points && !(await ctx.repos.stock.item(sku))) throw notFound('sku', `There is no SKU "${sku}" in your stock list.`);
    return { sku, points: (points ?? []).map(([at, onHand, available]) => ({ at: new Date(at * 1000).toISOString(), onHand, available })) } satisfies StockHistory;
  },

  async 'charts.syncLag'({ runs }, ctx) {
    const ring = (await chartHistoryOf(ctx))?.runs ?? [];
    const shops = (await ctx.repos.settings.get()).shops.map((shop) => ({
      name: shop.name,
      runs: ring.filter((r) => r.shop === shop.name).slice(-runs).map(({ at, ok, lagSeconds }) => ({ at, ok, lagSeconds })),
    }));
    return { shops } satisfies SyncLag;
  },

  async 'charts.ordersPerDay'({ days }, ctx) {
    const range = utcDays(ctx.clock.now(), days);
    const [{ shops }, perDay] = await Promise.all([ctx.repos.settings.get(), ctx.repos.orders.perDay(range[0]!)]);
    const counts = new Map<string, number[]>(shops.map((s) => [s.name, range.map(() => 0)]));
    // A shop no longer connected still shows, after the connected ones (met newest day first, as the months are read).
    for (let at = range.length - 1; at >= 0; at--) {
      for (const [shop, n] of Object.entries(perDay[range[at]!] ?? {})) {
        const row = counts.get(shop) ?? counts.set(shop, range.map(() => 0)).get(shop)!;
        row[at] = n;
      }
    }
    return { days: range, shops: [...counts].map(([name, c]) => ({ name, counts: c })) } satisfies OrdersPerDay;
  },
});
