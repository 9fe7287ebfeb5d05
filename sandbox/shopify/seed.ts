import type { CheckoutRecord, FinancialStatus, OrderRecord, ShopifyState } from './state';

export interface NewLine {
  sku: string;
  quantity: number;
  /** Unit price; the variant's price when omitted. */
  price?: string;
  /** The location (by name) the line ships from; the first location when omitted. */
  location?: string;
}

export interface NewOrder {
  lines?: NewLine[];
  financialStatus?: FinancialStatus;
  email?: string | null;
  firstName?: string;
  lastName?: string;
  /** When the order was placed (epoch ms); now when omitted. */
  createdAt?: number;
  customAttributes?: Record<string, string>;
}

export interface NewCheckout {
  email?: string | null;
  firstName?: string;
  lastName?: string;
  lines?: NewLine[];
  createdAt?: number;
  customAttributes?: Record<string, string>;
}

/** A small deterministic generator, so seeded shops are the same on every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const FIRST = ['Ada', 'Bram', 'Chloé', 'Dev', 'Emma', 'Finn', 'Greta', 'Hugo', 'Ines', 'Jonas'];
const LAST = ['Ng', 'de Vries', 'Okafor', 'Schmidt', 'Rossi', 'Larsen', 'Moreau', 'Kowalski'];
const ITEMS = ['Tote', 'Mug', 'Candle', 'Notebook', 'Scarf', 'Soap', 'Print', 'Apron'];

export const skuFor = (n: number) => `SKU-${String(n).padStart(5, '0')}`;

/**
 * Products with one to three variants each, numbered SKU-00001 upwards, stocked at the first
 * location. Every ninth variant does not track inventory; every thirteenth has no SKU.
 */
export function seedProducts(state: ShopifyState, variants: number, random: () => number): void {
  let n = [...state.variants.values()].length;
  while (n < variants) {
    const productId = state.id();
    const productTitle = `${ITEMS[productId % ITEMS.length]} ${productId}`;
    const count = Math.min(variants - n, 1 + Math.floor(random() * 3));
    for (let i = 0; i < count; i++) {
      n++;
      const id = state.id();
      const inventoryItemId = state.id();
      state.variants.set(id, { id, productId, productTitle, title: count > 1 ? ['Small', 'Medium', 'Large'][i]! : 'Default Title', sku: n % 13 === 0 ? null : skuFor(n), price: (5 + Math.floor(random() * 40)).toFixed(2), inventoryItemId });
      const levels = new Map<number, { available: number; committed: number }>();
      levels.set(state.locations[0]!.id, { available: 10 + Math.floor(random() * 30), committed: 0 });
      state.inventoryItems.set(inventoryItemId, { id: inventoryItemId, variantId: id, tracked: n % 9 !== 0, levels });
    }
  }
}

function lineItems(state: ShopifyState, lines: NewLine[]) {
  return lines.map((l) => {
    const v = state.variantBySku(l.sku);
    return { id: state.id(), variantId: v?.id ?? null, productId: v?.productId ?? null, sku: l.sku, title: v ? `${v.productTitle}${v.title === 'Default Title' ? '' : ` - ${v.title}`}` : `Custom item ${l.sku}`, quantity: l.quantity, unitPrice: l.price ?? v?.price ?? '10.00' };
  });
}

function person(state: ShopifyState, random: () => number, given: { email?: string | null; firstName?: string; lastName?: string }) {
  const firstName = given.firstName ?? FIRST[Math.floor(random() * FIRST.length)]!;
  const lastName = given.lastName ?? LAST[Math.floor(random() * LAST.length)]!;
  const email = given.email === undefined ? `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '') + `${Math.floor(random() * 1000)}@example.com` : given.email;
  return { customer: { id: state.id(), email, firstName, lastName, phone: null }, billingAddress: { firstName, lastName, company: null, phone: null } };
}

export function createOrder(state: ShopifyState, spec: NewOrder, random: () => number): OrderRecord {
  const variants = [...state.variants.values()].filter((v) => v.sku);
  const lines: NewLine[] = spec.lines ?? Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ sku: variants[Math.floor(random() * variants.length)]!.sku!, quantity: 1 + Math.floor(random() * 3) }));
  const at = state.timestamp(spec.createdAt ?? state.now());
  const who = person(state, random, spec);
  const items = lineItems(state, lines).map((l) => ({ ...l, currentQuantity: l.quantity }));
  const order: OrderRecord = {
    id: state.id(),
    name: state.orderNumber(),
    createdAt: at,
    updatedAt: at,
    cancelledAt: null,
    financialStatus: spec.financialStatus ?? 'PAID',
    email: who.customer.email,
    phone: null,
    currencyCode: state.shop.currencyCode,
    customer: who.customer,
    billingAddress: who.billingAddress,
    customAttributes: Object.entries(spec.customAttributes ?? {}).map(([key, value]) => ({ key, value })),
    lineItems: items,
    fulfillmentOrders: [],
    fulfillments: [],
    refunds: [],
    overrides: {},
  };
  // One fulfillment order per location the lines ship from, as Shopify's order routing assigns them.
  const byLocation = new Map<number, typeof items>();
  items.forEach((item, i) => {
    const name = lines[i]?.location;
    const location = name ? state.locations.find((l) => l.name === name) : state.locations[0];
    if (!location) throw new Error(`No location ${name}`);
    byLocation.set(location.id, [...(byLocation.get(location.id) ?? []), item]);
  });
  for (const [locationId, group] of byLocation) {
    order.fulfillmentOrders.push({ id: state.id(), locationId, status: 'OPEN', holds: [], fulfillAt: null, lineItems: group.map((l) => ({ id: state.id(), lineItemId: l.id, totalQuantity: l.quantity, remainingQuantity: l.quantity })) });
  }
  state.orders.set(order.id, order);
  for (const l of items) state.commit(order, l.id, l.quantity);
  return order;
}

export function createCheckout(state: ShopifyState, spec: NewCheckout, random: () => number): CheckoutRecord {
  const variants = [...state.variants.values()].filter((v) => v.sku);
  const lines = spec.lines ?? [{ sku: variants[Math.floor(random() * variants.length)]!.sku!, quantity: 1 }];
  const at = state.timestamp(spec.createdAt ?? state.now());
  const who = person(state, random, spec);
  const checkout: CheckoutRecord = {
    id: state.id(),
    createdAt: at,
    updatedAt: at,
    completedAt: null,
    customer: who.customer.email === null ? null : who.customer,
    billingAddress: who.billingAddress,
    customAttributes: Object.entries(spec.customAttributes ?? {}).map(([key, value]) => ({ key, value })),
    lineItems: lineItems(state, lines),
    currencyCode: state.shop.currencyCode,
  };
  state.checkouts.set(checkout.id, checkout);
  return checkout;
}
