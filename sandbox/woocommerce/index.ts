import { startSandbox, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../kit/server';
import { buildRouter } from './routes';
import { createOrder, seedCheckouts, seedCustomers, seededRandom, seedOrders, seedProducts, type NewOrder } from './seed';
import { WooState, type OrderRecord } from './state';
import { wpError } from './wire';

export { WooState } from './state';
export type { OrderRecord, ProductRecord, VariationRecord, CustomerRecord, RefundRecord, NoteRecord, TrackingRecord, ShopSettings } from './state';
export type { NewOrder } from './seed';

export interface WooSandboxOptions {
  port?: number;
  consumerKey?: string;
  consumerSecret?: string;
  storeName?: string;
  /** WooCommerce version reported by system_status; `/variations` exists from 10.3. */
  version?: string;
  currency?: string;
  /** The shop's offset from UTC in minutes (e.g. 120 for UTC+2): `date_x` fields are in this time. */
  utcOffsetMinutes?: number;
  timezoneString?: string;
  /** Whether the Shipment Tracking extension is installed (can be switched later via `state.settings`). */
  shipmentTracking?: boolean;
  /** The shop's clock (epoch ms); tests inject one to control `date_modified`. */
  now?: () => number;
  seed?: { products?: number; orders?: number; checkouts?: number; customers?: number; random?: number };
}

export interface WooSandbox extends SandboxServer {
  state: WooState;
  credentials: { key: string; secret: string };
  /** Adds orders as a shop would receive them (created and modified now unless given). */
  addOrders(count: number, template?: NewOrder): OrderRecord[];
  addOrder(order: NewOrder): OrderRecord;
}

export const DEFAULT_CREDENTIALS = { key: 'ck_sandbox0000000000000000000000000000001', secret: 'cs_sandbox0000000000000000000000000000001' };

/**
 * WooCommerce's authentication for `/wp-json/wc/…` and third-party `/wp-json/wc-…` routes:
 * consumer key and secret by HTTP Basic or as `consumer_key`/`consumer_secret` query parameters.
 */
function authenticate(req: SandboxRequest, key: string, secret: string): SandboxResponse | null {
  if (!/^\/wp-json\/wc[/-]/.test(req.path)) return null;
  let given: { key: string; secret: string } | null = null;
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    given = { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  } else if (req.query.get('consumer_key')) {
    given = { key: req.query.get('consumer_key') ?? '', secret: req.query.get('consumer_secret') ?? '' };
  }
  if (!given) {
    const single = /\/\d+$/.test(req.path);
    return wpError(401, 'woocommerce_rest_cannot_view', single ? 'Sorry, you cannot view this resource.' : 'Sorry, you cannot list resources.');
  }
  if (given.key !== key) return wpError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.');
  if (given.secret !== secret) return wpError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
  return null;
}

/** Starts a practice WooCommerce shop on 127.0.0.1 speaking the REST API v3 subset Backroom uses. */
export async function startWooSandbox(options: WooSandboxOptions = {}): Promise<WooSandbox> {
  const credentials = { key: options.consumerKey ?? DEFAULT_CREDENTIALS.key, secret: options.consumerSecret ?? DEFAULT_CREDENTIALS.secret };
  const state = new WooState(
    {
      storeName: options.storeName ?? 'Backroom Practice Shop',
      version: options.version ?? '10.3.1',
      currency: options.currency ?? 'EUR',
      utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
      timezoneString: options.timezoneString ?? (options.utcOffsetMinutes ? '' : 'UTC'),
      shipmentTracking: options.shipmentTracking ?? true,
    },
    options.now ?? Date.now,
  );
  const random = seededRandom(options.seed?.random ?? 42);
  const seed = options.seed ?? {};
  const orderCount = seed.orders ?? 0;
  seedCustomers(state, seed.customers ?? (orderCount || seed.checkouts ? Math.max(10, Math.ceil(orderCount / 5)) : 0), random);
  seedProducts(state, seed.products ?? (orderCount || seed.checkouts ? 40 : 0), random);
  if (orderCount) seedOrders(state, orderCount, random);
  if (seed.checkouts) seedCheckouts(state, seed.checkouts, random);

  let url = '';
  const server = await startSandbox({
    router: buildRouter(state, () => url),
    port: options.port,
    before: (req) => authenticate(req, credentials.key, credentials.secret),
    notFound: () => wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.'),
  });
  url = server.url;
  return Object.assign(server, {
    state,
    credentials,
    addOrder: (order: NewOrder) => createOrder(state, order, random),
    addOrders: (count: number, template: NewOrder = {}) => Array.from({ length: count }, () => createOrder(state, template, random)),
  });
}
