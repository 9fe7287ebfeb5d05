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
});
export type ShopCursor = z.infer<typeof ShopCursor>;
