/**
 * The members the CRM and cart jobs and the work queue need (their block at the end of
 * ../../repositories.ts) on PostgreSQL. The unreadable items are the table queue_unreadable
 * (migration 0005), filled by `backroom migrate --from DIR` and never written by the jobs.
 */
import type { UnreadableWork } from '../../../model/work';
import type { QueueReader } from '../../repositories';
import type { Db, Tables } from './db';

export function postgresQueueForCrm(db: Db, t: Tables): Pick<QueueReader, 'unreadable'> {
  return {
    async unreadable() {
      const { rows } = await db.query<{ item: unknown; problem: string }>(`select item, problem from ${t('queue_unreadable')} order by position`);
      return rows.map((r): UnreadableWork => ({ item: r.item, problem: r.problem }));
    },
  };
}
