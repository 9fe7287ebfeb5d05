import { z } from 'zod';
import { registerSecret } from '../../store/redact';
import { createHttpClient, describeSchemaProblem, PlatformError, type HttpClient, type PlatformLimits } from '../http';
import { chunk, collect, keysetPages, numberedPages, type Page, type Pages } from '../paging';
import type { ReadQuery, RemoteOrder, RemoteOrderResult, RemoteShipmentRef, RemoteStockItem, ShopConnector, ShopTestReport, StockUpdate, StockUpdateResult } from '../types';
import { checkShopUrl } from '../url-policy';
import { instantToGmt, productToStockItem, refundedByLine, toRemoteOrder, variationToStockItem } from './map';
import { customerShipmentNote, parseShipmentNote, privateTrackingNote } from './shipment-notes';
import { WooBatchItemError, WooBatchResponse, WooCustomer, WooNote, WooOrder, WooProduct, WooRefund, WooSystemStatus, WooTracking, WooVariation, WpErrorBody, WpIndex } from './wire';

/** WooCommerce caps `per_page` at 100 and batch requests at 100 items. */
export const WOO_PAGE_SIZE = 100;
export const WOO_BATCH_SIZE = 100;

/**
 * WooCommerce has no API rate limit of its own, but it runs on the merchant's (often shared)
 * hosting: a few requests at a time, a ceiling per second, and patience with slow pages.
 */
export const WOO_LIMITS: PlatformLimits = {
  concurrency: 4,
  requestsPerSecond: 25,
  timeoutMs: 60_000,
  retries: 4,
  maxRetryAfterMs: 120_000,
  backoffLimitMs: 30_000,
};

const WC = 'wc/v3';
const ST = 'wc-shipment-tracking/v3';
const ST_NAMESPACE = 'wc-shipment-tracking/v3';
const CHECKOUT_STATUSES = ['checkout-draft', 'pending'];

export interface WooConnectorOptions {
  /** Overrides of the declared limits (tests shorten back-off). */
  limits?: Partial<PlatformLimits>;
}

function stripTags(text: string): string {
  return text.replace(/<[^>]*>/g, '').trim();
}

/** Turns WordPress' error JSON into a message a merchant can act on. */
export function describeWooError(status: number, body: unknown): { message: string; code?: string } {
  const parsed = WpErrorBody.safeParse(body);
  const detail = parsed.success ? stripTags(parsed.data.message) : typeof body === 'string' && body.trim() && body.length < 200 ? stripTags(body) : 'no details';
  const code = parsed.success ? parsed.data.code : undefined;
  if (status === 401 || status === 403) {
    return {
      message: `the shop did not accept the API keys (${detail}). Check the consumer key and secret under WooCommerce › Settings › Advanced › REST API, and that the key has Read/Write permission.`,
      code,
    };
  }
  if (code === 'rest_no_route') return { message: `${detail} (is WooCommerce active and are pretty permalinks on?)`, code };
  return { message: detail, code };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): number | undefined {
  const raw = headers[name];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw !== undefined && Number.isFinite(value) ? value : undefined;
}

/** An order result's place in the modified-time listing (an unreadable one has no time). */
const identifyResult = (r: RemoteOrderResult) => (r.ok ? { id: r.order.remoteId, modifiedAt: r.order.modifiedAt } : { id: r.remoteId });

export function createWooConnector(shop: { url: string; name?: string; allowHttp?: boolean }, credentials: Record<string, string>, options: WooConnectorOptions = {}): ShopConnector {
  let baseUrl: string;
  try {
    baseUrl = checkShopUrl(shop.url, shop);
  } catch (error) {
    throw new PlatformError('rejected', (error as Error).message);
  }
  const { key, secret } = credentials;
  if (!key || !secret) throw new PlatformError('auth', 'No WooCommerce consumer key and secret are stored for this shop; add the shop again with --key and --secret.');
  registerSecret(key);
  registerSecret(secret);

  const http: HttpClient = createHttpClient({
    baseUrl: `${baseUrl}/wp-json/`,
    basicAuth: { username: key, password: secret },
    limits: { ...WOO_LIMITS, ...options.limits },
    describeError: describeWooError,
    platformName: 'WooCommerce',
    allowHttp: shop.allowHttp,
  });

  let trackingInstalled: Promise<boolean> | null = null;
  const index = async () => (await http.request({ path: '', schema: WpIndex })).body;
  /** Whether the Shipment Tracking extension is active, read once from the REST index. */
  const hasShipmentTracking = (): Promise<boolean> => {
    trackingInstalled ??= index()
      .then((i) => i.namespaces.includes(ST_NAMESPACE))
      .catch((error: unknown) => {
        trackingInstalled = null;
        throw error;
      });
    return trackingInstalled;
  };

  /** Every page of a collection: page 1 first (for the totals), then the rest at the declared concurrency. */
  function pagesOf<T>(path: string, item: z.ZodType<T>, searchParams: Record<string, string | number> = {}): Pages<T> {
    const schema = z.array(item);
    return numberedPages(async (page) => {
      const res = await http.request({ path, searchParams: { ...searchParams, per_page: WOO_PAGE_SIZE, page }, schema });
      // Some proxies strip the headers; then a full page means there may be one more.
      const totalPages = header(res.headers, 'x-wp-totalpages') ?? (res.body.length < WOO_PAGE_SIZE ? page : page + 1);
      return { items: res.body, totalPages };
    });
  }
  const readAll = <T>(path: string, item: z.ZodType<T>, searchParams: Record<string, string | number> = {}) => collect(pagesOf(path, item, searchParams));

  async function refundsOf(orderId: number): Promise<Map<number, number>> {
    return refundedByLine(await readAll(`${WC}/orders/${orderId}/refunds`, WooRefund));
  }

  /** Maps one raw order; a payload that does not fit becomes a result naming the order and the field. */
  async function mapOrder(raw: unknown): Promise<RemoteOrderResult> {
    const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
    const remoteId = rawId === undefined ? '(unknown)' : String(rawId);
    const parsed = WooOrder.safeParse(raw);
    if (!parsed.success) return { ok: false, remoteId, message: `WooCommerce order ${remoteId} could not be read: ${describeSchemaProblem(parsed.error)}` };
    try {
      // A `refunded` order is refunded in full (setting that status by hand refunds the rest
      // without naming lines), so only partial refunds need the refund records.
      const order = parsed.data;
      const refunded =
        order.status === 'refunded'
          ? new Map(order.line_items.map((li) => [li.id, li.quantity]))
          : order.refunds.length
            ? await refundsOf(order.id)
            : undefined;
      return { ok: true, order: toRemoteOrder(order, refunded) };
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'malformed') return { ok: false, remoteId, message: `WooCommerce order ${remoteId}: its refunds could not be read: ${error.message}` };
      throw error;
    }
  }

  /** One page of orders modified after `after`, oldest change first: the shape keysetPages reads. */
  async function readOrderPage(after: string | undefined, page: number, perPage: number, statuses: string[] | undefined) {
    const res = await http.request({
      path: `${WC}/orders`,
      searchParams: {
        page,
        per_page: perPage,
        // Oldest change first, so a cursor on the modified time can advance page by page.
        orderby: 'modified',
        order: 'asc',
        // Without this WooCommerce reads modified_after in the shop's own time zone.
        dates_are_gmt: 'true',
        modified_after: after ? instantToGmt(after) : undefined,
        status: statuses?.length ? statuses.join(',') : undefined,
      },
      schema: z.array(z.unknown()),
    });
    const items = await Promise.all(res.body.map(mapOrder));
    // Some proxies strip the headers; then a short page is the last one.
    const totalPages = header(res.headers, 'x-wp-totalpages');
    return { items, more: res.body.length >= perPage && (totalPages === undefined || page < totalPages) };
  }

  function orderPages(query: ReadQuery = {}): Pages<RemoteOrderResult> {
    const perPage = Math.min(Math.max(1, query.pageSize ?? WOO_PAGE_SIZE), WOO_PAGE_SIZE);
    return keysetPages({ after: query.modifiedAfter, read: (after, page) => readOrderPage(after, page, perPage, query.statuses), identify: identifyResult });
  }

  async function customerRoles(orders: RemoteOrder[]): Promise<Map<string, string>> {
    const ids = [...new Set(orders.map((o) => o.customer.remoteId).filter((id): id is string => Boolean(id)))];
    const roles = new Map<string, string>();
    await Promise.all(
      ids.map(async (id) => {
        try {
          roles.set(id, (await http.request({ path: `${WC}/customers/${id}`, schema: WooCustomer })).body.role);
        } catch (error) {
          // A customer account deleted since the checkout simply has no role any more.
          if (!(error instanceof PlatformError && error.kind === 'not-found')) throw error;
        }
      }),
    );
    return roles;
  }

  async function listNotes(orderId: string) {
    return (await http.request({ path: `${WC}/orders/${orderId}/notes`, schema: z.array(WooNote) })).body;
  }

  async function addNote(orderId: string, note: string, customerNote: boolean) {
    return (await http.request({ method: 'POST', path: `${WC}/orders/${orderId}/notes`, json: { note, customer_note: customerNote }, schema: WooNote })).body;
  }

  async function sendBatch(path: string, group: StockUpdate[]): Promise<StockUpdateResult> {
    const result: StockUpdateResult = { updated: [], failed: [] };
    let response;
    try {
      // Setting an absolute quantity twice is harmless, so the batch may be retried.
      response = await http.request({ method: 'POST', path, json: { update: group.map((u) => ({ id: Number(u.item.remoteId), stock_quantity: u.quantity })) }, schema: WooBatchResponse, idempotent: true });
    } catch (error) {
      if (error instanceof PlatformError && error.kind !== 'auth') {
        for (const u of group) result.failed.push({ item: u.item, message: error.message, retriable: error.retriable });
        return result;
      }
      throw error;
    }
    const answers = new Map<string, unknown>();
    for (const entry of response.body.update) {
      const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined;
      if (id !== undefined) answers.set(String(id), entry);
    }
    for (const u of group) {
      const answer = answers.get(u.item.remoteId);
      const refused = WooBatchItemError.safeParse(answer);
      if (refused.success) {
        result.failed.push({ item: u.item, message: `WooCommerce refused SKU ${u.item.sku}: ${stripTags(refused.data.error.message)} (${refused.data.error.code})`, retriable: false });
        continue;
      }
      const stock = z.object({ manage_stock: z.union([z.boolean(), z.literal('parent')]), stock_quantity: z.number().nullable() }).safeParse(answer);
      if (!stock.success) {
        result.failed.push({ item: u.item, message: `WooCommerce did not confirm the stock of SKU ${u.item.sku}.`, retriable: true });
      } else if (stock.data.manage_stock !== true) {
        result.failed.push({ item: { ...u.item, manageStock: false }, message: `Stock management is off for SKU ${u.item.sku} on the shop.`, retriable: false });
      } else {
        result.updated.push({ ...u.item, quantity: stock.data.stock_quantity });
      }
    }
    return result;
  }

  const connector: ShopConnector = {
    platform: 'woocommerce',
    limits: { pageSize: WOO_PAGE_SIZE, batchSize: WOO_BATCH_SIZE },
    stats: http.stats,

    async test(): Promise<ShopTestReport> {
      const site = await index();
      // The index is public; system_status needs valid keys, so this is the credentials check.
      const status = (await http.request({ path: `${WC}/system_status`, schema: WooSystemStatus })).body;
      const shipmentTracking = site.namespaces.includes(ST_NAMESPACE);
      trackingInstalled = Promise.resolve(shipmentTracking);
      const offset = Number(site.gmt_offset ?? 0);
      const timezone = site.timezone_string || (Number.isFinite(offset) ? `UTC${offset >= 0 ? '+' : ''}${offset}` : undefined);
      return {
        ok: true,
        storeName: site.name,
        shipmentTracking,
        ...(status.environment.version ? { platformVersion: status.environment.version } : {}),
        ...(status.settings.currency ? { currency: status.settings.currency } : {}),
        ...(timezone ? { timezone } : {}),
      };
    },

    orderPages,

    async getOrder(remoteId) {
      const res = await http.request({ path: `${WC}/orders/${encodeURIComponent(remoteId)}`, schema: z.unknown() });
      const mapped = await mapOrder(res.body);
      if (!mapped.ok) throw new PlatformError('malformed', mapped.message);
      return mapped.order;
    },

    /** Products page by page (simple ones carry stock), then the variations of the variable ones. */
    async *stockPages(): AsyncGenerator<Page<RemoteStockItem>> {
      const variable: number[] = [];
      for await (const page of pagesOf(`${WC}/products`, WooProduct, { orderby: 'id', order: 'asc' })) {
        const items: RemoteStockItem[] = [];
        for (const p of page.items) {
          if (p.type === 'variable') variable.push(p.id);
          // Grouped and external products hold no stock of their own.
          else if (p.type !== 'grouped' && p.type !== 'external') items.push(productToStockItem(p));
        }
        yield { items, checkpoint: `products:${page.checkpoint}` };
      }
      if (variable.length === 0) return;
      let read = 0;
      try {
        // WooCommerce 10.3+ lists every variation in one collection.
        for await (const page of pagesOf(`${WC}/variations`, WooVariation, { orderby: 'id', order: 'asc' })) {
          read++;
          yield { items: page.items.flatMap((v) => (v.parent_id !== undefined ? [variationToStockItem(v, v.parent_id)] : [])), checkpoint: `variations:${page.checkpoint}` };
        }
        return;
      } catch (error) {
        // Only the first page can say the collection does not exist; a later failure is a failure.
        if (read > 0 || !(error instanceof PlatformError && error.kind === 'not-found')) throw error;
      }
      // Older shops: one listing per variable product.
      const perParent = await Promise.all(variable.map(async (parentId) => (await readAll(`${WC}/products/${parentId}/variations`, WooVariation)).map((v) => variationToStockItem(v, parentId))));
      yield { items: perParent.flat(), checkpoint: 'variations:per-product' };
    },

    async setStock(updates: StockUpdate[]): Promise<StockUpdateResult> {
      const result: StockUpdateResult = { updated: [], failed: [] };
      const groups = new Map<string, StockUpdate[]>();
      for (const u of updates) {
        if (!u.item.manageStock) {
          result.failed.push({ item: u.item, message: `Stock management is off for SKU ${u.item.sku} on the shop.`, retriable: false });
          continue;
        }
        // Simple products share one batch endpoint; variations go through their parent's.
        const path = u.item.parentId ? `${WC}/products/${u.item.parentId}/variations/batch` : `${WC}/products/batch`;
        let group = groups.get(path);
        if (!group) groups.set(path, (group = []));
        group.push(u);
      }
      const batches = [...groups].flatMap(([path, group]) => chunk(group, WOO_BATCH_SIZE).map((part) => sendBatch(path, part)));
      for (const r of await Promise.all(batches)) {
        result.updated.push(...r.updated);
        result.failed.push(...r.failed);
      }
      return result;
    },

    async listShipments(remoteOrderId) {
      const notes = await listNotes(remoteOrderId);
      const ours = notes.map((n) => ({ note: n, parsed: parseShipmentNote(n.note) })).filter((n) => n.parsed !== null);
      const refs: RemoteShipmentRef[] = [];
      // Customer notes are shipments sent without Shipment Tracking (also from before it was installed).
      for (const { note, parsed } of ours) if (note.customer_note) refs.push({ remoteRef: `note:${note.id}`, shipmentId: parsed!.shipmentId, tracking: parsed!.tracking });
      if (await hasShipmentTracking()) {
        const entries = (await http.request({ path: `${ST}/orders/${remoteOrderId}/shipment-trackings`, schema: z.array(WooTracking) })).body;
        for (const entry of entries) {
          const owner = ours.find((n) => n.parsed!.trackingEntryId === entry.tracking_id)?.parsed;
          refs.push({ remoteRef: entry.tracking_id, tracking: entry.tracking_number, ...(owner ? { shipmentId: owner.shipmentId } : {}) });
        }
      }
      return refs;
    },

    async addShipment(remoteOrderId, shipment) {
      if (await hasShipmentTracking()) {
        const entry = (
          await http.request({
            method: 'POST',
            path: `${ST}/orders/${remoteOrderId}/shipment-trackings`,
            json: { custom_tracking_provider: shipment.carrier, tracking_number: shipment.tracking, date_shipped: shipment.date },
            schema: WooTracking,
          })
        ).body;
        // A private note: WooCommerce does not email it, and it ties the entry to our shipment id.
        await addNote(remoteOrderId, privateTrackingNote(shipment, entry.tracking_id), false);
        return { remoteRef: entry.tracking_id, shipmentId: shipment.shipmentId, tracking: entry.tracking_number };
      }
      const note = await addNote(remoteOrderId, customerShipmentNote(shipment), true);
      return { remoteRef: `note:${note.id}`, shipmentId: shipment.shipmentId, tracking: shipment.tracking };
    },

    async completeOrder(remoteOrderId) {
      await http.request({ method: 'PUT', path: `${WC}/orders/${encodeURIComponent(remoteOrderId)}`, json: { status: 'completed' }, schema: z.object({ id: z.number() }) });
    },

    async *checkoutPages(query = {}) {
      for await (const page of orderPages({ ...query, statuses: CHECKOUT_STATUSES })) {
        // Only checkouts with an email address can become carts (the checkpoint still covers the rest).
        const results = page.items.filter((r) => !r.ok || r.order.customer.email !== '');
        const roles = await customerRoles(results.flatMap((r) => (r.ok ? [r.order] : [])));
        for (const r of results) {
          const role = r.ok && r.order.customer.remoteId ? roles.get(r.order.customer.remoteId) : undefined;
          if (r.ok && role) r.order.customerRole = role;
        }
        yield { items: results, checkpoint: page.checkpoint };
      }
    },
  };
  return connector;
}
