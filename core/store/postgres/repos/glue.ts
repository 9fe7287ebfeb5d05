/**
 * The member the API's chart recorder needs (the block "what the API's glue needs" at the end of
 * repositories.ts) on PostgreSQL: both figures summed by the database, one row per SKU.
 */
import type { StockReader } from '../../repositories';
import type { Db, Tables } from './db';

export function postgresStockForGlue(db: Db, t: Tables): Pick<StockReader, 'totals'> {
  return {
    async totals() {
      const { rows } = await db.query<{ sku: string; on_hand: string; held: string | null }>(
        `select s.sku, s.on_hand, c.held
           from (select sku, sum(on_hand) as on_hand from ${t('stock')} group by sku) s
           left join (select sku, sum(units) as held from ${t('stock_committed')} group by sku) c on c.sku = s.sku`,
      );
      return new Map(rows.map((r) => [r.sku, { onHand: Number(r.on_hand), free: Number(r.on_hand) - Number(r.held ?? 0) }]));
    },
  };
}
