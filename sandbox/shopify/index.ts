import { executeSync, GraphQLError, Kind, parse, specifiedRules, validate, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { NoDeprecatedCustomRule } from 'graphql/validation';
import { Router, startSandbox, type SandboxRequest, type SandboxResponse, type SandboxServer } from '../kit/server';
import { sandboxAdminSchema, ServedRootFieldsRule } from './admin-schema';
import { startBulkFiles } from './bulk';
import { actualCost, requestedCost } from './cost';
import { FieldError } from './execute';
import { buildMutations } from './mutations';
import { buildSchema, gid } from './schema';
import { createCheckout, createOrder, seededRandom, seedProducts, type NewCheckout, type NewLine, type NewOrder } from './seed';
import { ShopifyState, type CheckoutRecord, type FulfillmentRecord, type OrderRecord, type RefundRecord } from './state';

export { ShopifyState } from './state';
export type { OrderRecord, CheckoutRecord, FulfillmentRecord, VariantRecord, InventoryItemRecord, FinancialStatus } from './state';
export type { NewOrder, NewCheckout, NewLine } from './seed';
export { skuFor } from './seed';

export const SHOPIFY_SANDBOX_TOKEN = 'shpat_sandbox00000000000000000000000001';
export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
/** Shopify refuses any single query whose requested cost is above this. */
export const SINGLE_QUERY_MAX_COST = 1000;
/** The Admin API versions the practice shop serves: those whose published schema it has. */
export const SANDBOX_API_VERSIONS = ['2026-10'];

export interface ShopifySandboxOptions {
  port?: number;
  token?: string;
  storeName?: string;
  currency?: string;
  timezone?: string;
  plan?: string;
  /** Location names; the first is where seeded stock sits. */
  locations?: string[];
  /** The cost bucket (default 2000 points, restored at 100 points a second, as Shopify's Advanced plan). */
  bucket?: { maximumAvailable?: number; restoreRate?: number; now?: () => number };
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
  /** Points kept after the query ran (null when it did not run). */
  actualCost: number | null;
  errors: string[];
  /** Deprecated fields, arguments and enum values the document used (Shopify answers them, warning only in its changelog). */
  deprecated: string[];
  /** The variables as sent (tests read what the connector sent). */
  variables: Record<string, unknown>;
  /** When it arrived, on the bucket's clock (epoch ms), and the points in the bucket then. */
  at: number;
  bucketLevel: number;
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
  /**
   * Refunds units (every remaining unit when `lines` is omitted), releasing what was not shipped
   * (restock type CANCEL). Shipped units go back to stock only with `restock` (RETURN, at `location`
   * or where they shipped from); otherwise NO_RESTOCK. Each call is one refund on the order.
   */
  refundOrder(id: number, lines?: NewLine[], options?: { restock?: boolean; location?: string }): OrderRecord;
  /** Serves these fields of the order as given (to test malformed payloads). */
  corruptOrder(id: number, fields: Record<string, unknown>): void;
  setInventory(sku: string, available: number, location?: string): void;
  fulfillmentsOf(orderId: number): FulfillmentRecord[];
  /** Puts the order's fulfillment orders at a location (the first when omitted) on hold, as a merchant or app would. */
  holdFulfillment(orderId: number, reason?: string, location?: string): void;
  /** Makes the order's fulfillment orders at a location scheduled (ready at `fulfillAt`), as for a prepaid subscription. */
  scheduleFulfillment(orderId: number, fulfillAt: string, location?: string): void;
  /** Runs `change` just before each run of the named operation (a sale landing mid-push, say); returns a function that removes it. */
  beforeOperation(operationName: string, change: () => void): () => void;
  /** The next `times` answers to the named operation are lost after it ran: HTTP 502, the change made. */
  failAfterCommit(operationName: string, times?: number): void;
  /** Access tokens sent to the bulk result files' origin (a connector must send none there). */
  bulkTokensSeen: string[];
  addCheckout(checkout?: NewCheckout): CheckoutRecord;
  completeCheckout(id: number): CheckoutRecord;
}

function graphqlError(message: string, code: string, path?: (string | number)[]): Record<string, unknown> {
  return { message, ...(path?.length ? { path } : {}), extensions: { code } };
}

/** An execution error as Shopify words it: the message, where, and a code (a resolver's own, else the kind). */
function errorBody(error: GraphQLError): Record<string, unknown> {
  const original = error.originalError;
  const code = original instanceof FieldError ? original.code : original ? 'INTERNAL_SERVER_ERROR' : 'INVALID_VARIABLE';
  return { message: error.message, ...(error.locations ? { locations: error.locations } : {}), ...(error.path ? { path: error.path } : {}), extensions: { code } };
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

  const resolvers = buildSchema(state);
  const bulkFiles = await startBulkFiles();
  const mutations = buildMutations(state, resolvers, { version: () => SANDBOX_API_VERSIONS[0]!, bulkFiles, resolvers });
  const operations: OperationLog[] = [];
  const answersToLose = new Map<string, number>();
  const hooks = new Map<string, (() => void)[]>();

  // The leaky bucket: requested cost must fit before a query runs; the unused part is refunded after.
  const maximumAvailable = options.bucket?.maximumAvailable ?? 2000;
  const restoreRate = options.bucket?.restoreRate ?? 100;
  const bucketNow = options.bucket?.now ?? Date.now;
  let available = maximumAvailable;
  let leakedAt = bucketNow();
  const level = () => {
    const t = bucketNow();
    available = Math.min(maximumAvailable, available + ((t - leakedAt) / 1000) * restoreRate);
    leakedAt = t;
    return available;
  };
  const throttleStatus = () => ({ maximumAvailable, currentlyAvailable: Math.floor(level()), restoreRate });

  const graphql = (req: SandboxRequest, version: string): SandboxResponse => {
    const body = (req.body ?? {}) as { query?: unknown; variables?: unknown };
    const variables = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
    const entry: OperationLog = { kind: 'invalid', rootFields: [], requestedCost: 0, actualCost: null, throttled: false, errors: [], deprecated: [], variables, at: bucketNow(), bucketLevel: Math.floor(level()) };
    operations.push(entry);
    const fail = (...errors: Record<string, unknown>[]) => {
      entry.errors.push(...errors.map((e) => String(e.message)));
      return { body: { errors } };
    };
    if (typeof body.query !== 'string') return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
    const schema = sandboxAdminSchema(version);
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      if (error instanceof GraphQLError) return fail(graphqlError(error.message, 'parseError'));
      throw error;
    }
    const refused = validate(schema, document, [...specifiedRules, ServedRootFieldsRule]);
    if (refused.length) return fail(...refused.map((e) => ({ ...e.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })));
    entry.deprecated = validate(schema, document, [NoDeprecatedCustomRule]).map((e) => e.message);
    const operations_ = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
    if (operations_.length !== 1) return fail(graphqlError('This practice shop takes one operation per document.', 'argumentNotAccepted'));
    const operation = operations_[0]!;
    if (operation.operation === 'subscription') return fail(graphqlError('Subscriptions are not served.', 'argumentNotAccepted'));
    Object.assign(entry, { kind: operation.operation, name: operation.name?.value, rootFields: operation.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '…')) });
    const cost = requestedCost(schema, operation, fragments, variables);
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
    for (const change of hooks.get(entry.name ?? '') ?? []) change();
    const rootValue = operation.operation === 'query' ? resolvers.query : mutations;
    const result = executeSync({ schema, document, rootValue, variableValues: variables });
    if (!('data' in result) || result.data === undefined || result.data === null) {
      // Refused before it ran (variables that do not fit the schema): costs nothing.
      available += cost;
      return fail(...(result.errors ?? []).map(errorBody));
    }
    const actual = Math.min(cost, actualCost(schema, operation, fragments, variables, result.data as Record<string, unknown>));
    entry.actualCost = actual;
    available += cost - actual;
    const errors = (result.errors ?? []).map(errorBody);
    entry.errors.push(...errors.map((e) => String(e.message)));
    const lost = answersToLose.get(entry.name ?? '') ?? 0;
    if (lost > 0) {
      answersToLose.set(entry.name ?? '', lost - 1);
      entry.errors.push('answer lost after commit (502)');
      return { status: 502, body: { errors: 'Bad Gateway' } };
    }
    return { body: { ...(errors.length ? { errors } : {}), data: result.data, extensions: { cost: { requestedQueryCost: cost, actualQueryCost: actual, throttleStatus: throttleStatus() } } } };
  };

  const router = new Router().on('POST', '/admin/api/:version/graphql.json', (req) => {
    const version = req.params.version ?? '';
    if (!/^\d{4}-(01|04|07|10)$/.test(version)) return { status: 404, body: { errors: 'Not Found' } };
    // Shopify answers a retired version with its oldest supported one; the practice shop refuses
    // any version whose published schema it does not have, so a connector on another version fails loudly.
    if (!SANDBOX_API_VERSIONS.includes(version)) return { status: 404, body: { errors: `This practice shop serves Admin API ${SANDBOX_API_VERSIONS.join(', ')} only, not ${version}.` } };
    return graphql(req, version);
  });
  const server = await startSandbox({
    router,
    port: options.port,
    before: (req) => (req.headers['x-shopify-access-token'] === token ? null : { status: 401, body: INVALID_TOKEN_BODY }),
    notFound: () => ({ status: 404, body: { errors: 'Not Found' } }),
  });

  const order = (id: number) => state.order(id);
  const closeServer = server.close.bind(server);
  const fulfillmentOrdersAt = (orderId: number, locationName?: string) => {
    const location = locationName ? state.locations.find((l) => l.name === locationName) : state.locations[0];
    if (!location) throw new Error(`No location ${locationName}`);
    return order(orderId).fulfillmentOrders.filter((fo) => fo.locationId === location.id && (fo.status === 'OPEN' || fo.status === 'IN_PROGRESS'));
  };
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
    refundOrder: (id: number, lines?: NewLine[], opts: { restock?: boolean; location?: string } = {}) => {
      const o = order(id);
      const wanted = lines ?? o.lineItems.map((l) => ({ sku: l.sku ?? '', quantity: l.currentQuantity }));
      const refund: RefundRecord = { id: state.id(), createdAt: state.timestamp(), lines: [] };
      for (const w of wanted) {
        const line = o.lineItems.find((l) => l.sku === w.sku && l.currentQuantity > 0);
        if (!line) throw new Error(`Order ${id} has no refundable line with SKU ${w.sku}`);
        const units = Math.min(w.quantity, line.currentQuantity);
        const unshipped = Math.min(units, state.remainingByLine(o).get(line.id) ?? 0);
        line.currentQuantity -= units;
        release(o, line.id, units);
        const fo = o.fulfillmentOrders.find((f) => f.lineItems.some((li) => li.lineItemId === line.id));
        if (unshipped > 0) refund.lines.push({ id: state.id(), lineItemId: line.id, quantity: unshipped, restockType: 'CANCEL', locationId: fo?.locationId ?? null });
        const shipped = units - unshipped;
        if (shipped === 0) continue;
        if (!opts.restock) {
          refund.lines.push({ id: state.id(), lineItemId: line.id, quantity: shipped, restockType: 'NO_RESTOCK', locationId: null });
          continue;
        }
        const at = opts.location ? state.locations.find((l) => l.name === opts.location) : state.locations.find((l) => l.id === (o.fulfillments.find((f) => f.lines.some((x) => x.lineItemId === line.id))?.locationId ?? fo?.locationId));
        if (!at) throw new Error(`No location ${opts.location ?? 'for the line'}`);
        const item = line.variantId === null ? undefined : state.inventoryItems.get(state.variants.get(line.variantId)?.inventoryItemId ?? -1);
        const level = item?.levels.get(at.id);
        if (level) level.available += shipped;
        refund.lines.push({ id: state.id(), lineItemId: line.id, quantity: shipped, restockType: 'RETURN', locationId: at.id });
      }
      o.refunds.push(refund);
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
    holdFulfillment: (orderId: number, reason = 'OTHER', locationName?: string) => {
      for (const fo of fulfillmentOrdersAt(orderId, locationName)) {
        fo.status = 'ON_HOLD';
        fo.holds.push({ reason, reasonNotes: null });
      }
      state.touch(order(orderId));
    },
    scheduleFulfillment: (orderId: number, fulfillAt: string, locationName?: string) => {
      for (const fo of fulfillmentOrdersAt(orderId, locationName)) {
        fo.status = 'SCHEDULED';
        fo.fulfillAt = fulfillAt;
      }
      state.touch(order(orderId));
    },
    bulkTokensSeen: bulkFiles.tokensSeen,
    beforeOperation: (operationName: string, change: () => void) => {
      hooks.set(operationName, [...(hooks.get(operationName) ?? []), change]);
      return () => hooks.set(operationName, (hooks.get(operationName) ?? []).filter((c) => c !== change));
    },
    failAfterCommit: (operationName: string, times = 1) => {
      answersToLose.set(operationName, (answersToLose.get(operationName) ?? 0) + times);
    },
    close: async () => {
      await bulkFiles.close();
      await closeServer();
    },
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
