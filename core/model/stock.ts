import { z } from 'zod';
import { Name, Quantity, Sku } from './common';

export const Location = z.object({ name: Name, addedAt: z.string() });
export type Location = z.infer<typeof Location>;

/** One SKU of the stock master: quantity on hand per location name. */
export const StockItem = z.object({
  sku: Sku,
  onHand: z.record(z.string(), Quantity),
});
export type StockItem = z.infer<typeof StockItem>;

/**
 * Stock an unfulfilled order holds. `location` is null for orders from a shop mapped to all
 * locations combined: they hold stock against the total until a shipment says where it left from.
 */
export const Commitment = z.object({
  location: z.string().nullable(),
  lines: z.record(z.string(), z.number().int().min(0)),
});
export type Commitment = z.infer<typeof Commitment>;

/** A CSV import row (`sku,location,quantity`). */
export const StockRow = z.object({ sku: Sku, location: Name, quantity: Quantity });
export type StockRow = z.infer<typeof StockRow>;
