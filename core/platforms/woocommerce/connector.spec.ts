import { afterEach, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox, type WooSandboxOptions } from '../../../sandbox/woocommerce';
import { PlatformError } from '../http';
import type { RemoteOrder, ShopConnector } from '../types';
import { collect, firstPage } from '../../../test/pages';
import { createWooConnector } from './connector';

let shop: WooSandbox | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

async function start(options: WooSandboxOptions = {}): Promise<WooSandbox> {
  shop = await startWooSandbox(options);
  return shop;
}

/** Short back-off so retry tests take about a second, not a minute. */
function connect(s: WooSandbox, retries = 3): ShopConnector {
  return createWooConnector({ url: s.url }, { key: s.credentials.key, secret: s.credentials.secret }, { limits: { retries, backoffLimitMs: 100 } });
}

const requests = (s: WooSandbox, pattern: RegExp) => s.log.filter((l) => pattern.test(l.path));

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe('WooCommerce connector: orders', () => {
  it('reads 2,500 orders with keyset restarts, each exactly once', async () => {
    const s = await start({ seed: { orders: 2500 } });
    const wc = connect(s);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of wc.orderPages()) {
      pages++;
      for (const r of page.items) {
        expect(r.ok).toBe(true);
        if (r.ok) seen.push(r.order.remoteId);
      }
    }
    // Keyset restarts re-read the second at each page boundary; those repeats are not yielded.
    expect(seen).toHaveLength(2500);
    expect(pages).toBe(requests(s, /\/orders\?/).length);
    expect(new Set(seen).size).toBe(2500);
    // Each restart re-reads the newest second of the page before: 99 new orders a page here.
    expect(pages).toBeLessThanOrEqual(Math.ceil(2500 / 99));
    const first = requests(s, /\/orders\?/)[0]!.path;
    expect(first).toContain('orderby=modified');
    expect(first).toContain('order=asc');
    expect(first).toContain('dates_are_gmt=true');
  });

  it('maps an order: UTC instants from the _gmt fields, lines, refunds, meta as strings, billing', async () => {
    let now = Date.parse('2025-06-10T09:15:00Z');
    const s = await start({ now: () => now, utcOffsetMinutes: 120, seed: { products: 8, customers: 3 } });
    const variation = [...s.state.variations.values()][0]!;
    const order = s.addOrder({ customerId: 4, lines: [{ sku: 'SKU-00001', quantity: 3 }, { sku: variation.sku, quantity: 1 }], meta: { _upsell_accepted: 1, _checkout: { step: 2 } } });
    now = Date.parse('2025-06-10T10:00:00Z');
    s.state.refundLines(order.id, [{ sku: 'SKU-00001', quantity: 2 }]);
    const page = await firstPage(connect(s).orderPages({ pageSize: 100 }));
    const mapped = (page.items[0] as { ok: true; order: RemoteOrder }).order;
    const customer = s.state.customers.get(4)!;
    expect(mapped).toMatchObject({
      remoteId: String(order.id),
      number: String(order.id),
      status: 'processing',
      currency: 'EUR',
      createdAt: '2025-06-10T09:15:00.000Z',
      modifiedAt: '2025-06-10T10:00:00.000Z',
      customer: { email: customer.email, firstName: customer.firstName, lastName: customer.lastName, remoteId: '4' },
      meta: { _upsell_accepted: '1', _checkout: '{"step":2}', is_vat_exempt: 'no' },
    });
    expect(mapped.lines).toEqual([
      expect.objectContaining({ lineId: String(order.lines[0]!.id), sku: 'SKU-00001', quantity: 3, refundedQuantity: 2, productId: String(order.lines[0]!.productId) }),
      expect.objectContaining({ sku: variation.sku, quantity: 1, refundedQuantity: 0, productId: String(variation.parentId), variationId: String(variation.id) }),
    ]);
    expect(mapped.lines[0]!.variationId).toBeUndefined();
    expect(mapped.total).toMatch(/^\d+\.\d{2}$/);
  });

  it('sends the cursor as UTC with dates_are_gmt, so a shop behind UTC does not hide orders', async () => {
    let now = Date.parse('2025-06-10T09:00:00Z');
    const s = await start({ now: () => now, utcOffsetMinutes: -300, seed: { products: 4 } });
    now = Date.parse('2025-06-10T12:30:00Z');
    const [order] = s.addOrders(1);
    const page = await firstPage(connect(s).orderPages({ pageSize: 100, modifiedAfter: '2025-06-10T10:00:00.000Z' }));
    expect(page.items.map((r) => r.ok && r.order.remoteId)).toEqual([String(order!.id)]);
    const later = await firstPage(connect(s).orderPages({ pageSize: 100, modifiedAfter: '2025-06-10T12:30:00.400Z', statuses: ['processing', 'on-hold'] }));
    expect(later.items).toEqual([]);
    expect(s.log.at(-1)!.path).toContain('status=processing%2Con-hold');
  });

  it('turns one malformed order into a result naming the field and maps the others', async () => {
    const s = await start({ seed: { products: 6 } });
    const orders = s.addOrders(3);
    orders[1]!.lines[0]!.quantity = 1.5;
    const page = await firstPage(connect(s).orderPages({ pageSize: 100 }));
    const bad = page.items.find((r) => !r.ok);
    expect(bad).toEqual({ ok: false, remoteId: String(orders[1]!.id), message: expect.stringContaining('line_items.0.quantity') });
    expect(page.items.filter((r) => r.ok)).toHaveLength(2);
    await expect(connect(s).getOrder(String(orders[1]!.id))).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('waits for Retry-After on 429 and then succeeds', async () => {
    const s = await start({ seed: { orders: 5 } });
    const wc = connect(s);
    s.inject({ kind: 'status', status: 429, retryAfterSeconds: 1, match: /\/orders$/ });
    const started = Date.now();
    const page = await firstPage(wc.orderPages({ pageSize: 100 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(page.items).toHaveLength(5);
    expect(requests(s, /\/orders\?/).map((l) => l.status)).toEqual([429, 200]);
    expect(wc.stats.retries).toBe(1);
  });

  it('retries 5xx, then fails as transient (retriable)', async () => {
    const s = await start({ seed: { orders: 2 } });
    s.inject({ kind: 'status', status: 503, times: 10, match: /\/orders$/ });
    const error = await failure(firstPage(connect(s, 2).orderPages({ pageSize: 100 })));
    expect(error).toMatchObject({ kind: 'transient', status: 503, retriable: true });
    expect(requests(s, /\/orders\?/)).toHaveLength(3);
  });

  it('recovers from a dropped connection, and reports a network error when the shop keeps dropping', async () => {
    const s = await start({ seed: { orders: 2 } });
    s.inject({ kind: 'drop', match: /\/orders$/ });
    expect((await firstPage(connect(s).orderPages({ pageSize: 100 }))).items).toHaveLength(2);
    s.inject({ kind: 'drop', times: 10, match: /\/orders$/ });
    const error = await failure(firstPage(connect(s, 1).orderPages({ pageSize: 100 })));
    expect(error.kind).toBe('network');
    expect(error.retriable).toBe(true);
  });

  it('reports a body that is not JSON as malformed', async () => {
    const s = await start({ seed: { orders: 2 } });
    s.inject({ kind: 'malformed', match: /\/orders$/ });
    const error = await failure(firstPage(connect(s).orderPages({ pageSize: 100 })));
    expect(error.kind).toBe('malformed');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('lists checkouts with an email, with the customer role, and completes orders', async () => {
    const s = await start({ seed: { products: 5, customers: 3 } });
    const admin = [...s.state.customers.values()].find((c) => c.role === 'administrator')!;
    const draft = s.addOrder({ status: 'checkout-draft', customerId: admin.id });
    const pending = s.addOrder({ status: 'pending' });
    const noEmail = s.addOrder({ status: 'checkout-draft', email: '' });
    s.addOrder({ status: 'processing' });
    const wc = connect(s);
    const page = await firstPage(wc.checkoutPages({ pageSize: 100 }));
    const ids = page.items.map((r) => (r.ok ? r.order.remoteId : r.remoteId));
    expect(ids.sort()).toEqual([String(draft.id), String(pending.id)].sort());
    expect(ids).not.toContain(String(noEmail.id));
    const mappedDraft = page.items.find((r) => r.ok && r.order.remoteId === String(draft.id)) as { ok: true; order: RemoteOrder };
    expect(mappedDraft.order).toMatchObject({ customerRole: 'administrator', checkoutUrl: expect.stringContaining('order-pay') });

    await wc.completeOrder(String(pending.id));
    expect(s.state.order(pending.id).status).toBe('completed');
  });
});

describe('WooCommerce connector: credentials and addresses', () => {
  it('reports the store, version, currency and Shipment Tracking', async () => {
    const s = await start({ storeName: 'Hilltop Pottery', version: '9.9.5', currency: 'GBP', utcOffsetMinutes: 60, shipmentTracking: false });
    expect(await connect(s).test()).toEqual({ ok: true, storeName: 'Hilltop Pottery', platformVersion: '9.9.5', currency: 'GBP', shipmentTracking: false, timezone: 'UTC+1' });
    s.state.settings.shipmentTracking = true;
    expect(await connect(s).test()).toMatchObject({ shipmentTracking: true });
  });

  it('wrong keys: one clear auth error, no retries, no secret in the message', async () => {
    const s = await start({ seed: { orders: 1 } });
    const key = 'ck_0123456789abcdef0123456789abcdef01234567';
    const secret = 'cs_fedcba9876543210fedcba9876543210fedcba98';
    const wc = createWooConnector({ url: s.url }, { key, secret }, { limits: { backoffLimitMs: 100 } });
    const error = await failure(wc.test());
    expect(error).toMatchObject({ kind: 'auth', status: 401, platformCode: 'woocommerce_rest_authentication_error', retriable: false });
    expect(error.message).toMatch(/did not accept the API keys \(Consumer key is invalid\.\)/);
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain(secret);
    expect(s.log.filter((l) => l.status === 401)).toHaveLength(1);
    expect(wc.stats.retries).toBe(0);
    const pull = await failure(firstPage(wc.orderPages({ pageSize: 100 })));
    expect(pull.kind).toBe('auth');
    expect(s.log.filter((l) => l.status === 401)).toHaveLength(2);
  });

  it('refuses plain http to anything but this computer, before any request', () => {
    expect(() => createWooConnector({ url: 'http://shop.example.com' }, { key: 'ck_x', secret: 'cs_y' })).toThrow(/plain http/);
    expect(() => createWooConnector({ url: 'http://shop.example.com' }, { key: 'ck_x', secret: 'cs_y' })).toThrow(PlatformError);
    expect(() => createWooConnector({ url: 'https://shop.example.com' }, { key: 'ck_x', secret: 'cs_y' })).not.toThrow();
  });
});

describe('WooCommerce connector: stock', () => {
  it('lists simple products and variations with one request per page (WooCommerce 10.3+)', async () => {
    const s = await start({ seed: { products: 300 } });
    const items = await collect(connect(s).stockPages());
    const simple = [...s.state.products.values()].filter((p) => p.type === 'simple');
    expect(items).toHaveLength(simple.length + s.state.variations.size);
    const variation = [...s.state.variations.values()][0]!;
    expect(items.find((i) => i.sku === variation.sku)).toEqual({ remoteId: String(variation.id), parentId: String(variation.parentId), sku: variation.sku, manageStock: true, quantity: variation.stockQuantity });
    expect(items.find((i) => i.sku === 'SKU-00003')).toMatchObject({ manageStock: false, quantity: null });
    expect(requests(s, /\/products\?/)).toHaveLength(3);
    expect(requests(s, /\/variations\?/)).toHaveLength(Math.ceil(s.state.variations.size / 100));
  });

  it('falls back to per-product variation listings on shops older than 10.3', async () => {
    const s = await start({ version: '9.8.0', seed: { products: 40 } });
    const items = await collect(connect(s).stockPages());
    expect(items.filter((i) => i.parentId)).toHaveLength(s.state.variations.size);
    expect(requests(s, /\/products\/\d+\/variations\?/)).toHaveLength(10);
  });

  it('sets stock with the fewest batch requests: simple products together, variations per parent, ≤ 100 each', async () => {
    const s = await start({ seed: { products: 300 } });
    const wc = connect(s);
    const items = await collect(wc.stockPages());
    const managed = items.filter((i) => i.manageStock);
    const unmanaged = items.filter((i) => !i.manageStock);
    s.log.length = 0;
    const result = await wc.setStock(items.map((item) => ({ item, quantity: 11 })));
    expect(result.updated).toHaveLength(managed.length);
    expect(result.failed.map((f) => f.item.sku).sort()).toEqual(unmanaged.map((i) => i.sku).sort());
    expect(result.failed.every((f) => f.retriable === false && /Stock management is off/.test(f.message))).toBe(true);
    const simpleManaged = managed.filter((i) => !i.parentId).length;
    const parents = new Set(managed.filter((i) => i.parentId).map((i) => i.parentId)).size;
    expect(requests(s, /\/products\/batch$/)).toHaveLength(Math.ceil(simpleManaged / 100));
    expect(requests(s, /\/variations\/batch$/)).toHaveLength(parents);
    expect(s.log).toHaveLength(Math.ceil(simpleManaged / 100) + parents);
    for (const item of managed) expect(s.state.stockOf(item.sku)).toBe(11);
  });

  it('reports items the shop refuses in a batch and keeps the rest', async () => {
    const s = await start({ seed: { products: 10 } });
    const wc = connect(s);
    const items = (await collect(wc.stockPages())).filter((i) => i.manageStock && !i.parentId);
    s.state.products.delete(Number(items[0]!.remoteId));
    const result = await wc.setStock(items.map((item) => ({ item, quantity: 4 })));
    expect(result.failed).toEqual([{ item: items[0], message: expect.stringMatching(/refused SKU SKU-00001: Invalid ID\./), retriable: false }]);
    expect(result.updated).toHaveLength(items.length - 1);
  });

  it('marks a whole batch as retriable when the shop keeps failing', async () => {
    const s = await start({ seed: { products: 5 } });
    const wc = connect(s, 1);
    const items = (await collect(wc.stockPages())).filter((i) => i.manageStock && !i.parentId);
    s.inject({ kind: 'status', status: 502, times: 5, match: /batch$/ });
    const result = await wc.setStock(items.map((item) => ({ item, quantity: 2 })));
    expect(result.updated).toEqual([]);
    expect(result.failed.every((f) => f.retriable === true)).toBe(true);
  });
});

describe('WooCommerce connector: shipments', () => {
  const shipment = { shipmentId: 'shp_7', date: '2025-06-10', carrier: 'Royal Mail', tracking: 'RM123456789GB', lines: [{ sku: 'SKU-00001', quantity: 1 }] };

  it('adds a Shipment Tracking entry and finds it again by our shipment id', async () => {
    const s = await start({ seed: { products: 3, orders: 1 }, shipmentTracking: true });
    const [order] = [...s.state.orders.values()];
    const wc = connect(s);
    expect(await wc.listShipments(String(order!.id))).toEqual([]);
    const added = await wc.addShipment(String(order!.id), shipment);
    expect(order!.trackings).toEqual([expect.objectContaining({ customProvider: 'Royal Mail', number: 'RM123456789GB', dateShipped: '2025-06-10' })]);
    expect(added).toEqual({ remoteRef: order!.trackings[0]!.id, shipmentId: 'shp_7', tracking: 'RM123456789GB' });
    // The customer is not sent a note: the tracking entry is what they see.
    expect(order!.notes.filter((n) => n.customerNote)).toEqual([]);
    expect(await wc.listShipments(String(order!.id))).toEqual([added]);
  });

  it('without Shipment Tracking sends a customer note and finds it again', async () => {
    const s = await start({ seed: { products: 3, orders: 1 }, shipmentTracking: false });
    const [order] = [...s.state.orders.values()];
    const wc = connect(s);
    const added = await wc.addShipment(String(order!.id), shipment);
    expect(order!.notes).toEqual([expect.objectContaining({ customerNote: true, note: expect.stringContaining('Tracking number: RM123456789GB') })]);
    expect(added).toMatchObject({ shipmentId: 'shp_7', tracking: 'RM123456789GB' });
    expect(await wc.listShipments(String(order!.id))).toEqual([added]);
    expect(requests(s, /shipment-trackings/)).toEqual([]);
  });
});
