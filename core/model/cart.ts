import { z } from 'zod';
import { Instant, Money, Name } from './common';
import type { CartSettings } from './settings';

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
  /**
   * Recorded as history (SPEC §4 "Capture horizon"): the checkout predates the shop's connection,
   * or one of its moments passed beyond the horizon while Backroom was not running. Its lifecycle is
   * still followed, but none of its changes reach the CRM unless the merchant runs `rules replay`.
   * Once history, always history: a cart never starts firing halfway through its life.
   */
  history: z.boolean().default(false),
  /** When the cart moved capturing → abandoned (absent for carts stored before this was kept). */
  abandonedAt: Instant.optional(),
});
export type Cart = z.infer<typeof Cart>;

/** A cart's state changed: the CRM job turns these into tag events. */
export interface CartTransition {
  cart: Cart;
  to: 'abandoned' | 'recovered' | 'lost' | 'unsubscribed';
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The capture horizon (SPEC §4): cut-off + recovery window. A cart moment due longer ago than this
 * is over before any CRM action could matter (the cart would already be lost), so it is history.
 */
export function captureHorizonMs(settings: Pick<CartSettings, 'cutoffMinutes' | 'recoveryWindowDays'>): number {
  return settings.cutoffMinutes * MINUTE + settings.recoveryWindowDays * DAY;
}

/** True when a moment due at `dueAt` lies beyond the horizon before `now` (both UTC instants). */
export function isBeyondHorizon(dueAt: Date | string, now: Date, settings: Pick<CartSettings, 'cutoffMinutes' | 'recoveryWindowDays'>): boolean {
  return now.getTime() - new Date(dueAt).getTime() > captureHorizonMs(settings);
}

/**
 * Whether a newly seen checkout is history from the start: it was created before the shop was
 * connected (`connectedAt`), or its last activity lies beyond the horizon. Instants throughout, so a
 * shop's time zone or a DST change cannot move the line.
 */
export function checkoutIsHistory(
  checkout: { createdAt: string; modifiedAt: string },
  connectedAt: string,
  now: Date,
  settings: Pick<CartSettings, 'cutoffMinutes' | 'recoveryWindowDays'>,
): boolean {
  // Shops report times to the second (WooCommerce drops milliseconds), so the connection moment is
  // compared at that precision: a checkout made in the same second as the connection is not history.
  const connectedSecond = Math.floor(new Date(connectedAt).getTime() / 1000) * 1000;
  if (new Date(checkout.createdAt).getTime() < connectedSecond) return true;
  return isBeyondHorizon(checkout.modifiedAt, now, settings);
}

/** The cart events a cart has been through, for `rules replay`: abandoned (if it was), then how it ended. */
export function cartMomentsOf(cart: Cart): ('abandoned' | 'recovered' | 'lost')[] {
  // Recovered and lost carts were abandoned first; an unsubscribed one only if it says so.
  const wasAbandoned = cart.abandonedAt !== undefined || cart.state === 'abandoned' || cart.state === 'recovered' || cart.state === 'lost';
  const moments: ('abandoned' | 'recovered' | 'lost')[] = wasAbandoned ? ['abandoned'] : [];
  if (cart.state === 'recovered' || cart.state === 'lost') moments.push(cart.state);
  return moments;
}
