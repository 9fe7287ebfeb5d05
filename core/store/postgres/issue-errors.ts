/**
 * Backroom's error list (SPEC "Errors and alerts") in the PostgreSQL store's `issue_errors` table,
 * for failures recorded by the job workers: the same entry shape as the model's ErrorEntry and the
 * same rule as runtime/issues.ts recordError — the same operation failing again updates its one
 * entry (attempts, time, message, object) and brings it back if it had been dismissed.
 *
 * Workers in several processes may record the same operation at once: the key's advisory
 * transaction lock makes the read-then-write one step, so two failures never make two rows.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ErrorEntry, type Operation, type Source } from '../../model';
import { redact } from '../redact';
import { inTransaction } from './pool';

export interface ErrorRowInput {
  source: Source;
  operation: Operation;
  object: string;
  message: string;
}

/** Longest message kept: a platform's answer can be a whole HTML page. */
const MAX_MESSAGE = 2000;

/**
 * Records `input` as failed at `now`. `keyOf` is the operation key the rest of Backroom uses
 * (runtime/issues.ts operationKey); it is handed in because the store sits below the runtime.
 */
export async function recordErrorRow(pool: pg.Pool, schema: string, now: Date, input: ErrorRowInput, keyOf: (op: Operation) => string): Promise<ErrorEntry> {
  const key = keyOf(input.operation);
  const message = redact(input.message).slice(0, MAX_MESSAGE);
  const at = now.toISOString();
  return inTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 11))', [`${schema} issue ${key}`]);
    const { rows } = await client.query<{ id: string; error_json: unknown }>(`select id, error_json from ${schema}.issue_errors where source_kind = $1 and source_name = $2`, [input.source.kind, input.source.name]);
    const existing = rows.map((r) => ({ id: r.id, entry: ErrorEntry.safeParse(r.error_json) })).find((r) => r.entry.success && keyOf(r.entry.data.operation) === key);
    let entry: ErrorEntry;
    if (existing?.entry.success) {
      entry = { ...existing.entry.data, attempts: existing.entry.data.attempts + 1, lastAt: at, message, object: input.object, dismissed: false };
      await client.query(`update ${schema}.issue_errors set dismissed = false, last_at = $2, error_json = $3 where id = $1`, [existing.id, at, JSON.stringify(entry)]);
    } else {
      entry = { id: randomBytes(4).toString('hex'), source: input.source, operation: input.operation, object: input.object, message, firstAt: at, lastAt: at, attempts: 1, dismissed: false };
      await client.query(`insert into ${schema}.issue_errors (id, source_kind, source_name, dismissed, last_at, error_json) values ($1, $2, $3, false, $4, $5)`, [
        entry.id,
        entry.source.kind,
        entry.source.name,
        at,
        JSON.stringify(entry),
      ]);
    }
    return entry;
  });
}

/** Every entry of the error list, newest first (a reader for the workers' tests and tools). */
export async function readErrorRows(db: Pick<pg.ClientBase, 'query'>, schema: string): Promise<ErrorEntry[]> {
  const { rows } = await db.query<{ error_json: unknown }>(`select error_json from ${schema}.issue_errors order by last_at desc, id`);
  return rows.map((r) => ErrorEntry.parse(r.error_json));
}

/** The operation succeeded: its entry, if any, clears itself (as runtime/issues.ts clearErrorIn). True when one was removed. */
export async function clearErrorRow(pool: pg.Pool, schema: string, source: Source, operation: Operation, keyOf: (op: Operation) => string): Promise<boolean> {
  const key = keyOf(operation);
  const { rows } = await pool.query<{ id: string; error_json: unknown }>(`select id, error_json from ${schema}.issue_errors where source_kind = $1 and source_name = $2`, [source.kind, source.name]);
  const ids = rows.filter((r) => {
    const entry = ErrorEntry.safeParse(r.error_json);
    return entry.success && keyOf(entry.data.operation) === key;
  }).map((r) => r.id);
  if (ids.length === 0) return false;
  await pool.query(`delete from ${schema}.issue_errors where id = any($1::text[])`, [ids]);
  return true;
}
