/**
 * How the local store's records become rows of the PostgreSQL schema (migrations/0001_initial.sql),
 * one table at a time, and a checksum of a table's rows that comes out the same whether the rows
 * were built here from the data folder or read back from the database.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store';
import { monthOf } from '../order-book';
import { sealSecret, type StoreKey } from './secret-box';

export type Cell = string | number | boolean | null | Date | Record<string, unknown> | unknown[];
export type Row = Record<string, Cell>;

export interface TableSpec {
  table: string;
  columns: string[];
  /** Columns of the primary key; rows are unique by these. */
  key: string[];
  /** Columns stored as jsonb. */
  json?: string[];
  /** The folder's rows for this table, in a stable order, in batches. */
  rows(source: Store, key: StoreKey): AsyncGenerator<Row[]>;
}

const instant = (text: string | undefined | null): Date | null => (text ? new Date(text) : null);
const BATCH = 500;

async function* inBatches(rows: Iterable<Row> | AsyncIterable<Row>): AsyncGenerator<Row[]> {
  let batch: Row[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function sealed(source: Store, key: StoreKey, ref: string, context: string): Promise<string | null> {
  const credentials = await source.secrets.get(ref);
  return credentials ? sealSecret(key, JSON.stringify(credentials), context) : null;
}

/** Splits an order key (`shop#remoteId`); shop names cannot contain `#`. */
function splitOrderKey(key: string): [string, string] {
  const at = key.indexOf('#');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** The tables in the order they are copied. */
export const TABLES: TableSpec[] = [
  {
    table: 'app_settings', columns: ['id', 'settings', 'created_at'], key: ['id'], json: ['settings'],
    async *rows(source) {
      yield [{ id: true, settings: source.main.data.settings, created_at: instant(source.main.data.createdAt) }];
    },
  },
  {
    table: 'locations', columns: ['name', 'added_at'], key: ['name'],
    rows: (source) => inBatches(source.main.data.locations.map((l) => ({ name: l.name, added_at: instant(l.addedAt) }))),
  },
  {
    table: 'shops', columns: ['name', 'platform', 'settings', 'credentials', 'added_at'], key: ['name'], json: ['settings'],
    async *rows(source, key) {
      const rows: Row[] = [];
      for (const shop of source.main.data.shops) {
        rows.push({ name: shop.name, platform: shop.platform, settings: shop, credentials: await sealed(source, key, shop.secretRef, `shop:${shop.name}`), added_at: instant(shop.addedAt) });
      }
      yield* inBatches(rows);
    },
  },
  {
    table: 'crm_connections', columns: ['name', 'platform', 'settings', 'credentials', 'last_run_at', 'added_at'], key: ['name'], json: ['settings'],
    async *rows(source, key) {
      const rows: Row[] = [];
      for (const crm of source.main.data.crms) {
        rows.push({
          name: crm.name, platform: crm.platform, settings: crm, credentials: await sealed(source, key, crm.secretRef, `crm:${crm.name}`),
          last_run_at: instant(source.cursors.crmLastRun(crm.name)), added_at: instant(crm.addedAt),
        });
      }
      yield* inBatches(rows);
    },
  },
  {
    table: 'rules', columns: ['id', 'position', 'rule'], key: ['id'], json: ['rule'],
    rows: (source) => inBatches(source.main.data.rules.map((rule, position) => ({ id: rule.id, position, rule }))),
  },
  {
    table: 'orders',
    columns: ['shop', 'remote_id', 'number', 'status', 'fulfilment', 'customer_email', 'created_at', 'modified_at', 'month', 'total', 'currency', 'order_json'],
    key: ['shop', 'remote_id'], json: ['order_json'],
    async *rows(source) {
      for await (const month of source.orders.byMonth()) {
        yield* inBatches(month.map((o) => ({
          shop: o.shop, remote_id: o.remoteId, number: o.number, status: o.status, fulfilment: o.fulfilment, customer_email: o.customer.email,
          created_at: instant(o.createdAt), modified_at: instant(o.modifiedAt), month: monthOf(o.createdAt), total: o.total, currency: o.currency, order_json: o,
        })));
      }
    },
  },
  {
    table: 'order_months', columns: ['shop', 'month', 'order_count'], key: ['shop', 'month'],
    async *rows(source) {
      const counts = new Map<string, Row>();
      for await (const order of source.orders.all()) {
        const month = monthOf(order.createdAt);
        const id = `${order.shop}\n${month}`;
        const row = counts.get(id) ?? { shop: order.shop, month, order_count: 0 };
        row.order_count = (row.order_count as number) + 1;
        counts.set(id, row);
      }
      yield* inBatches(counts.values());
    },
  },
  {
    table: 'stock', columns: ['sku', 'location', 'on_hand'], key: ['sku', 'location'],
    rows: (source) => inBatches(Object.values(source.stock.data.items).flatMap((item) => Object.entries(item.onHand).map(([location, qty]) => ({ sku: item.sku, location, on_hand: qty })))),
  },
  {
    table: 'stock_commitments', columns: ['shop', 'remote_id', 'location', 'lines'], key: ['shop', 'remote_id'], json: ['lines'],
    rows: (source) => inBatches(Object.entries(source.stock.data.commitments).map(([orderKey, c]) => {
      const [shop, remoteId] = splitOrderKey(orderKey);
      return { shop, remote_id: remoteId, location: c.location, lines: c.lines };
    })),
  },
  {
    table: 'carts', columns: ['id', 'shop', 'remote_id', 'email', 'state', 'updated_at', 'cart_json'], key: ['id'], json: ['cart_json'],
    rows: (source) => inBatches(Object.values(source.carts.data.carts).map((c) => ({
      id: c.id, shop: c.shop, remote_id: c.remoteId, email: c.email, state: c.state, updated_at: instant(c.updatedAt), cart_json: c,
    }))),
  },
  {
    table: 'crm_ledger', columns: ['key', 'done_at'], key: ['key'],
    rows: (source) => inBatches(Object.entries(source.queue.data.ledger).map(([key, at]) => ({ key, done_at: instant(at) }))),
  },
  {
    table: 'crm_customer_orders', columns: ['email', 'order_key', 'cents', 'ordered_at'], key: ['email', 'order_key'],
    rows: (source) => inBatches(Object.entries(source.queue.data.customers).flatMap(([email, orders]) =>
      Object.entries(orders).map(([orderKey, o]) => ({ email, order_key: orderKey, cents: o.cents, ordered_at: instant(o.at) })))),
  },
  {
    table: 'queue_items', columns: ['id', 'lane', 'kind', 'payload', 'enqueued_at', 'attempts', 'not_before'], key: ['id'], json: ['payload'],
    rows: (source) => inBatches(source.queue.data.items.map((i) => ({
      id: i.id, lane: i.lane, kind: i.kind, payload: i.payload, enqueued_at: instant(i.enqueuedAt), attempts: i.attempts, not_before: instant(i.notBefore),
    }))),
  },
  {
    // Kept as they were: an item may not even be an object, so it goes whole into one jsonb column.
    table: 'queue_unreadable', columns: ['position', 'item', 'problem'], key: ['position'], json: ['item'],
    rows: (source) => inBatches((source.queue.data.unreadable ?? []).map((u, position) => ({ position, item: keptAsIs(u.item), problem: u.problem }))),
  },
  {
    table: 'issue_errors', columns: ['id', 'source_kind', 'source_name', 'dismissed', 'last_at', 'error_json'], key: ['id'], json: ['error_json'],
    rows: (source) => inBatches(source.issues.data.errors.map((e) => ({ id: e.id, source_kind: e.source.kind, source_name: e.source.name, dismissed: e.dismissed, last_at: instant(e.lastAt), error_json: e }))),
  },
  {
    table: 'issue_alerts', columns: ['id', 'key', 'source_kind', 'source_name', 'dismissed', 'last_at', 'alert_json'], key: ['id'], json: ['alert_json'],
    rows: (source) => inBatches(source.issues.data.alerts.map((a) => ({ id: a.id, key: a.key, source_kind: a.source.kind, source_name: a.source.name, dismissed: a.dismissed, last_at: instant(a.lastAt), alert_json: a }))),
  },
  {
    table: 'shop_cursors', columns: ['shop', 'orders_modified_after', 'carts_modified_after', 'last_run'], key: ['shop'], json: ['last_run'],
    rows: (source) => inBatches(shopsWithMarkers(source).map((shop) => {
      const c = source.cursors.of(shop);
      return { shop, orders_modified_after: instant(c.ordersModifiedAfter), carts_modified_after: instant(c.cartsModifiedAfter), last_run: c.lastRun };
    })),
  },
  {
    table: 'shop_last_sent', columns: ['shop', 'sku', 'quantity'], key: ['shop', 'sku'],
    rows: (source) => inBatches(shopsWithMarkers(source).flatMap((shop) => Object.entries(source.cursors.of(shop).lastSent).map(([sku, quantity]) => ({ shop, sku, quantity })))),
  },
  {
    table: 'shop_skipped_stock', columns: ['shop', 'sku', 'wanted', 'reason'], key: ['shop', 'sku'],
    rows: (source) => inBatches(shopsWithMarkers(source).flatMap((shop) => Object.entries(source.cursors.of(shop).skipped ?? {}).map(([sku, s]) => ({ shop, sku, wanted: s.wanted, reason: s.reason })))),
  },
];

/** An unreadable item as a cell: the JSON value it was read as (jsonb holds any JSON value, null included). */
function keptAsIs(item: unknown): Cell {
  if (item === null || typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' || Array.isArray(item)) return item;
  if (typeof item === 'object') return Object.fromEntries(Object.entries(item));
  return null; // read from JSON, so never undefined, a function or a bigint
}

/** Shops with sync markers: the configured shops and any others the cursors still hold. */
function shopsWithMarkers(source: Store): string[] {
  const names = new Set(source.main.data.shops.map((s) => s.name));
  for (const shop of Object.keys(source.cursors.orderCounts())) names.add(shop);
  return [...names].sort();
}

/** Canonical text of a value: dates as ISO instants, objects with sorted keys, undefined fields dropped (as jsonb keeps them). */
function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A table checksum that does not depend on row order: the count and the sum of each row's hash.
 * Sealed credentials differ on every sealing, so they are compared opened, not as stored text.
 */
export class TableChecksum {
  private sum = 0n;
  rows = 0;
  add(spec: TableSpec, row: Row, open: (sealed: string, context: string) => string): void {
    const values = spec.columns.map((column) => {
      const value = row[column];
      if (column === 'credentials' && typeof value === 'string') return open(value, `${spec.table === 'shops' ? 'shop' : 'crm'}:${String(row.name)}`);
      // node-postgres returns bigint as text; the folder holds numbers.
      if (column === 'cents' && typeof value === 'string') return Number(value);
      return value;
    });
    const digest = createHash('sha256').update(canonical(values)).digest();
    this.sum = (this.sum + digest.readBigUInt64BE(0)) & 0xffff_ffff_ffff_ffffn;
    this.rows++;
  }
  get value(): string {
    return `${this.rows}:${this.sum.toString(16).padStart(16, '0')}`;
  }
}
