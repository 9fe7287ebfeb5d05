import type { OrderLine } from '../../model';
import type { RemoteOrder, RemoteRestock, RemoteStockItem } from '../types';
import type { ShopifyCheckout, ShopifyLineItem, ShopifyOrder, ShopifyRefunds } from './wire';

/** Custom attribute (note attribute) a checkout snippet sets when the customer declines cart tracking. */
export const TRACKING_OPT_OUT_ATTRIBUTE = '_backroom_tracking_opt_out';
/** Checkout remote ids carry this prefix: checkout and order ids are separate number spaces on Shopify. */
export const CHECKOUT_ID_PREFIX = 'checkout-';

export const toGid = (type: string, id: string) => (id.startsWith('gid://') ? id : `gid://shopify/${type}/${id}`);

/** `gid://shopify/Order/5551234` → `5551234` (the id merchants see in admin URLs). */
export function gidTail(gid: string): string {
  const slash = gid.lastIndexOf('/');
  return slash >= 0 ? gid.slice(slash + 1) : gid;
}

/** Any ISO time Shopify sends (`2025-01-31T09:15:00Z`, or with an offset) → a UTC instant with milliseconds. */
export function toInstant(time: string): string {
  return new Date(time).toISOString();
}

/**
 * A UTC instant → the value of an `updated_at:>'…'` search term. Shopify keeps whole seconds, so
 * the instant is rounded down: that re-reads at most the orders of one second, never skips one.
 */
export function searchTime(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`"${instant}" is not a date`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Shopify has no single order status; Backroom's statuses (named as WooCommerce names them, so
 * settings, rules and cart recovery work the same for both platforms) come from three fields:
 *
 * | Shopify                                                        | Backroom     |
 * | -------------------------------------------------------------- | ------------ |
 * | `cancelledAt` set                                              | `cancelled`  |
 * | financial `REFUNDED`                                           | `refunded`   |
 * | financial `VOIDED` (authorisation voided, nothing to collect)  | `cancelled`  |
 * | financial `EXPIRED` (authorisation expired unpaid)             | `failed`     |
 * | financial `PENDING` (manual payment not yet received)          | `pending`    |
 * | fulfillment `FULFILLED`                                        | `completed`  |
 * | fulfillment `ON_HOLD`                                          | `on-hold`    |
 * | financial `PAID`, `PARTIALLY_PAID`, `PARTIALLY_REFUNDED`, `AUTHORIZED` (to be captured), otherwise | `processing` |
 *
 * Cancellation and refunds come first because they release stock whatever was shipped; a fully
 * fulfilled order is `completed` even if part of it was refunded later.
 */
export function backroomStatus(order: { cancelledAt: string | null; displayFinancialStatus: string | null; displayFulfillmentStatus: string }): string {
  const financial = (order.displayFinancialStatus ?? '').toUpperCase();
  const fulfillment = order.displayFulfillmentStatus.toUpperCase();
  if (order.cancelledAt) return 'cancelled';
  if (financial === 'REFUNDED') return 'refunded';
  if (financial === 'VOIDED') return 'cancelled';
  if (financial === 'EXPIRED') return 'failed';
  if (financial === 'PENDING') return 'pending';
  if (fulfillment === 'FULFILLED') return 'completed';
  if (fulfillment === 'ON_HOLD') return 'on-hold';
  return 'processing';
}

export function toOrderLine(li: ShopifyLineItem): OrderLine {
  return {
    lineId: gidTail(li.id),
    sku: li.sku ?? '',
    name: li.name,
    quantity: li.quantity,
    // currentQuantity excludes refunded and removed units: both are no longer owed.
    refundedQuantity: Math.max(0, li.quantity - li.currentQuantity),
    productId: li.product ? gidTail(li.product.id) : '',
    ...(li.variant ? { variationId: gidTail(li.variant.id) } : {}),
    total: li.discountedTotalSet.shopMoney.amount,
  };
}

function attributes(list: { key: string; value: string | null }[]): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const a of list) meta[a.key] = a.value ?? '';
  return meta;
}

function optOut(meta: Record<string, string>): { trackingOptOut?: boolean } {
  const value = meta[TRACKING_OPT_OUT_ATTRIBUTE];
  return value === undefined ? {} : { trackingOptOut: ['yes', '1', 'true'].includes(value.toLowerCase()) };
}

/** An order as Backroom keeps it; `lines` may be longer than the order's first page of line items. */
export function toRemoteOrder(order: ShopifyOrder, lines: ShopifyLineItem[] = order.lineItems.nodes): RemoteOrder {
  const meta = attributes(order.customAttributes);
  const billing = order.billingAddress;
  return {
    remoteId: gidTail(order.id),
    number: order.name.replace(/^#/, ''),
    status: backroomStatus(order),
    currency: order.totalPriceSet.shopMoney.currencyCode ?? order.currencyCode,
    total: order.totalPriceSet.shopMoney.amount,
    createdAt: toInstant(order.createdAt),
    modifiedAt: toInstant(order.updatedAt),
    customer: {
      email: (order.email ?? '').trim().toLowerCase(),
      firstName: billing?.firstName ?? order.customer?.firstName ?? '',
      lastName: billing?.lastName ?? order.customer?.lastName ?? '',
      phone: billing?.phone ?? order.phone ?? '',
      company: billing?.company ?? '',
      ...(order.customer ? { remoteId: gidTail(order.customer.id) } : {}),
    },
    lines: lines.map(toOrderLine),
    meta,
    ...optOut(meta),
  };
}

/** Restock types that put units which had shipped back in the shop's stock (CANCEL: never shipped; NO_RESTOCK: not put back). */
const RESTOCKED_AFTER_SHIPPING = new Set(['RETURN', 'LEGACY_RESTOCK']);

/** Each refund's units put back in stock after they shipped; a refund with none still appears (empty), so it is noted once. */
export function toRestocks(refunds: ShopifyRefunds): RemoteRestock[] {
  return refunds.map((r) => ({
    refundId: gidTail(r.id),
    lines: r.refundLineItems.nodes
      .filter((l) => RESTOCKED_AFTER_SHIPPING.has(l.restockType.toUpperCase()) && l.quantity > 0 && l.lineItem.sku)
      .map((l) => ({ sku: l.lineItem.sku ?? '', quantity: l.quantity, ...(l.location ? { location: l.location.name } : {}) })),
    afterShipping: true,
  }));
}

/** An abandoned checkout in the shape the cart sweep reads (status `checkout`, like a WooCommerce draft). */
export function checkoutToRemoteOrder(checkout: ShopifyCheckout): RemoteOrder {
  const meta = attributes(checkout.customAttributes);
  const billing = checkout.billingAddress;
  return {
    remoteId: `${CHECKOUT_ID_PREFIX}${gidTail(checkout.id)}`,
    number: gidTail(checkout.id),
    status: 'checkout-draft',
    currency: checkout.totalPriceSet.shopMoney.currencyCode ?? '',
    total: checkout.totalPriceSet.shopMoney.amount,
    createdAt: toInstant(checkout.createdAt),
    modifiedAt: toInstant(checkout.updatedAt),
    customer: {
      email: (checkout.customer?.defaultEmailAddress?.emailAddress ?? '').trim().toLowerCase(),
      firstName: billing?.firstName ?? checkout.customer?.firstName ?? '',
      lastName: billing?.lastName ?? checkout.customer?.lastName ?? '',
      phone: billing?.phone ?? checkout.customer?.defaultPhoneNumber?.phoneNumber ?? '',
      company: billing?.company ?? '',
      ...(checkout.customer ? { remoteId: gidTail(checkout.customer.id) } : {}),
    },
    lines: checkout.lineItems.nodes.map((li) => ({
      lineId: gidTail(li.id),
      sku: li.sku ?? '',
      name: li.title,
      quantity: li.quantity,
      refundedQuantity: 0,
      productId: li.product ? gidTail(li.product.id) : '',
      ...(li.variant ? { variationId: gidTail(li.variant.id) } : {}),
      total: li.discountedTotalPriceSet.shopMoney.amount,
    })),
    meta,
    checkoutUrl: checkout.abandonedCheckoutUrl,
    ...optOut(meta),
  };
}

/**
 * A variant as a stock item. Its `remoteId` is the inventory item's id (stock is set on inventory
 * items, one per variant). Stock counts as managed when the item is tracked and stocked at the
 * shop's location; `quantity` is the `available` quantity there. Inventory policy CONTINUE (sell
 * when out of stock) is Shopify's backorders: the real quantity is still pushed.
 */
export function toStockItem(variant: { id: string; sku: string | null; inventoryPolicy?: string; inventoryItem: { id: string; tracked: boolean; inventoryLevel: { quantities: { name: string; quantity: number }[] } | null } }): RemoteStockItem {
  const level = variant.inventoryItem.inventoryLevel;
  const available = level?.quantities.find((q) => q.name === 'available')?.quantity;
  return {
    remoteId: gidTail(variant.inventoryItem.id),
    sku: variant.sku ?? '',
    manageStock: variant.inventoryItem.tracked && level !== null,
    quantity: level && available !== undefined ? available : null,
    // Said only when true, as for WooCommerce, so an item that stops at 0 reads exactly as before.
    ...(variant.inventoryPolicy?.toUpperCase() === 'CONTINUE' ? { allowsBackorders: true } : {}),
  };
}
