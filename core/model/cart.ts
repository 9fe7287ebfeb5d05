import { z } from 'zod';
import { Instant, Money, Name } from './common';

/** SPEC §4: capturing → abandoned → recovered / lost / unsubscribed. */
export const CartState = z.enum(['capturing', 'abandoned', 'recovered', 'lost', 'unsubscribed']);
export type CartState = z.infer<typeof CartState>;

export const CartItem = z.object({ sku: z.string(), name: z.string(), quantity: z.number().int().min(0), total: Money });

export const Cart = z.object({
  id: z.string(),
  shop: Name,
  /** The shop's checkout/order id the cart was captured from. */
  remoteId: z.string(),
  email: z.string(),
  name: z.string().default(''),
  items: z.array(CartItem),
  total: Money,
  currency: z.string(),
  cartUrl: z.string().default(''),
  capturedAt: Instant,
  /** Last activity on the checkout; the cut-off counts from here. */
  updatedAt: Instant,
  state: CartState,
  stateChangedAt: Instant,
  /** Captured but kept away from the CRM (blacklisted email or domain). */
  crmBlocked: z.boolean().default(false),
  /** When each CRM was last asked whether this cart's contact unsubscribed (abandoned carts only). */
  crmChecks: z.record(z.string(), Instant).default({}),
});
export type Cart = z.infer<typeof Cart>;
