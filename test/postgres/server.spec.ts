// The test server itself, and connecting to it the way Backroom will: as a role that owns one
// database and nothing else, with every connection failure reported without the password.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { openStorePool } from '../../core/store/postgres/pool';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres server');

describe.skipIf(!started.ok)('a throwaway PostgreSQL server', () => {
  const server = started.ok ? started.server : undefined!;
  afterAll(() => server.stop(), 180_000);

  it('starts from initdb as an unprivileged user and takes connections on 127.0.0.1', async () => {
    console.info(`[postgres server] initdb + start + first connection: ${(server.startedInMs / 1000).toFixed(1)} s`);
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ addr: string; superuser: string }>(`select host(inet_server_addr()) as addr, current_setting('is_superuser') as superuser`);
      expect(rows[0]).toEqual({ addr: '127.0.0.1', superuser: 'on' });
    } finally {
      await client.end();
    }
  });

  it('gives each test database a role that may not create roles or read other databases', async () => {
    const one = await server.createDatabase('harness_one');
    await server.createDatabase('harness_two');
    const pool = await openStorePool(parseStoreAddress(one.url));
    try {
      await expect(pool.pool.query('create role intruder')).rejects.toThrow(/permission denied/);
      const { rows } = await pool.pool.query<{ current_database: string }>('select current_database()');
      expect(rows[0]!.current_database).toBe('harness_one');
    } finally {
      await pool.close();
    }
    await expect(openStorePool(parseStoreAddress(one.url.replace(/\/harness_one$/, '/harness_two')))).rejects.toThrow(/lacks a privilege Backroom needs in 'harness_two'/);
  });

  it('every way of failing to connect is one sentence without the password', async () => {
    const db = await server.createDatabase('harness_secrets');
    const password = db.password;
    const wrongPassword = 'Wr0ng-Pa55word-for-the-test';
    const base = `postgres://${db.user}:${encodeURIComponent(password)}@127.0.0.1:${server.port}`;
    const attempts: [string, RegExp][] = [
      [`postgres://${db.user}:${wrongPassword}@127.0.0.1:${server.port}/harness_secrets`, /refused the password for user/],
      [`${base}/no_such_database`, /The database 'no_such_database' does not exist/],
      [`postgres://nobody_here:${encodeURIComponent(password)}@127.0.0.1:${server.port}/harness_secrets`, /refused the password for user 'nobody_here'/],
      [`${base.replace(`:${server.port}`, ':1')}/harness_secrets?connect_timeout=5`, /nothing is listening there/],
      [`${base}/harness_secrets?sslmode=require`, /secure connection to the database .* failed \(sslmode=require\)/],
    ];
    for (const [url, expected] of attempts) {
      const error = await openStorePool(parseStoreAddress(url)).then(
        (pool) => pool.close().then(() => new Error(`connected to ${url} unexpectedly`)),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      const stack = (error as Error).stack ?? '';
      expect(message).toMatch(expected);
      for (const secret of [password, encodeURIComponent(password), wrongPassword]) {
        expect(message).not.toContain(secret);
        expect(stack).not.toContain(secret);
        expect(JSON.stringify(error)).not.toContain(secret);
      }
    }
  });
});
