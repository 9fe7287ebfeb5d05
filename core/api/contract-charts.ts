import { z } from 'zod';
import { Sku } from '../model';
import { method } from './define';

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

export const chartsContract = {
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
