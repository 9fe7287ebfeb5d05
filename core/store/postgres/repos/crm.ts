/**
 * The members the CRM and cart jobs and the work queue need (their block at the end of
 * ../../repositories.ts) on PostgreSQL. The unreadable items are the table queue_unreadable
 * (migration 0005), filled by `backroom migrate --from DIR` and never written by the jobs.
 */
import type { Cart } from '../../../model';
import type { UnreadableWork } from '../../../model/work';
import type { CartReader, CrmLedgerReader, QueueReader } from '../../repositories';
import type { Db, Tables } from './db';

export function postgresQueueForCrm(db: Db, t: Tables): Pick<QueueReader, 'unreadable'> {
  return {
    async unreadable() {
      const { rows } = await db.query<{ item: unknown; problem: string }>(`select item, problem from ${t('queue_unreadable')} order by position`);
      return rows.map((r): UnreadableWork => ({ item: r.item, problem: r.problem }));
    },
  };
}

export function postgresCartsForCrm(db: Db, t: Tables): Pick<CartReader, 'ofCustomer'> {
  return {
    async ofCustomer(email) {
      const { rows } = await db.query<{ cart_json: Cart }>(`select cart_json from ${t('carts')} where email = $1 order by id collate "C"`, [email]);
      return rows.map((r) => r.cart_json);
    },
  };
}

/** `text` as it stands inside a LIKE pattern whose escape character is a backslash. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function postgresCrmLedgerForCrm(db: Db, t: Tables): Pick<CrmLedgerReader, 'addedKeys'> {
  return {
    async addedKeys(crm) {
      const { rows } = await db.query<{ key: string }>(`select key from ${t('crm_ledger')} where key like $1 escape '\\'`, [`%|${likeLiteral(crm)}|%|add`]);
      return rows.map((r) => r.key);
    },
  };
}
