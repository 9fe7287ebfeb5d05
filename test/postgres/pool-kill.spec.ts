// A transaction on the store pool whose connection the server kills (pg_terminate_backend) fails
// that transaction alone: the process goes on, and the pool hands out a working connection next.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { waitFor } from '../helpers';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres pool kill');

describe.skipIf(!started.ok)('store pool transaction killed by the server', () => {
  const server = started.ok ? started.server : undefined!;
  let store: StorePool;
  let admin: pg.Pool;

  beforeAll(async () => {
    const db = await server.createDatabase('poolkill');
    store = await openStorePool(parseStoreAddress(`${db.url}?application_name=br_pool_victim`), { max: 2 });
    admin = new pg.Pool({ connectionString: server.adminUrl, max: 1 });
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await admin?.end();
    await server?.stop();
  }, 180_000);

  it('fails the transaction, not the process', async () => {
    const idle = "select pid from pg_stat_activity where application_name = 'br_pool_victim' and state like 'idle in transaction%'";
    const outcome = store.transaction(async (client) => {
      await client.query('create table t (id integer)');
      // Held open until the server has killed this connection.
      await waitFor(async () => ((await admin.query(idle)).rowCount ?? 0) > 0, 60_000, 'the transaction to sit idle');
      await admin.query(`select pg_terminate_backend(pid) from (${idle}) v`);
      // The next statement must meet a connection the server has ended: wait until it is gone.
      await waitFor(async () => (await admin.query("select 1 from pg_stat_activity where application_name = 'br_pool_victim'")).rowCount === 0, 60_000, 'the server to end the connection');
      await client.query('insert into t values (1)');
    }).then(() => 'committed', (error: unknown) => String(error));
    expect(await outcome).not.toBe('committed');
    expect((await store.pool.query("select to_regclass('t') as t")).rows[0].t).toBeNull();
  }, 120_000);
});
