/**
 * The issue log on PostgreSQL: one row per error (by id) in issue_errors and per alert (by key) in
 * issue_alerts, the whole record in its json column and the columns a filter needs beside it. Each
 * write is one upsert or delete on a row named by its key, as the other records are (records.ts).
 * Rows are checked by the model's schemas on the way out, as issues.json is when it is read.
 */
import { Alert, ErrorEntry } from '../../../model';
import type { IssueReader, IssueWriter } from '../../repositories';
import type { Db, Tables } from './db';

export function postgresIssues(db: Db, t: Tables): IssueReader & IssueWriter {
  return {
    async errors() {
      const { rows } = await db.query<{ error_json: unknown }>(`select error_json from ${t('issue_errors')} order by error_json->>'firstAt', id collate "C"`);
      return rows.map((r) => ErrorEntry.parse(r.error_json));
    },
    async alerts() {
      const { rows } = await db.query<{ alert_json: unknown }>(`select alert_json from ${t('issue_alerts')} order by alert_json->>'firstAt', key collate "C"`);
      return rows.map((r) => Alert.parse(r.alert_json));
    },
    async putError(entry) {
      await db.query(
        `insert into ${t('issue_errors')} (id, source_kind, source_name, dismissed, last_at, error_json) values ($1, $2, $3, $4, $5, $6)
         on conflict (id) do update set source_kind = excluded.source_kind, source_name = excluded.source_name, dismissed = excluded.dismissed,
           last_at = excluded.last_at, error_json = excluded.error_json`,
        [entry.id, entry.source.kind, entry.source.name, entry.dismissed, entry.lastAt, JSON.stringify(entry)],
      );
    },
    async removeError(id) {
      await db.query(`delete from ${t('issue_errors')} where id = $1`, [id]);
    },
    async putAlert(alert) {
      // The key names the condition: a put with that key replaces the alert, id included (as the JSON log does).
      await db.query(
        `insert into ${t('issue_alerts')} (id, key, source_kind, source_name, dismissed, last_at, alert_json) values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (key) do update set id = excluded.id, source_kind = excluded.source_kind, source_name = excluded.source_name, dismissed = excluded.dismissed,
           last_at = excluded.last_at, alert_json = excluded.alert_json`,
        [alert.id, alert.key, alert.source.kind, alert.source.name, alert.dismissed, alert.lastAt, JSON.stringify(alert)],
      );
    },
    async removeAlert(key) {
      await db.query(`delete from ${t('issue_alerts')} where key = $1`, [key]);
    },
  };
}
