import { connection, FieldError, type PageArgs } from './execute';
import type { CheckoutRecord, FulfillmentOrderRecord, FulfillmentRecord, OrderRecord, ShopifyState } from './state';

/**
 * Resolvers for the part of the Admin GraphQL API Backroom uses. Field names and shapes follow
 * Shopify's published schema (see admin-schema.ts); objects carry `__typename` so an unknown field is named in the error.
 */

export const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;

export function parseGid(value: unknown, type: string): number {
  const m = typeof value === 'string' ? /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(value) : null;
  if (!m || m[1] !== type) throw new FieldError(`Invalid global id '${String(value)}'`, [], 'argumentLiteralsIncompatible');
  return Number(m[2]);
}

const money = (amount: number, currencyCode: string) => ({ __typename: 'MoneyV2', amount: amount.toFixed(2), currencyCode });
const moneyBag = (amount: number, currencyCode: string) => ({ __typename: 'MoneyBag', shopMoney: money(amount, currencyCode), presentmentMoney: money(amount, currencyCode) });

/**
 * Shopify's search syntax, as far as Backroom uses it: `field:value` terms joined by AND, with
 * `>`, `>=`, `<`, `<=` on times and quoted values. Anything else is refused rather than ignored,
 * so a connector sending a filter this shop does not apply fails loudly in tests.
 */
export function parseSearch(query: unknown, allowed: string[]): { field: string; op: string; value: string }[] {
  if (query === null || query === undefined || query === '') return [];
  if (typeof query !== 'string') throw new FieldError('query must be a string', [], 'argumentLiteralsIncompatible');
  const terms = query.split(/\s+AND\s+/);
  return terms.map((term) => {
    const m = /^(\w+):(>=|<=|>|<)?(?:'([^']*)'|"([^"]*)"|(\S+))$/.exec(term.trim());
    if (!m || !allowed.includes(m[1]!)) throw new FieldError(`Unsupported search term "${term}" (this practice shop understands ${allowed.join(', ')})`, [], 'invalidSearch');
    return { field: m[1]!, op: m[2] ?? ':', value: m[3] ?? m[4] ?? m[5]! };
  });
}

function timeMatches(actual: string, op: string, value: string): boolean {
  const a = Date.parse(actual);
  const b = Date.parse(value);
  if (Number.isNaN(b)) throw new FieldError(`"${value}" is not a time`, [], 'invalidSearch');
  if (op === '>') return a > b;
  if (op === '>=') return a >= b;
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  return a === b;
}

export function buildSchema(state: ShopifyState) {
  const location = (id: number) => {
    const l = state.locations.find((x) => x.id === id);
    return l ? { __typename: 'Location', id: gid('Location', l.id), name: l.name, isActive: l.isActive } : null;
  };

  const inventoryLevel = (itemId: number, locationId: number) => {
    const item = state.inventoryItems.get(itemId);
    const level = item?.levels.get(locationId);
    if (!item || !level) return null;
    return {
      __typename: 'InventoryLevel',
      id: gid('InventoryLevel', itemId * 1000 + locationId),
      location: location(locationId),
      quantities: (args: Record<string, unknown>) => {
        const names = Array.isArray(args.names) ? (args.names as string[]) : [];
        return names.map((name) => ({ __typename: 'InventoryQuantity', name, quantity: name === 'available' ? level.available : name === 'committed' ? level.committed : name === 'on_hand' ? level.available + level.committed : 0 }));
      },
    };
  };

  const inventoryItem = (id: number) => {
    const item = state.inventoryItems.get(id);
    if (!item) return null;
    return {
      __typename: 'InventoryItem',
      id: gid('InventoryItem', id),
      tracked: item.tracked,
      sku: state.variants.get(item.variantId)?.sku ?? null,
      inventoryLevel: (args: Record<string, unknown>) => inventoryLevel(id, parseGid(args.locationId, 'Location')),
    };
  };

  const variant = (id: number | null) => {
    const v = id === null ? undefined : state.variants.get(id);
    if (!v) return null;
    return {
      __typename: 'ProductVariant',
      id: gid('ProductVariant', v.id),
      sku: v.sku,
      title: v.title,
      displayName: `${v.productTitle} - ${v.title}`,
      price: v.price,
      inventoryPolicy: v.inventoryPolicy ?? 'DENY',
      product: { __typename: 'Product', id: gid('Product', v.productId), title: v.productTitle },
      inventoryItem: inventoryItem(v.inventoryItemId),
    };
  };

  const product = (id: number | null) => (id === null ? null : { __typename: 'Product', id: gid('Product', id), title: [...state.variants.values()].find((v) => v.productId === id)?.productTitle ?? '' });

  const customer = (c: OrderRecord['customer']) =>
    c
      ? {
          __typename: 'Customer',
          id: gid('Customer', c.id),
          email: c.email,
          firstName: c.firstName,
          lastName: c.lastName,
          phone: c.phone,
          defaultEmailAddress: c.email ? { __typename: 'CustomerEmailAddress', emailAddress: c.email } : null,
          defaultPhoneNumber: c.phone ? { __typename: 'CustomerPhoneNumber', phoneNumber: c.phone } : null,
        }
      : null;
  const address = (a: OrderRecord['billingAddress']) => (a ? { __typename: 'MailingAddress', ...a } : null);
  const attributes = (list: OrderRecord['customAttributes']) => list.map((a) => ({ __typename: 'Attribute', key: a.key, value: a.value }));

  const fulfillment = (order: OrderRecord, f: FulfillmentRecord) => ({
    __typename: 'Fulfillment',
    id: gid('Fulfillment', f.id),
    status: f.status,
    createdAt: f.createdAt,
    location: location(f.locationId),
    trackingInfo: (args: Record<string, unknown>) => {
      const all = f.trackingInfo.map((t) => ({ __typename: 'FulfillmentTrackingInfo', ...t }));
      return typeof args.first === 'number' ? all.slice(0, args.first) : all;
    },
    fulfillmentLineItems: (args: PageArgs) =>
      connection(
        'FulfillmentLineItem',
        f.lines.map((l, i) => ({ __typename: 'FulfillmentLineItem', id: gid('FulfillmentLineItem', f.id * 100 + i), quantity: l.quantity, lineItem: { __typename: 'LineItem', id: gid('LineItem', l.lineItemId), sku: order.lineItems.find((x) => x.id === l.lineItemId)?.sku ?? null } })),
        args,
        (l) => [l.id],
      ),
  });

  const fulfillmentOrder = (order: OrderRecord, fo: FulfillmentOrderRecord) => ({
    __typename: 'FulfillmentOrder',
    id: gid('FulfillmentOrder', fo.id),
    status: fo.status,
    fulfillAt: fo.fulfillAt,
    fulfillmentHolds: fo.holds.map((h, i) => ({ __typename: 'FulfillmentHold', id: gid('FulfillmentHold', fo.id * 10 + i), reason: h.reason, reasonNotes: h.reasonNotes, displayReason: h.reason.toLowerCase().replace(/_/g, ' '), heldByRequestingApp: false })),
    assignedLocation: { __typename: 'FulfillmentOrderAssignedLocation', name: state.locations.find((l) => l.id === fo.locationId)?.name ?? '', location: location(fo.locationId) },
    lineItems: (args: PageArgs) =>
      connection(
        'FulfillmentOrderLineItem',
        fo.lineItems.map((li) => {
          const line = order.lineItems.find((l) => l.id === li.lineItemId);
          return {
            __typename: 'FulfillmentOrderLineItem',
            id: gid('FulfillmentOrderLineItem', li.id),
            totalQuantity: li.totalQuantity,
            remainingQuantity: li.remainingQuantity,
            sku: line?.sku ?? null,
            lineItem: { __typename: 'LineItem', id: gid('LineItem', li.lineItemId), sku: line?.sku ?? null, name: line?.title ?? '' },
          };
        }),
        args,
        (x) => [x.id],
      ),
  });

  const order = (o: OrderRecord) => {
    const total = o.lineItems.reduce((sum, l) => sum + Number(l.unitPrice) * l.quantity, 0);
    return {
      __typename: 'Order',
      id: gid('Order', o.id),
      legacyResourceId: String(o.id),
      name: o.name,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
      cancelledAt: o.cancelledAt,
      closed: false,
      displayFinancialStatus: o.financialStatus,
      displayFulfillmentStatus: state.displayFulfillmentStatus(o),
      email: o.email,
      phone: o.phone,
      currencyCode: o.currencyCode,
      totalPriceSet: moneyBag(total, o.currencyCode),
      customer: customer(o.customer),
      billingAddress: address(o.billingAddress),
      customAttributes: attributes(o.customAttributes),
      lineItems: (args: PageArgs) =>
        connection(
          'LineItem',
          o.lineItems.map((l) => ({
            __typename: 'LineItem',
            id: gid('LineItem', l.id),
            sku: l.sku,
            name: l.title,
            title: l.title,
            quantity: l.quantity,
            currentQuantity: l.currentQuantity,
            refundableQuantity: l.currentQuantity,
            variant: variant(l.variantId),
            product: product(l.productId),
            discountedTotalSet: moneyBag(Number(l.unitPrice) * l.quantity, o.currencyCode),
            originalTotalSet: moneyBag(Number(l.unitPrice) * l.quantity, o.currencyCode),
          })),
          args,
          (x) => [x.id],
        ),
      fulfillmentOrders: (args: PageArgs) => connection('FulfillmentOrder', o.fulfillmentOrders.map((fo) => fulfillmentOrder(o, fo)), args, (x) => [x.id]),
      // Order.fulfillments is a plain list (not a connection) in the Admin API.
      fulfillments: (args: Record<string, unknown>) => {
        const all = o.fulfillments.map((f) => fulfillment(o, f));
        return typeof args.first === 'number' ? all.slice(0, args.first) : all;
      },
      // Order.refunds is a plain list taking `first`; each refund's lines are a connection.
      refunds: (args: Record<string, unknown>) => {
        const all = o.refunds.map((r) => refund(o, r));
        return typeof args.first === 'number' ? all.slice(0, args.first) : all;
      },
      ...o.overrides,
    };
  };

  const refund = (o: OrderRecord, r: OrderRecord['refunds'][number]) => ({
    __typename: 'Refund',
    id: gid('Refund', r.id),
    legacyResourceId: String(r.id),
    createdAt: r.createdAt,
    processedAt: r.createdAt,
    updatedAt: r.createdAt,
    refundLineItems: (args: PageArgs) =>
      connection(
        'RefundLineItem',
        r.lines.map((l) => {
          const line = o.lineItems.find((x) => x.id === l.lineItemId);
          return {
            __typename: 'RefundLineItem',
            id: gid('RefundLineItem', l.id),
            quantity: l.quantity,
            restockType: l.restockType,
            restocked: l.restockType !== 'NO_RESTOCK',
            location: l.locationId === null ? null : location(l.locationId),
            lineItem: { __typename: 'LineItem', id: gid('LineItem', l.lineItemId), sku: line?.sku ?? null, name: line?.title ?? '' },
          };
        }),
        args,
        (x) => [x.id],
      ),
  });

  const checkout = (c: CheckoutRecord) => {
    const total = c.lineItems.reduce((sum, l) => sum + Number(l.unitPrice) * l.quantity, 0);
    return {
      __typename: 'AbandonedCheckout',
      id: gid('AbandonedCheckout', c.id),
      name: `#${c.id}`,
      abandonedCheckoutUrl: `https://${state.shop.myshopifyDomain}/${c.id}/checkouts/ac/${c.id.toString(16)}/recover?key=${c.id * 7919}`,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      completedAt: c.completedAt,
      customer: customer(c.customer),
      billingAddress: address(c.billingAddress),
      customAttributes: attributes(c.customAttributes),
      totalPriceSet: moneyBag(total, c.currencyCode),
      lineItems: (args: PageArgs) =>
        connection(
          'AbandonedCheckoutLineItem',
          c.lineItems.map((l) => ({
            __typename: 'AbandonedCheckoutLineItem',
            id: gid('AbandonedCheckoutLineItem', l.id),
            sku: l.sku,
            title: l.title,
            quantity: l.quantity,
            variant: variant(l.variantId),
            product: product(l.productId),
            discountedTotalPriceSet: moneyBag(Number(l.unitPrice) * l.quantity, c.currencyCode),
            originalTotalPriceSet: moneyBag(Number(l.unitPrice) * l.quantity, c.currencyCode),
          })),
          args,
          (x) => [x.id],
        ),
    };
  };

  const query: Record<string, unknown> = {
    shop: () => ({
      __typename: 'Shop',
      name: state.shop.name,
      currencyCode: state.shop.currencyCode,
      ianaTimezone: state.shop.ianaTimezone,
      myshopifyDomain: state.shop.myshopifyDomain,
      plan: { __typename: 'ShopPlan', displayName: state.shop.planDisplayName, publicDisplayName: state.shop.planDisplayName, partnerDevelopment: false, shopifyPlus: false },
    }),

    locations: (args: PageArgs & { includeInactive?: unknown }) =>
      connection('Location', state.locations.filter((l) => l.isActive || args.includeInactive === true).map((l) => location(l.id)!), args, (l) => [parseGid(l.id, 'Location')]),

    orders: (args: PageArgs & { query?: unknown; sortKey?: unknown; reverse?: unknown }) => {
      const terms = parseSearch(args.query, ['updated_at', 'created_at']);
      let list = [...state.orders.values()].filter((o) => terms.every((t) => timeMatches(t.field === 'updated_at' ? o.updatedAt : o.createdAt, t.op, t.value)));
      // Shopify's default is PROCESSED_AT; the practice shop's orders are processed when created.
      const sortKey = args.sortKey ?? 'PROCESSED_AT';
      if (!['ID', 'UPDATED_AT', 'CREATED_AT', 'PROCESSED_AT'].includes(String(sortKey))) throw new FieldError(`This practice shop does not sort orders by ${String(sortKey)}`, [], 'argumentLiteralsIncompatible');
      const key = (o: OrderRecord): (string | number)[] => (sortKey === 'UPDATED_AT' ? [Date.parse(o.updatedAt), o.id] : sortKey === 'ID' ? [o.id] : [Date.parse(o.createdAt), o.id]);
      list.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : (x[1] ?? 0) < (y[1] ?? 0) ? -1 : (x[1] ?? 0) > (y[1] ?? 0) ? 1 : 0;
      });
      if (args.reverse === true) list = list.reverse();
      return connection('Order', list.map(order), args, (node) => key(state.order(Number(node.legacyResourceId))));
    },

    ordersCount: (args: { query?: unknown; limit?: unknown }) => {
      const terms = parseSearch(args.query, ['updated_at', 'created_at']);
      const count = [...state.orders.values()].filter((o) => terms.every((t) => timeMatches(t.field === 'updated_at' ? o.updatedAt : o.createdAt, t.op, t.value))).length;
      // Shopify caps the count at `limit` (default 10,000) and says when it did.
      const limit = typeof args.limit === 'number' ? args.limit : 10_000;
      return { __typename: 'Count', count: Math.min(count, limit), precision: count > limit ? 'AT_LEAST' : 'EXACT' };
    },

    fulfillment: (args: { id?: unknown }) => {
      const id = parseGid(args.id, 'Fulfillment');
      for (const o of state.orders.values()) {
        const f = o.fulfillments.find((x) => x.id === id);
        if (f) return fulfillment(o, f);
      }
      return null;
    },

    /** Node lookup, for the types Backroom reads by id (inventory items). */
    nodes: (args: { ids?: unknown }) => {
      const ids = Array.isArray(args.ids) ? args.ids : [];
      if (ids.length > 250) throw new FieldError('The ids argument takes at most 250 ids.', ['nodes'], 'argumentLimitExceeded');
      return ids.map((id: unknown) => {
        const m = typeof id === 'string' ? /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(id) : null;
        return m?.[1] === 'InventoryItem' ? inventoryItem(Number(m[2])) : null;
      });
    },

    order: (args: { id?: unknown }) => {
      const o = state.orders.get(parseGid(args.id, 'Order'));
      return o ? order(o) : null;
    },

    productVariants: (args: PageArgs) => {
      const list = [...state.variants.values()].sort((a, b) => a.id - b.id);
      return connection('ProductVariant', list.map((v) => variant(v.id)!), args, (v) => [parseGid(v.id, 'ProductVariant')]);
    },

    abandonedCheckouts: (args: PageArgs & { query?: unknown; sortKey?: unknown }) => {
      const terms = parseSearch(args.query, ['updated_at', 'created_at', 'status']);
      const list = [...state.checkouts.values()]
        .filter((c) =>
          terms.every((t) =>
            t.field === 'status' ? (t.value === 'open' ? c.completedAt === null : t.value === 'closed' ? c.completedAt !== null : false) : timeMatches(t.field === 'updated_at' ? c.updatedAt : c.createdAt, t.op, t.value),
          ),
        )
        .sort((a, b) => a.id - b.id);
      if (args.sortKey !== undefined && args.sortKey !== null && args.sortKey !== 'ID' && args.sortKey !== 'CREATED_AT') throw new FieldError(`This practice shop sorts abandoned checkouts by ID only`, [], 'argumentLiteralsIncompatible');
      return connection('AbandonedCheckout', list.map((c) => checkout(c)), args, (c) => [parseGid(c.id, 'AbandonedCheckout')]);
    },
  };

  return { query, order, fulfillment, gid };
}
