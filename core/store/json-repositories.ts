/**
 * The repositories (repositories.ts) over the JSON folder: a thin layer over the open Store's
 * documents, its OrderBook and its checkpoint, so that what the interfaces promise is exactly what
 * the folder already guarantees. A unit's writes change the documents in memory; `write` then runs
 * one checkpoint, which makes them durable and only then moves the markers.
 */
import type { LedgerEntry } from '../model';
import { copyRecord } from './copy';
import type { CursorMove, ShopCursorMove } from './cursors';
import { monthOf } from './order-book';
import type {
  CartReader,
  CartWriter,
  CrmLedgerReader,
  CrmLedgerWriter,
  CursorRepository,
  IssueReader,
  IssueWriter,
  OrderReader,
  OrderWriter,
  QueueEntry,
  QueueReader,
  QueueWriter,
  Repositories,
  RepositoryWriters,
  SettingsReader,
  SettingsSnapshot,
  SettingsWriter,
  StockReader,
  StockWriter,
} from './repositories';
import { extrasOf } from './stock-extras';
import { jsonStockForApi } from './json-repositories-api';
import { jsonOrdersForNamespaces, jsonStockForNamespaces } from './json-repositories-namespaces';
import { jsonOrdersForJobs, jsonStockEdits, jsonStockForJobs } from './json-repositories-stock';
import { jsonStockForOrders } from './json-repositories-orders';
import { jsonStockForGlue } from './json-repositories-glue';
import { jsonCartsForCrm, jsonCrmLedgerForCrm, jsonQueueForCrm } from './json-repositories-crm';
import { jsonSettingsForEngine } from './json-repositories-engine';
import { jsonQueueForWork } from './json-repositories-queue';
import type { Store } from './store';

const copy = copyRecord;

/** One shop's new orders in one month, counted as the unit's puts find them. */
type NewOrders = Map<string, Map<string, number>>;

export function jsonRepositories(store: Store): Repositories {
  // New orders put but not yet counted by a checkpoint. Taken (and cleared) just before the
  // checkpoint that writes them: a checkpoint that fails then leaves the counts short, never long,
  // which is what the owner's recount on start corrects (store.ts).
  let uncounted: NewOrders = new Map();
  let settingsTouched = false;
  // What the current unit changed. A unit that moves no marker and puts no order saves just these
  // documents (as a job saving only queue.json always did); any other unit runs a whole checkpoint.
  const touched = new Set<{ save(): Promise<void> }>();
  let ordersPut = false;
  let queue: Promise<unknown> = Promise.resolve();

  const orders: OrderReader & OrderWriter = {
    ...jsonOrdersForNamespaces(store),
    ...jsonOrdersForJobs(store),
    async get(shop, remoteId, createdAt) {
      const found = await store.orders.get(shop, remoteId, createdAt);
      return found && copy(found);
    },
    async findByNumber(number) {
      const found = await store.orders.findByNumber(number);
      return found && copy(found);
    },
    async *byMonth() {
      for await (const month of store.orders.byMonth()) yield month.map(copy);
    },
    counts: async () => store.cursors.orderCounts(),
    monthCounts: async () => store.cursors.orderMonths(),
    async put(order) {
      const known = await store.orders.get(order.shop, order.remoteId, order.createdAt);
      if (!known) {
        const months = uncounted.get(order.shop) ?? uncounted.set(order.shop, new Map()).get(order.shop)!;
        const month = monthOf(order.createdAt);
        months.set(month, (months.get(month) ?? 0) + 1);
      }
      ordersPut = true;
      await store.orders.stage(copy(order));
    },
  };

  const stockData = () => store.stock.data;
  const stockEdits = jsonStockEdits(store);

  const stock: StockReader & StockWriter = {
    ...jsonStockForApi(store),
    ...jsonStockForNamespaces(store),
    ...jsonStockForJobs(store, () => touched.add(store.stock)),
    ...jsonStockForOrders(store, () => touched.add(store.stock)),
    ...jsonStockForGlue(store),
    async item(sku) {
      const found = stockData().items[sku];
      return found && copy(found);
    },
    items: async () => Object.values(stockData().items).map(copy).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)),
    async commitment(key) {
      const found = stockData().commitments[key];
      return found && copy(found);
    },
    commitments: async () => copy(stockData().commitments),
    committed: async (sku, location) => store.ledger.committed(sku, location),
    history: (sku, location): Promise<LedgerEntry[]> => store.ledger.history(sku, location),
    shipmentsInTransit: async () => copy(stockData().shipments ?? {}),
    reorderPoint: async (sku) => stockData().extras?.reorderPoints[sku],

    // The change and its ledger entry go into stock.json itself, so they share one atomic write.
    async setOnHand(sku, location, quantity, why) {
      touched.add(store.stock);
      return stockEdits.setOnHand(sku, location, quantity, why);
    },
    async commit(key, next, why) {
      touched.add(store.stock);
      return stockEdits.commit(key, next, why);
    },
    async setReorderPoint(sku, point) {
      touched.add(store.stock);
      const extras = extrasOf(stockData());
      if (point > 0) extras.reorderPoints[sku] = point;
      else delete extras.reorderPoints[sku];
    },
    async shipmentInTransit(id, shipment) {
      touched.add(store.stock);
      const data = stockData();
      if (shipment) (data.shipments ??= {})[id] = copy(shipment);
      else if (data.shipments) delete data.shipments[id];
    },
  };

  const carts: CartReader & CartWriter = {
    ...jsonCartsForCrm(store),
    async get(id) {
      const found = store.carts.data.carts[id];
      return found && copy(found);
    },
    list: async (filter = {}) =>
      Object.values(store.carts.data.carts)
        .filter((c) => (filter.shop === undefined || c.shop === filter.shop) && (filter.state === undefined || c.state === filter.state))
        .map(copy),
    async put(cart) {
      touched.add(store.carts);
      store.carts.data.carts[cart.id] = copy(cart);
    },
    async remove(id) {
      touched.add(store.carts);
      delete store.carts.data.carts[id];
    },
  };

  const queueData = () => store.queue.data;
  const crmLedger: CrmLedgerReader & CrmLedgerWriter = {
    ...jsonCrmLedgerForCrm(store),
    done: async (key) => Object.hasOwn(queueData().ledger, key),
    customerOrders: async (email) => copy(queueData().customers[email.toLowerCase()] ?? {}),
    sentFields: async (crm, email) => queueData().crmSent[crm]?.[email.toLowerCase()],
    async markDone(key, at) {
      touched.add(store.queue);
      queueData().ledger[key] = at;
    },
    async customerOrder(email, key, order) {
      touched.add(store.queue);
      (queueData().customers[email.toLowerCase()] ??= {})[key] = { cents: order.cents, at: order.at };
    },
    async setSentFields(crm, email, signature) {
      touched.add(store.queue);
      (queueData().crmSent[crm] ??= {})[email.toLowerCase()] = signature;
    },
  };

  const work: QueueReader & QueueWriter = {
    ...jsonQueueForCrm(store),
    ...jsonQueueForWork(store, () => touched.add(store.queue)),
    list: async (lane) => queueData().items.filter((i) => lane === undefined || i.lane === lane).map((i): QueueEntry => copy(i)),
    async get(id) {
      const found = queueData().items.find((i) => i.id === id);
      return found && copy(found);
    },
    async put(item) {
      touched.add(store.queue);
      const items = queueData().items;
      const at = items.findIndex((i) => i.id === item.id);
      if (at >= 0) items[at] = copy(item);
      else items.push(copy(item));
    },
    async remove(id) {
      touched.add(store.queue);
      queueData().items = queueData().items.filter((i) => i.id !== id);
    },
  };

  const forEngine = jsonSettingsForEngine(store);
  const settings: SettingsReader & SettingsWriter = {
    ...forEngine,
    async get(): Promise<SettingsSnapshot> {
      return { ...(await forEngine.withoutCatalogue()), catalogue: copy(store.catalogue.data) };
    },
    async update(change) {
      const main = store.main.data;
      const { catalogue, ...rest } = copy(change);
      if (catalogue) {
        Object.assign(store.catalogue.data, catalogue);
        touched.add(store.catalogue);
      }
      if (Object.keys(rest).length) {
        Object.assign(main, rest);
        settingsTouched = true;
      }
    },
  };

  const issueData = () => store.issues.data;
  const issues: IssueReader & IssueWriter = {
    errors: async () => issueData().errors.map(copy),
    alerts: async () => issueData().alerts.map(copy),
    async putError(entry) {
      touched.add(store.issues);
      const errors = issueData().errors;
      const at = errors.findIndex((e) => e.id === entry.id);
      if (at >= 0) errors[at] = copy(entry);
      else errors.push(copy(entry));
    },
    async removeError(id) {
      touched.add(store.issues);
      issueData().errors = issueData().errors.filter((e) => e.id !== id);
    },
    async putAlert(alert) {
      touched.add(store.issues);
      const alerts = issueData().alerts;
      const at = alerts.findIndex((a) => a.key === alert.key);
      if (at >= 0) alerts[at] = copy(alert);
      else alerts.push(copy(alert));
    },
    async removeAlert(key) {
      touched.add(store.issues);
      issueData().alerts = issueData().alerts.filter((a) => a.key !== key);
    },
  };

  const cursors: CursorRepository = {
    of: async (shop) => store.cursors.of(shop),
    crmLastRun: async (crm) => store.cursors.crmLastRun(crm),
  };

  const writers: RepositoryWriters = { orders, stock, carts, crmLedger, queue: work, settings, issues };

  async function unit<T>(run: (w: RepositoryWriters) => Promise<T> | T, moves: readonly CursorMove[]): Promise<T> {
    const result = await run(writers);
    const counted = uncounted;
    uncounted = new Map();
    const countMoves: ShopCursorMove[] = [...counted].map(([shop, months]) => ({
      shop,
      ordersImported: [...months.values()].reduce((a, b) => a + b, 0),
      ordersImportedIn: Object.fromEntries(months),
    }));
    // Settings are not among what a checkpoint covers (no marker depends on them): saved first, on their own.
    if (settingsTouched) {
      settingsTouched = false;
      await store.main.save();
    }
    const changed = [...touched];
    touched.clear();
    const wholeCheckpoint = ordersPut || moves.length > 0;
    ordersPut = false;
    if (wholeCheckpoint) await store.checkpoint(...moves, ...countMoves);
    else await Promise.all(changed.map((d) => d.save()));
    return result;
  }

  return {
    where: store.dataDir,
    secrets: store.secrets,
    orders,
    stock,
    carts,
    crmLedger,
    queue: work,
    settings,
    issues,
    cursors,
    write<T>(run: (w: RepositoryWriters) => Promise<T> | T, moves: readonly CursorMove[] = []): Promise<T> {
      // One unit at a time, in call order: a unit's reads see every earlier unit's writes.
      const next = queue.then(() => unit(run, moves));
      queue = next.catch(() => undefined);
      return next;
    },
    flush: () => store.flush(),
  };
}
