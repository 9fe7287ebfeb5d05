import type { Address, CustomerRecord, OrderLineRecord, OrderRecord, ProductRecord, VariationRecord, WooState } from './state';

/** A small deterministic random source, so a seeded shop is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ada', 'Ben', 'Chloé', 'Dara', 'Emil', 'Fatima', 'Gus', 'Hana', 'Ivo', 'Jules', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Oskar', 'Priya'];
const LAST = ['Okafor', 'Schmidt', 'Dubois', 'Rossi', 'Nakamura', 'Silva', 'Novak', 'Larsen', 'Haddad', 'Murphy', 'Kowalski', 'García'];
const CITIES: [string, string, string][] = [['Leeds', 'LS1 4AP', 'GB'], ['Lyon', '69002', 'FR'], ['Utrecht', '3511 AB', 'NL'], ['Graz', '8010', 'AT'], ['Porto', '4000-123', 'PT']];
const GOODS = ['Linen Apron', 'Ceramic Mug', 'Beeswax Candle', 'Wool Throw', 'Oak Board', 'Tea Tin', 'Enamel Pot', 'Canvas Tote', 'Glass Jar', 'Soap Bar'];
const SIZES = ['S', 'M', 'L', 'XL'];
const COLOURS = ['Sage', 'Rust', 'Ink', 'Sand'];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const money = (n: number) => n.toFixed(2);

export function address(random: () => number, first: string, last: string, email?: string): Address {
  const [city, postcode, country] = pick(random, CITIES);
  return {
    first_name: first,
    last_name: last,
    company: random() < 0.15 ? `${last} & Co` : '',
    address_1: `${1 + Math.floor(random() * 200)} Market Street`,
    address_2: '',
    city,
    state: '',
    postcode,
    country,
    ...(email !== undefined ? { email } : {}),
    phone: random() < 0.7 ? `+44 7700 ${String(100000 + Math.floor(random() * 899999))}` : '',
  };
}

export interface SeedCounts {
  products: number;
  orders: number;
  /** checkout-draft / pending orders with a billing email (carts). */
  checkouts: number;
  customers: number;
}

/** Products: a quarter variable (2–4 variations each), one in ten simple ones without stock management. */
export function seedProducts(state: WooState, count: number, random: () => number): void {
  const now = state.now();
  for (let i = 1; i <= count; i++) {
    const id = state.postId();
    const sku = `SKU-${String(i).padStart(5, '0')}`;
    const variable = i % 4 === 0;
    const price = money(5 + Math.floor(random() * 9000) / 100);
    const product: ProductRecord = {
      id,
      name: `${pick(random, GOODS)} ${i}`,
      sku,
      type: variable ? 'variable' : 'simple',
      status: 'publish',
      manageStock: variable ? false : i % 10 !== 3,
      stockQuantity: variable || i % 10 === 3 ? null : Math.floor(random() * 50),
      price,
      createdMs: now - 90 * 86_400_000,
      modifiedMs: now - 30 * 86_400_000,
      variationIds: [],
    };
    state.products.set(id, product);
    if (variable) {
      const n = 2 + Math.floor(random() * 3);
      for (let v = 0; v < n; v++) {
        const variation: VariationRecord = {
          id: state.postId(),
          parentId: id,
          sku: `${sku}-${SIZES[v]}`,
          manageStock: true,
          stockQuantity: Math.floor(random() * 30),
          price,
          attributes: [{ name: 'Size', option: SIZES[v]! }, { name: 'Colour', option: pick(random, COLOURS) }],
          createdMs: product.createdMs,
          modifiedMs: product.modifiedMs,
        };
        product.variationIds.push(variation.id);
        state.variations.set(variation.id, variation);
      }
    }
  }
  state.touch();
}

/** Customers: mostly shoppers, plus the shop's own administrator and a shop manager. */
export function seedCustomers(state: WooState, count: number, random: () => number): void {
  const roles = ['administrator', 'shop_manager'];
  for (let i = 0; i < count; i++) {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    const id = state.customerId();
    const customer: CustomerRecord = {
      id,
      email: `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${last.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}${id}@example.com`,
      firstName: first,
      lastName: last,
      username: `${first.toLowerCase()}${id}`,
      role: roles[i] ?? 'customer',
      createdMs: state.now() - 120 * 86_400_000,
    };
    state.customers.set(id, customer);
  }
  state.touch();
}

export interface NewOrder {
  status?: string;
  createdMs?: number;
  modifiedMs?: number;
  customerId?: number;
  email?: string;
  /** Lines by SKU; otherwise 1–3 random lines. */
  lines?: { sku: string; quantity: number }[];
  meta?: Record<string, unknown>;
}

/** Adds one order with realistic lines, billing and meta; times default to now. */
export function createOrder(state: WooState, input: NewOrder, random: () => number): OrderRecord {
  const items = state.stockItems();
  const customer = input.customerId ? state.customers.get(input.customerId) : undefined;
  const first = customer?.firstName ?? pick(random, FIRST);
  const last = customer?.lastName ?? pick(random, LAST);
  const email = input.email ?? customer?.email ?? `${first.toLowerCase().replace(/[^a-z]/g, '')}${Math.floor(random() * 1e6)}@example.net`;
  const wanted = input.lines ?? Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ sku: pick(random, items).sku, quantity: 1 + Math.floor(random() * 3) }));
  const lines: OrderLineRecord[] = wanted.map(({ sku, quantity }) => {
    const item = state.productBySku(sku);
    if (!item) throw new Error(`sandbox: no product with SKU ${sku}`);
    const parent = 'parentId' in item ? state.products.get(item.parentId)! : item;
    const name = 'parentId' in item ? `${parent.name} - ${item.attributes.map((a) => a.option).join(', ')}` : item.name;
    return { id: state.itemId(), productId: parent.id, variationId: 'parentId' in item ? item.id : 0, name, sku, quantity, price: item.price };
  });
  const createdMs = input.createdMs ?? state.now();
  const status = input.status ?? 'processing';
  const paid = status === 'processing' || status === 'completed' || status === 'refunded';
  const order: OrderRecord = {
    id: state.postId(),
    status,
    currency: state.settings.currency,
    createdMs,
    modifiedMs: input.modifiedMs ?? createdMs,
    paidMs: paid ? createdMs : null,
    completedMs: status === 'completed' ? createdMs : null,
    customerId: customer?.id ?? 0,
    customerNote: random() < 0.1 ? 'Please leave the parcel with a neighbour.' : '',
    orderKey: `wc_order_${Math.floor(random() * 36 ** 8).toString(36).padStart(8, '0')}`,
    paymentMethod: random() < 0.5 ? 'stripe' : 'paypal',
    shippingTotal: money(random() < 0.3 ? 0 : 4.95),
    billing: address(random, first, last, email),
    shipping: address(random, first, last),
    meta: [],
    lines,
    notes: [],
    refunds: [],
    trackings: [],
  };
  state.setOrderMeta(order, 'is_vat_exempt', 'no');
  state.setOrderMeta(order, '_wc_order_attribution_source_type', pick(random, ['organic', 'referral', 'typein', 'utm']));
  if (random() < 0.2) state.setOrderMeta(order, '_cartflows_step', 'checkout');
  if (random() < 0.05) state.setOrderMeta(order, '_upsell_accepted', 1);
  for (const [key, value] of Object.entries(input.meta ?? {})) state.setOrderMeta(order, key, value);
  state.orders.set(order.id, order);
  state.touch();
  return order;
}

const STATUS_MIX: [string, number][] = [['processing', 0.6], ['completed', 0.8], ['on-hold', 0.88], ['pending', 0.92], ['cancelled', 0.95], ['refunded', 0.97], ['failed', 0.98], ['checkout-draft', 1]];

/** Adds `count` orders spread over the last 30 days, in a realistic mix of statuses. */
export function seedOrders(state: WooState, count: number, random: () => number): OrderRecord[] {
  const now = state.now();
  const customers = [...state.customers.keys()];
  const created: OrderRecord[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const status = STATUS_MIX.find(([, upTo]) => r < upTo)![0];
    // Oldest first, so ids grow with creation time as they do on a real shop.
    const createdMs = now - 30 * 86_400_000 + Math.floor(((i + random()) / count) * 30 * 86_400_000 * 0.99);
    const modifiedMs = Math.min(now, createdMs + Math.floor(random() * 3 * 3_600_000));
    const customerId = customers.length && random() < 0.7 ? pick(random, customers) : undefined;
    const order = createOrder(state, { status, createdMs, modifiedMs, customerId }, random);
    if (status === 'refunded') refundEverything(state, order, modifiedMs);
    created.push(order);
  }
  return created;
}

function refundEverything(state: WooState, order: OrderRecord, atMs: number): void {
  const lines = order.lines.map((l) => ({ id: state.itemId(), refundedItemId: l.id, quantity: l.quantity, total: (Number(l.price) * l.quantity).toFixed(2) }));
  const amount = lines.reduce((sum, l) => sum + Number(l.total), 0).toFixed(2);
  order.refunds.push({ id: state.postId(), createdMs: atMs, reason: 'Customer changed their mind', amount, lines });
}

/** Checkouts left open in the last hours: `checkout-draft` or `pending` with a billing email. */
export function seedCheckouts(state: WooState, count: number, random: () => number): OrderRecord[] {
  const now = state.now();
  const customers = [...state.customers.keys()];
  const created: OrderRecord[] = [];
  for (let i = 0; i < count; i++) {
    const createdMs = now - Math.floor(random() * 6 * 3_600_000);
    const customerId = customers.length && random() < 0.5 ? pick(random, customers) : undefined;
    created.push(createOrder(state, { status: i % 2 === 0 ? 'checkout-draft' : 'pending', createdMs, customerId }, random));
  }
  return created;
}
