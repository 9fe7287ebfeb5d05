import { Router, startSandbox, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../kit/server';
import { DocumentError, parseOperation, requestedCost } from './document';
import { execute, FieldError } from './execute';
import { buildMutations } from './mutations';
import { buildSchema, gid } from './schema';
import { createCheckout, createOrder, seededRandom, seedProducts, type NewCheckout, type NewLine, type NewOrder } from './seed';
import { ShopifyState, type CheckoutRecord, type FulfillmentRecord, type OrderRecord } from './state';

export { ShopifyState } from './state';
export type { OrderRecord, CheckoutRecord, FulfillmentRecord, VariantRecord, InventoryItemRecord, FinancialStatus } from './state';
export type { NewOrder, NewCheckout, NewLine } from './seed';
export { skuFor } from './seed';

export const SHOPIFY_SANDBOX_TOKEN = 'shpat_sandbox00000000000000000000000001';
export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
/** Shopify refuses any single query whose requested cost is above this. */
export const SINGLE_QUERY_MAX_COST = 1000;

export interface ShopifySandboxOptions {
  port?: number;
  token?: string;
  storeName?: string;
  currency?: string;
  timezone?: string;
  plan?: string;
  /** Location names; the first is where seeded stock sits. */
  locations?: string[];
  /** The cost bucket (Standard plan: 1000 points, restored at 100 points a second). */
  bucket?: { maximumAvailable?: number; restoreRate?: number };
  /** The shop's clock (epoch ms); tests inject one to control `updatedAt`. */
  now?: () => number;
  seed?: { products?: number; orders?: number; checkouts?: number; random?: number };
}

/** One GraphQL call as the sandbox saw it. */
export interface OperationLog {
  kind: 'query' | 'mutation' | 'invalid';
  name?: string;
  rootFields: string[];
  requestedCost: number;
  throttled: boolean;
  errors: string[];
}

export interface ShopifySandbox extends SandboxServer {
  state: ShopifyState;
  token: string;
  /** What `backroom shop add shopify --domain` takes for this sandbox. */
  domain: string;
  operations: OperationLog[];
  bucket: { currentlyAvailable(): number; setAvailable(points: number): void; readonly maximumAvailable: number; readonly restoreRate: number };
  addOrder(order?: NewOrder): OrderRecord;
  addOrders(count: number, template?: NewOrder): OrderRecord[];
  /** Changes an order as the shop admin would; `updatedAt` moves to now. */
  modifyOrder(id: number, change: (order: OrderRecord) => void): OrderRecord;
  cancelOrder(id: number, options?: { refund?: boolean }): OrderRecord;
  /** Refunds units (every remaining unit when `lines` is omitted), releasing what was not shipped. */
  refundOrder(id: number, lines?: NewLine[]): OrderRecord;
  /** Serves these fields of the order as given (to test malformed payloads). */
  corruptOrder(id: number, fields: Record<string, unknown>): void;
  setInventory(sku: string, available: number, location?: string): void;
  fulfillmentsOf(orderId: number): FulfillmentRecord[];
  addCheckout(checkout?: NewCheckout): CheckoutRecord;
  completeCheckout(id: number): CheckoutRecord;
}

function graphqlError(message: string, code: string, path?: (string | number)[]): Record<string, unknown> {
  return { message, ...(path?.length ? { path } : {}), extensions: { code } };
}

/** Starts a practice Shopify shop on 127.0.0.1 speaking the Admin GraphQL API subset Backroom uses. */
export async function startShopifySandbox(options: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
  const now = options.now ?? Date.now;
  const token = options.token ?? SHOPIFY_SANDBOX_TOKEN;
  const state = new ShopifyState(
    { name: options.storeName ?? 'Backroom Practice Shopify', currencyCode: options.currency ?? 'EUR', ianaTimezone: options.timezone ?? 'Europe/Amsterdam', myshopifyDomain: 'backroom-practice.myshopify.com', planDisplayName: options.plan ?? 'Basic' },
    now,
  );
  for (const name of options.locations ?? ['Shop location']) state.locations.push({ id: state.id(), name, isActive: true });
  const random = seededRandom(options.seed?.random ?? 7);
  const seed = options.seed ?? {};
  seedProducts(state, seed.products ?? (seed.orders || seed.checkouts ? 30 : 0), random);
  for (let i = 0; i < (seed.orders ?? 0); i++) createOrder(state, { createdAt: now() - ((seed.orders ?? 0) - i) * 60_000 }, random);
  for (let i = 0; i < (seed.checkouts ?? 0); i++) createCheckout(state, {}, random);

  const schema = buildSchema(state);
  const mutations = buildMutations(state, schema);
  const operations: OperationLog[] = [];

  // The leaky bucket: requested cost must fit before a query runs; the unused part is refunded after.
  const maximumAvailable = options.bucket?.maximumAvailable ?? 1000;
  const restoreRate = options.bucket?.restoreRate ?? 100;
  let available = maximumAvailable;
  let leakedAt = Date.now();
  const level = () => {
    const t = Date.now();
    available = Math.min(maximumAvailable, available + ((t - leakedAt) / 1000) * restoreRate);
    leakedAt = t;
    return available;
  };
  const throttleStatus = () => ({ maximumAvailable, currentlyAvailable: Math.floor(level()), restoreRate });

  const graphql = (req: SandboxRequest): SandboxResponse => {
    const body = (req.body ?? {}) as { query?: unknown; variables?: unknown };
    const variables = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
    const entry: OperationLog = { kind: 'invalid', rootFields: [], requestedCost: 0, throttled: false, errors: [] };
    operations.push(entry);
    const fail = (...errors: Record<string, unknown>[]) => {
      entry.errors.push(...errors.map((e) => String(e.message)));
      return { body: { errors } };
    };
    if (typeof body.query !== 'string') return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
    let operation;
    try {
      operation = parseOperation(body.query);
    } catch (error) {
      if (error instanceof DocumentError) return fail(graphqlError(`Parse error: ${error.message}`, 'parseError'));
      throw error;
    }
    Object.assign(entry, { kind: operation.kind, name: operation.name, rootFields: operation.selections.map((s) => s.name) });
    const cost = requestedCost(operation, variables);
    entry.requestedCost = cost;
    if (cost > SINGLE_QUERY_MAX_COST) {
      return fail({ message: `Query cost is ${cost}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).`, extensions: { code: 'MAX_COST_EXCEEDED', cost, maxCost: SINGLE_QUERY_MAX_COST } });
    }
    if (level() < cost) {
      entry.throttled = true;
      entry.errors.push('Throttled');
      return {
        body: {
          errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
          extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: throttleStatus() } },
        },
      };
    }
    available -= cost;
    let result;
    try {
      result = execute(operation.kind === 'query' ? schema.query : mutations, operation.kind === 'query' ? 'QueryRoot' : 'Mutation', operation.selections, variables);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      available += cost; // a query refused before running costs nothing
      return fail(graphqlError(error.message, error.code, error.path));
    }
    const actual = operation.kind === 'mutation' ? cost : Math.min(cost, result.actualCost);
    available += cost - actual;
    return { body: { data: result.data, extensions: { cost: { requestedQueryCost: cost, actualQueryCost: actual, throttleStatus: throttleStatus() } } } };
  };

  const router = new Router().on('POST', '/admin/api/:version/graphql.json', (req) => {
    if (!/^\d{4}-(01|04|07|10)$/.test(req.params.version ?? '')) return { status: 404, body: { errors: 'Not Found' } };
    return graphql(req);
  });
  const server = await startSandbox({
    router,
    port: options.port,
    before: (req) => (req.headers['x-shopify-access-token'] === token ? null : { status: 401, body: INVALID_TOKEN_BODY }),
    notFound: () => ({ status: 404, body: { errors: 'Not Found' } }),
  });

  const order = (id: number) => state.order(id);
  const release = (o: OrderRecord, lineItemId: number, units: number) => {
    // Units refunded before they shipped leave the fulfillment order and go back to available.
    let left = units;
    for (const fo of o.fulfillmentOrders) {
      for (const li of fo.lineItems) {
        if (li.lineItemId !== lineItemId || left === 0 || fo.status === 'CLOSED' || fo.status === 'CANCELLED') continue;
        const take = Math.min(left, li.remainingQuantity);
        li.remainingQuantity -= take;
        li.totalQuantity -= take;
        left -= take;
        state.commit(o, lineItemId, -take);
      }
      if (fo.lineItems.every((li) => li.remainingQuantity === 0) && fo.status !== 'CANCELLED') fo.status = 'CLOSED';
    }
  };

  return Object.assign(server, {
    state,
    token,
    domain: server.url,
    operations,
    bucket: {
      currentlyAvailable: () => Math.floor(level()),
      setAvailable: (points: number) => {
        level();
        available = points;
      },
      maximumAvailable,
      restoreRate,
    },
    addOrder: (spec: NewOrder = {}) => createOrder(state, spec, random),
    addOrders: (count: number, template: NewOrder = {}) => Array.from({ length: count }, () => createOrder(state, template, random)),
    modifyOrder: (id: number, change: (o: OrderRecord) => void) => {
      const o = order(id);
      change(o);
      state.touch(o);
      return o;
    },
    cancelOrder: (id: number, opts: { refund?: boolean } = {}) => {
      const o = order(id);
      for (const l of o.lineItems) {
        release(o, l.id, l.currentQuantity);
        if (opts.refund !== false) l.currentQuantity = 0;
      }
      for (const fo of o.fulfillmentOrders) if (fo.status !== 'CLOSED') fo.status = 'CANCELLED';
      o.cancelledAt = state.timestamp();
      o.financialStatus = opts.refund === false ? 'VOIDED' : 'REFUNDED';
      state.touch(o);
      return o;
    },
    refundOrder: (id: number, lines?: NewLine[]) => {
      const o = order(id);
      const wanted = lines ?? o.lineItems.map((l) => ({ sku: l.sku ?? '', quantity: l.currentQuantity }));
      for (const w of wanted) {
        const line = o.lineItems.find((l) => l.sku === w.sku && l.currentQuantity > 0);
        if (!line) throw new Error(`Order ${id} has no refundable line with SKU ${w.sku}`);
        const units = Math.min(w.quantity, line.currentQuantity);
        line.currentQuantity -= units;
        release(o, line.id, units);
      }
      o.financialStatus = o.lineItems.every((l) => l.currentQuantity === 0) ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
      state.touch(o);
      return o;
    },
    corruptOrder: (id: number, fields: Record<string, unknown>) => {
      Object.assign(order(id).overrides, fields);
    },
    setInventory: (sku: string, availableUnits: number, locationName?: string) => {
      const loc = locationName ? state.locations.find((l) => l.name === locationName) : state.locations[0];
      if (!loc) throw new Error(`No location ${locationName}`);
      const item = state.inventoryOf(sku);
      const lvl = item.levels.get(loc.id) ?? { available: 0, committed: 0 };
      lvl.available = availableUnits;
      item.levels.set(loc.id, lvl);
    },
    fulfillmentsOf: (orderId: number) => order(orderId).fulfillments,
    addCheckout: (spec: NewCheckout = {}) => createCheckout(state, spec, random),
    completeCheckout: (id: number) => {
      const c = state.checkouts.get(id);
      if (!c) throw new Error(`No checkout ${id}`);
      c.completedAt = state.timestamp();
      c.updatedAt = c.completedAt;
      return c;
    },
  }) satisfies ShopifySandbox;
}

export { gid };
