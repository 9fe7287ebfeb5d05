/**
 * The stock members the API's handlers need (the block at the end of ../../repositories.ts) on
 * PostgreSQL. `at` adds up the ledger in the database, so `stock at` reads one row per SKU,
 * location and measure, however long the history.
 */
import type { LedgerEntry, LedgerPosition } from '../../../model';
import type { StockReader } from '../../repositories';
import type { Db, Tables } from './db';

export function postgresStockForApi(db: Db, t: Tables): Pick<StockReader, 'at' | 'reorderPoints' | 'skuCount'> {
  return {
    async at(instant) {
      const { rows } = await db.query<{ sku: string; location: string | null; measure: LedgerEntry['measure']; total: string }>(
        `select sku, location, measure, sum(delta) as total from ${t('stock_ledger')} where at <= $1 group by sku, location, measure`,
        [instant],
      );
      const positions = new Map<string, LedgerPosition>();
      for (const r of rows) {
        const key = `${r.sku}\u0000${r.location ?? '*'}`;
        const position = positions.get(key) ?? positions.set(key, { sku: r.sku, location: r.location, onHand: 0, committed: 0 }).get(key)!;
        position[r.measure] += Number(r.total);
      }
      // The JSON ledger's order (localeCompare), so both stores list a day's stock the same way.
      return [...positions.values()].sort((a, b) => a.sku.localeCompare(b.sku) || (a.location ?? '').localeCompare(b.location ?? ''));
    },
    async reorderPoints() {
      const { rows } = await db.query<{ sku: string; point: number }>(`select sku, point from ${t('stock_reorder_points')}`);
      return Object.fromEntries(rows.map((r) => [r.sku, r.point]));
    },
    async skuCount() {
      const { rows } = await db.query<{ skus: string }>(`select count(distinct sku) as skus from ${t('stock')}`);
      return Number(rows[0]?.skus ?? 0);
    },
  };
}
