/**
 * Stock on PostgreSQL: on hand, the stock held for orders, and the ledger that explains both. Each
 * change writes its ledger entry in the same statement sequence of the unit's transaction, so the
 * change and its entry commit together or not at all.
 *
 * Concurrency: a change reads the current quantity, so it first takes the record's advisory lock
 * (db.ts `lockRecord`) — the row may not exist yet, and a row lock cannot cover a missing row.
 * Totals of committed units change by an upsert that adds the difference, under its row lock, so
 * two processes committing the same SKU never lose a unit between them.
 */
import type { Commitment, LedgerEntry, Shipment, StockItem } from '../../../model';
import type { StockReader, StockReason, StockWriter } from '../../repositories';
import { lockRecord, type Db, type Tables } from './db';
import { entryOf, type LedgerRow } from './ledger-rows';
import { postgresStockForApi } from './stock-api';
import { postgresStockForNamespaces } from './namespaces';
import { postgresStockForJobs } from './stock-jobs';
import { postgresStockForOrders } from './order-jobs';
import { postgresStockForGlue } from './glue';

/** The stock_committed key of a location: '' for shops on all locations combined. */
const locationKey = (location: string | null): string => location ?? '';


/** Commitments compared by content: jsonb does not keep key order. */
function sameCommitment(a: Commitment | undefined, b: Commitment | null): boolean {
  if (!a || !b) return !a && !b;
  if (a.location !== b.location) return false;
  const x = Object.entries(a.lines).sort(([p], [q]) => (p < q ? -1 : 1));
  const y = Object.entries(b.lines).sort(([p], [q]) => (p < q ? -1 : 1));
  return JSON.stringify(x) === JSON.stringify(y);
}

function splitOrderKey(key: string): [string, string] {
  const at = key.indexOf('#');
  if (at <= 0) throw new Error(`Order key '${key}' is not in the form shop#remoteId.`);
  return [key.slice(0, at), key.slice(at + 1)];
}

export function postgresStock(db: Db, t: Tables): StockReader & StockWriter {
  async function record(why: StockReason, sku: string, location: string | null, measure: LedgerEntry['measure'], delta: number, after: number): Promise<void> {
    await db.query(`insert into ${t('stock_ledger')} (at, sku, location, measure, delta, after, cause, ref) values ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      why.at, sku, location, measure, delta, after, why.cause, why.ref ? why.ref.slice(0, 300) : null,
    ]);
  }

  async function commitment(key: string): Promise<Commitment | undefined> {
    const [shop, remoteId] = splitOrderKey(key);
    const { rows } = await db.query<{ location: string | null; lines: Record<string, number> }>(`select location, lines from ${t('stock_commitments')} where shop = $1 and remote_id = $2`, [shop, remoteId]);
    return rows[0] && { location: rows[0].location, lines: rows[0].lines };
  }

  function itemsOf(rows: Array<{ sku: string; location: string; on_hand: number }>): StockItem[] {
    const items = new Map<string, StockItem>();
    for (const r of rows) {
      const item = items.get(r.sku) ?? items.set(r.sku, { sku: r.sku, onHand: {} }).get(r.sku)!;
      item.onHand[r.location] = r.on_hand;
    }
    return [...items.values()];
  }

  return {
    ...postgresStockForApi(db, t),
    ...postgresStockForNamespaces(db, t),
    ...postgresStockForJobs(db, t),
    ...postgresStockForOrders(db, t),
    ...postgresStockForGlue(db, t),
    async item(sku) {
      const { rows } = await db.query<{ sku: string; location: string; on_hand: number }>(`select sku, location, on_hand from ${t('stock')} where sku = $1`, [sku]);
      return itemsOf(rows)[0];
    },
    async items() {
      // Byte order, as the JSON store sorts, whatever the database's collation.
      const { rows } = await db.query<{ sku: string; location: string; on_hand: number }>(`select sku, location, on_hand from ${t('stock')} order by sku collate "C", location collate "C"`);
      return itemsOf(rows);
    },
    commitment,
    async commitments() {
      const { rows } = await db.query<{ shop: string; remote_id: string; location: string | null; lines: Record<string, number> }>(`select shop, remote_id, location, lines from ${t('stock_commitments')}`);
      return Object.fromEntries(rows.map((r) => [`${r.shop}#${r.remote_id}`, { location: r.location, lines: r.lines }]));
    },
    async committed(sku, location) {
      const { rows } = await db.query<{ units: number }>(`select units from ${t('stock_committed')} where sku = $1 and location = $2`, [sku, locationKey(location)]);
      return rows[0]?.units ?? 0;
    },
    async history(sku, location) {
      const { rows } = await db.query<LedgerRow>(
        `select seq, at, sku, location, measure, delta, after, cause, ref from ${t('stock_ledger')} where sku = $1 ${location === undefined ? '' : 'and location = $2'} order by seq`,
        location === undefined ? [sku] : [sku, location],
      );
      return rows.map(entryOf);
    },
    async shipmentsInTransit() {
      const { rows } = await db.query<{ id: string; shipment: Shipment }>(`select id, shipment from ${t('shipments_in_transit')}`);
      return Object.fromEntries(rows.map((r) => [r.id, r.shipment]));
    },
    async reorderPoint(sku) {
      const { rows } = await db.query<{ point: number }>(`select point from ${t('stock_reorder_points')} where sku = $1`, [sku]);
      return rows[0]?.point;
    },

    async setOnHand(sku, location, quantity, why) {
      await lockRecord(db, 'stock', sku, location);
      const { rows } = await db.query<{ on_hand: number }>(`select on_hand from ${t('stock')} where sku = $1 and location = $2`, [sku, location]);
      const delta = quantity - (rows[0]?.on_hand ?? 0);
      await db.query(`insert into ${t('stock')} (sku, location, on_hand) values ($1, $2, $3) on conflict (sku, location) do update set on_hand = excluded.on_hand`, [sku, location, quantity]);
      if (delta !== 0) await record(why, sku, location, 'onHand', delta, quantity);
      return delta;
    },
    async commit(key, next, why) {
      await lockRecord(db, 'commitment', key);
      const current = await commitment(key);
      if (sameCommitment(current, next)) return false;
      const deltas = new Map<string, { sku: string; location: string | null; delta: number }>();
      const add = (c: Commitment | undefined | null, sign: number) => {
        for (const [sku, qty] of Object.entries(c?.lines ?? {})) {
          const id = `${sku}\u0000${locationKey(c!.location)}`;
          const row = deltas.get(id) ?? deltas.set(id, { sku, location: c!.location, delta: 0 }).get(id)!;
          row.delta += sign * qty;
        }
      };
      add(current, -1);
      add(next, 1);
      for (const { sku, location, delta } of deltas.values()) {
        if (delta === 0) continue;
        const { rows } = await db.query<{ units: number }>(
          `insert into ${t('stock_committed')} (sku, location, units) values ($1, $2, greatest(0, $3::integer))
           on conflict (sku, location) do update set units = greatest(0, ${t('stock_committed')}.units + $3::integer) returning units`,
          [sku, locationKey(location), delta],
        );
        await record(why, sku, location, 'committed', delta, rows[0]!.units);
      }
      const [shop, remoteId] = splitOrderKey(key);
      if (next) {
        await db.query(
          `insert into ${t('stock_commitments')} (shop, remote_id, location, lines) values ($1, $2, $3, $4)
           on conflict (shop, remote_id) do update set location = excluded.location, lines = excluded.lines`,
          [shop, remoteId, next.location, JSON.stringify(next.lines)],
        );
      } else {
        await db.query(`delete from ${t('stock_commitments')} where shop = $1 and remote_id = $2`, [shop, remoteId]);
      }
      return true;
    },
    async setReorderPoint(sku, point) {
      if (point > 0) await db.query(`insert into ${t('stock_reorder_points')} (sku, point) values ($1, $2) on conflict (sku) do update set point = excluded.point`, [sku, point]);
      else await db.query(`delete from ${t('stock_reorder_points')} where sku = $1`, [sku]);
    },
    async shipmentInTransit(id, shipment) {
      if (shipment) await db.query(`insert into ${t('shipments_in_transit')} (id, shipment) values ($1, $2) on conflict (id) do update set shipment = excluded.shipment`, [id, JSON.stringify(shipment)]);
      else await db.query(`delete from ${t('shipments_in_transit')} where id = $1`, [id]);
    },
  };
}
