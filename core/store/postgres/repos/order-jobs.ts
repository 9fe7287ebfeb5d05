/**
 * The stock members the order, shipping and return jobs need (their block at the end of
 * ../../repositories.ts) on PostgreSQL: booked returns, one row each (migration 0006), read by key
 * or by order number — never the whole table.
 */
import type { StockReader, StockWriter } from '../../repositories';
import type { BookedReturn } from '../../stock-extras';
import type { Db, Tables } from './db';

export function postgresStockForOrders(db: Db, t: Tables): Pick<StockReader & StockWriter, 'bookedReturn' | 'returnsOf' | 'bookReturn'> {
  return {
    async bookedReturn(key) {
      const { rows } = await db.query<{ booked: BookedReturn }>(`select booked from ${t('stock_returns')} where key = $1`, [key]);
      return rows[0]?.booked;
    },
    async returnsOf(orderNumber) {
      const { rows } = await db.query<{ key: string; booked: BookedReturn }>(`select key, booked from ${t('stock_returns')} where order_number = $1`, [orderNumber]);
      return Object.fromEntries(rows.map((r) => [r.key, r.booked]));
    },
    async bookReturn(key, booked) {
      await db.query(
        `insert into ${t('stock_returns')} (key, order_number, booked) values ($1, $2, $3)
         on conflict (key) do update set order_number = excluded.order_number, booked = excluded.booked`,
        [key, booked.order, JSON.stringify(booked)],
      );
    },
  };
}
