/**
 * The members the API's namespaces need (the block "what the API's namespaces need" at the end of
 * ../../repositories.ts) on PostgreSQL. A page of orders is one indexed query (orders_by_created,
 * orders_by_shop_created, orders_by_status) and its total one count or the kept per-month counts:
 * nothing reads every order.
 */
import type { CommittedIndex, Order, StockItem } from '../../../model';
import type { OrderReader, StockReader } from '../../repositories';
import type { Db, Tables } from './db';

export function postgresOrdersForNamespaces(db: Db, t: Tables): Pick<OrderReader, 'page' | 'perDay'> {
  return {
    async perDay(from) {
      const { rows } = await db.query<{ day: string; shop: string; n: string }>(
        `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, shop, count(*) as n from ${t('orders')}
         where created_at >= ($1::date)::timestamp at time zone 'UTC' group by 1, 2`,
        [from],
      );
      const days: Record<string, Record<string, number>> = {};
      for (const r of rows) (days[r.day] ??= {})[r.shop] = Number(r.n);
      return days;
    },
    async page({ status, shop, limit, offset }) {
      // An empty status or shop filters nothing, as in the JSON store.
      const where: string[] = [];
      const args: unknown[] = [];
      if (status) where.push(`status = $${args.push(status)}`);
      if (shop) where.push(`shop = $${args.push(shop)}`);
      const filter = where.length ? `where ${where.join(' and ')}` : '';
      // Without a status the kept counts say how many there are (kept in the orders' own transactions, so exact).
      const total = !status
        ? await db.query<{ n: string | null }>(`select sum(order_count) as n from ${t('order_months')} ${shop ? 'where shop = $1' : ''}`, shop ? [shop] : [])
        : await db.query<{ n: string | null }>(`select count(*) as n from ${t('orders')} ${filter}`, args);
      const { rows } = await db.query<{ order_json: Order }>(
        `select order_json from ${t('orders')} ${filter} order by created_at desc, number desc limit $${args.length + 1} offset $${args.length + 2}`,
        [...args, limit, offset],
      );
      return { total: Number(total.rows[0]?.n ?? 0), orders: rows.map((r) => r.order_json) };
    },
  };
}

export function postgresStockForNamespaces(db: Db, t: Tables): Pick<StockReader, 'committedIndex' | 'free' | 'matching'> {
  return {
    async matching(needle) {
      // json (not jsonb) keeps the locations in the order given: byte order, as items() lists them.
      const { rows } = await db.query<StockItem>(
        `select sku, json_object_agg(location, on_hand order by location collate "C") as "onHand" from ${t('stock')}
         where strpos(lower(sku), lower($1)) > 0 group by sku order by sku collate "C"`,
        [needle],
      );
      return rows.map((r) => ({ sku: r.sku, onHand: r.onHand }));
    },
    async committedIndex() {
      // The kept totals (stock_committed): one row per SKU and location, however many orders hold it.
      const { rows } = await db.query<{ sku: string; location: string; units: number }>(`select sku, location, units from ${t('stock_committed')} where units > 0`);
      const byLocation: CommittedIndex['byLocation'] = new Map();
      for (const r of rows) {
        const location = r.location === '' ? null : r.location;
        const skus = byLocation.get(location) ?? byLocation.set(location, new Map()).get(location)!;
        skus.set(r.sku, r.units);
      }
      return { byLocation };
    },
    free: (skus) => freeOf(db, t, skus),
  };
}

/**
 * Units of each SKU free to sell across every location (`StockReader.free`, and `freeUnits` for one):
 * on hand less what is held for shops on all locations ('') and at each location the merchant has,
 * as the folder counts it, never below 0.
 */
export async function freeOf(db: Db, t: Tables, skus: readonly string[]): Promise<Record<string, number>> {
  if (skus.length === 0) return {};
  const { rows } = await db.query<{ sku: string; free: string }>(
    `select w.sku,
       greatest(0, coalesce((select sum(on_hand) from ${t('stock')} s where s.sku = w.sku), 0)
         - coalesce((select sum(units) from ${t('stock_committed')} c where c.sku = w.sku and (c.location = '' or c.location in (select name from ${t('locations')}))), 0)) as free
     from unnest($1::text[]) as w(sku)`,
    [[...skus]],
  );
  return Object.fromEntries(rows.map((r) => [r.sku, Number(r.free)]));
}
