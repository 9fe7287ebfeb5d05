import { createHash } from 'node:crypto';
import { Router, type SandboxRequest, type SandboxResponse } from '../kit/server';
import { boolParam, dateParam, enumParam, intParam, InvalidParam, listParam, page } from './params';
import { ORDER_STATUSES, type OrderRecord, type ProductRecord, type VariationRecord, type WooState } from './state';
import { wireCustomer, wireNote, wireOrder, wireProduct, wireRefund, wireTracking, wireVariation, wpError } from './wire';

const WC = '/wp-json/wc/v3';
const ST = '/wp-json/wc-shipment-tracking/v3';
const ORDERBY = ['date', 'id', 'include', 'title', 'slug', 'modified'] as const;
const BATCH_LIMIT = 100;
/** `/wc/v3/variations` (all variations of all products) arrived in WooCommerce 10.3. */
const VARIATIONS_COLLECTION_SINCE = [10, 3];

const noRoute = (): SandboxResponse => wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
const invalidId = (code: string, message = 'Invalid ID.') => wpError(404, code, message);

function versionAtLeast(version: string, [major, minor]: number[]): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major! || (a === major && b >= minor!);
}

/** Wraps a handler so WordPress' parameter errors come back as its 400 JSON. */
function guarded(handler: (req: SandboxRequest) => SandboxResponse): (req: SandboxRequest) => SandboxResponse {
  return (req) => {
    try {
      return handler(req);
    } catch (error) {
      if (error instanceof InvalidParam) return error.response();
      throw error;
    }
  };
}

function body(req: SandboxRequest): Record<string, unknown> {
  return typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
}

export function buildRouter(state: WooState, baseUrl: () => string): Router {
  const router = new Router();
  // The sorted id list of the last order query, reused while nothing changed: a pull reads the
  // same query page after page, and re-sorting 20,000 orders per page would dominate a bench.
  let cache: { key: string; version: number; ids: number[] } | null = null;

  const findOrder = (req: SandboxRequest): OrderRecord | undefined => state.orders.get(Number(req.params.id));

  router.on('GET', '/wp-json', () => ({
    body: {
      name: state.settings.storeName,
      description: 'Just another WooCommerce shop',
      url: baseUrl(),
      home: baseUrl(),
      gmt_offset: state.settings.utcOffsetMinutes / 60,
      timezone_string: state.settings.timezoneString,
      namespaces: ['oembed/1.0', 'wc/store/v1', 'wc/v1', 'wc/v2', 'wc/v3', 'wc-analytics', 'wp/v2', ...(state.settings.shipmentTracking ? ['wc-shipment-tracking/v3'] : [])],
      authentication: [],
      routes: {},
    },
  }));

  router.on('GET', `${WC}/system_status`, () => ({
    body: {
      environment: {
        home_url: baseUrl(),
        site_url: baseUrl(),
        version: state.settings.version,
        wp_version: '6.8.2',
        wp_multisite: false,
        language: 'en_GB',
        server_info: 'nginx/1.26',
        php_version: '8.3.9',
      },
      database: { wc_database_version: state.settings.version },
      active_plugins: [
        { plugin: 'woocommerce/woocommerce.php', name: 'WooCommerce', version: state.settings.version, author_name: 'Automattic' },
        ...(state.settings.shipmentTracking ? [{ plugin: 'woocommerce-shipment-tracking/woocommerce-shipment-tracking.php', name: 'WooCommerce Shipment Tracking', version: '2.6.0', author_name: 'WooCommerce' }] : []),
      ],
      theme: { name: 'Storefront', version: '4.6.0' },
      settings: { api_enabled: true, force_ssl: false, currency: state.settings.currency, currency_symbol: state.settings.currency === 'EUR' ? '&euro;' : '&pound;', currency_position: 'left', thousand_separator: ',', decimal_separator: '.', number_of_decimals: 2 },
      security: { secure_connection: false, hide_errors: true },
      pages: [],
    },
  }));

  // ---- Orders ----
  router.on('GET', `${WC}/orders`, guarded((req) => {
    const perPage = intParam(req, 'per_page', 10, 1, 100);
    const pageNo = intParam(req, 'page', 1, 1);
    const statuses = listParam(req, 'status', ['any', 'trash', ...ORDER_STATUSES]) ?? ['any'];
    const orderby = enumParam(req, 'orderby', ORDERBY, 'date');
    const order = enumParam(req, 'order', ['asc', 'desc'] as const, 'desc');
    const gmt = boolParam(req, 'dates_are_gmt');
    const filters = { modifiedAfter: dateParam(req, 'modified_after'), modifiedBefore: dateParam(req, 'modified_before'), after: dateParam(req, 'after'), before: dateParam(req, 'before') };
    const include = listParam(req, 'include')?.map(Number) ?? null;
    const customer = req.query.get('customer');
    const key = JSON.stringify([statuses, orderby, order, gmt, filters, include, customer]);
    if (!cache || cache.key !== key || cache.version !== state.version) {
      // Without dates_are_gmt WooCommerce compares the filter with the shop-local column.
      const shift = gmt ? 0 : state.settings.utcOffsetMinutes * 60_000;
      const wanted = statuses.includes('any') ? null : new Set(statuses);
      const picked: OrderRecord[] = [];
      for (const o of state.orders.values()) {
        if (wanted ? !wanted.has(o.status) : o.status === 'trash') continue;
        // Compared per second, as MySQL DATETIME columns hold them.
        const modified = Math.floor((o.modifiedMs + shift) / 1000) * 1000;
        const created = Math.floor((o.createdMs + shift) / 1000) * 1000;
        if (filters.modifiedAfter !== null && !(modified > filters.modifiedAfter)) continue;
        if (filters.modifiedBefore !== null && !(modified < filters.modifiedBefore)) continue;
        if (filters.after !== null && !(created > filters.after)) continue;
        if (filters.before !== null && !(created < filters.before)) continue;
        if (include && !include.includes(o.id)) continue;
        if (customer !== null && String(o.customerId) !== customer) continue;
        picked.push(o);
      }
      const field = (o: OrderRecord) => (orderby === 'modified' ? Math.floor(o.modifiedMs / 1000) : orderby === 'date' ? Math.floor(o.createdMs / 1000) : o.id);
      const dir = order === 'asc' ? 1 : -1;
      picked.sort((a, b) => (field(a) - field(b) || a.id - b.id) * dir);
      cache = { key, version: state.version, ids: picked.map((o) => o.id) };
    }
    const base = baseUrl();
    return page(cache.ids, pageNo, perPage, (id) => wireOrder(state, state.orders.get(id)!, base));
  }));

  router.on('GET', `${WC}/orders/:id`, (req) => {
    const order = findOrder(req);
    return order ? { body: wireOrder(state, order, baseUrl()) } : invalidId('woocommerce_rest_shop_order_invalid_id');
  });

  const updateOrder = guarded((req) => {
    const order = findOrder(req);
    if (!order) return invalidId('woocommerce_rest_shop_order_invalid_id');
    const input = body(req);
    if (input.status !== undefined && !(ORDER_STATUSES as readonly string[]).includes(String(input.status))) {
      throw new InvalidParam('status', `status is not one of ${ORDER_STATUSES.join(', ')}.`);
    }
    state.modifyOrder(order.id, (o) => {
      if (Array.isArray(input.meta_data)) {
        for (const m of input.meta_data as { key?: unknown; value?: unknown }[]) if (typeof m?.key === 'string') state.setOrderMeta(o, m.key, m.value);
      }
      if (typeof input.customer_note === 'string') o.customerNote = input.customer_note;
    });
    if (input.status !== undefined && input.status !== order.status) state.setOrderStatus(order.id, String(input.status));
    return { body: wireOrder(state, order, baseUrl()) };
  });
  for (const method of ['PUT', 'POST', 'PATCH']) router.on(method, `${WC}/orders/:id`, updateOrder);

  router.on('GET', `${WC}/orders/:id/notes`, guarded((req) => {
    const order = findOrder(req);
    if (!order) return invalidId('woocommerce_rest_order_invalid_id', 'Invalid order ID.');
    const type = enumParam(req, 'type', ['any', 'customer', 'internal'] as const, 'any');
    const notes = order.notes.filter((n) => type === 'any' || (type === 'customer') === n.customerNote).sort((a, b) => b.createdMs - a.createdMs || b.id - a.id);
    const base = baseUrl();
    return { body: notes.map((n) => wireNote(state, order, n, base)) };
  }));

  router.on('POST', `${WC}/orders/:id/notes`, (req) => {
    const order = findOrder(req);
    if (!order) return invalidId('woocommerce_rest_order_invalid_id', 'Invalid order ID.');
    const input = body(req);
    if (typeof input.note !== 'string' || input.note === '') return wpError(400, 'rest_missing_callback_param', 'Missing parameter(s): note', { params: ['note'] });
    const note = { id: state.commentId(), createdMs: state.now(), note: input.note, customerNote: input.customer_note === true, addedByUser: input.added_by_user === true };
    order.notes.push(note);
    state.touch();
    return { status: 201, body: wireNote(state, order, note, baseUrl()) };
  });

  router.on('GET', `${WC}/orders/:id/refunds`, guarded((req) => {
    const order = findOrder(req);
    if (!order) return invalidId('woocommerce_rest_order_invalid_id', 'Invalid order ID.');
    const perPage = intParam(req, 'per_page', 10, 1, 100);
    const pageNo = intParam(req, 'page', 1, 1);
    const refunds = [...order.refunds].sort((a, b) => b.createdMs - a.createdMs || b.id - a.id);
    const base = baseUrl();
    return page(refunds, pageNo, perPage, (r) => wireRefund(state, order, r, base));
  }));

  // ---- Products and variations ----
  const skuFilter = (req: SandboxRequest): Set<string> | null => {
    const raw = req.query.get('sku');
    if (!raw) return null;
    const skus = raw.split(',');
    // WooCommerce also matches the whole comma-joined string as one SKU.
    if (skus.length > 1) skus.push(raw);
    return new Set(skus);
  };

  router.on('GET', `${WC}/products`, guarded((req) => {
    const perPage = intParam(req, 'per_page', 10, 1, 100);
    const pageNo = intParam(req, 'page', 1, 1);
    const orderby = enumParam(req, 'orderby', [...ORDERBY, 'price', 'popularity', 'rating', 'menu_order'] as const, 'date');
    const order = enumParam(req, 'order', ['asc', 'desc'] as const, 'desc');
    const skus = skuFilter(req);
    const type = req.query.get('type');
    const include = listParam(req, 'include')?.map(Number) ?? null;
    const picked = [...state.products.values()].filter((p) => (!skus || skus.has(p.sku)) && (!type || p.type === type) && (!include || include.includes(p.id)));
    const dir = order === 'asc' ? 1 : -1;
    picked.sort((a, b) => ((orderby === 'date' ? a.createdMs - b.createdMs : orderby === 'modified' ? a.modifiedMs - b.modifiedMs : 0) || a.id - b.id) * dir);
    const base = baseUrl();
    return page(picked, pageNo, perPage, (p) => wireProduct(state, p, base));
  }));

  const applyStock = (item: ProductRecord | VariationRecord, input: Record<string, unknown>): string | null => {
    if (input.manage_stock !== undefined) {
      if (typeof input.manage_stock !== 'boolean') return 'manage_stock is not of type boolean.';
      item.manageStock = input.manage_stock;
    }
    if (input.stock_quantity !== undefined && input.stock_quantity !== null) {
      const qty = typeof input.stock_quantity === 'string' && /^-?\d+$/.test(input.stock_quantity) ? Number(input.stock_quantity) : input.stock_quantity;
      if (typeof qty !== 'number' || !Number.isInteger(qty)) return 'stock_quantity is not of type integer.';
      // WooCommerce ignores a quantity for an item whose stock it does not manage.
      if (item.manageStock === true) item.stockQuantity = qty;
    }
    if (input.backorders !== undefined) {
      if (input.backorders !== 'no' && input.backorders !== 'notify' && input.backorders !== 'yes') return 'backorders is not one of no, notify, and yes.';
      item.backorders = input.backorders;
    }
    item.modifiedMs = state.now();
    state.touch();
    return null;
  };

  const productResponse = (p: ProductRecord) => ({ body: wireProduct(state, p, baseUrl()) });

  router.on('POST', `${WC}/products/batch`, (req) => batch(req, (input) => {
    const product = state.products.get(Number(input.id));
    if (!product) return { id: Number(input.id) || 0, error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } };
    const problem = applyStock(product, input);
    if (problem) return { id: product.id, error: { code: 'rest_invalid_param', message: `Invalid parameter(s): ${problem}`, data: { status: 400 } } };
    return wireProduct(state, product, baseUrl());
  }));

  router.on('GET', `${WC}/products/:id`, (req) => {
    const product = state.products.get(Number(req.params.id));
    return product ? productResponse(product) : invalidId('woocommerce_rest_product_invalid_id');
  });

  const updateProduct = (req: SandboxRequest): SandboxResponse => {
    const product = state.products.get(Number(req.params.id));
    if (!product) return invalidId('woocommerce_rest_product_invalid_id');
    const problem = applyStock(product, body(req));
    return problem ? new InvalidParam(problem.split(' ')[0]!, problem).response() : productResponse(product);
  };
  for (const method of ['PUT', 'POST', 'PATCH']) router.on(method, `${WC}/products/:id`, updateProduct);

  router.on('POST', `${WC}/products/:id/variations/batch`, (req) => {
    const parent = state.products.get(Number(req.params.id));
    if (!parent) return invalidId('woocommerce_rest_product_invalid_id');
    return batch(req, (input) => {
      const variation = state.variations.get(Number(input.id));
      if (!variation || variation.parentId !== parent.id) {
        return { id: Number(input.id) || 0, error: { code: 'woocommerce_rest_product_variation_invalid_id', message: 'Invalid ID.', data: { status: 400 } } };
      }
      const problem = applyStock(variation, input);
      if (problem) return { id: variation.id, error: { code: 'rest_invalid_param', message: `Invalid parameter(s): ${problem}`, data: { status: 400 } } };
      return wireVariation(state, variation, baseUrl(), false);
    });
  });

  router.on('GET', `${WC}/products/:id/variations`, guarded((req) => {
    const parent = state.products.get(Number(req.params.id));
    if (!parent) return invalidId('woocommerce_rest_product_invalid_id');
    const perPage = intParam(req, 'per_page', 10, 1, 100);
    const pageNo = intParam(req, 'page', 1, 1);
    const skus = skuFilter(req);
    const variations = parent.variationIds.map((id) => state.variations.get(id)!).filter((v) => !skus || skus.has(v.sku));
    const base = baseUrl();
    return page(variations, pageNo, perPage, (v) => wireVariation(state, v, base, false));
  }));

  router.on('GET', `${WC}/products/:id/variations/:vid`, (req) => {
    const variation = state.variations.get(Number(req.params.vid));
    if (!variation || variation.parentId !== Number(req.params.id)) return invalidId('woocommerce_rest_product_variation_invalid_id');
    return { body: wireVariation(state, variation, baseUrl(), false) };
  });

  router.on('GET', `${WC}/variations`, guarded((req) => {
    if (!versionAtLeast(state.settings.version, VARIATIONS_COLLECTION_SINCE)) return noRoute();
    const perPage = intParam(req, 'per_page', 10, 1, 100);
    const pageNo = intParam(req, 'page', 1, 1);
    const skus = skuFilter(req);
    const variations = [...state.variations.values()].filter((v) => !skus || skus.has(v.sku)).sort((a, b) => a.id - b.id);
    const base = baseUrl();
    return page(variations, pageNo, perPage, (v) => wireVariation(state, v, base, true));
  }));

  // ---- Customers ----
  router.on('GET', `${WC}/customers`, guarded((req) => {
    const perPage = intParam(req, 'per_page', 10, 1, 100);
    const pageNo = intParam(req, 'page', 1, 1);
    const role = req.query.get('role') ?? 'customer';
    const email = req.query.get('email')?.toLowerCase();
    const picked = [...state.customers.values()].filter((c) => (role === 'all' || c.role === role) && (!email || c.email === email));
    const base = baseUrl();
    return page(picked, pageNo, perPage, (c) => wireCustomer(state, c, base));
  }));

  router.on('GET', `${WC}/customers/:id`, (req) => {
    const customer = state.customers.get(Number(req.params.id));
    return customer ? { body: wireCustomer(state, customer, baseUrl()) } : invalidId('woocommerce_rest_invalid_id', 'Invalid resource ID.');
  });

  // ---- Shipment Tracking extension (routes exist only while it is active) ----
  let trackingSeq = 0;
  const trackingOrder = (req: SandboxRequest): OrderRecord | SandboxResponse => {
    if (!state.settings.shipmentTracking) return noRoute();
    return findOrder(req) ?? invalidId('woocommerce_rest_order_invalid_id', 'Order ID is invalid.');
  };
  const isOrder = (value: OrderRecord | SandboxResponse): value is OrderRecord => 'trackings' in value;

  router.on('GET', `${ST}/orders/:id/shipment-trackings`, (req) => {
    const order = trackingOrder(req);
    if (!isOrder(order)) return order;
    const base = baseUrl();
    return { body: order.trackings.map((t) => wireTracking(t, order.id, base)) };
  });

  router.on('POST', `${ST}/orders/:id/shipment-trackings`, (req) => {
    const order = trackingOrder(req);
    if (!isOrder(order)) return order;
    const input = body(req);
    if (typeof input.tracking_number !== 'string' || !input.tracking_number) return wpError(400, 'rest_missing_callback_param', 'Missing parameter(s): tracking_number', { params: ['tracking_number'] });
    const provider = typeof input.tracking_provider === 'string' ? input.tracking_provider : '';
    const customProvider = typeof input.custom_tracking_provider === 'string' ? input.custom_tracking_provider : '';
    const dateShipped = typeof input.date_shipped === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(input.date_shipped) ? input.date_shipped : new Date(state.now()).toISOString().slice(0, 10);
    const tracking = {
      id: createHash('md5').update(`${input.tracking_number}${provider}${customProvider}${++trackingSeq}`).digest('hex'),
      provider,
      customProvider,
      customLink: typeof input.custom_tracking_link === 'string' ? input.custom_tracking_link : '',
      number: input.tracking_number,
      dateShipped,
    };
    order.trackings.push(tracking);
    state.touch();
    return { status: 201, headers: { Location: `${baseUrl()}${ST}/orders/${order.id}/shipment-trackings/${tracking.id}` }, body: wireTracking(tracking, order.id, baseUrl()) };
  });

  router.on('GET', `${ST}/orders/:id/shipment-trackings/:tid`, (req) => {
    const order = trackingOrder(req);
    if (!isOrder(order)) return order;
    const tracking = order.trackings.find((t) => t.id === req.params.tid);
    return tracking ? { body: wireTracking(tracking, order.id, baseUrl()) } : wpError(404, 'woocommerce_rest_order_invalid_id', 'Invalid tracking ID.');
  });

  router.on('DELETE', `${ST}/orders/:id/shipment-trackings/:tid`, (req) => {
    const order = trackingOrder(req);
    if (!isOrder(order)) return order;
    const tracking = order.trackings.find((t) => t.id === req.params.tid);
    if (!tracking) return wpError(404, 'woocommerce_rest_order_invalid_id', 'Invalid tracking ID.');
    order.trackings = order.trackings.filter((t) => t !== tracking);
    state.touch();
    return { body: wireTracking(tracking, order.id, baseUrl()) };
  });

  router.on('GET', `${ST}/shipment-trackings/providers`, () => {
    if (!state.settings.shipmentTracking) return noRoute();
    return { body: { Global: { DHL: 'https://www.dhl.com/track?tracking-id=%1$s' }, 'United Kingdom': { 'Royal Mail': 'https://www.royalmail.com/track-your-item#/tracking-results/%1$s', DPD: 'https://track.dpd.co.uk/parcels/%1$s' } } };
  });

  return router;
}

/**
 * WooCommerce's batch endpoints: `{create, update, delete}` with at most 100 items in all;
 * each item answers with the object or `{id, error}`, so one bad item does not fail the rest.
 */
function batch(req: SandboxRequest, update: (input: Record<string, unknown>) => unknown): SandboxResponse {
  const input = body(req);
  const lists = (['create', 'update', 'delete'] as const).map((k) => (Array.isArray(input[k]) ? (input[k] as unknown[]) : []));
  const total = lists.reduce((sum, l) => sum + l.length, 0);
  if (total > BATCH_LIMIT) return wpError(413, 'woocommerce_rest_request_entity_too_large', `Unable to accept more than ${BATCH_LIMIT} items for this request.`);
  const unsupported = (item: unknown) => ({ id: Number((item as { id?: unknown })?.id) || 0, error: { code: 'sandbox_not_supported', message: 'The sandbox only supports batch updates.', data: { status: 400 } } });
  const out: Record<string, unknown[]> = {};
  if (lists[0]!.length) out.create = lists[0]!.map(unsupported);
  if (lists[1]!.length) out.update = lists[1]!.map((item) => update(typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {}));
  if (lists[2]!.length) out.delete = lists[2]!.map(unsupported);
  return { body: out };
}
