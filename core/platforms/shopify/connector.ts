import { registerSecret } from '../../store/redact';
import { describeSchemaProblem, PlatformError, type PlatformLimits } from '../http';
import { randomUUID } from 'node:crypto';
import { byModifiedTime, chunk, cursorPages, modifiedCheckpoint, type ModifiedCheckpoint, type Page, type Pages } from '../paging';
import type { OutgoingShipment, ReadQuery, RemoteOrderResult, RemoteShipmentRef, RemoteStockItem, ShopConnector, ShopTestReport, StockUpdate, StockUpdateResult } from '../types';
import { checkShopifyDomain } from '../url-policy';
import { downloadBulkOrders } from './bulk';
import { createGraphqlClient, setTokenCommand, type GraphqlClient } from './graphql';
import { CHECKOUT_ID_PREFIX, checkoutToRemoteOrder, gidTail, searchTime, toGid, toRemoteOrder, toRestocks, toStockItem } from './map';
import {
  BULK_OPERATION_QUERY,
  BULK_ORDERS_QUERY,
  BULK_ORDERS_THRESHOLD,
  BULK_RUN_MUTATION,
  ORDERS_COUNT_QUERY,
  CHECKOUT_NODE_COST,
  CHECKOUTS_QUERY,
  FULFILLMENT_CREATE_MUTATION,
  FULFILLMENT_LINES_QUERY,
  FULFILLMENT_ORDERS_QUERY,
  FULFILLMENTS_QUERY,
  LOCATIONS_QUERY,
  ORDER_LINES_QUERY,
  ORDER_NODE_COST,
  ORDER_PAGE_SIZE,
  ORDER_QUERY,
  ORDER_REFUNDS_QUERY,
  ORDERS_QUERY,
  SET_QUANTITIES_BATCH,
  SET_QUANTITIES_MUTATION,
  SHOP_QUERY,
  STOCK_LEVELS_BATCH,
  STOCK_LEVELS_QUERY,
  VARIANT_NODE_COST,
  VARIANT_PAGE_SIZE,
  VARIANTS_QUERY,
} from './queries';
import {
  BulkOperationData,
  BulkRunData,
  OrdersCountData,
  CheckoutsData,
  FulfillmentCreateData,
  FulfillmentLinesData,
  FulfillmentOrdersData,
  FulfillmentsData,
  LocationsData,
  OrderData,
  OrderLinesData,
  OrdersData,
  RefundsData,
  SetQuantitiesData,
  ShopData,
  ShopifyCheckout,
  ShopifyOrder,
  StockLevelsData,
  VariantsData,
  type ShopifyFulfillmentOrder,
  type ShopifyLineItem,
  type ShopifyUserError,
} from './wire';

/**
 * The Admin API version Backroom speaks: the newest stable one. Shopify releases a version each
 * quarter and supports it for twelve months; 2026-10 retires in October 2027, after which Shopify
 * answers with the oldest supported version instead. To move it: add that version's published
 * schema to sandbox/shopify/published, change this constant, and fix what
 * test/shopify/documents.spec.ts then reports (unknown or deprecated fields and arguments).
 */
export const SHOPIFY_API_VERSION = '2026-10';

/**
 * HTTP limits for Shopify. The real limit is the cost bucket (see graphql.ts); these cover the
 * transport: a couple of requests in flight, retries of network failures, 5xx and 429.
 */
export const SHOPIFY_LIMITS: PlatformLimits = {
  concurrency: 2,
  timeoutMs: 60_000,
  retries: 4,
  maxRetryAfterMs: 60_000,
  backoffLimitMs: 30_000,
};

export interface ShopifyConnectorOptions {
  /** Overrides of the declared limits (tests shorten back-off). */
  limits?: Partial<PlatformLimits>;
  /** The Shopify location stock is set at, by name or GID; the first active location when omitted. */
  location?: string;
  /** THROTTLED answers waited out within one call (default 10). */
  throttleRetries?: number;
  /** Waits (throttling, bulk operation polls) go through here; tests pass a fake clock's. */
  sleep?: (ms: number) => Promise<void>;
  /** The time (epoch ms) the bucket's refill is projected on; the same fake clock as `sleep` in tests. */
  now?: () => number;
  /** A first pull of more orders than this uses a bulk query (default BULK_ORDERS_THRESHOLD). */
  bulkThreshold?: number;
}

/** Polls of a running bulk operation back off to this; the whole wait is bounded by BULK_WAIT_MS. */
const BULK_POLL_MAX_MS = 10_000;
const BULK_WAIT_MS = 2 * 60 * 60_000;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Fulfillments in these states shipped nothing (a cancelled fulfillment's tracking is void). */
const DEAD_FULFILLMENT = ['CANCELLED', 'ERROR', 'FAILURE'];
const FULFILLABLE = ['OPEN', 'IN_PROGRESS'];

/** An order result's place in the modified-time listing (an unreadable one has no time). */
const identifyResult = (r: RemoteOrderResult) => (r.ok ? { id: r.order.remoteId, modifiedAt: r.order.modifiedAt } : { id: r.remoteId });

export function createShopifyConnector(shop: { domain: string; name?: string }, credentials: Record<string, string>, options: ShopifyConnectorOptions = {}): ShopConnector {
  let domain: string;
  try {
    domain = checkShopifyDomain(shop.domain);
  } catch (error) {
    throw new PlatformError('rejected', (error as Error).message);
  }
  const { token } = credentials;
  if (!token) throw new PlatformError('auth', `No Shopify access token is stored for this shop; give it one in Settings or with ${setTokenCommand(shop.name)}`);
  registerSecret(token);
  const origin = /^https?:\/\//.test(domain) ? domain : `https://${domain}`;
  const limits = { ...SHOPIFY_LIMITS, ...options.limits };
  const sleep = options.sleep ?? realSleep;
  const gql: GraphqlClient = createGraphqlClient({ endpoint: `${origin}/admin/api/${SHOPIFY_API_VERSION}/`, token, shopName: shop.name, limits, throttleRetries: options.throttleRetries ?? 10, sleep, now: options.now });

  /**
   * How many nodes the next GraphQL page asks for: what the cost bucket holds now, between a fifth
   * of the page size and the page size (GraphqlClient.pageSize), so pages follow Shopify's pace.
   */
  const nodesFor = (name: string, pageSize: number, nodeCost: number) => gql.pageSize(name, pageSize, Math.ceil(pageSize / 5), nodeCost);

  let locationId: Promise<string> | null = null;
  /** The shop's Shopify location for stock: the configured one, or the first active one. Read once. */
  const location = (): Promise<string> => {
    locationId ??= gql
      .run({ name: 'BackroomLocations', query: LOCATIONS_QUERY, schema: LocationsData, idempotent: true })
      .then(({ locations }) => {
        const wanted = options.location?.trim();
        const found = wanted ? locations.nodes.find((l) => l.id === wanted || l.name.toLowerCase() === wanted.toLowerCase()) : locations.nodes.find((l) => l.isActive);
        if (!found) {
          const names = locations.nodes.map((l) => l.name).join(', ') || 'none';
          throw new PlatformError('rejected', wanted ? `Shopify has no location "${wanted}" (locations: ${names}).` : `Shopify has no active location to set stock at (locations: ${names}).`);
        }
        return found.id;
      })
      .catch((error: unknown) => {
        locationId = null;
        throw error;
      });
    return locationId;
  };

  /** The rest of an order's line items, when it has more than the orders page carries. */
  async function remainingLines(orderGid: string, after: string | null): Promise<ShopifyLineItem[]> {
    const lines: ShopifyLineItem[] = [];
    let cursor = after;
    while (cursor) {
      const { order } = await gql.run({ name: 'BackroomOrderLines', query: ORDER_LINES_QUERY, variables: { id: orderGid, after: cursor }, schema: OrderLinesData, idempotent: true });
      if (!order) break;
      lines.push(...order.lineItems.nodes);
      cursor = order.lineItems.pageInfo.hasNextPage ? order.lineItems.pageInfo.endCursor : null;
    }
    return lines;
  }

  /** What an order's refunds put back in stock; asked only of orders Shopify says are (partly) refunded. */
  async function restocksOf(order: ShopifyOrder) {
    if (!(order.displayFinancialStatus ?? '').toUpperCase().includes('REFUNDED')) return undefined;
    try {
      const { order: found } = await gql.run({ name: 'BackroomOrderRefunds', query: ORDER_REFUNDS_QUERY, variables: { id: order.id }, schema: RefundsData, idempotent: true });
      return found ? toRestocks(found.refunds) : undefined;
    } catch (error) {
      // Refunds that cannot be read must not keep the order out (it still imports and releases its
      // stock): its restocks are booked when a later read of the order can read them.
      if (error instanceof PlatformError && error.kind === 'malformed') return undefined;
      throw error;
    }
  }

  /**
   * Maps one raw order; a payload that does not fit becomes a result naming the order and the field.
   * `withRefunds` false (the bulk history) leaves refunds unread: Backroom shipped none of those orders.
   */
  async function mapOrder(raw: unknown, withRefunds = true): Promise<RemoteOrderResult> {
    const fields = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown; name?: unknown }) : {};
    const remoteId = typeof fields.id === 'string' ? gidTail(fields.id) : '(unknown)';
    const label = typeof fields.name === 'string' ? `${fields.name} (${remoteId})` : remoteId;
    const parsed = ShopifyOrder.safeParse(raw);
    if (!parsed.success) return { ok: false, remoteId, message: `Shopify order ${label} could not be read: ${describeSchemaProblem(parsed.error)}` };
    const order = parsed.data;
    try {
      const more = order.lineItems.pageInfo.hasNextPage ? await remainingLines(order.id, order.lineItems.pageInfo.endCursor) : [];
      const restocks = withRefunds ? await restocksOf(order) : undefined;
      return { ok: true, order: { ...toRemoteOrder(order, [...order.lineItems.nodes, ...more]), ...(restocks ? { restocks } : {}) } };
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'malformed') return { ok: false, remoteId, message: `Shopify order ${label}: its line items or refunds could not be read: ${error.message}` };
      throw error;
    }
  }

  /**
   * A first pull of a large history (more than the bulk threshold) reads every order with one bulk
   * query: Shopify runs it apart from the cost bucket and writes JSONL, which is downloaded once
   * and served to the order pull page by page. Orders changed after the bulk operation began are
   * left out of it (their older copy could be stale); the read goes on live after the snapshot
   * and picks them up.
   */
  let bulkConsidered = false;

  async function runBulkOrders(): Promise<{ nodes: Record<string, unknown>[]; times: number[] } | null> {
    const { ordersCount } = await gql.run({ name: 'BackroomOrdersCount', query: ORDERS_COUNT_QUERY, schema: OrdersCountData, idempotent: true });
    if (!ordersCount || ordersCount.count < (options.bulkThreshold ?? BULK_ORDERS_THRESHOLD)) return null;
    const { bulkOperationRunQuery: started } = await gql.run({ name: 'BackroomBulkRun', query: BULK_RUN_MUTATION, variables: { query: BULK_ORDERS_QUERY }, schema: BulkRunData, idempotent: false });
    if (!started?.bulkOperation) throw new PlatformError('rejected', `Shopify refused the bulk read of the order history: ${started?.userErrors.map((e) => e.message).join('; ') || 'no reason given'}`);
    const id = started.bulkOperation.id;
    let waited = 0;
    for (let pause = 0; ; pause = Math.min(BULK_POLL_MAX_MS, pause ? pause * 2 : 1000)) {
      if (pause) {
        await sleep(pause);
        waited += pause;
      }
      const { bulkOperation: op } = await gql.run({ name: 'BackroomBulkOperation', query: BULK_OPERATION_QUERY, variables: { id }, schema: BulkOperationData, idempotent: true });
      if (!op) throw new PlatformError('not-found', `Shopify lost the bulk read of the order history (${id}).`);
      if (op.status === 'COMPLETED') {
        const read = op.url ? await downloadBulkOrders(op.url) : { orders: [] };
        const startedAt = Date.parse(op.createdAt) - 1000;
        const timed = read.orders.map((node) => ({ node, time: typeof node.updatedAt === 'string' ? Date.parse(node.updatedAt) : NaN })).filter((o) => o.time < startedAt);
        timed.sort((a, b) => a.time - b.time || String(a.node.id).localeCompare(String(b.node.id)));
        return { nodes: timed.map((o) => o.node), times: timed.map((o) => o.time) };
      }
      if (op.status !== 'CREATED' && op.status !== 'RUNNING') throw new PlatformError('transient', `Shopify's bulk read of the order history ended ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ''}; the next pull tries again.`);
      if (waited >= BULK_WAIT_MS) throw new PlatformError('transient', `Shopify's bulk read of the order history is still running after ${Math.round(waited / 60_000)} minutes; the next pull tries again.`);
    }
  }

  /** The bulk snapshot served in pages, oldest change first, after `after` (a resumed read skips what it covered). */
  async function* bulkPages(snapshot: { nodes: Record<string, unknown>[]; times: number[] }, perPage: number, covered: ModifiedCheckpoint<RemoteOrderResult>): AsyncGenerator<Page<RemoteOrderResult>> {
    for (let start = 0; start < snapshot.nodes.length; start += perPage) {
      const results: RemoteOrderResult[] = [];
      for (const node of snapshot.nodes.slice(start, start + perPage)) results.push(await mapOrder(node, false));
      yield { items: covered.take(results), checkpoint: covered.checkpoint };
    }
  }

  /**
   * Orders modified after the query's instant, oldest change first (sortKey UPDATED_AT), one
   * GraphQL page at a time. A first read of a large history comes from the bulk snapshot, then
   * goes on live from the snapshot's checkpoint, which picks up the orders changed meanwhile.
   */
  async function* orderPages(query: ReadQuery = {}): AsyncGenerator<Page<RemoteOrderResult>> {
    const perPage = Math.min(Math.max(1, query.pageSize ?? ORDER_PAGE_SIZE), ORDER_PAGE_SIZE);
    const covered = modifiedCheckpoint(identifyResult, query.modifiedAfter);
    const keep = (results: RemoteOrderResult[]) => (query.statuses?.length ? results.filter((r) => !r.ok || query.statuses!.includes(r.order.status)) : results);
    if (!query.modifiedAfter && query.bulk !== false && !bulkConsidered) {
      bulkConsidered = true;
      const snapshot = await runBulkOrders();
      if (snapshot) for await (const page of bulkPages(snapshot, perPage, covered)) yield { ...page, items: keep(page.items) };
    }
    const after = covered.checkpoint;
    const filter = after ? `updated_at:>'${searchTime(after)}'` : null;
    const live = cursorPages(async (cursor) => {
      const first = nodesFor('BackroomOrders', perPage, ORDER_NODE_COST);
      const { orders } = await gql.run({ name: 'BackroomOrders', query: ORDERS_QUERY, variables: { first, after: cursor, query: filter }, schema: OrdersData, idempotent: true, first });
      const items: RemoteOrderResult[] = [];
      for (const node of orders.nodes) items.push(await mapOrder(node));
      return { items, more: orders.pageInfo.hasNextPage, endCursor: orders.pageInfo.endCursor };
    });
    // Shopify cannot filter by Backroom's status: the checkpoint covers every order read, kept or not.
    for await (const page of byModifiedTime(live, covered)) yield { ...page, items: keep(page.items) };
  }

  /** Current available quantities of inventory items at the stock location (after a compare failure). */
  async function rereadItems(items: RemoteStockItem[]): Promise<Map<string, RemoteStockItem>> {
    const at = await location();
    const fresh = new Map<string, RemoteStockItem>();
    for (const group of chunk(items, STOCK_LEVELS_BATCH)) {
      const { nodes } = await gql.run({ name: 'BackroomStockLevels', query: STOCK_LEVELS_QUERY, variables: { ids: group.map((i) => toGid('InventoryItem', i.remoteId)), locationId: at }, schema: StockLevelsData, idempotent: true });
      for (const node of nodes) {
        const item = node ? group.find((i) => toGid('InventoryItem', i.remoteId) === node.id) : undefined;
        if (!item || !node) continue;
        const available = node.inventoryLevel?.quantities.find((q) => q.name === 'available')?.quantity;
        fresh.set(item.remoteId, { ...item, manageStock: node.tracked && node.inventoryLevel !== null, quantity: available ?? null });
      }
    }
    return fresh;
  }

  /**
   * Sends one batch of absolute quantities, each compared with the quantity Backroom last read or
   * set. Shopify applies a batch all or nothing, so refused items are dropped and the rest sent
   * again. An item whose quantity changed on Shopify meanwhile (a sale) is re-read and set once
   * more against what Shopify now shows; if it changed again, it is reported, not forced.
   */
  async function sendQuantities(group: StockUpdate[], mayReread = true): Promise<StockUpdateResult> {
    const result: StockUpdateResult = { updated: [], failed: [] };
    let data;
    try {
      const at = await location();
      data = await gql.run({
        name: 'BackroomSetStock',
        query: SET_QUANTITIES_MUTATION,
        variables: {
          // One key per batch as composed: a transport retry of this request is answered from the first, never applied twice.
          key: randomUUID(),
          // null opts an item out of the comparison: Backroom has never seen a quantity for it.
          input: { name: 'available', reason: 'correction', quantities: group.map((u) => ({ inventoryItemId: toGid('InventoryItem', u.item.remoteId), locationId: at, quantity: u.quantity, changeFromQuantity: u.item.quantity })) },
        },
        schema: SetQuantitiesData,
        idempotent: true,
      });
    } catch (error) {
      if (error instanceof PlatformError && error.kind !== 'auth') {
        for (const u of group) result.failed.push({ item: u.item, message: error.message, retriable: error.retriable });
        return result;
      }
      throw error;
    }
    const errors = data.inventorySetQuantities.userErrors;
    if (errors.length === 0) {
      result.updated.push(...group.map((u) => ({ ...u.item, quantity: u.quantity })));
      return result;
    }
    const refused = new Map<number, ShopifyUserError>();
    for (const e of errors) {
      const index = e.field && e.field[0] === 'input' && e.field[1] === 'quantities' ? Number(e.field[2]) : NaN;
      if (Number.isInteger(index) && group[index]) refused.set(index, e);
    }
    if (refused.size === 0) {
      const message = `Shopify refused the stock update: ${errors.map((e) => e.message).join('; ')}`;
      for (const u of group) result.failed.push({ item: u.item, message, retriable: false });
      return result;
    }
    const rest: StockUpdate[] = [];
    const stale: StockUpdate[] = [];
    group.forEach((u, i) => {
      const e = refused.get(i);
      if (!e) rest.push(u);
      else if (e.code === 'CHANGE_FROM_QUANTITY_STALE' || e.code === 'COMPARE_QUANTITY_STALE') stale.push(u);
      else if (e.code === 'NON_MUTABLE_INVENTORY_ITEM' || e.code === 'ITEM_NOT_STOCKED_AT_LOCATION') result.failed.push({ item: { ...u.item, manageStock: false }, message: `Shopify does not take stock for SKU ${u.item.sku} at this location: ${e.message}`, retriable: false });
      else result.failed.push({ item: u.item, message: `Shopify refused SKU ${u.item.sku}: ${e.message}${e.code ? ` (${e.code})` : ''}`, retriable: false });
    });
    const merge = (more: StockUpdateResult) => {
      result.updated.push(...more.updated);
      result.failed.push(...more.failed);
    };
    if (rest.length) merge(await sendQuantities(rest, mayReread));
    if (stale.length && !mayReread) {
      for (const u of stale) result.failed.push({ item: u.item, message: `Shopify's stock of SKU ${u.item.sku} changed again while Backroom was setting it to ${u.quantity} (a sale or an edit on the shop); Backroom leaves it as it is and sets it on the next push.`, retriable: true });
    } else if (stale.length) {
      const fresh = await rereadItems(stale.map((u) => u.item));
      const again: StockUpdate[] = [];
      for (const u of stale) {
        const now = fresh.get(u.item.remoteId);
        if (!now?.manageStock) result.failed.push({ item: { ...u.item, manageStock: false }, message: `Shopify no longer takes stock for SKU ${u.item.sku} at this location.`, retriable: false });
        else again.push({ item: now, quantity: u.quantity });
      }
      if (again.length) merge(await sendQuantities(again, false));
    }
    return result;
  }

  /** Units still owed per SKU after what fulfillments under this tracking number already shipped. */
  async function stillOwed(orderGid: string, remoteOrderId: string, shipment: OutgoingShipment): Promise<{ owed: Map<string, number>; refs: string[] }> {
    const owed = new Map<string, number>();
    for (const line of shipment.lines) owed.set(line.sku, (owed.get(line.sku) ?? 0) + line.quantity);
    const { order } = await gql.run({ name: 'BackroomFulfillments', query: FULFILLMENTS_QUERY, variables: { id: orderGid }, schema: FulfillmentsData, idempotent: true });
    if (!order) throw new PlatformError('not-found', `Shopify has no order ${remoteOrderId}.`);
    const ours = order.fulfillments.filter((f) => !DEAD_FULFILLMENT.includes(f.status) && f.trackingInfo.some((t) => t.number === shipment.tracking));
    for (const f of ours) {
      const { fulfillment } = await gql.run({ name: 'BackroomFulfillmentLines', query: FULFILLMENT_LINES_QUERY, variables: { id: f.id }, schema: FulfillmentLinesData, idempotent: true });
      for (const line of fulfillment?.fulfillmentLineItems.nodes ?? []) {
        const sku = line.lineItem.sku;
        if (sku && owed.has(sku)) owed.set(sku, Math.max(0, owed.get(sku)! - (line.quantity ?? 0)));
      }
    }
    return { owed, refs: ours.map((f) => gidTail(f.id)) };
  }

  /** Why units of a SKU cannot be fulfilled now, in the merchant's words. */
  function blockedReason(fulfillmentOrders: ShopifyFulfillmentOrder[], sku: string, units: number, remoteOrderId: string): string {
    const holding = fulfillmentOrders.find((fo) => fo.lineItems.nodes.some((li) => li.lineItem.sku === sku && li.remainingQuantity > 0) && !FULFILLABLE.includes(fo.status));
    const where = holding?.assignedLocation.name ?? 'its location';
    if (holding?.status === 'ON_HOLD') {
      const reasons = holding.fulfillmentHolds.map((h) => `${h.reason.toLowerCase().replace(/_/g, ' ')}${h.reasonNotes ? `: ${h.reasonNotes}` : ''}`).join('; ') || 'no reason given';
      return `${units} × ${sku} of Shopify order ${remoteOrderId} is on hold at ${where} (${reasons}); release the hold in Shopify and Backroom sends it on its next try`;
    }
    if (holding?.status === 'SCHEDULED') {
      return `${units} × ${sku} of Shopify order ${remoteOrderId} is scheduled at ${where}: Shopify makes it ready to fulfil on ${holding.fulfillAt ?? 'a later date'} (or mark it ready in Shopify now)`;
    }
    return `Shopify order ${remoteOrderId} has no ${units} × ${sku} left to fulfil (fulfilled, removed or refunded on the shop)`;
  }

  const connector: ShopConnector = {
    platform: 'shopify',
    addShipmentChecksShop: true,
    limits: { pageSize: ORDER_PAGE_SIZE, batchSize: SET_QUANTITIES_BATCH },
    stats: gql.stats,

    async test(): Promise<ShopTestReport> {
      const { shop: info } = await gql.run({ name: 'BackroomShop', query: SHOP_QUERY, schema: ShopData, idempotent: true });
      // Also proves the token may read locations, and that a configured location exists.
      await location();
      return {
        ok: true,
        storeName: info.name,
        platformVersion: `Admin API ${SHOPIFY_API_VERSION}${info.plan?.publicDisplayName ? `, plan ${info.plan.publicDisplayName}` : ''}`,
        // Tracking numbers are part of every Shopify fulfilment; nothing to install.
        shipmentTracking: true,
        currency: info.currencyCode,
        ...(info.ianaTimezone ? { timezone: info.ianaTimezone } : {}),
      };
    },

    orderPages,

    async getOrder(remoteId) {
      const { order } = await gql.run({ name: 'BackroomOrder', query: ORDER_QUERY, variables: { id: toGid('Order', remoteId) }, schema: OrderData, idempotent: true });
      if (!order) throw new PlatformError('not-found', `Shopify has no order ${remoteId}.`);
      const mapped = await mapOrder(order);
      if (!mapped.ok) throw new PlatformError('malformed', mapped.message);
      return mapped.order;
    },

    async *stockPages(): AsyncGenerator<Page<RemoteStockItem>> {
      const at = await location();
      yield* cursorPages(async (after) => {
        const first = nodesFor('BackroomStock', VARIANT_PAGE_SIZE, VARIANT_NODE_COST);
        const { productVariants } = await gql.run({ name: 'BackroomStock', query: VARIANTS_QUERY, variables: { first, after, locationId: at }, schema: VariantsData, idempotent: true, first });
        return { items: productVariants.nodes.map(toStockItem), more: productVariants.pageInfo.hasNextPage, endCursor: productVariants.pageInfo.endCursor };
      });
    },

    async setStock(updates: StockUpdate[]): Promise<StockUpdateResult> {
      const result: StockUpdateResult = { updated: [], failed: [] };
      const managed: StockUpdate[] = [];
      for (const u of updates) {
        if (u.item.manageStock) managed.push(u);
        else result.failed.push({ item: u.item, message: `Shopify does not track inventory for SKU ${u.item.sku} at this location.`, retriable: false });
      }
      for (const group of chunk(managed, SET_QUANTITIES_BATCH)) {
        const r = await sendQuantities(group);
        result.updated.push(...r.updated);
        result.failed.push(...r.failed);
      }
      return result;
    },

    /**
     * Fulfillments on the order with their tracking numbers. Shopify fulfillments have no field
     * for Backroom's shipment id, so refs carry none: the shipping job recognises its shipments
     * by tracking number (its documented fallback), which Backroom requires on every shipment.
     */
    async listShipments(remoteOrderId) {
      const { order } = await gql.run({ name: 'BackroomFulfillments', query: FULFILLMENTS_QUERY, variables: { id: toGid('Order', remoteOrderId) }, schema: FulfillmentsData, idempotent: true });
      if (!order) throw new PlatformError('not-found', `Shopify has no order ${remoteOrderId}.`);
      const refs: RemoteShipmentRef[] = [];
      for (const f of order.fulfillments) {
        if (DEAD_FULFILLMENT.includes(f.status)) continue;
        for (const t of f.trackingInfo) if (t.number) refs.push({ remoteRef: gidTail(f.id), tracking: t.number });
      }
      return refs;
    },

    /**
     * One fulfillmentCreate per location (Shopify refuses fulfillment orders of two locations in
     * one call), each with the carrier and tracking number. Looks on the shop first: what
     * fulfillments under this tracking number already shipped is not sent again, so a retry after a
     * lost answer or a crash sends only the locations still missing. Units on hold or scheduled are
     * reported in words after the rest has been sent.
     */
    async addShipment(remoteOrderId, shipment) {
      const orderGid = toGid('Order', remoteOrderId);
      const { owed, refs } = await stillOwed(orderGid, remoteOrderId, shipment);
      const done = () => ({ remoteRef: refs.join(','), shipmentId: shipment.shipmentId, tracking: shipment.tracking });
      if ([...owed.values()].every((units) => units === 0)) return done();

      const { order } = await gql.run({ name: 'BackroomFulfillmentOrders', query: FULFILLMENT_ORDERS_QUERY, variables: { id: orderGid }, schema: FulfillmentOrdersData, idempotent: true });
      if (!order) throw new PlatformError('not-found', `Shopify has no order ${remoteOrderId}.`);
      const fulfillmentOrders = order.fulfillmentOrders.nodes;
      const open = fulfillmentOrders.filter((fo) => FULFILLABLE.includes(fo.status));
      // Spread each owed SKU over the open fulfillment order lines that still owe it, grouped by location.
      const byLocation = new Map<string, { name: string; items: Map<string, { id: string; quantity: number }[]> }>();
      const remaining = new Map(open.flatMap((fo) => fo.lineItems.nodes.map((li) => [li.id, li.remainingQuantity] as const)));
      const problems: string[] = [];
      for (const [sku, units] of owed) {
        let left = units;
        for (const fo of open) {
          for (const li of fo.lineItems.nodes) {
            if (left === 0 || li.lineItem.sku !== sku) continue;
            const take = Math.min(left, remaining.get(li.id) ?? 0);
            if (take === 0) continue;
            remaining.set(li.id, (remaining.get(li.id) ?? 0) - take);
            left -= take;
            const key = fo.assignedLocation.location?.id ?? fo.assignedLocation.name;
            const group = byLocation.get(key) ?? { name: fo.assignedLocation.name, items: new Map() };
            byLocation.set(key, group);
            group.items.set(fo.id, [...(group.items.get(fo.id) ?? []), { id: li.id, quantity: take }]);
          }
        }
        if (left > 0) problems.push(blockedReason(fulfillmentOrders, sku, left, remoteOrderId));
      }
      for (const group of byLocation.values()) {
        const { fulfillmentCreate } = await gql.run({
          name: 'BackroomFulfil',
          query: FULFILLMENT_CREATE_MUTATION,
          variables: {
            fulfillment: {
              lineItemsByFulfillmentOrder: [...group.items].map(([fulfillmentOrderId, items]) => ({ fulfillmentOrderId, fulfillmentOrderLineItems: items })),
              // Shopify sends the shipping confirmation; looking first (above) makes sure it is sent once per location.
              notifyCustomer: true,
              trackingInfo: { company: shipment.carrier, number: shipment.tracking },
            },
          },
          schema: FulfillmentCreateData,
          // Never repeated blindly: after an unclear failure the next try looks for the tracking number first.
          idempotent: false,
        });
        if (fulfillmentCreate.fulfillment) refs.push(gidTail(fulfillmentCreate.fulfillment.id));
        else problems.push(`Shopify refused the fulfilment of order ${remoteOrderId} from ${group.name}: ${fulfillmentCreate.userErrors.map((e) => e.message).join('; ') || 'no reason given'}`);
      }
      if (problems.length) throw new PlatformError('rejected', `${problems.join('. ')}.`);
      return done();
    },

    /**
     * Nothing to send: Shopify has no "completed" status to set. Once fulfillments cover every
     * line, Shopify itself shows the order as Fulfilled (and archives it if the shop is set to);
     * closing it through the API would override the merchant's own archiving choice.
     */
    async completeOrder() {},

    checkoutPages(query = {}): Pages<RemoteOrderResult> {
      const perPage = Math.min(Math.max(1, query.pageSize ?? ORDER_PAGE_SIZE), ORDER_PAGE_SIZE);
      // Open = not completed; completed checkouts became orders, which the order pull follows.
      const filter = ['status:open', ...(query.modifiedAfter ? [`updated_at:>'${searchTime(query.modifiedAfter)}'`] : [])].join(' AND ');
      const pages = cursorPages(async (cursor) => {
        const first = nodesFor('BackroomCheckouts', perPage, CHECKOUT_NODE_COST);
        const { abandonedCheckouts } = await gql.run({ name: 'BackroomCheckouts', query: CHECKOUTS_QUERY, variables: { first, after: cursor, query: filter }, schema: CheckoutsData, idempotent: true, first });
        const items = abandonedCheckouts.nodes.map((raw): RemoteOrderResult => {
          const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? gidTail((raw as { id: string }).id) : '(unknown)';
          const parsed = ShopifyCheckout.safeParse(raw);
          if (!parsed.success) return { ok: false, remoteId: `${CHECKOUT_ID_PREFIX}${id}`, message: `Shopify abandoned checkout ${id} could not be read: ${describeSchemaProblem(parsed.error)}` };
          return { ok: true, order: checkoutToRemoteOrder(parsed.data) };
        });
        return { items, more: abandonedCheckouts.pageInfo.hasNextPage, endCursor: abandonedCheckouts.pageInfo.endCursor };
      });
      return byModifiedTime(pages, modifiedCheckpoint(identifyResult, query.modifiedAfter));
    },
  };
  return connector;
}

