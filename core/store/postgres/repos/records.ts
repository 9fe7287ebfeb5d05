/**
 * Carts, the CRM's exactly-once ledger and the persistent work queue on PostgreSQL: each write is
 * one statement on a row named by its key, so concurrent writers need nothing beyond the row locks
 * an upsert or delete takes. Emails are kept lower-case, as the JSON store keys them.
 */
import type { Cart } from '../../../model';
import type { CartReader, CartWriter, CrmLedgerReader, CrmLedgerWriter, CustomerOrder, QueueReader, QueueWriter } from '../../repositories';
import { postgresCartsForCrm, postgresCrmLedgerForCrm, postgresQueueForCrm } from './crm';
import { iso, type Db, type Tables } from './db';
import { entryOf, postgresQueueForWork, QUEUE_COLUMNS, type QueueRow } from './queue';

export function postgresCarts(db: Db, t: Tables): CartReader & CartWriter {
  return {
    ...postgresCartsForCrm(db, t),
    async get(id) {
      const { rows } = await db.query<{ cart_json: Cart }>(`select cart_json from ${t('carts')} where id = $1`, [id]);
      return rows[0]?.cart_json;
    },
    async list(filter = {}) {
      const { rows } = await db.query<{ cart_json: Cart }>(
        `select cart_json from ${t('carts')} where ($1::text is null or shop = $1) and ($2::text is null or state = $2) order by id collate "C"`,
        [filter.shop ?? null, filter.state ?? null],
      );
      return rows.map((r) => r.cart_json);
    },
    async put(cart) {
      await db.query(
        `insert into ${t('carts')} (id, shop, remote_id, email, state, updated_at, cart_json) values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (id) do update set shop = excluded.shop, remote_id = excluded.remote_id, email = excluded.email, state = excluded.state,
           updated_at = excluded.updated_at, cart_json = excluded.cart_json`,
        [cart.id, cart.shop, cart.remoteId, cart.email, cart.state, cart.updatedAt, JSON.stringify(cart)],
      );
    },
    async remove(id) {
      await db.query(`delete from ${t('carts')} where id = $1`, [id]);
    },
  };
}

export function postgresCrmLedger(db: Db, t: Tables): CrmLedgerReader & CrmLedgerWriter {
  return {
    ...postgresCrmLedgerForCrm(db, t),
    async done(key) {
      const { rowCount } = await db.query(`select 1 from ${t('crm_ledger')} where key = $1`, [key]);
      return (rowCount ?? 0) > 0;
    },
    async customerOrders(email) {
      const { rows } = await db.query<{ order_key: string; cents: string; ordered_at: Date }>(`select order_key, cents, ordered_at from ${t('crm_customer_orders')} where email = $1`, [email.toLowerCase()]);
      return Object.fromEntries(rows.map((r): [string, CustomerOrder] => [r.order_key, { cents: Number(r.cents), at: iso(r.ordered_at)! }]));
    },
    async sentFields(crm, email) {
      const { rows } = await db.query<{ signature: string }>(`select signature from ${t('crm_sent_fields')} where crm = $1 and email = $2`, [crm, email.toLowerCase()]);
      return rows[0]?.signature;
    },
    async markDone(key, at) {
      await db.query(`insert into ${t('crm_ledger')} (key, done_at) values ($1, $2) on conflict (key) do update set done_at = excluded.done_at`, [key, at]);
    },
    async customerOrder(email, orderKey, order) {
      await db.query(
        `insert into ${t('crm_customer_orders')} (email, order_key, cents, ordered_at) values ($1, $2, $3, $4)
         on conflict (email, order_key) do update set cents = excluded.cents, ordered_at = excluded.ordered_at`,
        [email.toLowerCase(), orderKey, order.cents, order.at],
      );
    },
    async setSentFields(crm, email, signature) {
      await db.query(`insert into ${t('crm_sent_fields')} (crm, email, signature) values ($1, $2, $3) on conflict (crm, email) do update set signature = excluded.signature`, [crm, email.toLowerCase(), signature]);
    },
  };
}

export function postgresQueue(db: Db, t: Tables): QueueReader & QueueWriter {
  const columns = QUEUE_COLUMNS;
  return {
    ...postgresQueueForCrm(db, t),
    ...postgresQueueForWork(db, t),
    async list(lane) {
      const { rows } = await db.query<QueueRow>(`select ${columns} from ${t('queue_items')} where ($1::text is null or lane = $1) order by seq`, [lane ?? null]);
      return rows.map(entryOf);
    },
    async get(id) {
      const { rows } = await db.query<QueueRow>(`select ${columns} from ${t('queue_items')} where id = $1`, [id]);
      return rows[0] && entryOf(rows[0]);
    },
    async put(item) {
      await db.query(
        `insert into ${t('queue_items')} (id, lane, kind, payload, enqueued_at, attempts, not_before) values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (id) do update set lane = excluded.lane, kind = excluded.kind, payload = excluded.payload, enqueued_at = excluded.enqueued_at,
           attempts = excluded.attempts, not_before = excluded.not_before`,
        [item.id, item.lane, item.kind, JSON.stringify(item.payload), item.enqueuedAt, item.attempts, item.notBefore ?? null],
      );
    },
    async remove(id) {
      await db.query(`delete from ${t('queue_items')} where id = $1`, [id]);
    },
  };
}
