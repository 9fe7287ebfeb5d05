import { z } from 'zod';
import { Alert, Cart, Commitment, CrmConnection, ErrorEntry, Location, Rule, Settings, Shipment, Shop, StockItem, type Order } from '../model';
import type { DocumentSpec } from './json-document';
import { QueuedWork, UnreadableWork } from '../model/work';
import { LedgerState } from './ledger';
import { sortQueueItems } from './queue-file';
import { StockExtras } from './stock-extras';

/**
 * The data directory holds several small files rather than one big one, so that a small change
 * rewrites a small file: settings, stock, errors and carts each have their own, and orders are
 * partitioned by the month they were created in.
 */
export const FILES = {
  main: 'backroom.json',
  stock: 'stock.json',
  issues: 'issues.json',
  carts: 'carts.json',
  queue: 'queue.json',
  /** Sync markers: cursors, last sent, last runs, order counts (see cursors.ts). */
  cursors: 'cursors.json',
  ordersDir: 'orders',
  backupsDir: 'backups',
  secrets: 'secrets.json',
  token: 'engine.token',
  lock: 'engine.lock',
  endpoint: 'engine.endpoint',
  logsDir: 'logs',
} as const;

function parseWith<T>(schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`field ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  return result.data;
}

export const MainData = z.object({
  schemaVersion: z.number(),
  settings: Settings,
  shops: z.array(Shop),
  locations: z.array(Location),
  crms: z.array(CrmConnection),
  rules: z.array(Rule),
  /**
   * Kept here by earlier versions: when each CRM connection last ran without a failure. It is a
   * progress marker, so it now lives in cursors.json; the store carries it there on open and drops it.
   */
  crmLastRun: z.record(z.string(), z.string()).optional(),
  createdAt: z.string(),
});
export type MainData = z.infer<typeof MainData>;

export const mainSpec: DocumentSpec<MainData> = {
  label: FILES.main,
  version: 3,
  create: () => ({
    schemaVersion: 3,
    settings: Settings.parse({}),
    shops: [],
    locations: [],
    crms: [],
    rules: [],
    createdAt: new Date().toISOString(),
  }),
  migrations: [
    {
      // Schema 1 (the first preview) kept shops' order counts inside each cursor.
      from: 1,
      migrate(data) {
        const cursors = (data.cursors ?? {}) as Record<string, Record<string, unknown>>;
        const orderCounts: Record<string, number> = {};
        for (const [shop, cursor] of Object.entries(cursors)) {
          if (typeof cursor.orderCount === 'number') orderCounts[shop] = cursor.orderCount;
          delete cursor.orderCount;
        }
        return { ...data, cursors, orderCounts };
      },
    },
    {
      // Schema 2 kept the sync markers (cursors, last sent, last runs, order counts) in this file,
      // where any save of the settings could write them ahead of the orders they cover. They now
      // live in cursors.json, which the store writes from them before this migration runs.
      from: 2,
      migrate(data) {
        const { cursors: _cursors, orderCounts: _orderCounts, ...rest } = data;
        return rest;
      },
    },
  ],
  validate: (data) => parseWith(MainData, data),
};

export const StockData = z.object({
  schemaVersion: z.number(),
  items: z.record(z.string(), StockItem),
  /** Stock held by unfulfilled orders, keyed by order key (`shop#remoteId`). */
  commitments: z.record(z.string(), Commitment),
  /**
   * Shipments whose units this file has taken off, by shipment id, until their order's month file
   * holds them too: written in the same write as the on-hand change, so a kill before the order is
   * written leaves the shipment here to be put on its order, never lost and never taken off twice.
   */
  shipments: z.record(z.string(), Shipment).optional(),
  /** The stock ledger's next entry number and the entries not yet in its month files (see ledger.ts). */
  ledger: LedgerState.optional(),
  /** Reorder points, returns already booked, low-stock flags (see stock-extras.ts). */
  extras: StockExtras.optional(),
});
export type StockData = z.infer<typeof StockData>;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOnlyKeys = (o: Record<string, unknown>, keys: readonly string[]) => Object.keys(o).every((k) => keys.includes(k));
const isCount = (v: unknown, max = Number.MAX_SAFE_INTEGER) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const isCleanSku = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 100 && v === v.trim() && !/\p{Cc}/u.test(v);

/**
 * True when `data` is a StockData that zod would return unchanged (no unknown keys, nothing to trim).
 * stock.json holds every SKU; checking it with zod took ~100 ms for 20,000 SKUs on every open
 * (every CLI command), this loop a few ms. Anything unusual falls back to zod for its exact message.
 */
function isPlainStockData(data: unknown): data is StockData {
  if (!isPlainObject(data) || !hasOnlyKeys(data, ['schemaVersion', 'items', 'commitments', 'shipments', 'ledger', 'extras'])) return false;
  // Few (usually none): checked by their schema, and returned as zod gives them.
  if (data.shipments !== undefined && !z.record(z.string(), Shipment).safeParse(data.shipments).success) return false;
  if (data.ledger !== undefined && !LedgerState.safeParse(data.ledger).success) return false;
  if (data.extras !== undefined && !StockExtras.safeParse(data.extras).success) return false;
  if (typeof data.schemaVersion !== 'number' || !isPlainObject(data.items) || !isPlainObject(data.commitments)) return false;
  for (const item of Object.values(data.items)) {
    if (!isPlainObject(item) || !hasOnlyKeys(item, ['sku', 'onHand']) || !isCleanSku(item.sku) || !isPlainObject(item.onHand)) return false;
    for (const qty of Object.values(item.onHand)) if (!isCount(qty, 1_000_000_000)) return false;
  }
  for (const c of Object.values(data.commitments)) {
    if (!isPlainObject(c) || !hasOnlyKeys(c, ['location', 'lines']) || !(c.location === null || typeof c.location === 'string') || !isPlainObject(c.lines)) return false;
    for (const qty of Object.values(c.lines)) if (!isCount(qty)) return false;
  }
  return true;
}

export const stockSpec: DocumentSpec<StockData> = {
  label: FILES.stock,
  // 2: small changes live in stock.changes.jsonl beside it until compacted (stock-log.ts). An older
  // Backroom, which would read the file without its log, refuses it rather than lose them.
  version: 2,
  create: () => ({ schemaVersion: 2, items: {}, commitments: {} }),
  migrations: [{ from: 1, migrate: (data) => data }],
  validate: (data) => (isPlainStockData(data) ? data : parseWith(StockData, data)),
};

export const IssuesData = z.object({
  schemaVersion: z.number(),
  errors: z.array(ErrorEntry),
  alerts: z.array(Alert),
});
export type IssuesData = z.infer<typeof IssuesData>;

export const issuesSpec: DocumentSpec<IssuesData> = {
  label: FILES.issues,
  version: 1,
  create: () => ({ schemaVersion: 1, errors: [], alerts: [] }),
  validate: (data) => parseWith(IssuesData, data),
};

export const CartsData = z.object({ schemaVersion: z.number(), carts: z.record(z.string(), Cart) });
export type CartsData = z.infer<typeof CartsData>;

export const cartsSpec: DocumentSpec<CartsData> = {
  label: FILES.carts,
  version: 1,
  create: () => ({ schemaVersion: 1, carts: {} }),
  validate: (data) => parseWith(CartsData, data),
};

/** A unit of persistent work (CRM calls, pushes) that must survive restarts: one of the kinds in model/work.ts. */
export const QueueItem = QueuedWork;
export type QueueItem = QueuedWork;

export const QueueData = z.object({
  schemaVersion: z.number(),
  items: z.array(QueueItem),
  /** Items this version could not read, kept as they were (see queue-file.ts); absent when there are none. */
  unreadable: z.array(UnreadableWork).optional(),
  /** Exactly-once ledger: keys of work already done (e.g. `event|contact|tag|add`). */
  ledger: z.record(z.string(), z.string()),
  /**
   * Per customer (lower-case email), each of their orders once: order key → amount in cents and the
   * order's date. The CRM fields order count, total spent and last order date are derived from it,
   * so seeing an order again (a re-pull after a crash, a retry) cannot count it twice.
   */
  customers: z.record(z.string(), z.record(z.string(), z.object({ cents: z.number().int(), at: z.string() }))).default({}),
  /**
   * Per CRM connection, per contact (lower-case email): the order-derived fields (order count, total
   * spent, last order date) as last sent, in `fieldsSignature` form. A contact whose derived fields
   * no longer match what their CRM was sent has a queued item until they do.
   */
  crmSent: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Earlier previews kept incremented totals here; they are rebuilt from the stored orders, then dropped. */
  contacts: z.record(z.string(), z.object({ orders: z.number().int(), spentCents: z.number().int(), lastOrderAt: z.string().optional() })).optional(),
});
export type QueueData = z.infer<typeof QueueData>;

export const queueSpec: DocumentSpec<QueueData> = {
  label: FILES.queue,
  version: 1,
  create: () => ({ schemaVersion: 1, items: [], ledger: {}, customers: {}, crmSent: {} }),
  validate: (data) => parseWith(QueueData, sortQueueItems(data)),
};

/** One month of orders. Not validated field by field on load: orders are validated when imported. */
export interface OrdersMonth {
  schemaVersion: number;
  month: string;
  orders: Record<string, Order>;
}

export function ordersMonthSpec(month: string): DocumentSpec<OrdersMonth> {
  return {
    label: `${FILES.ordersDir}/${month}.json`,
    version: 1,
    create: () => ({ schemaVersion: 1, month, orders: {} }),
    validate: (data) => {
      const d = data as OrdersMonth;
      if (typeof d.orders !== 'object' || d.orders === null || Array.isArray(d.orders)) throw new Error('field orders must be an object');
      return d;
    },
  };
}
