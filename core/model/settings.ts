import { z } from 'zod';
import { Name } from './common';

export const Platform = z.enum(['woocommerce', 'shopify']);
export type Platform = z.infer<typeof Platform>;

/** Where a shop's stock comes from: one location, or all locations added together. */
export const LocationMapping = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('location'), location: Name }),
  z.object({ kind: z.literal('combined') }),
]);
export type LocationMapping = z.infer<typeof LocationMapping>;

export const MIN_POLL_SECONDS = 30;

export const ShopIntervals = z.object({
  /** Order pull interval (SPEC §1: default 5 minutes, minimum 30 s). */
  ordersSeconds: z.number().int().min(MIN_POLL_SECONDS, `must be at least ${MIN_POLL_SECONDS} seconds`).default(300),
  /** Stock reconcile interval (SPEC §2: default hourly). */
  reconcileSeconds: z.number().int().min(60, 'must be at least 60 seconds').default(3600),
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
  intervals: ShopIntervals.default({ ordersSeconds: 300, reconcileSeconds: 3600 }),
  /** Push 0 once available stock falls to this many units or fewer (SPEC §2). 0 = off. */
  safetyBuffer: z.number().int().min(0).default(0),
  /** `complete`: push shipping once, when the order is fully fulfilled; `each`: every shipment. */
  shippingPush: z.enum(['complete', 'each']).default('complete'),
  /** Reference into the secret store; the secret itself never sits in the settings file. */
  secretRef: z.string(),
  addedAt: z.string(),
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

export const MIN_CART_CUTOFF_MINUTES = 10;

export const CartSettings = z.object({
  tracking: z.boolean().default(true),
  cutoffMinutes: z.number().int().min(MIN_CART_CUTOFF_MINUTES, `must be at least ${MIN_CART_CUTOFF_MINUTES} minutes`).default(15),
  sweepMinutes: z.number().int().min(1, 'must be at least 1 minute').default(15),
  recoveryWindowDays: z.number().int().min(1).default(30),
  recoveryStatuses: z.array(z.string().min(1)).min(1).default(['processing', 'completed']),
  excludedRoles: z.array(z.string().min(1)).default(['administrator', 'shop_manager']),
  /** Whole addresses (`a@b.com`) or domains (`@b.com` / `b.com`): captured, never sent to a CRM. */
  blacklist: z.array(z.string().trim().toLowerCase().min(1)).default([]),
});
export type CartSettings = z.infer<typeof CartSettings>;

export const Settings = z.object({
  carts: CartSettings.default(CartSettings.parse({})),
  /** Debounce before an automatic stock push, so a burst of edits makes one push. */
  stockPushDebounceMs: z.number().int().min(0).max(60_000).default(2000),
  /**
   * CRM contact fields beyond name, phone and company: Backroom field (`orderCount`, `totalSpent`,
   * `lastOrderDate`, or `meta:KEY` for an order meta key) → the CRM's field name.
   */
  crmFields: z.record(z.string().regex(/^(orderCount|totalSpent|lastOrderDate|meta:.+)$/, 'must be orderCount, totalSpent, lastOrderDate or meta:KEY'), z.string().min(1)).default({}),
});
export type Settings = z.infer<typeof Settings>;
