import { z } from 'zod';

/**
 * WooCommerce REST API v3 payloads: only the fields Backroom reads, extra fields ignored (shops
 * run plugins that add many). A value that does not fit is reported with its field path.
 */

/** WooCommerce prints `_gmt` dates as `2025-01-31T09:15:00`: UTC, without a zone suffix. */
export const WooGmtDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'must be a date such as 2025-01-31T09:15:00')
  // The pattern alone lets 2025-02-30 or 99:99 through, which would roll over or break the cursor arithmetic.
  .refine((gmt) => isRealGmtDate(gmt), 'must be a real date and time such as 2025-01-31T09:15:00');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether a text the pattern let through (`YYYY-MM-DDTHH:MM:SS`) is a real date and time. Read
 * digit by digit: it runs for every order read, and parsing and printing a Date each time cost
 * more than the rest of the order's checks.
 */
function isRealGmtDate(gmt: string): boolean {
  const at = (from: number, count: number) => {
    let value = 0;
    for (let i = from; i < from + count; i++) value = value * 10 + gmt.charCodeAt(i) - 48;
    return value;
  };
  const year = at(0, 4);
  const month = at(5, 2);
  if (month < 1 || month > 12) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  const day = at(8, 2);
  return day >= 1 && day <= days && at(11, 2) <= 23 && at(14, 2) <= 59 && at(17, 2) <= 59;
}
export const WooMoney = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal amount such as "12.50"');
const Id = z.number().int().nonnegative();

export const WooMeta = z.object({ key: z.string(), value: z.unknown() });

export const WooBilling = z.object({
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  company: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

export const WooLineItem = z.object({
  id: Id,
  name: z.string(),
  product_id: Id,
  variation_id: Id,
  quantity: z.number().int().nonnegative(),
  total: WooMoney,
  /** Null when the product was deleted since the order was placed. */
  sku: z.string().nullish(),
  /** The item's meta, `_restock_refunded_items` (units restocked by refunds so far) among it. */
  meta_data: z.array(WooMeta).default([]),
});

export const WooOrder = z.object({
  id: Id,
  number: z.union([z.string(), z.number()]).transform(String),
  status: z.string().min(1),
  currency: z.string(),
  total: WooMoney,
  date_created_gmt: WooGmtDate,
  date_modified_gmt: WooGmtDate.nullish(),
  customer_id: Id,
  billing: WooBilling,
  meta_data: z.array(WooMeta),
  line_items: z.array(WooLineItem),
  refunds: z.array(z.object({ id: Id })).default([]),
  payment_url: z.string().nullish(),
});
export type WooOrder = z.infer<typeof WooOrder>;

export const WooRefund = z.object({
  id: Id,
  line_items: z.array(
    z.object({
      /** Negative: refunded units are stored as negative quantities on the refund. */
      quantity: z.number(),
      meta_data: z.array(WooMeta).default([]),
    }),
  ),
});
export type WooRefund = z.infer<typeof WooRefund>;

export const WooProduct = z.object({
  id: Id,
  type: z.string(),
  sku: z.string().nullish(),
  manage_stock: z.boolean(),
  stock_quantity: z.number().nullable(),
  /** `no`, `notify` or `yes`: whether the product sells on at 0 (read only; Backroom never changes it). */
  backorders: z.string().optional(),
});
export type WooProduct = z.infer<typeof WooProduct>;

export const WooVariation = z.object({
  id: Id,
  sku: z.string().nullish(),
  /** `parent` when the variation uses the stock of its product. */
  manage_stock: z.union([z.boolean(), z.literal('parent')]),
  stock_quantity: z.number().nullable(),
  backorders: z.string().optional(),
  /** Present on WooCommerce 10.3's `/variations` collection only. */
  parent_id: Id.optional(),
});
export type WooVariation = z.infer<typeof WooVariation>;

export const WooBatchResponse = z.object({ update: z.array(z.unknown()).default([]) });
export const WooBatchItemError = z.object({ id: z.number(), error: z.object({ code: z.string(), message: z.string() }) });

export const WooCustomer = z.object({ id: Id, role: z.string() });

export const WooNote = z.object({ id: Id, note: z.string(), customer_note: z.boolean() });
export type WooNote = z.infer<typeof WooNote>;

export const WooTracking = z.object({
  tracking_id: z.string(),
  tracking_number: z.string(),
  tracking_provider: z.string().nullish(),
  date_shipped: z.string().nullish(),
});
export type WooTracking = z.infer<typeof WooTracking>;

/** The WordPress REST index at `/wp-json/`: public, names the site and the active API namespaces. */
export const WpIndex = z.object({
  name: z.string(),
  namespaces: z.array(z.string()).default([]),
  timezone_string: z.string().nullish(),
  gmt_offset: z.union([z.number(), z.string()]).nullish(),
});

export const WooSystemStatus = z.object({
  environment: z.object({ version: z.string().nullish() }).partial().default({}),
  settings: z.object({ currency: z.string().nullish() }).partial().default({}),
});

/** WordPress' error body: `{"code":"woocommerce_rest_cannot_view","message":"…","data":{"status":401}}`. */
export const WpErrorBody = z.object({ code: z.string(), message: z.string() });
