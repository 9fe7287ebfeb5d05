import { z } from 'zod';
import { Instant } from './common';

/** Per-shop sync state, saved after every page so a crash resumes where it stopped. */
export const ShopCursor = z.object({
  /** Highest remote modified time (UTC) fully imported; the next pull starts here minus an overlap. */
  ordersModifiedAfter: Instant.optional(),
  /** Newest modified time of a checkout read by the cart sweep. */
  cartsModifiedAfter: Instant.optional(),
  lastRun: z.record(z.string(), Instant).default({}),
  /** Last quantity sent per SKU, so only differences are pushed. */
  lastSent: z.record(z.string(), z.number().int()).default({}),
  /**
   * SKUs the shop cannot take (missing there, or stock management off), with the quantity Backroom
   * wants it to show. Kept apart from lastSent, which only ever holds what the shop accepted: plain
   * pushes leave these alone (reported once as an alert, not retried forever); the reconcile, which
   * reads the shop, pushes them once the shop can take them.
   */
  skipped: z.record(z.string(), z.object({ wanted: z.number().int(), reason: z.enum(['missing', 'unmanaged']) })).optional(),
});
export type ShopCursor = z.infer<typeof ShopCursor>;
export type SkippedStock = NonNullable<ShopCursor['skipped']>[string];
