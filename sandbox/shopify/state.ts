import type { BulkOperationRecord } from './bulk';
/**
 * The practice Shopify shop's data: products and variants with inventory items stocked at
 * locations, orders with their fulfillment orders and fulfillments, and abandoned checkouts.
 * Ids are numeric; the API exposes them as GIDs (gid://shopify/Order/1001).
 */

export interface ShopInfo {
  name: string;
  currencyCode: string;
  ianaTimezone: string;
  myshopifyDomain: string;
  planDisplayName: string;
}

export interface LocationRecord {
  id: number;
  name: string;
  isActive: boolean;
}

export interface VariantRecord {
  id: number;
  productId: number;
  productTitle: string;
  title: string;
  sku: string | null;
  price: string;
  inventoryItemId: number;
  /** CONTINUE: the shop sells on at 0 and below (Shopify's "continue selling when out of stock"); DENY when omitted. */
  inventoryPolicy?: 'DENY' | 'CONTINUE';
}

export interface InventoryItemRecord {
  id: number;
  variantId: number;
  tracked: boolean;
  /** Quantities by location id; an item not stocked at a location has no entry for it. */
  levels: Map<number, { available: number; committed: number }>;
}

export interface LineItemRecord {
  id: number;
  variantId: number | null;
  productId: number | null;
  sku: string | null;
  title: string;
  quantity: number;
  /** Units after refunds and removals. */
  currentQuantity: number;
  unitPrice: string;
}

export interface FulfillmentOrderRecord {
  id: number;
  locationId: number;
  status: 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED' | 'ON_HOLD' | 'SCHEDULED' | 'INCOMPLETE';
  /** Why it is on hold (FulfillmentHoldReason), when it is. */
  holds: { reason: string; reasonNotes: string | null }[];
  /** When a scheduled fulfillment order becomes ready (prepaid subscriptions and the like). */
  fulfillAt: string | null;
  lineItems: { id: number; lineItemId: number; totalQuantity: number; remainingQuantity: number }[];
}

export interface FulfillmentRecord {
  id: number;
  status: 'SUCCESS' | 'CANCELLED' | 'ERROR' | 'FAILURE' | 'OPEN' | 'PENDING';
  createdAt: string;
  /** Where it shipped from: the location of the fulfillment orders it fulfilled. */
  locationId: number;
  notifyCustomer: boolean;
  trackingInfo: { company: string | null; number: string | null; url: string | null }[];
  lines: { lineItemId: number; quantity: number }[];
}

/** How a refunded unit went back to stock (Shopify's RefundLineItemRestockType). */
export type RestockType = 'NO_RESTOCK' | 'CANCEL' | 'RETURN' | 'LEGACY_RESTOCK';

export interface RefundRecord {
  id: number;
  createdAt: string;
  /** Units refunded per line item; `locationId` is where restocked units went (null when none were). */
  lines: { id: number; lineItemId: number; quantity: number; restockType: RestockType; locationId: number | null }[];
}

export type FinancialStatus = 'PENDING' | 'AUTHORIZED' | 'PARTIALLY_PAID' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'VOIDED' | 'EXPIRED';

export interface CustomerRecord {
  id: number;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
}

export interface AddressRecord {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
}

export interface OrderRecord {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  financialStatus: FinancialStatus;
  email: string | null;
  phone: string | null;
  currencyCode: string;
  customer: CustomerRecord | null;
  billingAddress: AddressRecord | null;
  customAttributes: { key: string; value: string | null }[];
  lineItems: LineItemRecord[];
  fulfillmentOrders: FulfillmentOrderRecord[];
  fulfillments: FulfillmentRecord[];
  refunds: RefundRecord[];
  /** Test hook: fields served as given instead of computed (a malformed payload, say). */
  overrides: Record<string, unknown>;
}

export interface CheckoutRecord {
  id: number;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  customer: CustomerRecord | null;
  billingAddress: AddressRecord | null;
  customAttributes: { key: string; value: string | null }[];
  lineItems: { id: number; variantId: number | null; productId: number | null; sku: string | null; title: string; quantity: number; unitPrice: string }[];
  currencyCode: string;
}

export class ShopifyState {
  readonly locations: LocationRecord[] = [];
  readonly variants = new Map<number, VariantRecord>();
  readonly inventoryItems = new Map<number, InventoryItemRecord>();
  readonly orders = new Map<number, OrderRecord>();
  readonly checkouts = new Map<number, CheckoutRecord>();
  readonly bulkOperations = new Map<number, BulkOperationRecord>();
  private nextId = 1000;
  private nextOrderNumber = 1001;

  constructor(readonly shop: ShopInfo, readonly now: () => number) {}

  id(): number {
    return ++this.nextId;
  }

  orderNumber(): string {
    return `#${this.nextOrderNumber++}`;
  }

  /** The shop's clock as Shopify writes it: UTC, whole seconds, `Z`. */
  timestamp(ms = this.now()): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  variantBySku(sku: string): VariantRecord | undefined {
    for (const v of this.variants.values()) if (v.sku === sku) return v;
    return undefined;
  }

  inventoryOf(sku: string): InventoryItemRecord {
    const variant = this.variantBySku(sku);
    if (!variant) throw new Error(`No variant with SKU ${sku}`);
    return this.inventoryItems.get(variant.inventoryItemId)!;
  }

  /** Available units of a SKU at a location (the first location unless named), null when not stocked there. */
  stockOf(sku: string, locationId = this.locations[0]!.id): number | null {
    return this.inventoryOf(sku).levels.get(locationId)?.available ?? null;
  }

  order(id: number): OrderRecord {
    const order = this.orders.get(id);
    if (!order) throw new Error(`No order ${id}`);
    return order;
  }

  touch(order: OrderRecord): void {
    order.updatedAt = this.timestamp();
  }

  /** Units still to ship per line item, over the open fulfillment orders. */
  remainingByLine(order: OrderRecord): Map<number, number> {
    const out = new Map<number, number>();
    for (const fo of order.fulfillmentOrders) {
      if (fo.status === 'CLOSED' || fo.status === 'CANCELLED') continue;
      for (const li of fo.lineItems) out.set(li.lineItemId, (out.get(li.lineItemId) ?? 0) + li.remainingQuantity);
    }
    return out;
  }

  displayFulfillmentStatus(order: OrderRecord): string {
    const fulfilled = order.fulfillments.filter((f) => f.status === 'SUCCESS').reduce((n, f) => n + f.lines.reduce((m, l) => m + l.quantity, 0), 0);
    const remaining = [...this.remainingByLine(order).values()].reduce((a, b) => a + b, 0);
    if (remaining === 0 && fulfilled > 0) return 'FULFILLED';
    if (remaining === 0 && order.lineItems.every((l) => l.currentQuantity === 0)) return order.cancelledAt ? 'RESTOCKED' : 'UNFULFILLED';
    if (fulfilled > 0) return 'PARTIALLY_FULFILLED';
    if (order.fulfillmentOrders.some((fo) => fo.status === 'ON_HOLD')) return 'ON_HOLD';
    return 'UNFULFILLED';
  }

  /** Moves units between available and committed at the order's location, as Shopify does when an order is placed (+) or released (−). */
  commit(order: OrderRecord, lineItemId: number, units: number): void {
    const line = order.lineItems.find((l) => l.id === lineItemId);
    const fo = order.fulfillmentOrders.find((f) => f.lineItems.some((li) => li.lineItemId === lineItemId));
    if (!line?.variantId || !fo) return;
    const item = this.inventoryItems.get(this.variants.get(line.variantId)?.inventoryItemId ?? -1);
    const level = item?.tracked ? item.levels.get(fo.locationId) : undefined;
    if (!level) return;
    level.available -= units;
    level.committed += units;
  }
}
