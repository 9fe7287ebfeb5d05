import type { Customer, OrderLine } from '../model';
import type { Pages } from './paging';

/**
 * What the jobs see of a shop: model-shaped data and small operations. Each platform module
 * (woocommerce/, shopify/) implements this by translating its wire JSON; jobs never see wire JSON.
 */

/** An order as the shop reports it, already mapped to the model. Times are UTC ISO instants. */
export interface RemoteOrder {
  remoteId: string;
  number: string;
  status: string;
  currency: string;
  total: string;
  createdAt: string;
  modifiedAt: string;
  customer: Customer;
  /** The customer's account role on the shop (`customer`, `administrator`, …), when known. */
  customerRole?: string;
  lines: OrderLine[];
  /** Order meta as strings (`_cartflows_step`, upsell flags, …). */
  meta: Record<string, string>;
  /** Link the customer can use to return to the checkout (carts). */
  checkoutUrl?: string;
  /** The customer declined tracking (GDPR opt-out on the checkout). */
  trackingOptOut?: boolean;
  /**
   * Refunds on the shop that put shipped units back in its stock (Shopify restock type RETURN or
   * LEGACY_RESTOCK). Absent when the platform does not say (WooCommerce) or was not asked (a bulk
   * read of the history). Units refunded before they shipped are not here: those only stop being
   * held, which the refunded quantities of the lines already say.
   */
  restocks?: RemoteRestock[];
}

/**
 * One refund's restocked units, in the shop's SKUs; `location` is the shop's name for where they
 * went, when it says. `afterShipping`: the shop says these units had shipped (Shopify RETURN), so
 * more than Backroom shipped is worth telling; WooCommerce does not know shipping, so there the
 * excess is units that never left and are only released.
 */
export interface RemoteRestock {
  refundId: string;
  lines: { sku: string; quantity: number; location?: string }[];
  afterShipping: boolean;
}

/** One entry of a page of orders: mapped, or the reason this one order could not be read. */
export type RemoteOrderResult = { ok: true; order: RemoteOrder } | { ok: false; remoteId: string; message: string };

/** What a listing of orders or checkouts reads: everything modified after a checkpoint, oldest change first. */
export interface ReadQuery {
  /** Only items modified after this UTC instant (exclusive): a checkpoint of an earlier read, less any overlap. */
  modifiedAfter?: string;
  /** Only these statuses; omit for all. */
  statuses?: string[];
  /** At most this many items a page (capped at the platform's own page size). */
  pageSize?: number;
  /**
   * May a first read of a large history start a bulk export on the platform (Shopify)? Default yes;
   * the dry run says no: it only reads, and never starts work on the shop.
   */
  bulk?: boolean;
}

/** A sellable item on the shop that carries stock: a simple product or a variation. */
export interface RemoteStockItem {
  remoteId: string;
  /** Set for variations: the parent product's id (variations are updated through their parent). */
  parentId?: string;
  sku: string;
  manageStock: boolean;
  quantity: number | null;
  /** The shop sells it on at 0 (WooCommerce `backorders` notify/yes; Shopify inventory policy CONTINUE). */
  allowsBackorders?: boolean;
}

export interface StockUpdate {
  item: RemoteStockItem;
  quantity: number;
}

export interface StockUpdateResult {
  updated: RemoteStockItem[];
  /**
   * Items the shop refused, with its message (e.g. the product was deleted meanwhile).
   * `retriable` is true when the failure was transient (the batch request failed after retries)
   * and false when the shop refused the item itself (unmanaged stock, unknown id).
   */
  failed: { item: RemoteStockItem; message: string; retriable?: boolean }[];
}

/** A shipment as sent to the shop (tracking entry, or a customer note where tracking is not installed). */
export interface OutgoingShipment {
  /** Backroom's shipment id: written into the entry so a retry can find it and not send it twice. */
  shipmentId: string;
  date: string;
  carrier: string;
  tracking: string;
  lines: { sku: string; quantity: number }[];
}

export interface RemoteShipmentRef {
  /** The shop's id of the tracking entry or note. */
  remoteRef: string;
  /** Backroom's shipment id found in it, when it was one of ours. */
  shipmentId?: string;
  tracking: string;
}

export interface ShopTestReport {
  ok: true;
  storeName: string;
  platformVersion?: string;
  /** WooCommerce: whether the Shipment Tracking extension answers. */
  shipmentTracking: boolean;
  currency?: string;
  timezone?: string;
}

export interface ShopConnector {
  readonly platform: 'woocommerce' | 'shopify';
  /** Declared limits: how many orders a page holds and how many items a batch update takes. */
  readonly limits: { pageSize: number; batchSize: number };
  /** Requests made so far (the benches and the sync summary report these). */
  readonly stats: { requests: number; retries: number };
  /**
   * True when addShipment itself looks on the shop before sending each part (Shopify: one
   * fulfilment per location), so the shipping job calls it again instead of trusting a tracking
   * number listShipments finds, which may cover only the locations sent before a crash.
   */
  readonly addShipmentChecksShop?: boolean;
  test(): Promise<ShopTestReport>;
  /**
   * Orders modified after `query.modifiedAfter`, oldest change first, page by page; each page's
   * checkpoint is where a later read resumes once its orders are stored.
   */
  orderPages(query?: ReadQuery): Pages<RemoteOrderResult>;
  getOrder(remoteId: string): Promise<RemoteOrder>;
  /** Every stock-carrying item (simple products and variations), for reconcile and SKU matching. */
  stockPages(): Pages<RemoteStockItem>;
  /** Sets stock quantities using the platform's batch endpoints (≤ batchSize items per request). */
  setStock(updates: StockUpdate[]): Promise<StockUpdateResult>;
  /** Shipments already on the order, so a retried push can check before sending again. */
  listShipments(remoteOrderId: string): Promise<RemoteShipmentRef[]>;
  addShipment(remoteOrderId: string, shipment: OutgoingShipment): Promise<RemoteShipmentRef>;
  /** Marks the order completed on the shop. */
  completeOrder(remoteOrderId: string): Promise<void>;
  /**
   * Checkouts that may become carts (WooCommerce: `checkout-draft` and `pending` orders with an
   * email; Shopify: open abandoned checkouts), paged like orderPages.
   */
  checkoutPages(query?: Omit<ReadQuery, 'statuses'>): Pages<RemoteOrderResult>;
}
