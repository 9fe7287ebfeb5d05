// pg-boss's schema is Backroom's to create and upgrade, inside its own migration: a role that owns
// only its two schemas (no CREATE on the database) starts, migrates and runs jobs; pg-boss never
// migrates by itself; a jobs schema from a newer pg-boss is refused with nothing changed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { startJobQueue } from '../../core/store/postgres/jobs';
import { loadMigrations, migrate, SchemaVersionError, type Migration } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres jobs schema');

describe.skipIf(!started.ok)('pg-boss schema in the migrations', () => {
  const server = started.ok ? started.server : undefined!;
  let admin: pg.Pool;
  let limited: StorePool;
  let migrations: Migration[];

  beforeAll(async () => {
    await server.createDatabase('limits');
    admin = new pg.Pool({ connectionString: server.adminUrl.replace(/\/postgres$/, '/limits'), max: 2 });
    // The operator's setup for a role with the least it needs: CONNECT, and two schemas it owns.
    await admin.query("create role br_limited login password 'limited-pw'");
    await admin.query('grant connect on database limits to br_limited');
    for (const schema of ['backroom', 'backroom_jobs', 'other', 'other_jobs']) await admin.query(`create schema ${schema} authorization br_limited`);
    limited = await openStorePool(parseStoreAddress(`postgres://br_limited:limited-pw@127.0.0.1:${server.port}/limits`), { max: 6 });
    migrations = await loadMigrations();
  }, 180_000);
  afterAll(async () => {
    await limited?.close();
    await admin?.end();
    await server?.stop();
  }, 180_000);

  it('a role without CREATE on the database migrates both schemas and runs a job', async () => {
    const { rows } = await admin.query<{ may: boolean }>("select has_database_privilege('br_limited', 'limits', 'CREATE') as may");
    expect(rows[0]!.may).toBe(false);
    await migrate(limited.pool, 'backroom', migrations);
    const version = await limited.pool.query<{ version: number }>('select version from backroom_jobs.version');
    expect(version.rows[0]!.version).toBeGreaterThan(0);
    const jobs = await startJobQueue(limited.pool, 'backroom', { pollingIntervalSeconds: 0.5 });
    try {
      const id = await jobs.boss.send('orders-pull', { target: 'Main' });
      expect(id).toBeTruthy();
      const [job] = await jobs.boss.fetch('orders-pull');
      expect(job?.id).toBe(id);
    } finally {
      await jobs.stop();
    }
    // A second start finds both schemas current and changes nothing.
    expect((await migrate(limited.pool, 'backroom', migrations)).applied).toEqual([]);
  }, 180_000);

  it('a jobs schema from a newer pg-boss is refused, and nothing is migrated', async () => {
    await migrate(limited.pool, 'other', migrations.slice(0, 1));
    await admin.query('update other_jobs.version set version = version + 1');
    const refused = await migrate(limited.pool, 'other', migrations).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SchemaVersionError);
    expect((refused as SchemaVersionError).reason).toBe('newer');
    expect(String(refused)).toMatch(/newer/);
    const { rows } = await admin.query<{ n: string }>('select count(*) as n from other.schema_version');
    expect(Number(rows[0]!.n)).toBe(1);
  }, 180_000);
});
