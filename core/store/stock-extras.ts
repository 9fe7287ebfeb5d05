import { z } from 'zod';

/** A booked return: units an order sent back, put on hand at a location. */
export const BookedReturn = z.object({
  order: z.string(),
  at: z.string(),
  location: z.string(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().min(1) })),
});
export type BookedReturn = z.infer<typeof BookedReturn>;

/**
 * What stock.json keeps beside quantities, so it changes in the same write as the stock it is about:
 * reorder points, which SKUs have a low-stock alert raised, and the returns already booked.
 */
export const StockExtras = z.object({
  /** Reorder point per SKU (1 or more; 0 clears it, so it is never stored). */
  reorderPoints: z.record(z.string(), z.number().int().min(1).max(1_000_000_000)).default({}),
  /** SKUs at or below their point whose alert is raised (SKU → since when): one alert per crossing. */
  low: z.record(z.string(), z.string()).default({}),
  /**
   * Returns and shop refunds with restock already put back on hand, by key (`return:ID` for one
   * recorded in Backroom, `refund:SHOP#ID` for a shop's refund): a refund seen twice restocks once.
   */
  returns: z.record(z.string(), BookedReturn).default({}),
});
export type StockExtras = z.infer<typeof StockExtras>;

export function extrasOf(data: { extras?: StockExtras }): StockExtras {
  return (data.extras ??= { reorderPoints: {}, low: {}, returns: {} });
}
