/**
 * The store behind interfaces: what jobs and handlers may read and write, independent of how it is
 * kept. The JSON folder (json-repositories.ts) is the embedded default; a PostgreSQL implementation
 * plugs into the same types, one table family per repository (migrations/0001_initial.sql).
 *
 * Types only. Two rules shape every method here:
 * - Reads may touch the disk or the network, so they are async, and they return copies: changing a
 *   returned record changes nothing stored.
 * - Every write goes through `Repositories.write(work, moves)`: the writes `work` makes and the marker
 *   moves become durable as one unit. A database does it in one transaction; the JSON folder makes
 *   the data durable first and moves the markers only after, so a crash anywhere leaves markers that
 *   cover at most the data on disk — never a marker ahead of its data.
 */
import type {
  Alert,
  Cart,
  CatalogueData,
  Commitment,
  CommittedIndex,
  CrmConnection,
  ErrorEntry,
  LedgerCause,
  LedgerEntry,
  LedgerPosition,
  Location,
  LocationMapping,
  Order,
  Rule,
  Settings,
  Shipment,
  Shop,
  StockItem,
} from '../model';
import type { CRM_CONTACT, QueuedWork, UnreadableWork, WorkKind, WorkOf } from '../model/work';
import type { CursorMove, ShopCursorView } from './cursors';
import type { SecretStore } from './secrets';
import type { BookedReturn } from './stock-extras';

// ——— orders ———

/** Orders, de-duplicated by (shop, remote id); partitioned by the UTC month they were created in. */
export interface OrderReader {
  /** `createdAt` names the partition (its month); a database may ignore it. */
  get(shop: string, remoteId: string, createdAt: string): Promise<Order | undefined>;
  findByNumber(number: string): Promise<Order | undefined>;
  /** Each month's orders, newest month first; a month is read only when the caller gets that far. */
  byMonth(): AsyncIterable<Order[]>;
  /** Imported orders per shop (kept, never counted on demand). */
  counts(): Promise<Record<string, number>>;
  /** Imported orders per month and shop (`YYYY-MM` → shop → count); kept like `counts`, the table order_months. */
  monthCounts(): Promise<Record<string, Record<string, number>>>;
}

export interface OrderWriter {
  /**
   * Inserts or replaces an order. A new (shop, remote id) adds one to its shop's and its month's
   * counts in the same unit, so a count never runs ahead of the orders it counts.
   */
  put(order: Order): Promise<void>;
}

// ——— stock ———

/** Why a quantity changed: what its ledger entry records. */
export interface StockReason {
  at: string;
  cause: LedgerCause;
  /** Order number, `file line N`, shop name; at most 300 characters. */
  ref?: string;
}

export interface StockReader {
  item(sku: string): Promise<StockItem | undefined>;
  /** Every SKU, in SKU order. */
  items(): Promise<StockItem[]>;
  /** The stock an order holds (order key `shop#remoteId`), or undefined. */
  commitment(orderKey: string): Promise<Commitment | undefined>;
  commitments(): Promise<Record<string, Commitment>>;
  /** Units held for orders now, for a SKU at a location (null: shops on all locations combined). */
  committed(sku: string, location: string | null): Promise<number>;
  /** The ledger of one SKU (optionally one location), oldest first. */
  history(sku: string, location?: string): Promise<LedgerEntry[]>;
  /** Shipments whose units are off the shelf but not yet on their order (see layout.ts `StockData.shipments`). */
  shipmentsInTransit(): Promise<Record<string, Shipment>>;
  reorderPoint(sku: string): Promise<number | undefined>;
}

/**
 * Every change records its ledger entry in the same unit as the change (entry and change durable
 * together or not at all; never twice).
 */
export interface StockWriter {
  /** Sets on hand at a location; returns the change (0: nothing changed, nothing recorded). */
  setOnHand(sku: string, location: string, quantity: number, why: StockReason): Promise<number>;
  /** Replaces (null: removes) what an order holds; returns true when it changed. */
  commit(orderKey: string, next: Commitment | null, why: StockReason): Promise<boolean>;
  /** 0 clears the point. */
  setReorderPoint(sku: string, point: number): Promise<void>;
  /** Records (null: forgets) a shipment taken off the shelf and not yet on its order. */
  shipmentInTransit(id: string, shipment: Shipment | null): Promise<void>;
}

// ——— carts ———

export interface CartReader {
  get(id: string): Promise<Cart | undefined>;
  /** The carts of one shop, or all. */
  list(filter?: { shop?: string; state?: Cart['state'] }): Promise<Cart[]>;
}

export interface CartWriter {
  put(cart: Cart): Promise<void>;
  remove(id: string): Promise<void>;
}

// ——— CRM ledger ———

/** One order of a customer, as the CRM's derived fields (order count, total spent, last order date) count it. */
export interface CustomerOrder {
  cents: number;
  at: string;
}

/** The CRM's exactly-once ledger and the per-customer order list its fields are derived from. */
export interface CrmLedgerReader {
  /** True when the work with this key (`event|contact|tag|add`) is already done. */
  done(key: string): Promise<boolean>;
  /** A customer's orders (email in any case), keyed by order key. */
  customerOrders(email: string): Promise<Record<string, CustomerOrder>>;
  /** The derived fields as last sent to one CRM for one contact (`fieldsSignature` form). */
  sentFields(crm: string, email: string): Promise<string | undefined>;
}

export interface CrmLedgerWriter {
  markDone(key: string, at: string): Promise<void>;
  /** Records one order of a customer; the same order key again replaces, never adds. */
  customerOrder(email: string, orderKey: string, order: CustomerOrder): Promise<void>;
  setSentFields(crm: string, email: string, signature: string): Promise<void>;
}

// ——— the work queue ———

/** A unit of persistent work: one of the kinds core/model/work.ts defines (and the table queue_items holds). */
export type QueueEntry = QueuedWork;

export interface QueueReader {
  /** The items of a lane (or all), in the order they were enqueued. */
  list(lane?: string): Promise<QueueEntry[]>;
  get(id: string): Promise<QueueEntry | undefined>;
}

export interface QueueWriter {
  /** Adds an item, or replaces the one with its id (attempts, notBefore). */
  put(item: QueueEntry): Promise<void>;
  remove(id: string): Promise<void>;
}

// ——— settings ———

/** What backroom.json holds (the tables app_settings, shops, locations, crm_connections, rules), and the catalogue. */
export interface SettingsSnapshot {
  settings: Settings;
  shops: Shop[];
  locations: Location[];
  crms: CrmConnection[];
  rules: Rule[];
  catalogue: CatalogueData;
}

export interface SettingsReader {
  get(): Promise<SettingsSnapshot>;
}

export interface SettingsWriter {
  /** Replaces the parts given; the rest stays. */
  update(change: Partial<SettingsSnapshot>): Promise<void>;
}

// ——— errors and alerts ———

/** The issue log (SPEC "Errors and alerts"): failures after retries, and conditions raised by key. */
export interface IssueReader {
  /** Every error, dismissed ones included; the order is not promised. */
  errors(): Promise<ErrorEntry[]>;
  /** Every alert, dismissed ones included; the order is not promised. */
  alerts(): Promise<Alert[]>;
}

export interface IssueWriter {
  /** Adds an error, or replaces the one with its id. */
  putError(entry: ErrorEntry): Promise<void>;
  removeError(id: string): Promise<void>;
  /** Adds an alert, or replaces the one with its key (same key = same condition). */
  putAlert(alert: Alert): Promise<void>;
  removeAlert(key: string): Promise<void>;
}

// ——— cursors ———

/** Sync markers, read-only: they move only with the unit of `Repositories.write`. */
export interface CursorRepository {
  of(shop: string): Promise<ShopCursorView>;
  crmLastRun(crm: string): Promise<string | undefined>;
}

// ——— together ———

export interface RepositoryReaders {
  orders: OrderReader;
  stock: StockReader;
  carts: CartReader;
  crmLedger: CrmLedgerReader;
  queue: QueueReader;
  settings: SettingsReader;
  issues: IssueReader;
  cursors: CursorRepository;
}

/** The writers of one unit. Reads through them see the unit's own writes. */
export interface RepositoryWriters {
  orders: OrderWriter & OrderReader;
  stock: StockWriter & StockReader;
  carts: CartWriter & CartReader;
  crmLedger: CrmLedgerWriter & CrmLedgerReader;
  queue: QueueWriter & QueueReader;
  settings: SettingsWriter & SettingsReader;
  issues: IssueWriter & IssueReader;
}

export interface Repositories extends RepositoryReaders {
  /**
   * Runs `work`, then makes everything it wrote durable and only then moves `moves`: "write these
   * orders and move this cursor" is this one call. When `work` throws, nothing it wrote is kept by
   * a transactional implementation; the JSON folder keeps its in-memory changes for the next unit
   * (as `Store.checkpoint` does) but moves no marker. Units run one at a time, in call order.
   */
  write<T>(work: (w: RepositoryWriters) => Promise<T> | T, moves?: readonly CursorMove[]): Promise<T>;
  /** Waits for every write asked for so far. */
  flush(): Promise<void>;
}

// ——— what the API's handlers need besides (core/api/namespaces) ———
// Declared as additions to the interfaces above (TypeScript merges an interface's declarations), so
// this block stands apart from the jobs' additions and each side can grow without touching the other.

export interface StockReader {
  /**
   * Stock as it stood at an instant, replayed from the ledger: per SKU and location (null: held for
   * shops on all locations), the sum of every change up to and including `instant` (ISO). Ordered by
   * SKU, then location, as `stock at` lists them; positions that never changed are absent.
   */
  at(instant: string): Promise<LedgerPosition[]>;
  /** Every SKU's reorder point (a SKU without one is absent). */
  reorderPoints(): Promise<Record<string, number>>;
  /** How many SKUs the stock list holds (what `items().length` would say, without reading them). */
  skuCount(): Promise<number>;
}

export interface Repositories {
  /** Where the data is kept, in the merchant's words: the data folder, or the database and schema. */
  readonly where: string;
  /**
   * Shop and CRM keys (the keychain or secrets.json beside a folder; sealed rows in a database).
   * Not part of a unit: keys are written before the settings that refer to them and deleted after,
   * so a crash between leaves at most an unused key, never a shop without its keys.
   */
  readonly secrets: SecretStore;
}

// ——— what the API's namespaces need (core/api/namespaces: orders list, charts, stock list and low, errors retry) ———

/** A page of orders, newest first (created at, then number, both descending). */
export interface OrderQuery {
  /** Only orders whose status is this one. */
  status?: string;
  /** Only this shop's orders. */
  shop?: string;
  limit: number;
  offset: number;
}

export interface OrderPage {
  /** How many orders match, over every page. */
  total: number;
  orders: Order[];
}

export interface OrderReader {
  /**
   * One page of the orders that match, and how many match. Reads what the page needs, not every
   * order: without a status the total comes from the kept counts and reading stops at the month
   * that fills the page; a database answers both from its indexes.
   */
  page(query: OrderQuery): Promise<OrderPage>;
  /**
   * Orders created per UTC day (`YYYY-MM-DD`) and shop, from the day `from` (inclusive, `YYYY-MM-DD`)
   * on; days without orders are absent. Counted where they are kept: no order is copied.
   */
  perDay(from: string): Promise<Record<string, Record<string, number>>>;
}

export interface StockReader {
  /**
   * What every order holds now, added up per location (null: shops on all locations combined) and
   * SKU: the index availability is computed from (core/model/availability.ts), without the orders.
   */
  committedIndex(): Promise<CommittedIndex>;
  /**
   * Units of each SKU free to sell across every location: on hand less what orders hold at the
   * locations in the settings and for shops on all locations combined, never below 0 (`freeUnits`).
   */
  free(skus: readonly string[]): Promise<Record<string, number>>;
  /** The SKUs whose name contains `needle` (in any case), in SKU order as `items()`; only those are copied. */
  matching(needle: string): Promise<StockItem[]>;
}

// ——— what the stock jobs need (core/jobs/inventory.ts, stock-changes.ts, unlinked.ts, export.ts) ———
// Additions to the interfaces above, like the API's block: reads that hand a job the figure it needs
// (free units, which SKUs are stocked) instead of the whole stock list, and the low-stock marks.

export interface StockReader {
  /**
   * Every stock SKU's free units at a shop's source (core/model `freeUnitsAt`: on hand − held for
   * orders, by the availability rule; may be negative). What a push offers is worked out from this
   * one read, so it never copies the stock list. A SKU not on the stock list is absent.
   */
  freeAt(source: LocationMapping): Promise<Map<string, number>>;
  /** Units of a SKU free to sell across every location: on hand − held for orders, never below 0. */
  freeUnits(sku: string): Promise<number>;
  /** Which of `skus` are on the stock list (have a stock item, even at 0 units). */
  stocked(skus: Iterable<string>): Promise<Set<string>>;
  /** When the SKU's low-stock alert was raised (it fell to its reorder point or below), or undefined. */
  lowSince(sku: string): Promise<string | undefined>;
  /** The ledger's entries with `at` in the inclusive range (either end open), oldest first, read a page at a time. */
  ledgerEntries(range: { from?: string; to?: string }): AsyncIterable<LedgerEntry>;
}

export interface StockWriter {
  /** Marks the SKU as low since `since` (ISO), or clears the mark (null): one low-stock alert per fall. */
  setLowSince(sku: string, since: string | null): Promise<void>;
}

export interface OrderReader {
  /** `byMonth` the other way round: each month's orders, oldest month first, a month read only when reached. */
  byMonthOldestFirst(): AsyncIterable<Order[]>;
}

// ——— what the order, shipping and return jobs need (core/jobs/orders, refund-restock, returns, shipping) ———
// Additions to the interfaces above, as the API's block is: returns and shop refunds already put back
// on hand, by the key that makes each one booking (`return:ID`, `refund:SHOP#ID`).

export interface StockReader {
  /** The return or refund booked under `key`, or undefined when none is. */
  bookedReturn(key: string): Promise<BookedReturn | undefined>;
  /** The returns and refunds booked for one order (by its number), by key: what is already back on the shelf. */
  returnsOf(orderNumber: string): Promise<Record<string, BookedReturn>>;
}

export interface StockWriter {
  /**
   * Records that a return or refund is booked. Written in the unit that puts its units back on hand,
   * so a kill or a second sight of the same refund never restocks twice; the same key again replaces.
   */
  bookReturn(key: string, booked: BookedReturn): Promise<void>;
}

// ——— what the CRM and cart jobs and the work queue need (core/jobs/crm*.ts, carts.ts, core/runtime/queue.ts) ———
// Declared as additions to the interfaces above, like the API's block.

export interface QueueReader {
  /**
   * The items kept aside because this version could not read them (a hand edit, a newer version's
   * work), as they were, with the reason, in the order they were found. They never run; the work
   * queue names each one in the error list (queue.json `unreadable`; the table queue_unreadable).
   */
  unreadable(): Promise<UnreadableWork[]>;
}

export interface CartReader {
  /** The carts of one customer (their email, lower-case as carts keep it), in every shop and state. */
  ofCustomer(email: string): Promise<Cart[]>;
}

export interface CrmLedgerReader {
  /**
   * The done keys that added a tag in one CRM: those of the form `…|CRM|EMAIL|TAG|add` (crm.ts
   * `ledgerKey`), possibly with others ending so (the caller reads each key exactly). What a bulk
   * import must not send again without reading the contact first.
   */
  addedKeys(crm: string): Promise<string[]>;
}

// ——— what the engine and the scheduler need (core/engine) ———
// Additions to the interfaces above, like the API's block: the settings without the catalogue, read
// on every job run and every scheduler tick (which shops and CRMs there are, their intervals).

/** Everything `SettingsReader.get` gives but the catalogue. */
export type SettingsWithoutCatalogue = Omit<SettingsSnapshot, 'catalogue'>;

export interface SettingsReader {
  /**
   * `get()` without the catalogue: its aliases, kits and unlinked SKUs can run to 100,000 rows, and
   * the engine and the scheduler, which read the shops and CRMs on every run and tick, never need them.
   */
  withoutCatalogue(): Promise<SettingsWithoutCatalogue>;
}

// ——— what the work queue needs (core/runtime/queue.ts, its callers in core/jobs) ———
// Additions to the interfaces above, like the API's block: reads of the one item or the one contact
// a caller needs, so enqueueing a tag event or a shipping push never copies a whole lane, and the
// front of the queue, where a CRM batch goes.

export interface QueueReader {
  /** The item of `kind` with its work key (model/work.ts `workKey`: a shipping push by its order, CRM work by its id), or undefined. */
  find<K extends WorkKind>(kind: K, key: string): Promise<WorkOf<K> | undefined>;
  /** One contact's queued CRM contact items (email as queued, lower-case) in one lane, in queue order. */
  ofContact(lane: string, email: string): Promise<WorkOf<typeof CRM_CONTACT>[]>;
  /** How many items a lane (or the whole queue) holds, without reading them. */
  depth(lane?: string): Promise<number>;
}

export interface QueueWriter {
  /** Adds an item in front of every other (a CRM batch, settled before anything behind it), or replaces the one with its id, in its place. */
  putFirst(item: QueueEntry): Promise<void>;
}

// ——— what the API's glue needs (core/api/chart-recorder.ts) ———
// An addition to the interfaces above, like the API's block: the two figures the stock chart keeps
// for every SKU, worked out where the stock is kept instead of copying the stock list on each change.

/** A SKU's figures for the stock chart. */
export interface StockTotals {
  /** Units on hand over every location. */
  onHand: number;
  /** On hand less every unit held for orders (at any location or for shops on all locations); may be negative. */
  free: number;
}

export interface StockReader {
  /** Every stock SKU's totals (a SKU not on the stock list is absent): one read, no stock item copied. */
  totals(): Promise<Map<string, StockTotals>>;
}
