import type { OrderLine } from '../../model';
import type { RemoteOrder, RemoteRestock, RemoteStockItem } from '../types';
import type { WooOrder, WooProduct, WooRefund, WooVariation } from './wire';

/** Meta key a checkout snippet sets when the customer declines cart tracking (GDPR notice). */
export const TRACKING_OPT_OUT_META = '_backroom_tracking_opt_out';

/** `2025-01-31T09:15:00` (UTC, no suffix) → `2025-01-31T09:15:00.000Z`. */
export function gmtToInstant(gmt: string): string {
  return `${gmt}.000Z`;
}

/** A UTC instant → the `2025-01-31T09:15:00` form WooCommerce reads with `dates_are_gmt=true`. */
export function instantToGmt(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`"${instant}" is not a date`);
  // WooCommerce keeps whole seconds; rounding down never skips an order modified in that second.
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

export function metaString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Units refunded per order line id, from the order's refunds (`_refunded_item_id` links each refunded item to its line). */
export function refundedByLine(refunds: WooRefund[]): Map<number, number> {
  const units = new Map<number, number>();
  for (const refund of refunds) {
    for (const item of refund.line_items) {
      const link = item.meta_data.find((m) => m.key === '_refunded_item_id');
      const lineId = Number(metaString(link?.value));
      if (!link || !Number.isInteger(lineId)) continue;
      units.set(lineId, (units.get(lineId) ?? 0) + Math.abs(item.quantity));
    }
  }
  return units;
}

/** Line item meta WooCommerce's "Restock refunded items" keeps: the units of the line put back in stock so far. */
export const RESTOCKED_META = '_restock_refunded_items';

/**
 * What refunds put back in stock, from each line's running tally (WooCommerce's refunds themselves
 * do not say: `api_restock` is write-only). A tally names no refund, so each restocked unit is one
 * restock keyed by line and unit number: a tally read again books nothing new, a higher one only
 * the units above the last. Bounded by the line's quantity.
 */
export function restocksOf(order: WooOrder): RemoteRestock[] {
  const out: RemoteRestock[] = [];
  for (const li of order.line_items) {
    const tally = Number(metaString(li.meta_data.find((m) => m.key === RESTOCKED_META)?.value));
    if (!li.sku || !Number.isInteger(tally) || tally <= 0) continue;
    for (let unit = 1; unit <= Math.min(tally, li.quantity); unit++) out.push({ refundId: `item-${li.id}-unit-${unit}`, lines: [{ sku: li.sku, quantity: 1 }], afterShipping: false });
  }
  return out;
}

export function toRemoteOrder(order: WooOrder, refunded: Map<number, number> = new Map()): RemoteOrder {
  const meta: Record<string, string> = {};
  for (const m of order.meta_data) meta[m.key] = metaString(m.value);
  const lines: OrderLine[] = order.line_items.map((li) => ({
    lineId: String(li.id),
    sku: li.sku ?? '',
    name: li.name,
    quantity: li.quantity,
    refundedQuantity: Math.min(li.quantity, refunded.get(li.id) ?? 0),
    productId: String(li.product_id),
    ...(li.variation_id > 0 ? { variationId: String(li.variation_id) } : {}),
    total: li.total,
  }));
  const optOut = meta[TRACKING_OPT_OUT_META];
  const restocks = restocksOf(order);
  return {
    remoteId: String(order.id),
    number: order.number,
    status: order.status,
    currency: order.currency,
    total: order.total,
    createdAt: gmtToInstant(order.date_created_gmt),
    modifiedAt: gmtToInstant(order.date_modified_gmt ?? order.date_created_gmt),
    customer: {
      email: (order.billing.email ?? '').trim().toLowerCase(),
      firstName: order.billing.first_name ?? '',
      lastName: order.billing.last_name ?? '',
      phone: order.billing.phone ?? '',
      company: order.billing.company ?? '',
      ...(order.customer_id > 0 ? { remoteId: String(order.customer_id) } : {}),
    },
    lines,
    meta,
    ...(order.payment_url ? { checkoutUrl: order.payment_url } : {}),
    ...(optOut !== undefined ? { trackingOptOut: ['yes', '1', 'true'].includes(optOut.toLowerCase()) } : {}),
    ...(restocks.length ? { restocks } : {}),
  };
}

export function productToStockItem(p: WooProduct): RemoteStockItem {
  return { remoteId: String(p.id), sku: p.sku ?? '', manageStock: p.manage_stock, quantity: p.stock_quantity, ...backordersOf(p.backorders) };
}

export function variationToStockItem(v: WooVariation, parentId: number): RemoteStockItem {
  // A variation on its product's stock (`parent`) has no quantity of its own to set.
  return { remoteId: String(v.id), parentId: String(parentId), sku: v.sku ?? '', manageStock: v.manage_stock === true, quantity: v.stock_quantity, ...backordersOf(v.backorders) };
}

/** Only said when true, so an item that takes no backorders reads exactly as before. */
function backordersOf(backorders: string | undefined): { allowsBackorders?: true } {
  return backorders && backorders !== 'no' ? { allowsBackorders: true } : {};
}
