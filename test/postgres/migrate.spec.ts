// Migrations on a real PostgreSQL server: applied once, in one transaction, under an advisory lock
// that makes a second daemon wait and then find the work done; a database newer than the code, a
// changed migration and a failing one are refused with nothing changed.
import { fc } from '@fast-check/vitest';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { loadMigrations, migrate, SchemaVersionError, type Migration } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { generateStoreKey, openSecret, parseStoreKey, sealSecret } from '../../core/store/postgres/secret-box';
import { waitFor } from '../helpers';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres migrations');

/** Resolves once `condition` holds, polling the server; fails with `what` after a generous wait. */
const eventually = (what: string, condition: () => Promise<boolean>, timeoutMs = 60_000) => waitFor(condition, timeoutMs, what);

async function tablesIn(pool: pg.Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1 order by table_name', [schema]);
  return rows.map((r) => r.table_name);
}

describe.skipIf(!started.ok)('PostgreSQL migrations', () => {
  const server = started.ok ? started.server : undefined!;
  let store: StorePool;
  let migrations: Migration[];
  let schemaCounter = 0;
  const freshSchema = () => `m_${process.pid}_${++schemaCounter}`;

  beforeAll(async () => {
    const db = await server.createDatabase('migrations');
    store = await openStorePool(parseStoreAddress(db.url), { max: 12 });
    migrations = await loadMigrations();
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await server.stop();
  }, 180_000);

  it('creates the schema, every table of the migrations and schema_version; a second start applies nothing', async () => {
    const schema = freshSchema();
    expect(await migrate(store.pool, schema, migrations)).toEqual({ from: 0, to: migrations.length, applied: migrations.map((m) => m.version) });
    expect(await tablesIn(store.pool, schema)).toEqual([
      'app_settings', 'carts', 'catalogue', 'crm_connections', 'crm_cursors', 'crm_customer_orders', 'crm_ledger', 'crm_sent_fields', 'folder_copy', 'issue_alerts', 'issue_errors', 'job_schedules', 'locations', 'order_months', 'orders',
      'queue_items', 'queue_unreadable', 'rate_windows', 'rules', 'schema_version', 'sealed_secrets', 'shipments_in_transit', 'shop_cursors', 'shop_last_sent', 'shop_skipped_stock', 'shops', 'stock', 'stock_commitments',
      'stock_committed', 'stock_ledger', 'stock_low', 'stock_reorder_points', 'stock_returns',
    ]);
    expect(await migrate(store.pool, schema, migrations)).toEqual({ from: migrations.length, to: migrations.length, applied: [] });
  });

  it('a second migrator waits on the lock while the first is inside its transaction, then finds the work done', async () => {
    const schema = freshSchema();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let firstInside = false;
    const first = migrate(store.pool, schema, migrations, {
      beforeCommit: async () => {
        firstInside = true;
        await held;
      },
    });
    await eventually('the first migrator to reach its commit', async () => firstInside);
    const second = migrate(store.pool, schema, migrations);
    // The second is blocked on the advisory lock (not finished, not failed) while the first holds it.
    await eventually('the second migrator to wait on the advisory lock', async () => {
      const { rows } = await store.pool.query<{ waiting: string }>("select count(*) as waiting from pg_locks where locktype = 'advisory' and not granted");
      return Number(rows[0]!.waiting) === 1;
    });
    let secondDone = false;
    void second.then(() => (secondDone = true), () => (secondDone = true));
    expect(secondDone).toBe(false);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.applied).toEqual(migrations.map((m) => m.version));
    expect(b).toEqual({ from: migrations.length, to: migrations.length, applied: [] });
    const { rows } = await store.pool.query(`select version from ${schema}.schema_version order by version`);
    expect(rows.map((r: { version: number }) => r.version)).toEqual(migrations.map((m) => m.version));
  }, 150_000);

  it('any number of daemons starting at once: each migration applied exactly once', async () => {
    // Two extra migrations after the real ones, so a race could also show up between versions.
    const extra: Migration[] = [
      { version: migrations.length + 1, name: 'extra_one', sql: 'create table extra_one (id integer primary key); insert into extra_one values (1);' },
      { version: migrations.length + 2, name: 'extra_two', sql: 'create table extra_two (id integer primary key); insert into extra_two select id + 1 from extra_one;' },
    ];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 2 }), async (daemons, preApplied) => {
        const schema = freshSchema();
        const all = [...migrations, ...extra];
        if (preApplied > 0) await migrate(store.pool, schema, all.slice(0, migrations.length + preApplied - 1));
        const results = await Promise.all(Array.from({ length: daemons }, () => migrate(store.pool, schema, all)));
        const applied = results.flatMap((r) => r.applied).sort((x, y) => x - y);
        const before = preApplied > 0 ? migrations.length + preApplied - 1 : 0;
        expect(applied).toEqual(all.slice(before).map((m) => m.version));
        expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
        const { rows } = await store.pool.query(`select id from ${schema}.extra_two`);
        expect(rows).toEqual([{ id: 2 }]);
      }),
      { numRuns: 12, verbose: true },
    );
  }, 300_000);

  it('refuses a database a newer Backroom set up, and changes nothing', async () => {
    const schema = freshSchema();
    await migrate(store.pool, schema, migrations);
    await store.pool.query(`insert into ${schema}.schema_version (version, name, checksum) values ($1, 'from_the_future', 'x')`, [migrations.length + 1]);
    const tables = await tablesIn(store.pool, schema);
    const error = await migrate(store.pool, schema, migrations).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect((error as SchemaVersionError).reason).toBe('newer');
    expect((error as Error).message).toBe(
      `The database schema '${schema}' is at version ${migrations.length + 1}, set up by a newer Backroom; this Backroom knows up to version ${migrations.length}. Update Backroom on this computer; the database has not been changed.`,
    );
    expect(await tablesIn(store.pool, schema)).toEqual(tables);
  });

  it('a migration that fails leaves the database as it was: no half-applied version', async () => {
    const schema = freshSchema();
    await migrate(store.pool, schema, migrations);
    const broken: Migration = { version: migrations.length + 1, name: 'broken', sql: 'create table half_done (id integer); insert into half_done values (1); select * from no_such_table;' };
    await expect(migrate(store.pool, schema, [...migrations, broken])).rejects.toThrow(/no_such_table/);
    expect(await tablesIn(store.pool, schema)).not.toContain('half_done');
    const { rows } = await store.pool.query(`select max(version) as v from ${schema}.schema_version`);
    expect(rows[0]).toEqual({ v: migrations.length });
  });

  it('refuses to go on when an applied migration has since changed', async () => {
    const schema = freshSchema();
    await migrate(store.pool, schema, migrations);
    const changed = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    const error = await migrate(store.pool, schema, changed).catch((e: unknown) => e);
    expect((error as SchemaVersionError).reason).toBe('changed');
    expect((error as Error).message).toContain('Migration 1 (initial) differs from the one this database was set up with');
  });

  it('runs as a role that owns only its schema and its jobs schema, in a database it may not create schemas in', async () => {
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    const password = 'only-its-own-schema-pw';
    try {
      await admin.query(`create role narrow login password '${password}'`);
      await admin.query('create database shared_db');
      await admin.query('revoke all on database shared_db from public');
      await admin.query('grant connect on database shared_db to narrow');
    } finally {
      await admin.end();
    }
    const adminShared = new pg.Client({ connectionString: server.adminUrl.replace(/\/postgres$/, '/shared_db') });
    await adminShared.connect();
    try {
      await adminShared.query('revoke create on schema public from public');
      await adminShared.query('create schema merchant authorization narrow');
      // The job queue's schema beside it, which the migration fills (jobs-schema.ts).
      await adminShared.query('create schema merchant_jobs authorization narrow');
    } finally {
      await adminShared.end();
    }
    const narrow = await openStorePool(parseStoreAddress(`postgres://narrow:${password}@127.0.0.1:${server.port}/shared_db?schema=merchant`));
    try {
      expect((await migrate(narrow.pool, 'merchant', migrations)).applied).toEqual(migrations.map((m) => m.version));
      await expect(narrow.pool.query('create schema elsewhere')).rejects.toThrow(/permission denied/);
      await expect(migrate(narrow.pool, 'another', migrations)).rejects.toThrow(/permission denied/);
    } finally {
      await narrow.close();
    }
  });

  it('shop keys sit sealed in the shops table: no plaintext in the row, and a changed row is refused', async () => {
    const schema = freshSchema();
    await migrate(store.pool, schema, migrations);
    const key = parseStoreKey(generateStoreKey(), 'test');
    const credentials = JSON.stringify({ key: 'ck_live_0123456789abcdef', secret: 'cs_live_fedcba9876543210' });
    await store.pool.query(`insert into ${schema}.shops (name, platform, settings, credentials, added_at) values ($1, 'woocommerce', '{}', $2, now())`, ['Main shop', sealSecret(key, credentials, 'shop:Main shop')]);
    const dump = await store.pool.query(`select to_jsonb(s)::text as row from ${schema}.shops s`);
    expect(dump.rows[0].row).not.toContain('ck_live_0123456789abcdef');
    expect(dump.rows[0].row).not.toContain('cs_live');
    const { rows } = await store.pool.query<{ credentials: string }>(`select credentials from ${schema}.shops where name = 'Main shop'`);
    expect(openSecret(key, rows[0]!.credentials, 'shop:Main shop')).toBe(credentials);
    // Someone with database access replaces the authentication tag of the sealed value.
    const parts = [1, 2, 3, 4].map((i) => `split_part(credentials, ':', ${i})`).join(` || ':' || `);
    await store.pool.query(`update ${schema}.shops set credentials = ${parts} || ':AAAAAAAAAAAAAAAAAAAAAA==:' || split_part(credentials, ':', 6) where name = 'Main shop'`);
    const tampered = await store.pool.query<{ credentials: string }>(`select credentials from ${schema}.shops where name = 'Main shop'`);
    expect(tampered.rows[0]!.credentials).not.toBe(rows[0]!.credentials);
    expect(() => openSecret(key, tampered.rows[0]!.credentials, 'shop:Main shop')).toThrow(/are damaged or were changed outside Backroom/);
  });
});
