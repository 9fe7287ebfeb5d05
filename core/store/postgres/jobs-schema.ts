/**
 * pg-boss's own schema (`<store schema>_jobs`), created and upgraded by Backroom's migration
 * (migrate.ts) in the same transaction as Backroom's schema, instead of by pg-boss at start
 * (jobs.ts starts it with `migrate: false`). So the role Backroom runs as needs no CREATE on the
 * database: an operator may create both schemas for it, and the role then only ever changes what
 * it owns. pg-boss's SQL comes from its exported plans (getConstructionPlans / getMigrationPlans),
 * taken out of their own BEGIN … COMMIT so they commit with ours.
 */
import { createRequire } from 'node:module';
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { jobSchemaFor } from './jobs';

/** The pg-boss schema version the installed pg-boss works with. */
export const JOB_SCHEMA_VERSION: number = (createRequire(import.meta.url)('pg-boss/version.json') as { schema: number }).schema;

export class JobSchemaError extends Error {
  constructor(
    message: string,
    readonly reason: 'newer' | 'plans',
  ) {
    super(message);
    this.name = 'JobSchemaError';
  }
}

/** A plan of pg-boss's, without the parts that would end our transaction or need more privileges. */
export function inOurTransaction(plan: string, schema: string, schemaExists: boolean): string {
  let sql = plan;
  const take = (pattern: RegExp, what: string) => {
    if (!pattern.test(sql)) throw new JobSchemaError(`This pg-boss writes its schema differently than Backroom expects (no ${what}); the job queue's schema was not changed.`, 'plans');
    sql = sql.replace(pattern, '');
  };
  take(/^\s*BEGIN;/, 'BEGIN');
  take(/COMMIT;\s*$/, 'COMMIT');
  // Its own timeouts would cut short a migration that waits for our lock; ours apply instead.
  take(/SET LOCAL lock_timeout = '[^']*';/, 'lock timeout');
  take(/SET LOCAL idle_in_transaction_session_timeout = '[^']*';/, 'idle timeout');
  // CREATE SCHEMA checks the database privilege even when the schema exists.
  if (schemaExists) take(new RegExp(`CREATE SCHEMA IF NOT EXISTS ${schema}\\s*;`), 'CREATE SCHEMA');
  return sql;
}

/**
 * Brings the jobs schema beside `storeSchema` to JOB_SCHEMA_VERSION on `client`, which holds
 * migrate.ts's transaction and advisory lock. Returns the version found (null: none yet).
 */
export async function migrateJobSchema(client: pg.ClientBase, storeSchema: string): Promise<number | null> {
  const schema = jobSchemaFor(storeSchema);
  const exists = (await client.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount !== 0;
  const table = await client.query<{ name: string | null }>('select to_regclass($1)::text as name', [`${schema}.version`]);
  const found = table.rows[0]?.name ? Number((await client.query<{ version: string }>(`select version from ${schema}.version`)).rows[0]?.version) : null;
  if (found !== null && found > JOB_SCHEMA_VERSION) {
    throw new JobSchemaError(
      `The job queue schema '${schema}' is at pg-boss version ${found}, set up by a newer Backroom; this Backroom knows up to version ${JOB_SCHEMA_VERSION}. Update Backroom on this computer; the database has not been changed.`,
      'newer',
    );
  }
  if (found === JOB_SCHEMA_VERSION) return found;
  const plan = found === null ? PgBoss.getConstructionPlans(schema) : PgBoss.getMigrationPlans(schema, String(found));
  // Only the construction plan creates the schema; an upgrade's plans never hold a CREATE SCHEMA to take out.
  await client.query(inOurTransaction(plan, schema, exists && found === null));
  return found;
}
