/**
 * Orders on PostgreSQL. A put is one upsert; when it inserted (not replaced) the order, the same
 * transaction adds one to order_months with an upsert, whose row lock makes concurrent writers'
 * increments add up instead of overwriting each other. An order keeps the month it was first
 * stored in, as the JSON store keeps it in its partition.
 */
import type { Order } from '../../../model';
import { monthOf } from '../../order-book';
import type { OrderReader, OrderWriter } from '../../repositories';
import type { Db, Tables } from './db';
import { postgresOrdersForNamespaces } from './namespaces';
import { postgresOrdersForJobs } from './stock-jobs';

export function postgresOrders(db: Db, t: Tables): OrderReader & OrderWriter {
  return {
    ...postgresOrdersForNamespaces(db, t),
    ...postgresOrdersForJobs(db, t),
    async get(shop, remoteId) {
      const { rows } = await db.query<{ order_json: Order }>(`select order_json from ${t('orders')} where shop = $1 and remote_id = $2`, [shop, remoteId]);
      return rows[0]?.order_json;
    },
    async findByNumber(number) {
      const { rows } = await db.query<{ order_json: Order }>(`select order_json from ${t('orders')} where number = $1`, [number]);
      return rows[0]?.order_json;
    },
    async *byMonth() {
      const { rows: months } = await db.query<{ month: string }>(`select distinct month from ${t('orders')} order by month desc`);
      for (const { month } of months) {
        const { rows } = await db.query<{ order_json: Order }>(`select order_json from ${t('orders')} where month = $1 order by created_at, shop, remote_id`, [month]);
        yield rows.map((r) => r.order_json);
      }
    },
    async counts() {
      const { rows } = await db.query<{ shop: string; n: string }>(`select shop, sum(order_count) as n from ${t('order_months')} group by shop`);
      return Object.fromEntries(rows.filter((r) => Number(r.n) > 0).map((r) => [r.shop, Number(r.n)]));
    },
    async monthCounts() {
      const { rows } = await db.query<{ shop: string; month: string; order_count: number }>(`select shop, month, order_count from ${t('order_months')} where order_count > 0 order by month`);
      const months: Record<string, Record<string, number>> = {};
      for (const r of rows) (months[r.month] ??= {})[r.shop] = r.order_count;
      return months;
    },
    async put(order) {
      const month = monthOf(order.createdAt);
      // xmax = 0 only on a row this statement inserted: the one case that adds to the counts.
      const { rows } = await db.query<{ inserted: boolean; month: string }>(
        `insert into ${t('orders')} (shop, remote_id, number, status, fulfilment, customer_email, created_at, modified_at, month, total, currency, order_json)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         on conflict (shop, remote_id) do update set number = excluded.number, status = excluded.status, fulfilment = excluded.fulfilment,
           customer_email = excluded.customer_email, modified_at = excluded.modified_at, total = excluded.total, currency = excluded.currency, order_json = excluded.order_json
         returning (xmax = 0) as inserted, month`,
        [order.shop, order.remoteId, order.number, order.status, order.fulfilment, order.customer.email, order.createdAt, order.modifiedAt, month, order.total, order.currency, JSON.stringify(order)],
      );
      if (rows[0]?.inserted) {
        await db.query(
          `insert into ${t('order_months')} (shop, month, order_count) values ($1, $2, 1)
           on conflict (shop, month) do update set order_count = ${t('order_months')}.order_count + 1`,
          [order.shop, rows[0].month],
        );
      }
    },
  };
}
