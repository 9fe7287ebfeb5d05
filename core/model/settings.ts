import { z } from 'zod';
import { BOUNDS, clampToBound, Instant, Name, type Bound } from './common';

export const Platform = z.enum(['woocommerce', 'shopify']);
export type Platform = z.infer<typeof Platform>;

/** Where a shop's stock comes from: one location, or all locations added together. */
export const LocationMapping = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('location'), location: Name }),
  z.object({ kind: z.literal('combined') }),
]);
export type LocationMapping = z.infer<typeof LocationMapping>;

export const MIN_POLL_SECONDS = BOUNDS.pollSeconds.min;
/** Order pull interval when the merchant sets none (SPEC §1: default 60 s, 30 s–24 h). */
export const DEFAULT_POLL_SECONDS = 60;
/** Stock reconcile interval when the merchant sets none (SPEC §2: hourly). */
export const DEFAULT_RECONCILE_SECONDS = 3600;

/*
 * The schemas below describe what is stored. Their numbers are only required to be whole: values
 * coming in are checked against BOUNDS where they are set (the API's parameter schemas, the CLI),
 * and a stored value from before a bound existed is brought back into range with an alert by
 * `clampStoredSettings` rather than making the whole file unreadable.
 */
const storedInt = z.number().int();

export const ShopIntervals = z.object({
  ordersSeconds: storedInt.default(DEFAULT_POLL_SECONDS),
  reconcileSeconds: storedInt.default(DEFAULT_RECONCILE_SECONDS),
});

export const OrderPrefix = z
  .string()
  .trim()
  .regex(/^[A-Z0-9]{1,6}$/, 'must be 1–6 upper-case letters or digits, e.g. WO');

const shopCommon = {
  name: Name,
  prefix: OrderPrefix,
  /** Statuses whose orders are imported (SPEC §1: default `processing`). */
  statuses: z.array(z.string().trim().min(1)).min(1, 'needs at least one status').default(['processing']),
  location: LocationMapping,
  intervals: ShopIntervals.default({ ordersSeconds: DEFAULT_POLL_SECONDS, reconcileSeconds: DEFAULT_RECONCILE_SECONDS }),
  /** Push 0 once available stock falls to this many units or fewer (SPEC §2). 0 = off. */
  safetyBuffer: storedInt.default(0),
  /** `complete`: push shipping once, when the order is fully fulfilled; `each`: every shipment. */
  shippingPush: z.enum(['complete', 'each']).default('complete'),
  /** Reference into the secret store; the secret itself never sits in the settings file. */
  secretRef: z.string(),
  addedAt: z.string(),
  /**
   * From when Backroom follows this shop's checkouts for the CRM (SPEC §4 "Capture horizon"):
   * checkouts created earlier are history. Absent only on shops added before this was kept; the
   * cart sweep then sets it to the moment it first runs after the upgrade (see core/jobs/carts.ts).
   */
  connectedAt: Instant.optional(),
};

export const WooCommerceShop = z.object({
  ...shopCommon,
  platform: z.literal('woocommerce'),
  /** The site's base URL, e.g. https://shop.example.com; the client adds /wp-json/wc/v3/. */
  url: z.url(),
  /** The merchant allowed plain http for this shop (`--allow-http`): its keys then cross the network unencrypted. */
  allowHttp: z.boolean().optional(),
});
export const ShopifyShop = z.object({
  ...shopCommon,
  platform: z.literal('shopify'),
  /** The shop's myshopify domain, e.g. example.myshopify.com. */
  domain: z.string().trim().min(3),
  /** The Shopify location (name or GID) whose stock Backroom sets; the first active location when absent. */
  shopifyLocation: z.string().trim().min(1).optional(),
});
export const Shop = z.discriminatedUnion('platform', [WooCommerceShop, ShopifyShop]);
export type Shop = z.infer<typeof Shop>;

export const CrmPlatform = z.enum(['activecampaign', 'mailchimp']);
export type CrmPlatform = z.infer<typeof CrmPlatform>;

export const CrmConnection = z.discriminatedUnion('platform', [
  // allowHttp: the merchant allowed plain http for this account (`--allow-http`).
  z.object({ name: Name, platform: z.literal('activecampaign'), url: z.url(), allowHttp: z.boolean().optional(), secretRef: z.string(), addedAt: z.string() }),
  z.object({ name: Name, platform: z.literal('mailchimp'), listId: z.string().min(1), server: z.string().optional(), secretRef: z.string(), addedAt: z.string() }),
]);
export type CrmConnection = z.infer<typeof CrmConnection>;

export const MIN_CART_CUTOFF_MINUTES = BOUNDS.cutoffMinutes.min;

export const CartSettings = z.object({
  tracking: z.boolean().default(true),
  cutoffMinutes: storedInt.default(15),
  sweepMinutes: storedInt.default(15),
  recoveryWindowDays: storedInt.default(30),
  recoveryStatuses: z.array(z.string().min(1)).min(1).default(['processing', 'completed']),
  excludedRoles: z.array(z.string().min(1)).default(['administrator', 'shop_manager']),
  /** Whole addresses (`a@b.com`) or domains (`@b.com` / `b.com`): captured, never sent to a CRM. */
  blacklist: z.array(z.string().trim().toLowerCase().min(1)).default([]),
});
export type CartSettings = z.infer<typeof CartSettings>;

export const Settings = z.object({
  carts: CartSettings.default(CartSettings.parse({})),
  /** Debounce before an automatic stock push, so a burst of edits makes one push. */
  stockPushDebounceMs: storedInt.default(2000),
  /**
   * CRM contact fields beyond name, phone and company: Backroom field (`orderCount`, `totalSpent`,
   * `lastOrderDate`, or `meta:KEY` for an order meta key) → the CRM's field name.
   */
  crmFields: z.record(z.string().regex(/^(orderCount|totalSpent|lastOrderDate|meta:.+)$/, 'must be orderCount, totalSpent, lastOrderDate or meta:KEY'), z.string().min(1)).default({}),
});
export type Settings = z.infer<typeof Settings>;

/** One stored value that was outside its range and has been brought back into it. */
export interface ClampedSetting {
  /** Where it was, in words: `shop "Main"` or `cart settings`. */
  where: string;
  label: string;
  unit: Bound['unit'];
  from: number;
  to: number;
}

/**
 * Brings every stored number setting back within its bound, in place, and says what it changed.
 * Files written before the bounds existed may hold, say, a poll interval of 40 days (which Node's
 * timers cannot even hold); the engine keeps running on the nearest allowed value and raises an
 * alert naming each change, instead of refusing to open the merchant's data.
 */
export function clampStoredSettings(data: { settings: Settings; shops: Shop[] }): ClampedSetting[] {
  const changed: ClampedSetting[] = [];
  const fix = (where: string, bound: Bound, value: number, set: (v: number) => void) => {
    const to = clampToBound(bound, value);
    if (to === value) return;
    set(to);
    changed.push({ where, label: bound.label, unit: bound.unit, from: value, to });
  };
  for (const shop of data.shops) {
    const where = `shop "${shop.name}"`;
    fix(where, BOUNDS.pollSeconds, shop.intervals.ordersSeconds, (v) => (shop.intervals.ordersSeconds = v));
    fix(where, BOUNDS.reconcileSeconds, shop.intervals.reconcileSeconds, (v) => (shop.intervals.reconcileSeconds = v));
    fix(where, BOUNDS.safetyBuffer, shop.safetyBuffer, (v) => (shop.safetyBuffer = v));
  }
  const carts = data.settings.carts;
  fix('cart settings', BOUNDS.cutoffMinutes, carts.cutoffMinutes, (v) => (carts.cutoffMinutes = v));
  fix('cart settings', BOUNDS.sweepMinutes, carts.sweepMinutes, (v) => (carts.sweepMinutes = v));
  fix('cart settings', BOUNDS.recoveryWindowDays, carts.recoveryWindowDays, (v) => (carts.recoveryWindowDays = v));
  fix('stock push', BOUNDS.stockPushDebounceMs, data.settings.stockPushDebounceMs, (v) => (data.settings.stockPushDebounceMs = v));
  return changed;
}
