/**
 * The stock and order members the stock jobs need (the block "what the stock jobs need" at the end
 * of ../../repositories.ts) on PostgreSQL. Free units are worked out by the model's availability
 * rule from the rows, so both stores offer exactly the same figures.
 */
import { freeUnitsAt, type CommittedIndex, type Order, type StockItem } from '../../../model';
import type { OrderReader, StockReader, StockWriter } from '../../repositories';
import { freeOf } from './namespaces';
import { iso, type Db, type Tables } from './db';
import { entryOf, type LedgerRow } from './ledger-rows';

/** Ledger entries read per query while streaming a range (a million entries never sit in memory). */
const LEDGER_PAGE = 5000;


export function postgresStockForJobs(db: Db, t: Tables): Pick<StockReader & StockWriter, 'freeAt' | 'freeUnits' | 'stocked' | 'lowSince' | 'ledgerEntries' | 'setLowSince'> {
  return {
    async freeAt(source) {
      const stock = await db.query<{ sku: string; location: string; on_hand: number }>(`select sku, location, on_hand from ${t('stock')}`);
      const held = await db.query<{ sku: string; location: string; units: number }>(`select sku, location, units from ${t('stock_committed')} where units > 0`);
      const items: Record<string, StockItem> = {};
      for (const r of stock.rows) (items[r.sku] ??= { sku: r.sku, onHand: {} }).onHand[r.location] = r.on_hand;
      const index: CommittedIndex = { byLocation: new Map() };
      for (const r of held.rows) {
        const location = r.location === '' ? null : r.location;
        const skus = index.byLocation.get(location) ?? index.byLocation.set(location, new Map()).get(location)!;
        skus.set(r.sku, r.units);
      }
      return freeUnitsAt(items, source, index);
    },
    freeUnits: async (sku) => (await freeOf(db, t, [sku]))[sku] ?? 0,
    async stocked(skus) {
      const wanted = [...new Set(skus)];
      if (wanted.length === 0) return new Set();
      const { rows } = await db.query<{ sku: string }>(`select distinct sku from ${t('stock')} where sku = any($1::text[])`, [wanted]);
      return new Set(rows.map((r) => r.sku));
    },
    async lowSince(sku) {
      const { rows } = await db.query<{ since: Date }>(`select since from ${t('stock_low')} where sku = $1`, [sku]);
      return iso(rows[0]?.since);
    },
    async *ledgerEntries(range) {
      let after = 0;
      for (;;) {
        const { rows } = await db.query<LedgerRow>(
          `select seq, at, sku, location, measure, delta, after, cause, ref from ${t('stock_ledger')}
           where seq > $1 and ($2::timestamptz is null or at >= $2) and ($3::timestamptz is null or at <= $3) order by seq limit ${LEDGER_PAGE}`,
          [after, range.from ?? null, range.to ?? null],
        );
        for (const r of rows) yield entryOf(r);
        if (rows.length < LEDGER_PAGE) return;
        after = Number(rows.at(-1)!.seq);
      }
    },
    async setLowSince(sku, since) {
      if (since) await db.query(`insert into ${t('stock_low')} (sku, since) values ($1, $2) on conflict (sku) do update set since = excluded.since`, [sku, since]);
      else await db.query(`delete from ${t('stock_low')} where sku = $1`, [sku]);
    },
  };
}

export function postgresOrdersForJobs(db: Db, t: Tables): Pick<OrderReader, 'byMonthOldestFirst'> {
  return {
    async *byMonthOldestFirst() {
      const { rows: months } = await db.query<{ month: string }>(`select distinct month from ${t('orders')} order by month`);
      for (const { month } of months) {
        const { rows } = await db.query<{ order_json: Order }>(`select order_json from ${t('orders')} where month = $1 order by created_at, shop, remote_id`, [month]);
        yield rows.map((r) => r.order_json);
      }
    },
  };
}
