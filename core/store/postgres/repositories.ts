/**
 * The repositories (../repositories.ts) on PostgreSQL. Readers outside a unit run on the pool, one
 * statement each, and always return fresh copies (rows are decoded anew on every read). A unit,
 * `write(work, moves)`, is one transaction on one connection: `work`'s writers run their statements
 * there (so they see the unit's own writes), the marker moves follow, then COMMIT — "write these
 * orders and move this cursor" commits together or not at all.
 *
 * Units of one process run one at a time, in call order, as the JSON store's do. Several processes
 * sharing the database stay correct through what each write takes: counts and committed totals
 * change by upserts that add under their row lock (orders.ts, stock.ts); read-modify-write of a
 * stock level or a commitment holds that record's advisory transaction lock (repos/db.ts). READ
 * COMMITTED suffices for all of it, so no unit fails merely for running beside another. Locks
 * taken in different orders can still deadlock; PostgreSQL then aborts one of the transactions,
 * and that unit is run again from the start on a fresh transaction (nothing of the aborted attempt
 * is kept) — `work` must therefore only write through the writers it is given.
 */
import type pg from 'pg';
import type { CursorMove } from '../cursors';
import type { Repositories, RepositoryReaders, RepositoryWriters } from '../repositories';
import type { SecretStore } from '../secrets';
import { inTransaction } from './pool';
import { applyMoves, postgresCursors } from './repos/cursors';
import { tablesIn, type Db, type Tables } from './repos/db';
import { postgresIssues } from './repos/issues';
import { postgresOrders } from './repos/orders';
import { postgresCarts, postgresCrmLedger, postgresQueue } from './repos/records';
import { postgresSettings } from './repos/settings';
import { postgresStock } from './repos/stock';

/** How often a unit is tried when PostgreSQL picks it as a deadlock or serialization victim. */
export const UNIT_ATTEMPTS = 4;
const RETRYABLE = new Set(['40P01', '40001']);

function writersOn(db: Db, t: Tables): RepositoryWriters {
  return {
    orders: postgresOrders(db, t),
    stock: postgresStock(db, t),
    carts: postgresCarts(db, t),
    crmLedger: postgresCrmLedger(db, t),
    queue: postgresQueue(db, t),
    settings: postgresSettings(db, t),
    issues: postgresIssues(db, t),
  };
}

/** Readers on any connection: the pool, or one holding a snapshot. */
export function postgresReaders(db: Db, schema: string): RepositoryReaders {
  const t = tablesIn(schema);
  return { ...writersOn(db, t), cursors: postgresCursors(db, t) };
}

const codeOf = (error: unknown): unknown => (typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined);

export interface PostgresRepositoryOptions {
  /** What `status` names as the store (the address without its password, say); by default the schema. */
  where?: string;
  /** The shop and CRM keys (secret-store.ts, sealed with the store key); without it, keys are refused in words. */
  secrets?: SecretStore;
}

const NO_STORE_KEY = 'Shop and CRM keys cannot be read or saved: this database was opened without its store key (set BACKROOM_STORE_KEY or BACKROOM_STORE_KEY_FILE).';
/** Keys without a store key: every use says what is missing, and nothing is stored unsealed. */
const noStoreKey: SecretStore = {
  kind: 'database',
  get: () => Promise.reject(new Error(NO_STORE_KEY)),
  set: () => Promise.reject(new Error(NO_STORE_KEY)),
  delete: () => Promise.reject(new Error(NO_STORE_KEY)),
};

/**
 * Repositories over a migrated schema (migrate.ts) on `pool`. The pool is the caller's: it stays
 * open after the repositories are done with.
 */
export function postgresRepositories(pool: pg.Pool, schema: string, options: PostgresRepositoryOptions = {}): Repositories {
  const t = tablesIn(schema);
  let queue: Promise<unknown> = Promise.resolve();

  const attempt = <T>(work: (w: RepositoryWriters) => Promise<T> | T, moves: readonly CursorMove[]): Promise<T> =>
    inTransaction(pool, async (client) => {
      const result = await work(writersOn(client, t));
      await applyMoves(client, t, moves);
      return result;
    });

  async function unit<T>(work: (w: RepositoryWriters) => Promise<T> | T, moves: readonly CursorMove[]): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt(work, moves);
      } catch (error) {
        if (tries < UNIT_ATTEMPTS && RETRYABLE.has(codeOf(error) as string)) continue;
        throw error;
      }
    }
  }

  return {
    where: options.where ?? `PostgreSQL schema ${schema}`,
    secrets: options.secrets ?? noStoreKey,
    ...postgresReaders(pool, schema),
    write<T>(work: (w: RepositoryWriters) => Promise<T> | T, moves: readonly CursorMove[] = []): Promise<T> {
      const next = queue.then(() => unit(work, moves));
      queue = next.catch(() => undefined);
      return next;
    },
    // A unit is durable when its write resolves; waiting for the queue is all there is to flush.
    flush: () => queue.then(() => undefined),
  };
}
