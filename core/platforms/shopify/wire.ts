import { z } from 'zod';

/**
 * Shopify Admin GraphQL payloads as Backroom reads them. Tolerant: nullable where Shopify may send
 * null, enums as strings (a new value must not break a pull), unknown fields ignored.
 */

const DateTime = z.iso.datetime({ offset: true });
const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal amount');
const ShopMoney = z.object({ shopMoney: z.object({ amount: Decimal, currencyCode: z.string().optional() }) });
const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const Attribute = z.object({ key: z.string(), value: z.string().nullable() });
const Address = z.object({ firstName: z.string().nullable().optional(), lastName: z.string().nullable().optional(), company: z.string().nullable().optional(), phone: z.string().nullable().optional() });
const Ref = z.object({ id: z.string() });

export const ShopifyLineItem = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  name: z.string(),
  quantity: z.number().int().min(0),
  currentQuantity: z.number().int().min(0),
  variant: Ref.nullable(),
  product: Ref.nullable(),
  discountedTotalSet: ShopMoney,
});
export type ShopifyLineItem = z.infer<typeof ShopifyLineItem>;

export const LineItemPage = z.object({ pageInfo: PageInfo, nodes: z.array(ShopifyLineItem) });

export const ShopifyOrder = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: DateTime,
  updatedAt: DateTime,
  cancelledAt: DateTime.nullable(),
  displayFinancialStatus: z.string().nullable(),
  displayFulfillmentStatus: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable().optional(),
  currencyCode: z.string(),
  totalPriceSet: ShopMoney,
  customer: z.object({ id: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable() }).nullable(),
  billingAddress: Address.nullable(),
  customAttributes: z.array(Attribute),
  lineItems: LineItemPage,
});
export type ShopifyOrder = z.infer<typeof ShopifyOrder>;

/** A page of orders; each node is checked on its own so one bad order does not sink the page. */
export const OrdersData = z.object({ orders: z.object({ pageInfo: PageInfo, nodes: z.array(z.unknown()) }) });
export const OrderData = z.object({ order: z.unknown().nullable() });
export const OrderLinesData = z.object({ order: z.object({ lineItems: LineItemPage }).nullable() });

/** Restock types stay strings: a new one must not break a pull (only RETURN and LEGACY_RESTOCK put shipped units back). */
export const RefundsData = z.object({
  order: z
    .object({
      refunds: z.array(
        z.object({
          id: z.string(),
          refundLineItems: z.object({
            nodes: z.array(z.object({ quantity: z.number().int().min(0), restockType: z.string(), location: z.object({ name: z.string() }).nullable(), lineItem: z.object({ sku: z.string().nullable() }) })),
          }),
        }),
      ),
    })
    .nullable(),
});
export type ShopifyRefunds = NonNullable<z.infer<typeof RefundsData>['order']>['refunds'];

export const ShopData = z.object({
  shop: z.object({ name: z.string(), currencyCode: z.string(), ianaTimezone: z.string().nullable().optional(), myshopifyDomain: z.string().optional(), plan: z.object({ publicDisplayName: z.string() }).nullable().optional() }),
});

export const LocationsData = z.object({ locations: z.object({ nodes: z.array(z.object({ id: z.string(), name: z.string(), isActive: z.boolean() })) }) });

export const VariantsData = z.object({
  productVariants: z.object({
    pageInfo: PageInfo,
    nodes: z.array(
      z.object({
        id: z.string(),
        sku: z.string().nullable(),
        /** CONTINUE: Shopify sells on when out of stock (like WooCommerce backorders). */
        inventoryPolicy: z.string().optional(),
        inventoryItem: z.object({
          id: z.string(),
          tracked: z.boolean(),
          inventoryLevel: z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })) }).nullable(),
        }),
      }),
    ),
  }),
});

const UserError = z.object({ field: z.array(z.string()).nullable().optional(), message: z.string(), code: z.string().nullable().optional() });
export type ShopifyUserError = z.infer<typeof UserError>;

export const SetQuantitiesData = z.object({
  inventorySetQuantities: z.object({ inventoryAdjustmentGroup: z.object({ id: z.string() }).nullable(), userErrors: z.array(UserError) }),
});

const Tracking = z.object({ company: z.string().nullable(), number: z.string().nullable() });
export const FulfillmentsData = z.object({
  order: z
    .object({
      id: z.string(),
      fulfillments: z.array(z.object({ id: z.string(), status: z.string(), createdAt: DateTime.optional(), location: Ref.nullable().optional(), trackingInfo: z.array(Tracking) })),
    })
    .nullable(),
});

export const FulfillmentLinesData = z.object({
  fulfillment: z
    .object({
      id: z.string(),
      fulfillmentLineItems: z.object({ nodes: z.array(z.object({ quantity: z.number().int().min(0).nullable(), lineItem: z.object({ id: z.string(), sku: z.string().nullable() }) })) }),
    })
    .nullable(),
});

export const ShopifyFulfillmentOrder = z.object({
  id: z.string(),
  status: z.string(),
  fulfillAt: DateTime.nullable(),
  fulfillmentHolds: z.array(z.object({ reason: z.string(), reasonNotes: z.string().nullable() })),
  assignedLocation: z.object({ name: z.string(), location: Ref.nullable() }),
  lineItems: z.object({ nodes: z.array(z.object({ id: z.string(), remainingQuantity: z.number().int().min(0), lineItem: z.object({ id: z.string(), sku: z.string().nullable() }) })) }),
});
export type ShopifyFulfillmentOrder = z.infer<typeof ShopifyFulfillmentOrder>;

export const FulfillmentOrdersData = z.object({
  order: z.object({ id: z.string(), fulfillmentOrders: z.object({ nodes: z.array(ShopifyFulfillmentOrder) }) }).nullable(),
});

export const StockLevelsData = z.object({
  nodes: z.array(
    z
      .object({
        id: z.string(),
        tracked: z.boolean(),
        inventoryLevel: z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })) }).nullable(),
      })
      .nullable(),
  ),
});

export const FulfillmentCreateData = z.object({
  fulfillmentCreate: z.object({ fulfillment: z.object({ id: z.string(), status: z.string(), trackingInfo: z.array(Tracking) }).nullable(), userErrors: z.array(UserError) }),
});

export const ShopifyCheckout = z.object({
  id: z.string(),
  abandonedCheckoutUrl: z.string(),
  createdAt: DateTime,
  updatedAt: DateTime,
  completedAt: DateTime.nullable(),
  customer: z
    .object({
      id: z.string(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      // Customer.email / .phone are deprecated; the customer's default address and number replace them.
      defaultEmailAddress: z.object({ emailAddress: z.string() }).nullable(),
      defaultPhoneNumber: z.object({ phoneNumber: z.string() }).nullable(),
    })
    .nullable(),
  billingAddress: Address.nullable(),
  customAttributes: z.array(Attribute),
  totalPriceSet: ShopMoney,
  lineItems: z.object({
    nodes: z.array(z.object({ id: z.string(), sku: z.string().nullable(), title: z.string(), quantity: z.number().int().min(0), variant: Ref.nullable(), product: Ref.nullable(), discountedTotalPriceSet: z.object({ shopMoney: z.object({ amount: Decimal }) }) })),
  }),
});
export type ShopifyCheckout = z.infer<typeof ShopifyCheckout>;

export const CheckoutsData = z.object({ abandonedCheckouts: z.object({ pageInfo: PageInfo, nodes: z.array(z.unknown()) }) });

export const OrdersCountData = z.object({ ordersCount: z.object({ count: z.number().int().min(0), precision: z.string() }).nullable() });

export const BulkRunData = z.object({
  bulkOperationRunQuery: z.object({ bulkOperation: z.object({ id: z.string(), status: z.string() }).nullable(), userErrors: z.array(UserError) }).nullable(),
});

export const BulkOperationData = z.object({
  bulkOperation: z.object({ id: z.string(), status: z.string(), errorCode: z.string().nullable(), objectCount: z.string(), url: z.string().nullable(), createdAt: DateTime }).nullable(),
});

/** The envelope of every GraphQL answer. */
export const GraphqlEnvelope = z.object({
  data: z.unknown().optional(),
  errors: z
    .union([
      z.string(),
      z.array(z.object({ message: z.string(), path: z.array(z.union([z.string(), z.number()])).optional(), extensions: z.looseObject({ code: z.string().optional() }).optional() })),
    ])
    .optional(),
  extensions: z
    .looseObject({
      cost: z
        .object({
          requestedQueryCost: z.number(),
          actualQueryCost: z.number().nullable(),
          throttleStatus: z.object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() }),
        })
        .optional(),
    })
    .optional(),
});
export type GraphqlEnvelope = z.infer<typeof GraphqlEnvelope>;
