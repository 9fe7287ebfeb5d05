// fast-check generators for platform answers: well-formed objects as the real APIs send them, and
// the same objects with one value anywhere replaced by something hostile (null, wrong type, junk).
import { fc } from '@fast-check/vitest';

const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
/** WooCommerce `_gmt` form: UTC without a zone suffix. */
export const wooGmt = instant.map((d) => d.toISOString().slice(0, 19));
export const isoInstant = instant.map((d) => d.toISOString());
export const money = fc.tuple(fc.nat(99_999), fc.nat(99)).map(([units, cents]) => `${units}.${String(cents).padStart(2, '0')}`);
const text = fc.string({ maxLength: 20 });
const id = fc.nat(1_000_000_000);

export const wooLineItem = fc.record({
  id,
  name: text,
  product_id: id,
  variation_id: fc.oneof(fc.constant(0), id),
  quantity: fc.nat(1000),
  total: money,
  sku: fc.option(text, { nil: null }),
});

export const wooOrder = fc.record({
  id: fc.integer({ min: 1, max: 1_000_000_000 }),
  number: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.nat()),
  status: fc.constantFrom('processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'pending', 'checkout-draft', 'wc-custom'),
  currency: fc.constantFrom('EUR', 'USD', 'GBP'),
  total: money,
  date_created_gmt: wooGmt,
  date_modified_gmt: fc.option(wooGmt, { nil: null }),
  customer_id: fc.nat(100_000),
  billing: fc.record({ first_name: fc.option(text, { nil: null }), last_name: text, company: text, email: fc.oneof(fc.emailAddress(), fc.constant('')), phone: text }),
  meta_data: fc.array(fc.record({ key: text, value: fc.jsonValue({ maxDepth: 2 }) }), { maxLength: 4 }),
  line_items: fc.array(wooLineItem, { maxLength: 4 }),
  refunds: fc.constant([]),
  payment_url: fc.option(fc.webUrl(), { nil: null }),
});

export const wooRefund = fc.record({
  id,
  line_items: fc.array(fc.record({ quantity: fc.integer({ min: -20, max: 0 }), meta_data: fc.array(fc.record({ key: fc.constantFrom('_refunded_item_id', 'other'), value: fc.oneof(fc.nat(), fc.string()) }), { maxLength: 2 }) }), { maxLength: 4 }),
});

export const wooProduct = fc.record({ id, type: fc.constantFrom('simple', 'variable'), sku: fc.option(text, { nil: null }), manage_stock: fc.boolean(), stock_quantity: fc.option(fc.integer({ min: -5, max: 10_000 }), { nil: null }) });
export const wooVariation = fc.record({ id, sku: fc.option(text, { nil: null }), manage_stock: fc.oneof(fc.boolean(), fc.constant('parent' as const)), stock_quantity: fc.option(fc.integer({ min: -5, max: 10_000 }), { nil: null }) });

const shopMoney = money.map((amount) => ({ shopMoney: { amount, currencyCode: 'EUR' } }));
const gid = (type: string) => id.map((n) => `gid://shopify/${type}/${n}`);
export const shopifyLineItem = fc.record({
  id: gid('LineItem'),
  sku: fc.option(text, { nil: null }),
  name: text,
  quantity: fc.nat(100),
  currentQuantity: fc.nat(100),
  variant: fc.option(fc.record({ id: gid('ProductVariant') }), { nil: null }),
  product: fc.option(fc.record({ id: gid('Product') }), { nil: null }),
  discountedTotalSet: shopMoney,
});
export const shopifyOrder = fc.record({
  id: gid('Order'),
  name: fc.nat(99_999).map((n) => `#${n}`),
  createdAt: isoInstant,
  updatedAt: isoInstant,
  cancelledAt: fc.option(isoInstant, { nil: null }),
  displayFinancialStatus: fc.option(fc.constantFrom('PAID', 'PENDING', 'REFUNDED', 'PARTIALLY_REFUNDED', 'VOIDED', 'NEW_STATUS'), { nil: null }),
  displayFulfillmentStatus: fc.constantFrom('UNFULFILLED', 'FULFILLED', 'PARTIALLY_FULFILLED', 'ON_HOLD'),
  email: fc.option(fc.emailAddress(), { nil: null }),
  currencyCode: fc.constantFrom('EUR', 'USD'),
  totalPriceSet: shopMoney,
  customer: fc.option(fc.record({ id: gid('Customer'), firstName: fc.option(text, { nil: null }), lastName: fc.option(text, { nil: null }) }), { nil: null }),
  billingAddress: fc.option(fc.record({ firstName: fc.option(text, { nil: null }), company: fc.option(text, { nil: null }) }), { nil: null }),
  customAttributes: fc.array(fc.record({ key: text, value: fc.option(text, { nil: null }) }), { maxLength: 3 }),
  lineItems: fc.record({ pageInfo: fc.constant({ hasNextPage: false, endCursor: null }), nodes: fc.array(shopifyLineItem, { maxLength: 4 }) }),
});

/** Values a hostile or broken server puts where something else belongs. */
export const hostileValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.constant({}),
  fc.constant([]),
  fc.constant(''),
  fc.constant('9999-99-99T99:99:99'),
  fc.constant('2025-02-30T10:00:00'),
  fc.constant(-1),
  fc.constant(1e308),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.constant('__proto__'),
  fc.string({ maxLength: 30 }),
  fc.double(),
  fc.boolean(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every path (as keys) to a value inside a JSON-like value. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

/** A copy of `value` with the value at one of its paths (picked by `pick`) replaced, or removed when `replacement` is undefined. */
export function mutate(value: unknown, pick: number, replacement: unknown): unknown {
  const all = paths(value);
  const path = all[pick % all.length]!;
  if (path.length === 0) return replacement;
  const copy: unknown = structuredClone(value);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = replacement;
  return copy;
}

/** A well-formed object with one hostile change somewhere inside it. */
export function broken<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.tuple(good, fc.nat(), hostileValue).map(([value, pick, replacement]) => mutate(value, pick, replacement));
}
