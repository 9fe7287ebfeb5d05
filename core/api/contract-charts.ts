import { z } from 'zod';
import { method } from './define';

/** Longest range a chart asks for, in days: the order files of about three months are read at most. */
export const MAX_CHART_DAYS = 90;

/** Orders created per UTC day per shop, oldest day first; days without orders count 0. */
export interface OrdersPerDay {
  /** The UTC days covered, `YYYY-MM-DD`, oldest first; the last is today. */
  days: string[];
  shops: { name: string; counts: number[] }[];
}

export const chartsContract = {
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
