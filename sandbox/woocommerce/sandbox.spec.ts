import { afterEach, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from './index';

let shop: WooSandbox | undefined;
afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

function basic(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

async function get(s: WooSandbox, path: string, auth = basic(s.credentials.key, s.credentials.secret)) {
  const res = await fetch(`${s.url}${path}`, { headers: auth ? { authorization: auth } : {} });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

async function post(s: WooSandbox, path: string, body: unknown) {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { authorization: basic(s.credentials.key, s.credentials.secret), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const NOW = Date.parse('2025-06-10T12:00:00Z');

describe('WooCommerce sandbox', () => {
  it('pages orders with X-WP-Total / X-WP-TotalPages and refuses per_page over 100', async () => {
    shop = await startWooSandbox({ now: () => NOW, seed: { orders: 250 } });
    const last = await get(shop, '/wp-json/wc/v3/orders?per_page=100&page=3&status=any');
    expect(last.status).toBe(200);
    expect(last.headers.get('x-wp-total')).toBe('250');
    expect(last.headers.get('x-wp-totalpages')).toBe('3');
    expect(last.body).toHaveLength(50);

    const tooMany = await get(shop, '/wp-json/wc/v3/orders?per_page=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: 'rest_invalid_param', data: { status: 400, params: { per_page: expect.stringContaining('100') } } });
  });

  it('filters by a comma list of statuses and rejects an unknown status', async () => {
    shop = await startWooSandbox({ now: () => NOW, seed: { orders: 300, checkouts: 6 } });
    const res = await get(shop, '/wp-json/wc/v3/orders?per_page=100&status=checkout-draft,pending');
    const orders = res.body as { status: string; billing: { email: string } }[];
    expect(orders.length).toBeGreaterThanOrEqual(6);
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(['checkout-draft', 'pending']));
    expect(orders.every((o) => o.billing.email.includes('@'))).toBe(true);

    const bad = await get(shop, '/wp-json/wc/v3/orders?status=shipped');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'rest_invalid_param', message: 'Invalid parameter(s): status' });
  });

  it('prints date_x in shop time and date_x_gmt in UTC, money as strings', async () => {
    shop = await startWooSandbox({ now: () => NOW, utcOffsetMinutes: 120 });
    shop.state.products.clear();
    const [order] = shop.addOrders(1, { lines: [] });
    const res = await get(shop, `/wp-json/wc/v3/orders/${order!.id}`);
    expect(res.body).toMatchObject({ date_modified: '2025-06-10T14:00:00', date_modified_gmt: '2025-06-10T12:00:00', total: expect.stringMatching(/^\d+\.\d{2}$/) });
  });

  it('reads modified_after in shop time unless dates_are_gmt=true (the classic missed-orders bug)', async () => {
    // A shop five hours behind UTC: "after 10:00" read as local time means after 15:00 UTC.
    let now = Date.parse('2025-06-10T09:00:00Z');
    shop = await startWooSandbox({ now: () => now, utcOffsetMinutes: -300, seed: { products: 5 } });
    now = Date.parse('2025-06-10T12:30:00Z');
    const [order] = shop.addOrders(1);
    const naive = await get(shop, '/wp-json/wc/v3/orders?modified_after=2025-06-10T10:00:00');
    expect(naive.body).toEqual([]);
    const gmt = await get(shop, '/wp-json/wc/v3/orders?modified_after=2025-06-10T10:00:00&dates_are_gmt=true');
    expect((gmt.body as { id: number }[]).map((o) => o.id)).toEqual([order!.id]);
    // The filter is strict: an order modified exactly at the cursor second is not repeated.
    const same = await get(shop, '/wp-json/wc/v3/orders?modified_after=2025-06-10T12:30:00&dates_are_gmt=true');
    expect(same.body).toEqual([]);
  });

  it('sorts by modified time and moves an edited order to the end', async () => {
    let now = Date.parse('2025-06-10T09:00:00Z');
    shop = await startWooSandbox({ now: () => now, seed: { products: 5 } });
    const orders = shop.addOrders(3);
    now += 60_000;
    shop.state.modifyOrder(orders[0]!.id);
    const res = await get(shop, '/wp-json/wc/v3/orders?orderby=modified&order=asc&dates_are_gmt=true');
    expect((res.body as { id: number }[]).map((o) => o.id)).toEqual([orders[1]!.id, orders[2]!.id, orders[0]!.id]);
    const badOrderby = await get(shop, '/wp-json/wc/v3/orders?orderby=updated');
    expect(badOrderby.status).toBe(400);
  });

  it('answers bad or missing credentials with 401 and WooCommerce error JSON; accepts query-string keys', async () => {
    shop = await startWooSandbox({ seed: { products: 2 } });
    const none = await get(shop, '/wp-json/wc/v3/orders', '');
    expect(none).toMatchObject({ status: 401, body: { code: 'woocommerce_rest_cannot_view', data: { status: 401 } } });
    const wrong = await get(shop, '/wp-json/wc/v3/orders', basic('ck_wrong', shop.credentials.secret));
    expect(wrong).toMatchObject({ status: 401, body: { code: 'woocommerce_rest_authentication_error', message: 'Consumer key is invalid.', data: { status: 401 } } });
    const wrongSecret = await get(shop, '/wp-json/wc/v3/orders', basic(shop.credentials.key, 'cs_wrong'));
    expect(wrongSecret.body).toMatchObject({ message: 'Consumer secret is invalid.' });
    const query = await get(shop, `/wp-json/wc/v3/products?consumer_key=${shop.credentials.key}&consumer_secret=${shop.credentials.secret}`, '');
    expect(query.status).toBe(200);
    // The REST index is public.
    expect((await get(shop, '/wp-json/', '')).status).toBe(200);
  });

  it('finds products by comma-separated SKUs and lists variations of a variable product', async () => {
    shop = await startWooSandbox({ seed: { products: 8 } });
    const res = await get(shop, '/wp-json/wc/v3/products?sku=SKU-00001,SKU-00002,NOPE');
    expect((res.body as { sku: string }[]).map((p) => p.sku).sort()).toEqual(['SKU-00001', 'SKU-00002']);
    const variable = [...shop.state.products.values()].find((p) => p.type === 'variable')!;
    const variations = await get(shop, `/wp-json/wc/v3/products/${variable.id}/variations`);
    expect((variations.body as { sku: string }[]).map((v) => v.sku)).toEqual(variable.variationIds.map((id) => shop!.state.variations.get(id)!.sku));
    const unmanaged = [...shop.state.products.values()].find((p) => p.type === 'simple' && !p.manageStock)!;
    expect((await get(shop, `/wp-json/wc/v3/products/${unmanaged.id}`)).body).toMatchObject({ manage_stock: false, stock_quantity: null });
  });

  it('batch-updates stock, reports per-item errors, ignores unmanaged stock and refuses more than 100 items', async () => {
    shop = await startWooSandbox({ seed: { products: 20 } });
    const managed = [...shop.state.products.values()].find((p) => p.type === 'simple' && p.manageStock)!;
    const unmanaged = [...shop.state.products.values()].find((p) => p.type === 'simple' && !p.manageStock)!;
    const ok = await post(shop, '/wp-json/wc/v3/products/batch', { update: [{ id: managed.id, stock_quantity: 7 }, { id: unmanaged.id, stock_quantity: 7 }, { id: 999999, stock_quantity: 1 }] });
    expect(ok.status).toBe(200);
    const update = ok.body.update as Record<string, unknown>[];
    expect(update[0]).toMatchObject({ id: managed.id, stock_quantity: 7 });
    expect(update[1]).toMatchObject({ id: unmanaged.id, manage_stock: false, stock_quantity: null });
    expect(update[2]).toMatchObject({ id: 999999, error: { code: 'woocommerce_rest_product_invalid_id' } });
    expect(shop.state.stockOf(managed.sku)).toBe(7);

    const tooBig = await post(shop, '/wp-json/wc/v3/products/batch', { update: Array.from({ length: 101 }, () => ({ id: managed.id, stock_quantity: 1 })) });
    expect(tooBig).toMatchObject({ status: 413, body: { code: 'woocommerce_rest_request_entity_too_large', message: 'Unable to accept more than 100 items for this request.', data: { status: 413 } } });
    expect(shop.state.stockOf(managed.sku)).toBe(7);
  });

  it('lists refunds with negative quantities linked by _refunded_item_id, and bumps date_modified', async () => {
    let now = Date.parse('2025-06-10T09:00:00Z');
    shop = await startWooSandbox({ now: () => now, seed: { products: 5 } });
    const order = shop.addOrder({ lines: [{ sku: 'SKU-00001', quantity: 3 }] });
    now += 3_600_000;
    shop.state.refundLines(order.id, [{ sku: 'SKU-00001', quantity: 2 }], 'damaged');
    const refunds = await get(shop, `/wp-json/wc/v3/orders/${order.id}/refunds`);
    expect(refunds.body).toMatchObject([{ reason: 'damaged', line_items: [{ quantity: -2, meta_data: [{ key: '_refunded_item_id', value: String(order.lines[0]!.id) }] }] }]);
    const fetched = await get(shop, `/wp-json/wc/v3/orders/${order.id}`);
    expect(fetched.body).toMatchObject({ status: 'processing', date_modified_gmt: '2025-06-10T10:00:00', refunds: [{ total: expect.stringMatching(/^-\d/) }] });
  });

  it('offers Shipment Tracking routes only while the extension is installed', async () => {
    shop = await startWooSandbox({ seed: { products: 3, orders: 1 }, shipmentTracking: false });
    const [order] = [...shop.state.orders.values()];
    const path = `/wp-json/wc-shipment-tracking/v3/orders/${order!.id}/shipment-trackings`;
    expect((await get(shop, '/wp-json/')).body).toMatchObject({ namespaces: expect.not.arrayContaining(['wc-shipment-tracking/v3']) });
    expect(await get(shop, path)).toMatchObject({ status: 404, body: { code: 'rest_no_route' } });
    shop.state.settings.shipmentTracking = true;
    const created = await post(shop, path, { tracking_provider: 'DHL', tracking_number: 'JD0001', date_shipped: '2025-06-10' });
    expect(created).toMatchObject({ status: 201, body: { tracking_id: expect.any(String), tracking_number: 'JD0001', tracking_provider: 'DHL', date_shipped: '2025-06-10' } });
    expect((await get(shop, path)).body).toHaveLength(1);
  });

  it('logs every request so tests can count them', async () => {
    shop = await startWooSandbox({ seed: { products: 1 } });
    await get(shop, '/wp-json/wc/v3/products');
    await get(shop, '/wp-json/wc/v3/nothing-here');
    expect(shop.log.map((l) => l.status)).toEqual([200, 404]);
  });
});
