import { refundedUnits, orderTotal, type CustomerRecord, type NoteRecord, type OrderRecord, type ProductRecord, type RefundRecord, type TrackingRecord, type VariationRecord, type WooState } from './state';
import { gmtDate, localDate } from './time';

/**
 * Renders sandbox records as WooCommerce REST API v3 JSON: field names, money as decimal
 * strings, `date_x` in shop time and `date_x_gmt` in UTC, ids as integers. Fields Backroom does
 * not read are included where a real shop sends them, so clients are tested against the noise.
 */

type Json = Record<string, unknown>;

function dates(state: WooState, name: string, ms: number | null): Json {
  const offset = state.settings.utcOffsetMinutes;
  return { [name]: ms === null ? null : localDate(ms, offset), [`${name}_gmt`]: ms === null ? null : gmtDate(ms) };
}

function links(base: string, path: string): Json {
  return { self: [{ href: `${base}/wp-json/wc/v3/${path}` }], collection: [{ href: `${base}/wp-json/wc/v3/${path.replace(/\/\d+$/, '')}` }] };
}

const neg = (amount: string) => (Number(amount) === 0 ? '0.00' : `-${amount}`);

export function wireOrder(state: WooState, order: OrderRecord, base: string): Json {
  const total = orderTotal(order);
  return {
    id: order.id,
    parent_id: 0,
    status: order.status,
    currency: order.currency,
    version: state.settings.version,
    prices_include_tax: false,
    ...dates(state, 'date_created', order.createdMs),
    ...dates(state, 'date_modified', order.modifiedMs),
    discount_total: '0.00',
    discount_tax: '0.00',
    shipping_total: order.shippingTotal,
    shipping_tax: '0.00',
    cart_tax: '0.00',
    total,
    total_tax: '0.00',
    customer_id: order.customerId,
    order_key: order.orderKey,
    billing: order.billing,
    shipping: order.shipping,
    payment_method: order.paymentMethod,
    payment_method_title: order.paymentMethod === 'stripe' ? 'Credit card' : 'PayPal',
    transaction_id: order.paidMs ? `txn_${order.id}` : '',
    customer_ip_address: '203.0.113.7',
    customer_user_agent: 'Mozilla/5.0',
    created_via: order.status === 'checkout-draft' ? 'store-api' : 'checkout',
    customer_note: order.customerNote,
    ...dates(state, 'date_completed', order.completedMs),
    ...dates(state, 'date_paid', order.paidMs),
    cart_hash: '',
    number: String(order.id),
    meta_data: order.meta.map((m) => ({ id: m.id, key: m.key, value: m.value })),
    line_items: order.lines.map((l) => ({
      id: l.id,
      name: l.name,
      product_id: l.productId,
      variation_id: l.variationId,
      quantity: l.quantity,
      tax_class: '',
      subtotal: (Number(l.price) * l.quantity).toFixed(2),
      subtotal_tax: '0.00',
      total: (Number(l.price) * l.quantity).toFixed(2),
      total_tax: '0.00',
      taxes: [],
      // Every meta entry of the item that is not internal, `_`-prefixed ones too (the REST API's get_data()).
      meta_data: l.restocked ? [{ id: l.id * 10 + 1, key: '_restock_refunded_items', value: String(l.restocked), display_key: '_restock_refunded_items', display_value: String(l.restocked) }] : [],
      sku: l.sku,
      price: Number(l.price),
      image: { id: '', src: '' },
      parent_name: l.variationId ? l.name.split(' - ')[0] : null,
    })),
    tax_lines: [],
    shipping_lines: Number(order.shippingTotal) > 0 ? [{ id: order.id * 10, method_title: 'Flat rate', method_id: 'flat_rate', total: order.shippingTotal, total_tax: '0.00', taxes: [], meta_data: [] }] : [],
    fee_lines: [],
    coupon_lines: [],
    refunds: order.refunds.map((r) => ({ id: r.id, reason: r.reason, total: neg(r.amount) })),
    payment_url: `${base}/checkout/order-pay/${order.id}/?pay_for_order=true&key=${order.orderKey}`,
    is_editable: order.status === 'pending' || order.status === 'on-hold' || order.status === 'checkout-draft',
    needs_payment: order.status === 'pending' || order.status === 'failed' || order.status === 'checkout-draft',
    needs_processing: true,
    currency_symbol: state.settings.currency === 'EUR' ? '€' : state.settings.currency === 'GBP' ? '£' : '$',
    _links: links(base, `orders/${order.id}`),
  };
}

/** Units of a line still held by the order after refunds (used by tests to reason about stock). */
export function unrefundedUnits(order: OrderRecord, lineId: number): number {
  const line = order.lines.find((l) => l.id === lineId);
  return line ? line.quantity - refundedUnits(order, lineId) : 0;
}

export function wireRefund(state: WooState, order: OrderRecord, refund: RefundRecord, base: string): Json {
  return {
    id: refund.id,
    ...dates(state, 'date_created', refund.createdMs),
    amount: refund.amount,
    reason: refund.reason,
    refunded_by: 1,
    refunded_payment: false,
    meta_data: [],
    line_items: refund.lines.map((rl) => {
      const line = order.lines.find((l) => l.id === rl.refundedItemId);
      return {
        id: rl.id,
        name: line?.name ?? '',
        product_id: line?.productId ?? 0,
        variation_id: line?.variationId ?? 0,
        // WooCommerce stores refunded units and amounts as negative numbers on the refund's items.
        quantity: -rl.quantity,
        tax_class: '',
        subtotal: neg(rl.total),
        subtotal_tax: '0.00',
        total: neg(rl.total),
        total_tax: '0.00',
        taxes: [],
        meta_data: [{ id: rl.id * 7, key: '_refunded_item_id', value: String(rl.refundedItemId), display_key: '_refunded_item_id', display_value: String(rl.refundedItemId) }],
        sku: line?.sku ?? null,
        price: -Number(line?.price ?? 0),
      };
    }),
    _links: links(base, `orders/${order.id}/refunds/${refund.id}`),
  };
}

export function wireNote(state: WooState, order: OrderRecord, note: NoteRecord, base: string): Json {
  return {
    id: note.id,
    author: note.addedByUser ? 'shopmanager' : 'WooCommerce',
    ...dates(state, 'date_created', note.createdMs),
    note: note.note,
    customer_note: note.customerNote,
    _links: links(base, `orders/${order.id}/notes/${note.id}`),
  };
}

function stockStatus(manage: boolean | 'parent', quantity: number | null, backorders: 'no' | 'notify' | 'yes' = 'no'): string {
  if (manage !== true || (quantity ?? 0) > 0) return 'instock';
  return backorders === 'no' ? 'outofstock' : 'onbackorder';
}

export function wireProduct(state: WooState, p: ProductRecord, base: string): Json {
  return {
    id: p.id,
    name: p.name,
    slug: p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    permalink: `${base}/product/${p.id}/`,
    ...dates(state, 'date_created', p.createdMs),
    ...dates(state, 'date_modified', p.modifiedMs),
    type: p.type,
    status: p.status,
    featured: false,
    catalog_visibility: 'visible',
    description: '',
    short_description: '',
    sku: p.sku,
    price: p.price,
    regular_price: p.type === 'variable' ? '' : p.price,
    sale_price: '',
    on_sale: false,
    purchasable: true,
    total_sales: 0,
    virtual: false,
    downloadable: false,
    tax_status: 'taxable',
    tax_class: '',
    manage_stock: p.manageStock,
    stock_quantity: p.stockQuantity,
    stock_status: stockStatus(p.manageStock, p.stockQuantity, p.backorders),
    backorders: p.backorders ?? 'no',
    backorders_allowed: (p.backorders ?? 'no') !== 'no',
    backordered: p.manageStock && (p.backorders ?? 'no') !== 'no' && (p.stockQuantity ?? 0) < 0,
    low_stock_amount: null,
    sold_individually: false,
    weight: '',
    parent_id: 0,
    categories: [{ id: 15, name: 'Uncategorized', slug: 'uncategorized' }],
    attributes: [],
    variations: p.variationIds,
    meta_data: [],
    _links: links(base, `products/${p.id}`),
  };
}

export function wireVariation(state: WooState, v: VariationRecord, base: string, withParentId: boolean): Json {
  return {
    id: v.id,
    ...dates(state, 'date_created', v.createdMs),
    ...dates(state, 'date_modified', v.modifiedMs),
    description: '',
    permalink: `${base}/product/${v.parentId}/?attribute_size=${encodeURIComponent(v.attributes[0]?.option ?? '')}`,
    sku: v.sku,
    price: v.price,
    regular_price: v.price,
    sale_price: '',
    on_sale: false,
    status: 'publish',
    purchasable: true,
    virtual: false,
    downloadable: false,
    tax_status: 'taxable',
    tax_class: '',
    manage_stock: v.manageStock,
    stock_quantity: v.stockQuantity,
    stock_status: stockStatus(v.manageStock, v.stockQuantity, v.backorders),
    backorders: v.backorders ?? 'no',
    backorders_allowed: (v.backorders ?? 'no') !== 'no',
    attributes: v.attributes.map((a, i) => ({ id: i + 1, name: a.name, option: a.option })),
    menu_order: 0,
    meta_data: [],
    // Only WooCommerce 10.3's /variations collection adds the parent's id to each variation.
    ...(withParentId ? { parent_id: v.parentId } : {}),
    _links: links(base, `products/${v.parentId}/variations/${v.id}`),
  };
}

export function wireCustomer(state: WooState, c: CustomerRecord, base: string): Json {
  return {
    id: c.id,
    ...dates(state, 'date_created', c.createdMs),
    ...dates(state, 'date_modified', c.createdMs),
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    role: c.role,
    username: c.username,
    billing: { first_name: c.firstName, last_name: c.lastName, company: '', address_1: '', address_2: '', city: '', postcode: '', country: '', state: '', email: c.email, phone: '' },
    shipping: { first_name: c.firstName, last_name: c.lastName, company: '', address_1: '', address_2: '', city: '', postcode: '', country: '', state: '', phone: '' },
    is_paying_customer: c.role === 'customer',
    avatar_url: 'https://secure.gravatar.com/avatar/?s=96&d=mm&r=g',
    meta_data: [],
    _links: links(base, `customers/${c.id}`),
  };
}

export function wireTracking(t: TrackingRecord, orderId: number, base: string): Json {
  return {
    tracking_id: t.id,
    tracking_provider: t.provider || t.customProvider,
    tracking_link: t.customLink ? t.customLink.replace('%1$s', t.number) : '',
    tracking_number: t.number,
    date_shipped: t.dateShipped,
    _links: {
      self: [{ href: `${base}/wp-json/wc-shipment-tracking/v3/orders/${orderId}/shipment-trackings/${t.id}` }],
      collection: [{ href: `${base}/wp-json/wc-shipment-tracking/v3/orders/${orderId}/shipment-trackings` }],
      up: [{ href: `${base}/wp-json/wc/v3/orders/${orderId}` }],
    },
  };
}

/** WordPress' error body: `{ code, message, data: { status } }`. */
export function wpError(status: number, code: string, message: string, extra: Json = {}): { status: number; body: Json } {
  return { status, body: { code, message, data: { status, ...extra } } };
}
