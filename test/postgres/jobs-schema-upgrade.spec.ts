// A database set up by an older Backroom: Backroom's schema before the workers' migration (0004)
// and pg-boss's schema as the pg-boss 10.0 series left it (schema version 21, made here by
// pg-boss's own rollback plans from today's), with jobs waiting in it. One start of today's
// Backroom upgrades both in its one migration transaction; the waiting jobs survive and run.
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../core/engine/workers/runner';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { startJobQueue, jobSchemaFor } from '../../core/store/postgres/jobs';
import { JOB_SCHEMA_VERSION } from '../../core/store/postgres/jobs-schema';
import { loadMigrations, migrate, type Migration } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres jobs schema upgrade');
const SCHEMA = 'backroom';
const OLD_JOBS_VERSION = 21;

describe.skipIf(!started.ok)('an older pg-boss schema, upgraded by the migration', () => {
  const server = started.ok ? started.server : undefined!;
  let store: StorePool;
  let migrations: Migration[];

  beforeAll(async () => {
    const db = await server.createDatabase('upgrade');
    store = await openStorePool(parseStoreAddress(db.url), { max: 12 });
    migrations = await loadMigrations();
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  }, 180_000);

  /**
   * pg-boss's own uninstall steps from 24 back to 21 (its migrationStore: 24 changed only
   * create_queue, 23 added the job table's primary key, 22 the retry_limit default), as its
   * rollback plans run them. The migration plans from 21 must hold their reverse.
   */
  async function rollBackJobs(storeSchema: string): Promise<void> {
    const jobs = jobSchemaFor(storeSchema);
    expect(JOB_SCHEMA_VERSION).toBe(24);
    const upgrade = PgBoss.getMigrationPlans(jobs, String(OLD_JOBS_VERSION));
    expect(upgrade).toContain(`ALTER TABLE ${jobs}.job ADD PRIMARY KEY (name, id)`);
    expect(upgrade).toContain(`ALTER TABLE ${jobs}.job ALTER COLUMN retry_limit SET DEFAULT 2`);
    await store.pool.query(`begin;
      alter table ${jobs}.job drop constraint job_pkey;
      alter table ${jobs}.job alter column retry_limit set default 0;
      update ${jobs}.version set version = ${OLD_JOBS_VERSION};
      commit;`);
  }

  const jobsVersion = async () => Number((await store.pool.query<{ version: string }>(`select version from ${jobSchemaFor(SCHEMA)}.version`)).rows[0]!.version);
  const hasJobKey = async () => (await store.pool.query(`select 1 from pg_constraint where conname = 'job_pkey' and connamespace = $1::regnamespace`, [jobSchemaFor(SCHEMA)])).rowCount === 1;

  it('upgrades pg-boss 21 → today and Backroom 3 → today in one start; waiting jobs survive and run', async () => {
    expect(JOB_SCHEMA_VERSION).toBeGreaterThan(OLD_JOBS_VERSION);
    // The older Backroom: its three migrations and the pg-boss schema of its day.
    const before = migrations.slice(0, 3);
    await migrate(store.pool, SCHEMA, before);
    const old = await startJobQueue(store.pool, SCHEMA, { cron: false });
    const waiting = await store.transaction((client) => old.enqueue(client, 'orders-pull', 'Old shop'));
    await old.stop();
    await rollBackJobs(SCHEMA);
    expect(await jobsVersion()).toBe(OLD_JOBS_VERSION);
    expect(await hasJobKey()).toBe(false);
    expect((await store.pool.query(`select to_regclass('${SCHEMA}.job_schedules') as t`)).rows[0].t).toBeNull();

    const result = await migrate(store.pool, SCHEMA, migrations);
    expect(result).toEqual({ from: 3, to: migrations.length, applied: migrations.slice(3).map((m) => m.version) });
    expect(await jobsVersion()).toBe(JOB_SCHEMA_VERSION);
    expect(await hasJobKey()).toBe(true);
    expect((await store.pool.query(`select to_regclass('${SCHEMA}.job_schedules') as t`)).rows[0].t).toBe(`${SCHEMA}.job_schedules`);

    // The job from before the upgrade runs on today's workers.
    const ran: string[] = [];
    const workers = await startWorkers({ pool: store.pool, schema: SCHEMA, kinds: ['orders-pull'], pollingIntervalSeconds: 0.5, handle: async (_kind, target) => void ran.push(target) });
    try {
      const deadline = Date.now() + 120_000;
      while ((await workers.queue.boss.getJobById('orders-pull', waiting!))?.state !== 'completed') {
        if (Date.now() > deadline) throw new Error('the job from before the upgrade never ran');
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await workers.stop();
    }
    expect(ran).toEqual(['Old shop']);
    // A second start finds everything current.
    expect((await migrate(store.pool, SCHEMA, migrations)).applied).toEqual([]);
  }, 300_000);

  it('an upgrade that fails part-way leaves both schemas as they were', async () => {
    const schema = 'halfway';
    await migrate(store.pool, schema, migrations.slice(0, 3));
    await rollBackJobs(schema);
    // Fails after both upgrades ran, just before the commit.
    const failing = migrate(store.pool, schema, migrations, {
      beforeCommit: async () => {
        throw new Error('the connection dropped before the commit');
      },
    });
    await expect(failing).rejects.toThrow('the connection dropped before the commit');
    expect(Number((await store.pool.query<{ version: string }>(`select version from ${jobSchemaFor(schema)}.version`)).rows[0]!.version)).toBe(OLD_JOBS_VERSION);
    expect((await store.pool.query(`select to_regclass('${schema}.job_schedules') as t`)).rows[0].t).toBeNull();
    expect((await store.pool.query<{ n: number }>(`select max(version)::int as n from ${schema}.schema_version`)).rows[0]!.n).toBe(3);
  }, 300_000);
});
