// Copying a data folder into PostgreSQL: the folder is only read (hashed before and after), every
// table arrives with the same rows (counts and checksums read back from the server), a copy
// stopped part-way goes on where it stopped without a row twice, and a dry run writes nothing.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { postgresRepositories } from '../../core/store/postgres/repositories';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { copyFolder, FolderCopyError } from '../../core/store/postgres/copy-folder';
import { loadMigrations, migrate, type Migration } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { generateStoreKey, openSecret, parseStoreKey } from '../../core/store/postgres/secret-box';
import { removeTempDirs } from '../helpers';
import { hashFolder, makeFolder } from './folder';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres folder copy');
const key = parseStoreKey(generateStoreKey(), 'test');

describe.skipIf(!started.ok)('copying a data folder into PostgreSQL', () => {
  const server = started.ok ? started.server : undefined!;
  let target: StorePool;
  let migrations: Migration[];
  let schemas = 0;
  const freshSchema = () => `copy_${++schemas}`;

  beforeAll(async () => {
    const db = await server.createDatabase('copies');
    target = await openStorePool(parseStoreAddress(db.url), { max: 8 });
    migrations = await loadMigrations();
  }, 120_000);
  afterAll(async () => {
    await target?.close();
    await server.stop();
    await removeTempDirs();
  }, 180_000);

  it('copies every table, verified by counts and checksums read back, and leaves the folder untouched', async () => {
    const dir = await makeFolder(1234);
    const before = await hashFolder(dir);
    const source = await openStore(dir);
    const schema = freshSchema();
    const report = await copyFolder({ source, target, schema, key, migrations });
    expect(await hashFolder(dir)).toEqual(before);
    const rows = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
    expect(rows).toMatchObject({ orders: 1234, shops: 1, crm_connections: 1, rules: 1, locations: 1, stock: 30, carts: 1, crm_ledger: 1, queue_items: 1, issue_errors: 1, issue_alerts: 1, shop_cursors: 1, shop_last_sent: 30, shop_skipped_stock: 1, app_settings: 1, order_months: 11, crm_customer_orders: 1234 });
    expect(report.tables.every((t) => t.copied === t.rows)).toBe(true);
    const { rows: counts } = await target.pool.query(`select (select count(*) from ${schema}.orders)::int as orders, (select sum(order_count) from ${schema}.order_months)::int as counted`);
    expect(counts[0]).toEqual({ orders: 1234, counted: 1234 });
    // Keys are sealed in the database and open with the operator's key.
    const { rows: shops } = await target.pool.query<{ credentials: string }>(`select credentials from ${schema}.shops`);
    expect(shops[0]!.credentials).not.toContain('ck_0123456789abcdef0123');
    expect(JSON.parse(openSecret(key, shops[0]!.credentials, 'shop:Main'))).toEqual({ key: 'ck_0123456789abcdef0123', secret: 'cs_0123456789abcdef0123' });
  }, 240_000);

  it('a dry run reports the same counts and writes nothing to the database', async () => {
    const dir = await makeFolder(40);
    const schema = freshSchema();
    const report = await copyFolder({ source: await openStore(dir), target, schema, key, migrations, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.tables.find((t) => t.table === 'orders')).toMatchObject({ rows: 40, copied: 0 });
    const { rowCount } = await target.pool.query('select 1 from pg_namespace where nspname = $1', [schema]);
    expect(rowCount).toBe(0);
  }, 120_000);

  it('stopped after any batch, a second run goes on from there and ends with every row once', async () => {
    const dir = await makeFolder(1700);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 24 }), async (stopAfter) => {
        const schema = freshSchema();
        let batches = 0;
        const stop = new Error('stopped');
        const first = await copyFolder({
          source: await openStore(dir), target, schema, key, migrations,
          afterBatch: () => {
            if (++batches === stopAfter) throw stop;
          },
        }).catch((e: unknown) => e);
        const finished = first !== stop;
        const second = await copyFolder({ source: await openStore(dir), target, schema, key, migrations });
        expect(second.resumed).toBe(true);
        const copiedTwice = second.tables.reduce((n, t) => n + t.copied, 0);
        const total = second.tables.reduce((n, t) => n + t.rows, 0);
        if (finished) expect(copiedTwice).toBe(0);
        else expect(copiedTwice).toBeLessThan(total);
        const { rows } = await target.pool.query(`select count(*)::int as n from ${schema}.orders`);
        expect(rows[0]).toEqual({ n: 1700 });
      }),
      { numRuns: 6, verbose: true },
    );
  }, 300_000);

  it('copies the items of queue.json kept aside as unreadable, as they are, with the reason: nothing the folder held is dropped', async () => {
    const dir = await makeFolder(5);
    // One item this version cannot read (a hand edit, or a newer version's work), beside the good one.
    const queueFile = join(dir, 'queue.json');
    const queue = JSON.parse(await readFile(queueFile, 'utf8')) as { items: unknown[] };
    const broken = { id: 'q9', lane: 'shop:Main', kind: 'shipping.push', payload: {}, enqueuedAt: 'x', attempts: 'three' };
    const notAnObject = 'left here by hand';
    queue.items.push(broken, notAnObject);
    await writeFile(queueFile, JSON.stringify(queue));
    const source = await openStore(dir);
    expect(source.queue.data.unreadable?.map((u) => u.item)).toEqual([broken, notAnObject]);

    const dry = await copyFolder({ source, target, schema: freshSchema(), key, migrations, dryRun: true });
    expect(dry.tables.find((t) => t.table === 'queue_unreadable'), 'a dry run counts them too').toMatchObject({ rows: 2 });
    const schema = freshSchema();
    const report = await copyFolder({ source, target, schema, key, migrations });
    expect(report.tables.find((t) => t.table === 'queue_unreadable')).toMatchObject({ rows: 2, copied: 2 });
    expect(report.tables.find((t) => t.table === 'queue_items')).toMatchObject({ rows: 1 });
    const { rows } = await target.pool.query<{ item: unknown; problem: string }>(`select item, problem from ${schema}.queue_unreadable order by position`);
    expect(rows.map((r) => r.item)).toEqual([broken, notAnObject]);
    expect(rows[0]!.problem).toMatch(/attempts/);
    // The queue repository reads them back as the folder's repository does.
    expect(await postgresRepositories(target.pool, schema).queue.unreadable()).toEqual(await jsonRepositories(source).queue.unreadable());
  }, 180_000);

  it('refuses to copy into a database that already holds other Backroom data, and a changed row fails verification', async () => {
    const dir = await makeFolder(20);
    const schema = freshSchema();
    await copyFolder({ source: await openStore(dir), target, schema, key, migrations });
    // The copied orders are changed in the database: a second run verifies and names the table.
    await target.pool.query(`update ${schema}.orders set status = 'cancelled' where remote_id = '3'`);
    await expect(copyFolder({ source: await openStore(dir), target, schema, key, migrations })).rejects.toThrow('The copy does not match the folder in: orders (folder 20 rows, database 20 rows, contents differ)');
    const other = freshSchema();
    await target.pool.query(`create schema ${other}`);
    await migrate(target.pool, other, migrations);
    await target.pool.query(`insert into ${other}.locations (name, added_at) values ('Elsewhere', now())`);
    const error = await copyFolder({ source: await openStore(dir), target, schema: other, key, migrations }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FolderCopyError);
    expect((error as Error).message).toContain('already holds Backroom data (table locations has rows)');
  }, 180_000);
});
