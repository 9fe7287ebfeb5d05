/**
 * The PostgreSQL store's schema, versioned: numbered SQL files in ./migrations, applied at start in
 * one transaction under a transaction-level advisory lock, so two daemons starting together never
 * migrate at once (the second waits, then finds the work done). `schema_version` records each
 * applied file with a checksum. A database that a newer Backroom set up is refused, never touched.
 * Everything lives in Backroom's own schema and pg-boss's beside it (jobs-schema.ts); nothing else
 * is created or changed.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { JobSchemaError, migrateJobSchema } from './jobs-schema';

/**
 * The migration files: beside this module when run from source, or in the project's core/ folder
 * when run from the bundled CLI in dist/ (or from one of its chunks in dist/chunks/, where the
 * `migrate` command loads it). Resolved on use, so merely importing this module works in any bundle.
 */
export function migrationsDir(): string {
  const candidates = ['./migrations/', '../core/store/postgres/migrations/', '../../core/store/postgres/migrations/'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, '0001_initial.sql'))) ?? candidates[0]!;
}

/** How long a start waits for another Backroom that is migrating the same database. */
export const MIGRATION_LOCK_WAIT_SECONDS = 300;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationResult {
  /** The schema version found (0 for a new database) and the one left. */
  from: number;
  to: number;
  /** Versions this call applied; empty when the database was already up to date. */
  applied: number[];
}

export class SchemaVersionError extends Error {
  constructor(
    message: string,
    readonly reason: 'newer' | 'changed' | 'missing-files' | 'lock-timeout',
  ) {
    super(message);
    this.name = 'SchemaVersionError';
  }
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Reads the migration files: 0001_name.sql, 0002_name.sql, … with no gaps. */
export async function loadMigrations(dir: string = migrationsDir()): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const match = FILE_NAME.exec(name);
    if (!match) throw new SchemaVersionError(`Migration file ${name} must be named NNNN_words.sql (e.g. 0002_add_charts.sql).`, 'missing-files');
    migrations.push({ version: Number(match[1]), name: match[2]!, sql: await readFile(join(dir, name), 'utf8') });
  }
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new SchemaVersionError(`Migration files must be numbered 0001, 0002, … without gaps; found ${String(m.version).padStart(4, '0')} where ${String(i + 1).padStart(4, '0')} belongs.`, 'missing-files');
  });
  return migrations;
}

export interface MigrateOptions {
  /** Called inside the transaction, after the migrations ran and before the commit (tests hold it open here). */
  beforeCommit?: () => Promise<void>;
  lockWaitSeconds?: number;
}

/**
 * Brings `schema` up to the newest migration. One transaction: either every pending migration and
 * its schema_version row commit, or none does.
 */
export async function migrate(pool: pg.Pool, schema: string, migrations: readonly Migration[], options: MigrateOptions = {}): Promise<MigrationResult> {
  if (!IDENTIFIER.test(schema)) throw new SchemaVersionError(`Schema name '${schema}' must be lower-case letters, digits or underscores.`, 'missing-files');
  const latest = migrations.length;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local lock_timeout = '${Math.round((options.lockWaitSeconds ?? MIGRATION_LOCK_WAIT_SECONDS) * 1000)}ms'`);
    try {
      // One lock per schema: Backroom stores for several merchants may share one database.
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`backroom migrate ${schema}`]);
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === '55P03') {
        throw new SchemaVersionError(`Another Backroom has been updating the database schema '${schema}' for more than ${options.lockWaitSeconds ?? MIGRATION_LOCK_WAIT_SECONDS} seconds; try again when it has finished.`, 'lock-timeout');
      }
      throw error;
    }
    // Created only when missing: an operator may create the schema for a role that may not create
    // schemas (CREATE SCHEMA checks that privilege even when the schema exists).
    const exists = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`create schema ${schema}`);
    await client.query(`set local search_path to ${schema}`);
    await client.query(`create table if not exists schema_version (
      version integer primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>('select version, name, checksum from schema_version order by version');
    const current = rows.length ? rows[rows.length - 1]!.version : 0;
    if (current > latest) {
      throw new SchemaVersionError(
        `The database schema '${schema}' is at version ${current}, set up by a newer Backroom; this Backroom knows up to version ${latest}. Update Backroom on this computer; the database has not been changed.`,
        'newer',
      );
    }
    for (const row of rows) {
      const known = migrations[row.version - 1];
      if (known && checksum(known.sql) !== row.checksum) {
        throw new SchemaVersionError(`Migration ${row.version} (${row.name}) differs from the one this database was set up with; a released migration must never change. Nothing was applied.`, 'changed');
      }
    }
    const applied: number[] = [];
    for (const migration of migrations.slice(current)) {
      await client.query(migration.sql);
      await client.query('insert into schema_version (version, name, checksum) values ($1, $2, $3)', [migration.version, migration.name, checksum(migration.sql)]);
      applied.push(migration.version);
    }
    // pg-boss's schema beside ours, in this same transaction: pg-boss itself never migrates (jobs.ts).
    try {
      await migrateJobSchema(client, schema);
    } catch (error) {
      if (error instanceof JobSchemaError) throw new SchemaVersionError(error.message, error.reason === 'newer' ? 'newer' : 'changed');
      throw error;
    }
    if (options.beforeCommit) await options.beforeCommit();
    await client.query('commit');
    return { from: current, to: Math.max(current, latest), applied };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
