/**
 * The sandbox shop's in-memory data. Records are kept compact (times as epoch ms, no wire
 * JSON) so a bench can hold 20,000 orders and 10,000 products; the wire shape is rendered per
 * request by wire.ts.
 */

export const ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'checkout-draft'] as const;

export interface Address {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone: string;
}

export interface MetaEntry {
  id: number;
  key: string;
  value: unknown;
}

export interface OrderLineRecord {
  id: number;
  productId: number;
  variationId: number;
  name: string;
  sku: string;
  quantity: number;
  /** Unit price as a decimal string. */
  price: string;
  /**
   * Units put back in stock by refunds so far: WooCommerce's line item meta `_restock_refunded_items`,
   * which wc_restock_refunded_items keeps as a running tally (absent until a refund restocks).
   */
  restocked?: number;
}

export interface RefundRecord {
  id: number;
  createdMs: number;
  reason: string;
  amount: string;
  lines: { id: number; refundedItemId: number; quantity: number; total: string }[];
}

export interface NoteRecord {
  id: number;
  createdMs: number;
  note: string;
  customerNote: boolean;
  addedByUser: boolean;
}

export interface TrackingRecord {
  id: string;
  provider: string;
  customProvider: string;
  customLink: string;
  number: string;
  dateShipped: string;
}

export interface OrderRecord {
  id: number;
  status: string;
  currency: string;
  createdMs: number;
  modifiedMs: number;
  paidMs: number | null;
  completedMs: number | null;
  customerId: number;
  customerNote: string;
  orderKey: string;
  paymentMethod: string;
  shippingTotal: string;
  billing: Address;
  shipping: Address;
  meta: MetaEntry[];
  lines: OrderLineRecord[];
  notes: NoteRecord[];
  refunds: RefundRecord[];
  trackings: TrackingRecord[];
}

export interface ProductRecord {
  id: number;
  name: string;
  sku: string;
  type: 'simple' | 'variable';
  status: 'publish' | 'draft';
  manageStock: boolean;
  stockQuantity: number | null;
  /** WooCommerce's `backorders`: whether the product still sells at 0 (`notify`: and tells the customer). */
  backorders?: 'no' | 'notify' | 'yes';
  price: string;
  createdMs: number;
  modifiedMs: number;
  variationIds: number[];
}

export interface VariationRecord {
  id: number;
  parentId: number;
  sku: string;
  /** `parent` when the variation uses its product's stock (WooCommerce reports it that way). */
  manageStock: boolean | 'parent';
  stockQuantity: number | null;
  backorders?: 'no' | 'notify' | 'yes';
  price: string;
  attributes: { name: string; option: string }[];
  createdMs: number;
  modifiedMs: number;
}

export interface CustomerRecord {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  username: string;
  role: string;
  createdMs: number;
}

export interface ShopSettings {
  storeName: string;
  /** WooCommerce's version as reported by system_status. */
  version: string;
  currency: string;
  /** The shop's offset from UTC (WordPress' gmt_offset), e.g. 120 for UTC+2. */
  utcOffsetMinutes: number;
  timezoneString: string;
  /** Whether the Shipment Tracking extension is active (its routes exist). */
  shipmentTracking: boolean;
}

/** What a test can ask of the shop directly, as a merchant would change things in wp-admin. */
export class WooState {
  readonly orders = new Map<number, OrderRecord>();
  readonly products = new Map<number, ProductRecord>();
  readonly variations = new Map<number, VariationRecord>();
  readonly customers = new Map<number, CustomerRecord>();
  /** Bumped on every change, so cached list results know when to rebuild. */
  version = 0;
  // WordPress shares one id sequence between posts (orders, products, variations, refunds).
  private nextPostId = 100;
  private nextItemId = 1;
  private nextCommentId = 1;
  private nextMetaId = 1;
  private nextCustomerId = 2;
  private skuIndex: { size: number; bySku: Map<string, ProductRecord | VariationRecord> } | null = null;
  private stockItemCache: { size: number; items: (ProductRecord | VariationRecord)[] } | null = null;

  constructor(
    readonly settings: ShopSettings,
    readonly now: () => number,
  ) {}

  postId(): number {
    return this.nextPostId++;
  }
  itemId(): number {
    return this.nextItemId++;
  }
  commentId(): number {
    return this.nextCommentId++;
  }
  metaId(): number {
    return this.nextMetaId++;
  }
  customerId(): number {
    return this.nextCustomerId++;
  }

  touch(): void {
    this.version++;
  }

  order(id: number): OrderRecord {
    const order = this.orders.get(id);
    if (!order) throw new Error(`sandbox: no order ${id}`);
    return order;
  }

  /** Applies a change to an order as an edit in wp-admin would: `date_modified` moves to now. */
  modifyOrder(id: number, change: (order: OrderRecord) => void = () => {}): OrderRecord {
    const order = this.order(id);
    change(order);
    order.modifiedMs = Math.max(this.now(), order.modifiedMs);
    this.touch();
    return order;
  }

  setOrderStatus(id: number, status: string): OrderRecord {
    return this.modifyOrder(id, (o) => {
      o.status = status;
      if (status === 'completed') o.completedMs = this.now();
      if ((status === 'processing' || status === 'completed') && o.paidMs === null) o.paidMs = this.now();
    });
  }

  cancelOrder(id: number): OrderRecord {
    return this.setOrderStatus(id, 'cancelled');
  }

  setOrderMeta(order: OrderRecord, key: string, value: unknown): void {
    const existing = order.meta.find((m) => m.key === key);
    if (existing) existing.value = value;
    else order.meta.push({ id: this.metaId(), key, value });
  }

  /**
   * Refunds units of some lines (by line id or SKU). A refund covering every unit turns the
   * order `refunded`, as WooCommerce does.
   */
  refundLines(id: number, lines: { lineId?: number; sku?: string; quantity: number }[], reason = '', options: { restock?: boolean } = {}): RefundRecord {
    const order = this.order(id);
    if (options.restock) {
      // As "Restock refunded items" does: the product's stock goes up and the line's tally with it.
      for (const want of lines) {
        const line = order.lines.find((l) => (want.lineId !== undefined ? l.id === want.lineId : l.sku === want.sku));
        if (!line) continue;
        line.restocked = (line.restocked ?? 0) + want.quantity;
        const item = this.productBySku(line.sku);
        if (item && item.manageStock === true && item.stockQuantity !== null) item.stockQuantity += want.quantity;
      }
    }
    const refundLines = lines.map((want) => {
      const line = order.lines.find((l) => (want.lineId !== undefined ? l.id === want.lineId : l.sku === want.sku));
      if (!line) throw new Error(`sandbox: order ${id} has no line ${want.lineId ?? want.sku}`);
      const total = (Number(line.price) * want.quantity).toFixed(2);
      return { id: this.itemId(), refundedItemId: line.id, quantity: want.quantity, total };
    });
    const amount = refundLines.reduce((sum, l) => sum + Number(l.total), 0).toFixed(2);
    const refund: RefundRecord = { id: this.postId(), createdMs: this.now(), reason, amount, lines: refundLines };
    this.modifyOrder(id, (o) => {
      o.refunds.push(refund);
      const fully = o.lines.every((l) => refundedUnits(o, l.id) >= l.quantity);
      if (fully) o.status = 'refunded';
    });
    return refund;
  }

  productBySku(sku: string): ProductRecord | VariationRecord | undefined {
    // SKUs never change in the sandbox, so the index only needs rebuilding when items are added.
    const size = this.products.size + this.variations.size;
    if (!this.skuIndex || this.skuIndex.size !== size) {
      const bySku = new Map<string, ProductRecord | VariationRecord>();
      for (const p of this.products.values()) bySku.set(p.sku, p);
      for (const v of this.variations.values()) bySku.set(v.sku, v);
      this.skuIndex = { size, bySku };
    }
    return this.skuIndex.bySku.get(sku);
  }

  /** Simple products and variations: what an order line can be. */
  stockItems(): (ProductRecord | VariationRecord)[] {
    if (!this.stockItemCache || this.stockItemCache.size !== this.products.size + this.variations.size) {
      const items: (ProductRecord | VariationRecord)[] = [];
      for (const p of this.products.values()) if (p.type === 'simple') items.push(p);
      for (const v of this.variations.values()) items.push(v);
      this.stockItemCache = { size: this.products.size + this.variations.size, items };
    }
    return this.stockItemCache.items;
  }

  /** The stock quantity the shop holds for a SKU (simple product or variation). */
  stockOf(sku: string): number | null {
    const item = this.productBySku(sku);
    if (!item) throw new Error(`sandbox: no product with SKU ${sku}`);
    return item.stockQuantity;
  }

  setStock(sku: string, quantity: number | null, manageStock?: boolean): void {
    const item = this.productBySku(sku);
    if (!item) throw new Error(`sandbox: no product with SKU ${sku}`);
    if (manageStock !== undefined) item.manageStock = manageStock;
    item.stockQuantity = quantity;
    item.modifiedMs = this.now();
    this.touch();
  }
}

export function refundedUnits(order: OrderRecord, lineId: number): number {
  let units = 0;
  for (const refund of order.refunds) for (const l of refund.lines) if (l.refundedItemId === lineId) units += l.quantity;
  return units;
}

export function orderTotal(order: OrderRecord): string {
  const lines = order.lines.reduce((sum, l) => sum + Number(l.price) * l.quantity, 0);
  return (lines + Number(order.shippingTotal)).toFixed(2);
}
