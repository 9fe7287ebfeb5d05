/**
 * The GraphQL documents Backroom sends to the Shopify Admin API, with their page sizes. Sizes are
 * chosen so each query's requested cost stays under Shopify's single-query limit (1000 points):
 * objects cost 1, a connection 2 + first × (cost of one node).
 */

/** Orders per page: 25 × (order 6 + lineItems 2 + 5 × 5) + 2 = 827 points. */
export const ORDER_PAGE_SIZE = 25;
/** Requested points per order node of ORDERS_QUERY (6 + 2 + 5 × 5). */
export const ORDER_NODE_COST = 33;
/** Line items read with each order; an order with more gets the rest in a follow-up query. */
export const LINES_WITH_ORDER = 5;
export const MORE_LINES_PAGE = 100;
/** Variants per stock page: 200 × 4 + 2 = 802 points. */
export const VARIANT_PAGE_SIZE = 200;
/** Requested points per variant node of VARIANTS_QUERY (variant, inventory item, level, quantities). */
export const VARIANT_NODE_COST = 4;
/** Quantities per inventorySetQuantities call (Shopify accepts up to 250). */
export const SET_QUANTITIES_BATCH = 250;

const LINE_FIELDS = 'id sku name quantity currentQuantity variant { id } product { id } discountedTotalSet { shopMoney { amount currencyCode } }';

const ORDER_OWN_FIELDS = `id name createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus email phone currencyCode
  totalPriceSet { shopMoney { amount currencyCode } }
  customer { id firstName lastName }
  billingAddress { firstName lastName company phone }
  customAttributes { key value }`;

const ORDER_FIELDS = `${ORDER_OWN_FIELDS}
  lineItems(first: ${LINES_WITH_ORDER}) { pageInfo { hasNextPage endCursor } nodes { ${LINE_FIELDS} } }`;

export const ORDERS_QUERY = `query BackroomOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ${ORDER_FIELDS} }
  }
}`;

export const ORDER_QUERY = `query BackroomOrder($id: ID!) {
  order(id: $id) { ${ORDER_FIELDS} }
}`;

export const ORDER_LINES_QUERY = `query BackroomOrderLines($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: ${MORE_LINES_PAGE}, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE_FIELDS} } }
  }
}`;

/** Refunds read with an order that has any, at most this many (Order.refunds is a list, not paged). */
export const REFUNDS_WITH_ORDER = 10;
/** Lines read with each refund. */
export const LINES_WITH_REFUND = 30;

/**
 * An order's refunds with what each put back in stock: 1 + 2 + 10 × (1 + 2 + 30 × 3) = 933 points.
 * Asked only for orders Shopify says are (partly) refunded.
 */
export const ORDER_REFUNDS_QUERY = `query BackroomOrderRefunds($id: ID!) {
  order(id: $id) {
    refunds(first: ${REFUNDS_WITH_ORDER}) {
      id
      refundLineItems(first: ${LINES_WITH_REFUND}) { nodes { quantity restockType location { name } lineItem { sku } } }
    }
  }
}`;

export const SHOP_QUERY = `query BackroomShop {
  shop { name currencyCode ianaTimezone myshopifyDomain plan { publicDisplayName } }
}`;

export const LOCATIONS_QUERY = `query BackroomLocations {
  locations(first: 50) { nodes { id name isActive } }
}`;

export const VARIANTS_QUERY = `query BackroomStock($first: Int!, $after: String, $locationId: ID!) {
  productVariants(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id sku inventoryPolicy
      inventoryItem { id tracked inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } }
    }
  }
}`;

/**
 * Compare-and-set: each quantity carries `changeFromQuantity`, the quantity Backroom last read or
 * set, so Shopify refuses (CHANGE_FROM_QUANTITY_STALE) instead of overwriting a change Backroom
 * has not seen. Since 2026-04 the mutation takes an idempotency key: a retried request with the
 * same key is answered from the first, never applied twice.
 */
export const SET_QUANTITIES_MUTATION = `mutation BackroomSetStock($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`;

/** Inventory items re-read after a compare failure (at most one batch): 1 + 250 × (1 + 1 + 2) ≈ 1000 points at most. */
export const STOCK_LEVELS_QUERY = `query BackroomStockLevels($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) {
    ... on InventoryItem { id tracked inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } }
  }
}`;
/** Items re-read per STOCK_LEVELS_QUERY. */
export const STOCK_LEVELS_BATCH = 100;

/** Fulfillments with where they shipped from and their tracking numbers: 1 + 2 + 50 × (1 + 1 + 2 + 5) = 453 points. */
export const FULFILLMENTS_QUERY = `query BackroomFulfillments($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 50) { id status createdAt location { id } trackingInfo(first: 5) { company number } }
  }
}`;

/** What one fulfillment shipped, to subtract it from a shipment sent again: 1 + 2 + 100 × 2 = 203 points. */
export const FULFILLMENT_LINES_QUERY = `query BackroomFulfillmentLines($id: ID!) {
  fulfillment(id: $id) {
    id
    fulfillmentLineItems(first: 100) { nodes { quantity lineItem { id sku } } }
  }
}`;

/** Work to fulfil, by location, with holds and schedules: 1 + 2 + 5 × (1 + 1 + 2 + 2 + 50 × 2) = 533 points. */
export const FULFILLMENT_ORDERS_QUERY = `query BackroomFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: 5) {
      nodes {
        id status fulfillAt
        fulfillmentHolds { reason reasonNotes }
        assignedLocation { name location { id } }
        lineItems(first: 50) { nodes { id remainingQuantity lineItem { id sku } } }
      }
    }
  }
}`;

/** One location's fulfillment orders at a time: Shopify refuses fulfillment orders of two locations in one call. */
export const FULFILLMENT_CREATE_MUTATION = `mutation BackroomFulfil($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo(first: 10) { company number } }
    userErrors { field message }
  }
}`;

/** Abandoned checkouts per page: 25 × (checkout 8 + lineItems 2 + 5 × 5) + 2 = 877 points. */
export const CHECKOUT_PAGE_SIZE = 25;
/** Requested points per checkout node of CHECKOUTS_QUERY (with the customer's default email and phone objects). */
export const CHECKOUT_NODE_COST = 35;

export const CHECKOUTS_QUERY = `query BackroomCheckouts($first: Int!, $after: String, $query: String) {
  abandonedCheckouts(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id abandonedCheckoutUrl createdAt updatedAt completedAt
      customer { id firstName lastName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } }
      billingAddress { firstName lastName company phone }
      customAttributes { key value }
      totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: ${LINES_WITH_ORDER}) { nodes { id sku title quantity variant { id } product { id } discountedTotalPriceSet { shopMoney { amount } } } }
    }
  }
}`;

/** A first pull of a history larger than this reads the orders with a bulk query instead of pages. */
export const BULK_ORDERS_THRESHOLD = 10_000;

/** How many orders the shop has (Shopify counts up to 10,000 by default, then says AT_LEAST): 1 point. */
export const ORDERS_COUNT_QUERY = `query BackroomOrdersCount {
  ordersCount { count precision }
}`;

/**
 * Every order with all its line items, for a bulk operation: no page sizes (a bulk query reads
 * everything), one nested connection, lines written as their own JSONL objects under the order.
 */
export const BULK_ORDERS_QUERY = `query BackroomBulkOrders {
  orders(sortKey: UPDATED_AT) {
    edges { node { ${ORDER_OWN_FIELDS}
      lineItems { edges { node { ${LINE_FIELDS} } } } } }
  }
}`;

export const BULK_RUN_MUTATION = `mutation BackroomBulkRun($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`;

export const BULK_OPERATION_QUERY = `query BackroomBulkOperation($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url createdAt }
}`;
