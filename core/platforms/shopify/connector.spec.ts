import { afterEach, describe, expect, it } from 'vitest';
import { startShopifySandbox, type ShopifySandbox, type ShopifySandboxOptions } from '../../../sandbox/shopify';
import { PlatformError } from '../http';
import type { RemoteOrder, ShopConnector } from '../types';
import { collect, firstPage } from '../../../test/pages';
import { createShopifyConnector } from './connector';
import { backroomStatus } from './map';
import { ORDER_PAGE_SIZE } from './queries';

let shop: ShopifySandbox | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

async function start(options: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
  shop = await startShopifySandbox(options);
  return shop;
}

function connect(s: ShopifySandbox, token = s.token): ShopConnector {
  return createShopifyConnector({ domain: s.domain }, { token }, { limits: { retries: 2, backoffLimitMs: 100 } });
}

const ops = (s: ShopifySandbox, name: string) => s.operations.filter((o) => o.name === name);

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

/** Reads pages the way the order pull does: to the end of the listing. */
async function readAll(c: ShopConnector, modifiedAfter?: string): Promise<RemoteOrder[]> {
  const seen: RemoteOrder[] = [];
  for (const r of await collect(c.orderPages(modifiedAfter ? { modifiedAfter } : {}))) if (r.ok) seen.push(r.order);
  return seen;
}

describe('Shopify status mapping', () => {
  const order = (financial: string | null, fulfillment = 'UNFULFILLED', cancelledAt: string | null = null) => backroomStatus({ displayFinancialStatus: financial, displayFulfillmentStatus: fulfillment, cancelledAt });
  it('maps financial, fulfillment and cancelled state onto Backroom statuses', () => {
    expect(order('PAID')).toBe('processing');
    expect(order('AUTHORIZED')).toBe('processing');
    expect(order('PARTIALLY_REFUNDED')).toBe('processing');
    expect(order('PAID', 'PARTIALLY_FULFILLED')).toBe('processing');
    expect(order('PAID', 'FULFILLED')).toBe('completed');
    expect(order('PARTIALLY_REFUNDED', 'FULFILLED')).toBe('completed');
    expect(order('PAID', 'ON_HOLD')).toBe('on-hold');
    expect(order('PENDING')).toBe('pending');
    expect(order('REFUNDED', 'FULFILLED')).toBe('refunded');
    expect(order('VOIDED')).toBe('cancelled');
    expect(order('EXPIRED')).toBe('failed');
    expect(order('REFUNDED', 'UNFULFILLED', '2025-03-01T10:00:00Z')).toBe('cancelled');
    expect(order(null)).toBe('processing');
  });
});

describe('Shopify connector: orders', () => {
  it('reads every order exactly once, oldest change first, in full pages sized to the bucket', async () => {
    // A bucket that restores 1000 points a second: pacing has to wait between pages. The bucket and
    // the connector share one clock that moves only while the connector waits, so what the bucket
    // holds at each read is what the connector's pacing made it, not what a busy CPU left to chance.
    let bucketMs = Date.parse('2026-11-01T08:00:00Z');
    let waitedMs = 0;
    const s = await start({ seed: { orders: 130 }, bucket: { maximumAvailable: 1000, restoreRate: 1000, now: () => bucketMs } });
    const sleep = async (ms: number) => {
      waitedMs += ms;
      bucketMs += ms;
    };
    const c = createShopifyConnector({ domain: s.domain }, { token: s.token }, { limits: { retries: 2, backoffLimitMs: 100 }, sleep, now: () => bucketMs });
    const orders = await readAll(c);
    expect(waitedMs, 'a full page costs more than the bucket holds after the first: pacing waits').toBeGreaterThan(0);
    expect(orders).toHaveLength(130);
    expect(new Set(orders.map((o) => o.remoteId)).size).toBe(130);
    const times = orders.map((o) => o.modifiedAt);
    expect([...times].sort()).toEqual(times);
    // A full bucket pays for a whole page at once; a drained one for smaller reads that fill the page.
    const firsts = ops(s, 'BackroomOrders').map((o) => o.variables.first as number);
    expect(firsts[0]).toBe(ORDER_PAGE_SIZE);
    expect(firsts.every((n) => n >= 1 && n <= ORDER_PAGE_SIZE)).toBe(true);
    expect(firsts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(130);
    // Paced on the cost extension, never throttled; and every query stayed under Shopify's
    // single-query cost limit, or the sandbox would have refused it.
    expect(s.operations.every((o) => o.errors.length === 0 && !o.throttled)).toBe(true);
    const first = orders[0]!;
    expect(first.number).toMatch(/^\d+$/);
    expect(first.status).toBe('processing');
    expect(first.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });

  it('maps an order, reads lines beyond the first page, and filters on the modified time', async () => {
    let clock = Date.parse('2025-03-01T10:00:00Z');
    const s = await start({ seed: { products: 20 }, now: () => clock });
    const old = s.addOrder({ lines: [{ sku: 'SKU-00001', quantity: 1 }] });
    clock += 60_000;
    const cutoff = new Date(clock - 1).toISOString();
    clock += 60_000;
    const skus = ['SKU-00001', 'SKU-00002', 'SKU-00003', 'SKU-00004', 'SKU-00005', 'SKU-00006', 'SKU-00007'];
    const big = s.addOrder({ lines: skus.map((sku) => ({ sku, quantity: 2, price: '3.50' })), email: 'Ada@Example.com', firstName: 'Ada', lastName: 'Ng', customAttributes: { _cartflows_step: 'upsell' } });
    s.refundOrder(big.id, [{ sku: 'SKU-00002', quantity: 1 }]);
    const c = connect(s);
    const orders = await readAll(c, cutoff);
    expect(orders.map((o) => o.remoteId)).toEqual([String(big.id)]);
    const o = orders[0]!;
    expect(o).toMatchObject({ number: big.name.slice(1), status: 'processing', currency: 'EUR', total: '49.00', meta: { _cartflows_step: 'upsell' } });
    expect(o.customer).toMatchObject({ email: 'ada@example.com', firstName: 'Ada', lastName: 'Ng' });
    expect(o.lines.map((l) => l.sku)).toEqual(skus);
    expect(o.lines[1]).toMatchObject({ quantity: 2, refundedQuantity: 1, total: '7.00' });
    expect(ops(s, 'BackroomOrderLines')).toHaveLength(1);
    expect(old.id).not.toBe(big.id);
    expect((await c.getOrder(String(big.id))).lines).toHaveLength(7);
  });

  it('turns a malformed order into a result naming the order and the field; the rest of the page is read', async () => {
    const s = await start({ seed: { orders: 5 } });
    const bad = [...s.state.orders.values()][2]!;
    s.corruptOrder(bad.id, { createdAt: 'last Tuesday' });
    const page = await firstPage(connect(s).orderPages({ pageSize: 25 }));
    expect(page.items).toHaveLength(5);
    const failed = page.items.filter((r) => !r.ok);
    expect(failed).toEqual([{ ok: false, remoteId: String(bad.id), message: expect.stringMatching(new RegExp(`${bad.name}.*field createdAt`)) as unknown }]);
  });

  it('waits out THROTTLED answers using the cost extension, then reads on', async () => {
    // The bucket refills on its own clock, which moves only while the connector waits: on a busy
    // machine real time would refill it before the first request arrives.
    let bucketMs = Date.parse('2026-11-01T08:00:00Z');
    const s = await start({ seed: { orders: 30 }, bucket: { maximumAvailable: 1000, restoreRate: 50, now: () => bucketMs } });
    const c = createShopifyConnector({ domain: s.domain }, { token: s.token }, { limits: { retries: 2, backoffLimitMs: 100 }, sleep: async (ms) => void (bucketMs += ms), now: () => bucketMs });
    s.bucket.setAvailable(0);
    // From a cursor (not a first pull, which would count the orders first): the page meets the empty bucket unannounced.
    const orders = await readAll(c, '2000-01-01T00:00:00Z');
    expect(orders).toHaveLength(30);
    const reads = ops(s, 'BackroomOrders');
    expect(reads.filter((o) => o.throttled).length).toBeGreaterThanOrEqual(1);
    expect(reads.filter((o) => !o.throttled).map((o) => o.variables.first as number).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30);
    expect(c.stats.retries).toBe(reads.filter((o) => o.throttled).length);
  });

  it('gives up on endless throttling with a transient error', async () => {
    const s = await start({ seed: { orders: 3 }, bucket: { maximumAvailable: 1000, restoreRate: 0.001 } });
    s.bucket.setAvailable(0);
    // The waits go to a clock that never refills this bucket: no real time passes, and none would help.
    const c = createShopifyConnector({ domain: s.domain }, { token: s.token }, { throttleRetries: 2, limits: { maxRetryAfterMs: 10 }, sleep: async () => undefined });
    const error = await failure(firstPage(c.orderPages({ pageSize: 25 })));
    expect(error.kind).toBe('transient');
    expect(s.operations.map((o) => o.throttled)).toEqual([true, true, true]);
  });

  it('reports a wrong token as one auth error, without retrying', async () => {
    const s = await start({ seed: { orders: 3 } });
    const error = await failure(firstPage(connect(s, 'shpat_wrong000000000000000000000000').orderPages({ pageSize: 25 })));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('Invalid API key or access token');
    expect(error.message).not.toContain('shpat_wrong');
    expect(s.log).toHaveLength(1);
  });

  it('retries a 503 and fails on a rejected query', async () => {
    const s = await start({ seed: { orders: 3 } });
    s.inject({ kind: 'status', status: 503, retryAfterSeconds: 0 });
    expect((await firstPage(connect(s).orderPages({ pageSize: 25 }))).items).toHaveLength(3);
    // The 503 met the order count a first pull asks for; then the count and the page.
    expect(s.log.map((l) => l.status)).toEqual([503, 200, 200]);
  });

  it('tests the connection: shop name, plan and API version, currency', async () => {
    const s = await start({ storeName: 'Tote Shop', currency: 'USD', plan: 'Grow' });
    expect(await connect(s).test()).toEqual({ ok: true, storeName: 'Tote Shop', platformVersion: 'Admin API 2026-10, plan Grow', shipmentTracking: true, currency: 'USD', timezone: 'Europe/Amsterdam' });
  });
});

describe('Shopify connector: stock', () => {
  it('lists variants with their available stock and sets quantities in batches of 250', async () => {
    const s = await start({ seed: { products: 300 }, bucket: { maximumAvailable: 1000, restoreRate: 20_000 } });
    const c = connect(s);
    const items = await collect(c.stockPages());
    expect(items).toHaveLength(300);
    // Page sizes follow the bucket (so how many reads depends on its level), never above Shopify's cost limit.
    const firsts = ops(s, 'BackroomStock').map((o) => o.variables.first as number);
    expect(firsts.every((n) => n >= 1 && n <= 200)).toBe(true);
    expect(firsts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(300);
    const one = items.find((i) => i.sku === 'SKU-00001')!;
    expect(one).toMatchObject({ manageStock: true, quantity: s.state.stockOf('SKU-00001') });
    expect(items.find((i) => i.sku === 'SKU-00009')!.manageStock).toBe(false);

    const managed = items.filter((i) => i.manageStock && i.sku);
    const result = await c.setStock(managed.map((item, n) => ({ item, quantity: n % 17 })));
    expect(result.failed).toEqual([]);
    expect(result.updated).toHaveLength(managed.length);
    expect(ops(s, 'BackroomSetStock')).toHaveLength(Math.ceil(managed.length / 250));
    expect(s.state.stockOf(managed[20]!.sku)).toBe(20 % 17);
  });

  it('drops an item Shopify refuses and sends the rest of the batch again', async () => {
    const s = await start({ seed: { products: 5 } });
    const c = connect(s);
    const items = (await collect(c.stockPages())).filter((i) => i.manageStock);
    // Shopify stopped tracking this one after Backroom last read it.
    s.state.inventoryOf(items[1]!.sku).tracked = false;
    const result = await c.setStock(items.map((item) => ({ item, quantity: 7 })));
    expect(result.updated.map((i) => i.sku)).toEqual(items.filter((_, n) => n !== 1).map((i) => i.sku));
    expect(result.failed).toEqual([{ item: { ...items[1]!, manageStock: false }, message: expect.stringContaining(items[1]!.sku) as unknown, retriable: false }]);
    expect(ops(s, 'BackroomSetStock')).toHaveLength(2);
    expect(s.state.stockOf(items[0]!.sku)).toBe(7);
  });
});

describe('Shopify connector: shipping and carts', () => {
  it('creates one fulfillment with tracking, finds it again by tracking number, and completes without a request', async () => {
    const s = await start({ seed: { products: 10 } });
    const order = s.addOrder({ lines: [{ sku: 'SKU-00001', quantity: 2 }, { sku: 'SKU-00002', quantity: 1 }] });
    const c = connect(s);
    const id = String(order.id);
    expect(await c.listShipments(id)).toEqual([]);
    const ref = await c.addShipment(id, { shipmentId: 'S1', date: '2025-03-01', carrier: 'DHL', tracking: 'TRK-1', lines: [{ sku: 'SKU-00001', quantity: 2 }] });
    expect(await c.listShipments(id)).toEqual([{ remoteRef: ref.remoteRef, tracking: 'TRK-1' }]);
    await c.addShipment(id, { shipmentId: 'S2', date: '2025-03-01', carrier: 'UPS', tracking: 'TRK-2', lines: [{ sku: 'SKU-00002', quantity: 1 }] });
    expect(s.fulfillmentsOf(order.id).map((f) => ({ tracking: f.trackingInfo, notify: f.notifyCustomer }))).toEqual([
      { tracking: [{ company: 'DHL', number: 'TRK-1', url: null }], notify: true },
      { tracking: [{ company: 'UPS', number: 'TRK-2', url: null }], notify: true },
    ]);
    const before = s.log.length;
    await c.completeOrder(id);
    expect(s.log.length).toBe(before);
    expect((await c.getOrder(id)).status).toBe('completed');
    const error = await failure(c.addShipment(id, { shipmentId: 'S3', date: '2025-03-01', carrier: 'UPS', tracking: 'TRK-3', lines: [{ sku: 'SKU-00002', quantity: 1 }] }));
    expect(error.kind).toBe('rejected');
    expect(s.fulfillmentsOf(order.id)).toHaveLength(2);
  });

  it('lists open abandoned checkouts as carts-to-be', async () => {
    const s = await start({ seed: { products: 10 } });
    const open = s.addCheckout({ email: 'Greta@Example.com', firstName: 'Greta', lines: [{ sku: 'SKU-00003', quantity: 2, price: '4.00' }] });
    const optOut = s.addCheckout({ email: 'hugo@example.com', customAttributes: { _backroom_tracking_opt_out: 'yes' } });
    const done = s.addCheckout({ email: 'ines@example.com' });
    s.completeCheckout(done.id);
    const page = await firstPage(connect(s).checkoutPages({ pageSize: 25 }));
    const carts = page.items.flatMap((r) => (r.ok ? [r.order] : []));
    expect(carts.map((c) => c.remoteId)).toEqual([`checkout-${open.id}`, `checkout-${optOut.id}`]);
    expect(carts[0]).toMatchObject({ customer: { email: 'greta@example.com', firstName: 'Greta' }, total: '8.00', lines: [{ sku: 'SKU-00003', quantity: 2, total: '8.00' }] });
    expect(carts[0]!.checkoutUrl).toMatch(/recover/);
    expect(carts[1]!.trackingOptOut).toBe(true);
  });
});
