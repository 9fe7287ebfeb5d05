/**
 * Sync markers on PostgreSQL (shop_cursors, shop_last_sent, shop_skipped_stock, crm_cursors): read
 * anywhere, moved only by `applyMoves` inside the transaction of the unit whose data they cover.
 * Imported-order counts are not moved here: the order writer keeps them (orders.ts), in the same
 * transaction as the orders, so a move's `ordersImported` is not needed and is not added again.
 */
import type { ShopCursor } from '../../../model';
import type { CursorMove, ShopCursorView } from '../../cursors';
import type { CursorRepository } from '../../repositories';
import { iso, type Db, type Tables } from './db';

export function postgresCursors(db: Db, t: Tables): CursorRepository {
  return {
    async of(shop): Promise<ShopCursorView> {
      // One after another: on a snapshot's or a unit's connection, statements cannot overlap.
      const cursor = await db.query<{ orders_modified_after: Date | null; carts_modified_after: Date | null; last_run: Record<string, string> }>(
          `select orders_modified_after, carts_modified_after, last_run from ${t('shop_cursors')} where shop = $1`, [shop]);
      const sent = await db.query<{ sku: string; quantity: number }>(`select sku, quantity from ${t('shop_last_sent')} where shop = $1`, [shop]);
      const skipped = await db.query<{ sku: string; wanted: number; reason: 'missing' | 'unmanaged' }>(`select sku, wanted, reason from ${t('shop_skipped_stock')} where shop = $1`, [shop]);
      const row = cursor.rows[0];
      const view: ShopCursor = { lastRun: row?.last_run ?? {}, lastSent: Object.fromEntries(sent.rows.map((r) => [r.sku, r.quantity])) };
      if (row?.orders_modified_after) view.ordersModifiedAfter = iso(row.orders_modified_after);
      if (row?.carts_modified_after) view.cartsModifiedAfter = iso(row.carts_modified_after);
      if (skipped.rows.length) view.skipped = Object.fromEntries(skipped.rows.map((r) => [r.sku, { wanted: r.wanted, reason: r.reason }]));
      return view;
    },
    async crmLastRun(crm) {
      const { rows } = await db.query<{ last_success_at: Date }>(`select last_success_at from ${t('crm_cursors')} where crm = $1`, [crm]);
      return iso(rows[0]?.last_success_at);
    },
  };
}

/** Moves the markers on the unit's connection, after its data and before its commit. */
export async function applyMoves(db: Db, t: Tables, moves: readonly CursorMove[]): Promise<void> {
  for (const move of moves) {
    if ('crm' in move) {
      if (move.lastSuccessAt === null) await db.query(`delete from ${t('crm_cursors')} where crm = $1`, [move.crm]);
      else await db.query(`insert into ${t('crm_cursors')} (crm, last_success_at) values ($1, $2) on conflict (crm) do update set last_success_at = excluded.last_success_at`, [move.crm, move.lastSuccessAt]);
      continue;
    }
    const { shop } = move;
    if (move.reset) {
      for (const table of ['shop_cursors', 'shop_last_sent', 'shop_skipped_stock']) await db.query(`delete from ${t(table)} where shop = $1`, [shop]);
    }
    if (move.ordersModifiedAfter !== undefined || move.cartsModifiedAfter !== undefined || move.lastRun) {
      await db.query(
        `insert into ${t('shop_cursors')} (shop, orders_modified_after, carts_modified_after, last_run) values ($1, $2, $3, $4)
         on conflict (shop) do update set
           orders_modified_after = case when $5 then excluded.orders_modified_after else ${t('shop_cursors')}.orders_modified_after end,
           carts_modified_after = case when $6 then excluded.carts_modified_after else ${t('shop_cursors')}.carts_modified_after end,
           last_run = ${t('shop_cursors')}.last_run || excluded.last_run, updated_at = now()`,
        [shop, move.ordersModifiedAfter ?? null, move.cartsModifiedAfter ?? null, JSON.stringify(move.lastRun ?? {}), move.ordersModifiedAfter !== undefined, move.cartsModifiedAfter !== undefined],
      );
    }
    const sent = Object.entries(move.lastSent ?? {});
    if (sent.length) {
      await db.query(
        `insert into ${t('shop_last_sent')} (shop, sku, quantity) select $1, sku, quantity from unnest($2::text[], $3::integer[]) as s(sku, quantity)
         on conflict (shop, sku) do update set quantity = excluded.quantity`,
        [shop, sent.map(([sku]) => sku), sent.map(([, q]) => q)],
      );
    }
    for (const [sku, skipped] of Object.entries(move.skipped ?? {})) {
      if (skipped) {
        await db.query(`insert into ${t('shop_skipped_stock')} (shop, sku, wanted, reason) values ($1, $2, $3, $4) on conflict (shop, sku) do update set wanted = excluded.wanted, reason = excluded.reason`, [shop, sku, skipped.wanted, skipped.reason]);
      } else {
        await db.query(`delete from ${t('shop_skipped_stock')} where shop = $1 and sku = $2`, [shop, sku]);
      }
    }
  }
}
