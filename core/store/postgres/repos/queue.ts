/**
 * The members the work queue needs (their block at the end of ../../repositories.ts) on PostgreSQL:
 * one item or one contact's items by index (migration 0008), a lane's size counted where it is kept,
 * and the front of the queue as a `seq` below every other item's.
 */
import { CRM_CONTACT, QueuedWork, SHIPPING_PUSH, type WorkKind, type WorkOf } from '../../../model/work';
import type { QueueEntry, QueueReader, QueueWriter } from '../../repositories';
import { iso, type Db, type Tables } from './db';

export interface QueueRow {
  id: string;
  lane: string;
  kind: string;
  payload: Record<string, unknown>;
  enqueued_at: Date;
  attempts: number;
  not_before: Date | null;
}

/** A row as queued work, checked by the one schema of queued work (as queue.json's items are). */
export const entryOf = (r: QueueRow): QueueEntry => QueuedWork.parse({
  id: r.id, lane: r.lane, kind: r.kind, payload: r.payload, enqueuedAt: iso(r.enqueued_at)!, attempts: r.attempts,
  ...(r.not_before ? { notBefore: iso(r.not_before)! } : {}),
});

export const QUEUE_COLUMNS = 'id, lane, kind, payload, enqueued_at, attempts, not_before';

const isKind = <K extends WorkKind>(kind: K) => (item: QueuedWork): item is WorkOf<K> => item.kind === kind;

export function postgresQueueForWork(db: Db, t: Tables): Pick<QueueReader, 'find' | 'ofContact' | 'depth'> & Pick<QueueWriter, 'putFirst'> {
  return {
    async find(kind, key) {
      // A shipping push is named by its order (one per order), CRM work by its id.
      const { rows } = kind === SHIPPING_PUSH
        ? await db.query<QueueRow>(`select ${QUEUE_COLUMNS} from ${t('queue_items')} where kind = $1 and payload->>'order' = $2 order by seq limit 1`, [kind, key])
        : await db.query<QueueRow>(`select ${QUEUE_COLUMNS} from ${t('queue_items')} where kind = $1 and id = $2`, [kind, key]);
      return rows.map(entryOf).find(isKind(kind));
    },
    async ofContact(lane, email) {
      const { rows } = await db.query<QueueRow>(`select ${QUEUE_COLUMNS} from ${t('queue_items')} where kind = $1 and lane = $2 and payload->>'email' = $3 order by seq`, [CRM_CONTACT, lane, email]);
      return rows.map(entryOf).filter(isKind(CRM_CONTACT));
    },
    async depth(lane) {
      const { rows } = await db.query<{ n: string }>(`select count(*) as n from ${t('queue_items')} where ($1::text is null or lane = $1)`, [lane ?? null]);
      return Number(rows[0]?.n ?? 0);
    },
    async putFirst(item) {
      // An item already queued keeps its place; a new one goes in front of the queue's first.
      await db.query(
        `insert into ${t('queue_items')} (id, lane, kind, payload, enqueued_at, attempts, not_before, seq) overriding system value
           values ($1, $2, $3, $4, $5, $6, $7, (select coalesce(min(seq), 1) - 1 from ${t('queue_items')}))
         on conflict (id) do update set lane = excluded.lane, kind = excluded.kind, payload = excluded.payload, enqueued_at = excluded.enqueued_at,
           attempts = excluded.attempts, not_before = excluded.not_before`,
        [item.id, item.lane, item.kind, JSON.stringify(item.payload), item.enqueuedAt, item.attempts, item.notBefore ?? null],
      );
    },
  };
}
