// The repository contract (test/store/contract.ts) against a real PostgreSQL server: the same suite
// the JSON folder passes. Each subject is a fresh schema, migrated as a start would. A crash state
// is what the database holds at a moment during the units: a REPEATABLE READ snapshot exported
// right after each commit, before the first and as each unit's first write starts, read back through the same repositories — only
// committed transactions are in it, exactly what a kill of every client at that moment leaves.
import type pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { loadMigrations, migrate, type Migration } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { postgresReaders, postgresRepositories } from '../../core/store/postgres/repositories';
import type { Repositories, RepositoryWriters } from '../../core/store/repositories';
import { repositoryContract, type OpenedStore } from '../store/contract';
import { postgresForSuite } from './server';
import { generateStoreKey, parseStoreKey } from '../../core/store/postgres/secret-box';
import { postgresSecretStore } from '../../core/store/postgres/secret-store';

const KEY = parseStoreKey(generateStoreKey(), 'test');

const started = await postgresForSuite('postgres repository contract');

/** The writers, each method first awaiting `before`. */
function watchWriters(w: RepositoryWriters, before: () => Promise<void>): RepositoryWriters {
  const wrap = <T extends object>(repo: T): T =>
    new Proxy(repo, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver);
        // byMonth hands out an async iterator, not a promise: passed through as it is.
        if (typeof value !== 'function' || name === 'byMonth') return value;
        return async (...args: unknown[]) => {
          await before();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return { orders: wrap(w.orders), stock: wrap(w.stock), carts: wrap(w.carts), crmLedger: wrap(w.crmLedger), queue: wrap(w.queue), settings: wrap(w.settings), issues: wrap(w.issues) };
}

describe.skipIf(!started.ok)('PostgreSQL repositories', () => {
  const server = started.ok ? started.server : undefined!;
  let store: StorePool;
  let migrations: Migration[];
  let schemas = 0;
  /** Snapshot holders a failed property run left open; closed before the next subject. */
  let holders: pg.PoolClient[] = [];

  beforeAll(async () => {
    const db = await server.createDatabase('contract');
    store = await openStorePool(parseStoreAddress(db.url), { max: 30 });
    migrations = await loadMigrations();
  }, 180_000);
  afterAll(async () => {
    for (const holder of holders) holder.release(true);
    await store?.close();
    await server?.stop();
  }, 180_000);

  /** Opens a reader on the database as it is now, and keeps that view until it is closed. */
  async function snapshotNow(schema: string): Promise<() => Promise<OpenedStore>> {
    const holder = await store.pool.connect();
    holders.push(holder);
    await holder.query('begin transaction isolation level repeatable read read only');
    const { rows } = await holder.query<{ id: string }>('select pg_export_snapshot() as id');
    const id = rows[0]!.id;
    return async () => {
      const reader = await store.pool.connect();
      await reader.query('begin transaction isolation level repeatable read read only');
      await reader.query(`set transaction snapshot '${id}'`);
      const repos: Repositories = {
        where: `snapshot of ${schema}`,
        secrets: postgresSecretStore(store.pool, schema, KEY),
        ...postgresReaders(reader, schema),
        write: () => Promise.reject(new Error('a crash state is read only')),
        flush: async () => undefined,
      };
      return {
        repos,
        async close() {
          await reader.query('rollback');
          reader.release();
          await holder.query('rollback');
          holder.release();
          holders = holders.filter((h) => h !== holder);
        },
      };
    };
  }

  repositoryContract({
    name: 'PostgreSQL',
    async create() {
      for (const holder of holders) holder.release(true);
      holders = [];
      const schema = `contract_${++schemas}`;
      await migrate(store.pool, schema, migrations);
      const open = async (): Promise<OpenedStore> => {
        const repos = postgresRepositories(store.pool, schema, { secrets: postgresSecretStore(store.pool, schema, KEY) });
        return { repos, close: () => repos.flush() };
      };
      return {
        open,
        async crashStates(during) {
          const states = [await snapshotNow(schema)];
          const { repos } = await open();
          const watched: Repositories = {
            ...repos,
            async write(work, moves) {
              // Also a state inside the unit, as its first write starts: what a kill there leaves.
              let inside = false;
              const firstCall = async () => {
                if (inside) return;
                inside = true;
                states.push(await snapshotNow(schema));
              };
              const watchedWork = (w: RepositoryWriters) => work(watchWriters(w, firstCall));
              const result = await repos.write(watchedWork, moves);
              states.push(await snapshotNow(schema));
              return result;
            },
          };
          await during(watched);
          return states;
        },
      };
    },
  });
});
