import type { GraphQLResolveInfo } from 'graphql';
import { sandboxAdminSchema } from './admin-schema';
import { bulkQueryProblem, runBulkQuery, type BulkFiles, type BulkOperationRecord } from './bulk';
import { FieldError } from './execute';
import type { buildSchema } from './schema';
import { gid, parseGid } from './schema';
import type { FulfillmentRecord, OrderRecord, ShopifyState } from './state';

/** Shopify's limit on quantities in one inventorySetQuantities call. */
export const MAX_SET_QUANTITIES = 250;
const REASONS = ['correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled', 'other', 'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage'];

interface UserError {
  __typename: string;
  field: string[] | null;
  message: string;
  code?: string;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FieldError(`Variable input: ${path} must be an object`, [], 'INVALID_VARIABLE');
  return value as Record<string, unknown>;
}

/** The `@idempotent(key:)` directive on the mutation field, required on inventorySetQuantities since 2026-04. */
function idempotencyKey(info: GraphQLResolveInfo | undefined, variables: Record<string, unknown>): string | null {
  const directive = info?.fieldNodes[0]?.directives?.find((d) => d.name.value === 'idempotent');
  const arg = directive?.arguments?.find((a) => a.name.value === 'key')?.value;
  if (!arg) return null;
  const value = arg.kind === 'Variable' ? variables[arg.name.value] : arg.kind === 'StringValue' ? arg.value : null;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export interface MutationContext {
  version(): string;
  bulkFiles: BulkFiles;
  resolvers: ReturnType<typeof buildSchema>;
}

export function buildMutations(state: ShopifyState, schema: ReturnType<typeof buildSchema>, context: MutationContext) {
  /** Answers already given per idempotency key, with the input they answered. */
  const idempotent = new Map<string, { input: string; answer: unknown }>();
  // Polling a bulk operation is a query; it is answered here, beside the mutation that starts one.
  context.resolvers.query.bulkOperation = (args: { id?: unknown }) => pollBulkOperation(parseGid(args.id, 'BulkOperation'));
  return {
    /**
     * Sets absolute quantities. All or nothing: with any user error nothing is changed, as on Shopify.
     */
    inventorySetQuantities: (args: Record<string, unknown>, _context: unknown, info?: GraphQLResolveInfo) => {
      const key = idempotencyKey(info, (info?.variableValues.coerced ?? {}) as Record<string, unknown>);
      if (!key) throw new FieldError('The @idempotent directive with a key is required for inventorySetQuantities (Admin API 2026-04 and later).', ['inventorySetQuantities'], 'BAD_REQUEST');
      const inputJson = JSON.stringify(args.input);
      const earlier = idempotent.get(key);
      // The same key again: the first answer again, nothing applied twice; another input under it is refused.
      if (earlier && earlier.input === inputJson) return earlier.answer;
      if (earlier) return { __typename: 'InventorySetQuantitiesPayload', inventoryAdjustmentGroup: null, userErrors: [{ __typename: 'InventorySetQuantitiesUserError', field: null, message: 'The idempotency key was used before with other parameters.', code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' }] };
      const answer = setQuantities(args);
      idempotent.set(key, { input: inputJson, answer });
      return answer;
    },

    /** Creates a fulfillment (with tracking) from fulfillment order line items; closes what it fulfils. */
    fulfillmentCreate: (args: Record<string, unknown>) => createFulfillment(args),

    /** Starts a bulk query; it completes by the first poll of `bulkOperation(id:)`. */
    bulkOperationRunQuery: (args: Record<string, unknown>) => {
      const source = typeof args.query === 'string' ? args.query : '';
      const problem = bulkQueryProblem(sandboxAdminSchema(context.version()), source);
      if (problem) return { __typename: 'BulkOperationRunQueryPayload', bulkOperation: null, userErrors: [{ __typename: 'BulkOperationUserError', field: ['query'], message: problem, code: 'INVALID' }] };
      const op: BulkOperationRecord = { id: state.id(), status: 'CREATED', query: source, createdAt: state.timestamp(), completedAt: null, objectCount: 0, rootObjectCount: 0, url: null, errorCode: null, polls: 0 };
      state.bulkOperations.set(op.id, op);
      return { __typename: 'BulkOperationRunQueryPayload', bulkOperation: bulkOperationView(op), userErrors: [] };
    },
  };

  function bulkOperationView(op: BulkOperationRecord) {
    return { __typename: 'BulkOperation', id: gid('BulkOperation', op.id), status: op.status, query: op.query, createdAt: op.createdAt, completedAt: op.completedAt, objectCount: String(op.objectCount), rootObjectCount: String(op.rootObjectCount), url: op.url, partialDataUrl: null, errorCode: op.errorCode, type: 'QUERY', fileSize: op.url ? String(op.objectCount) : null };
  }

  /** A poll: the first one finds the operation run and its file written. */
  function pollBulkOperation(id: number) {
    const op = state.bulkOperations.get(id);
    if (!op) return null;
    op.polls++;
    if (op.status === 'CREATED' || op.status === 'RUNNING') {
      try {
        const result = runBulkQuery(sandboxAdminSchema(context.version()), context.resolvers.query, op.query);
        Object.assign(op, { status: 'COMPLETED', completedAt: state.timestamp(), objectCount: result.objectCount, rootObjectCount: result.rootObjectCount, url: result.objectCount ? context.bulkFiles.put(`${op.id}.jsonl`, result.jsonl) : null });
      } catch {
        Object.assign(op, { status: 'FAILED', errorCode: 'INTERNAL_SERVER_ERROR', completedAt: state.timestamp() });
      }
    }
    return bulkOperationView(op);
  }

  function setQuantities(args: Record<string, unknown>) {
      const input = record(args.input, 'input');
      const errors: UserError[] = [];
      const fail = (field: string[], message: string, code: string) => errors.push({ __typename: 'InventorySetQuantitiesUserError', field, message, code });
      const name = input.name;
      if (name !== 'available' && name !== 'on_hand') fail(['input', 'name'], 'The quantity name must be either \'available\' or \'on_hand\'.', 'INVALID_NAME');
      if (typeof input.reason !== 'string' || !REASONS.includes(input.reason)) fail(['input', 'reason'], 'The specified reason is invalid.', 'INVALID_REASON');
      const quantities = Array.isArray(input.quantities) ? input.quantities.map((q, i) => record(q, `input.quantities.${i}`)) : [];
      if (quantities.length === 0) fail(['input', 'quantities'], 'At least one quantity is required.', 'INVALID_QUANTITY');
      if (quantities.length > MAX_SET_QUANTITIES) throw new FieldError(`input.quantities can hold at most ${MAX_SET_QUANTITIES} items`, ['inventorySetQuantities'], 'MAX_INPUT_SIZE_EXCEEDED');
      const changes: { itemId: number; locationId: number; quantity: number; before: number }[] = [];
      quantities.forEach((q, i) => {
        const at = ['input', 'quantities', String(i)];
        let itemId: number;
        let locationId: number;
        try {
          itemId = parseGid(q.inventoryItemId, 'InventoryItem');
          locationId = parseGid(q.locationId, 'Location');
        } catch {
          fail([...at, 'inventoryItemId'], 'The specified inventory item could not be found.', 'INVALID_INVENTORY_ITEM');
          return;
        }
        const item = state.inventoryItems.get(itemId);
        if (!item) return fail([...at, 'inventoryItemId'], 'The specified inventory item could not be found.', 'INVALID_INVENTORY_ITEM');
        if (!state.locations.some((l) => l.id === locationId)) return fail([...at, 'locationId'], 'The specified location could not be found.', 'INVALID_LOCATION');
        if (!item.tracked) return fail([...at, 'inventoryItemId'], 'The specified inventory item is not allowed to be adjusted via API. Example: if the inventory item is not tracked.', 'NON_MUTABLE_INVENTORY_ITEM');
        const level = item.levels.get(locationId);
        if (!level) return fail([...at, 'locationId'], 'The specified inventory item is not stocked at the location.', 'ITEM_NOT_STOCKED_AT_LOCATION');
        if (typeof q.quantity !== 'number' || !Number.isInteger(q.quantity)) return fail([...at, 'quantity'], 'The quantity must be an integer.', 'INVALID_QUANTITY_TOO_LOW');
        const current = name === 'on_hand' ? level.available + level.committed : level.available;
        // changeFromQuantity must be given on every quantity (null opts out of the comparison).
        if (!('changeFromQuantity' in q)) return fail([...at, 'changeFromQuantity'], 'The changeFromQuantity argument must be given to each quantity (null to skip the comparison).', 'COMPARE_QUANTITY_REQUIRED');
        if (q.changeFromQuantity !== null && q.changeFromQuantity !== current) return fail([...at, 'changeFromQuantity'], 'The specified changeFromQuantity does not match the current quantity.', 'CHANGE_FROM_QUANTITY_STALE');
        changes.push({ itemId, locationId, quantity: q.quantity, before: current });
      });
      if (errors.length) return { __typename: 'InventorySetQuantitiesPayload', inventoryAdjustmentGroup: null, userErrors: errors };
      for (const c of changes) {
        const level = state.inventoryItems.get(c.itemId)!.levels.get(c.locationId)!;
        // Setting on_hand moves available by the same delta (committed stays).
        level.available += c.quantity - c.before;
      }
      return {
        __typename: 'InventorySetQuantitiesPayload',
        inventoryAdjustmentGroup: {
          __typename: 'InventoryAdjustmentGroup',
          id: gid('InventoryAdjustmentGroup', state.id()),
          createdAt: state.timestamp(),
          reason: input.reason,
          referenceDocumentUri: input.referenceDocumentUri ?? null,
          changes: changes.map((c) => ({ __typename: 'InventoryChange', name, delta: c.quantity - c.before, quantityAfterChange: c.quantity, item: { __typename: 'InventoryItem', id: gid('InventoryItem', c.itemId) }, location: { __typename: 'Location', id: gid('Location', c.locationId) } })),
        },
        userErrors: [],
      };
  }

  function createFulfillment(args: Record<string, unknown>) {
      const input = record(args.fulfillment, 'fulfillment');
      const errors: UserError[] = [];
      const fail = (field: string[] | null, message: string) => errors.push({ __typename: 'UserError', field, message });
      const groups = Array.isArray(input.lineItemsByFulfillmentOrder) ? input.lineItemsByFulfillmentOrder.map((g, i) => record(g, `fulfillment.lineItemsByFulfillmentOrder.${i}`)) : [];
      if (groups.length === 0) fail(['fulfillment', 'lineItemsByFulfillmentOrder'], 'Line items by fulfillment order must not be empty.');
      let order: OrderRecord | undefined;
      const picks: { fo: OrderRecord['fulfillmentOrders'][number]; line: OrderRecord['fulfillmentOrders'][number]['lineItems'][number]; quantity: number }[] = [];
      groups.forEach((g, i) => {
        let foId: number;
        try {
          foId = parseGid(g.fulfillmentOrderId, 'FulfillmentOrder');
        } catch {
          return fail(['fulfillment', 'lineItemsByFulfillmentOrder', String(i), 'fulfillmentOrderId'], 'Fulfillment order does not exist.');
        }
        const owner = [...state.orders.values()].find((o) => o.fulfillmentOrders.some((f) => f.id === foId));
        const fo = owner?.fulfillmentOrders.find((f) => f.id === foId);
        if (!owner || !fo) return fail(['fulfillment', 'lineItemsByFulfillmentOrder', String(i), 'fulfillmentOrderId'], 'Fulfillment order does not exist.');
        if (order && order !== owner) return fail(['fulfillment'], 'All fulfillment orders must belong to the same order.');
        if (picks.length && picks[0]!.fo.locationId !== fo.locationId) return fail(['fulfillment'], 'All fulfillment orders must be assigned to a single location.');
        order = owner;
        if (fo.status !== 'OPEN' && fo.status !== 'IN_PROGRESS') return fail(['fulfillment'], `Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status.toLowerCase()}.`);
        const wanted = Array.isArray(g.fulfillmentOrderLineItems) && g.fulfillmentOrderLineItems.length ? g.fulfillmentOrderLineItems.map((x, j) => record(x, `fulfillmentOrderLineItems.${j}`)) : null;
        if (!wanted) {
          for (const line of fo.lineItems) if (line.remainingQuantity > 0) picks.push({ fo, line, quantity: line.remainingQuantity });
          return;
        }
        for (const w of wanted) {
          let lineId: number;
          try {
            lineId = parseGid(w.id, 'FulfillmentOrderLineItem');
          } catch {
            return fail(['fulfillment'], 'Invalid fulfillment order line item id.');
          }
          const line = fo.lineItems.find((l) => l.id === lineId);
          if (!line) return fail(['fulfillment'], `Fulfillment order line item ${lineId} does not belong to fulfillment order ${fo.id}.`);
          if (typeof w.quantity !== 'number' || w.quantity < 1 || w.quantity > line.remainingQuantity) return fail(['fulfillment'], 'Invalid fulfillment order line item quantity requested.');
          picks.push({ fo, line, quantity: w.quantity });
        }
      });
      if (errors.length || !order) return { __typename: 'FulfillmentCreatePayload', fulfillment: null, userErrors: errors.length ? errors : [{ __typename: 'UserError', field: null, message: 'Nothing to fulfill.' }] };
      const tracking = input.trackingInfo ? record(input.trackingInfo, 'fulfillment.trackingInfo') : {};
      const numbers = Array.isArray(tracking.numbers) ? (tracking.numbers as unknown[]).map(String) : typeof tracking.number === 'string' ? [tracking.number] : [];
      const f: FulfillmentRecord = {
        id: state.id(),
        status: 'SUCCESS',
        createdAt: state.timestamp(),
        locationId: picks[0]!.fo.locationId,
        notifyCustomer: input.notifyCustomer === true,
        trackingInfo: (numbers.length ? numbers : [null]).map((number) => ({ company: typeof tracking.company === 'string' ? tracking.company : null, number, url: typeof tracking.url === 'string' ? tracking.url : null })),
        lines: [],
      };
      for (const p of picks) {
        p.line.remainingQuantity -= p.quantity;
        f.lines.push({ lineItemId: p.line.lineItemId, quantity: p.quantity });
        // Shipping takes the units out of committed (on hand goes down; available does not move).
        const line = order.lineItems.find((l) => l.id === p.line.lineItemId);
        const item = line?.variantId ? state.inventoryItems.get(state.variants.get(line.variantId)?.inventoryItemId ?? -1) : undefined;
        const level = item?.tracked ? item.levels.get(p.fo.locationId) : undefined;
        if (level) level.committed = Math.max(0, level.committed - p.quantity);
      }
      for (const fo of new Set(picks.map((p) => p.fo))) fo.status = fo.lineItems.every((l) => l.remainingQuantity === 0) ? 'CLOSED' : 'IN_PROGRESS';
      order.fulfillments.push(f);
      state.touch(order);
      return { __typename: 'FulfillmentCreatePayload', fulfillment: schema.fulfillment(order, f), userErrors: [] };
  }
}
