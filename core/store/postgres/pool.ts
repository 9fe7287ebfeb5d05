/**
 * The connection pool to a PostgreSQL store. Opening it connects once, so a wrong address, password
 * or database is reported at start in the merchant's words (never with the password), not at the
 * first sync. Every error the pool raises later passes through the same description.
 */
import pg from 'pg';
import { describeConnectionError, poolConfigFor, type StoreAddress } from './connection';

export interface StorePool {
  readonly address: StoreAddress;
  readonly pool: pg.Pool;
  /** Runs `work` in one transaction on one connection: committed if it returns, rolled back if it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openStorePool(address: StoreAddress, options: { max?: number } = {}): Promise<StorePool> {
  const config = await poolConfigFor(address);
  const pool = new pg.Pool({ ...config, ...(options.max ? { max: options.max } : {}) });
  // An idle connection the server drops (restart, network) must not crash the process: the next
  // query gets a fresh connection and reports its own error.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw describeConnectionError(error, address);
  }
  return {
    address,
    pool,
    transaction: (work) =>
      inTransaction(pool, work, (error) => {
        throw describeConnectionError(error, address);
      }),
    close: () => pool.end(),
  };
}

/**
 * Runs `work` in one transaction on one connection of `pool`: committed if it returns, rolled back
 * if it throws. The one place that checks a connection out for a transaction — every unit, error
 * record and schedule tick goes through it.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, connectFailed: (error: unknown) => never = (error) => { throw error; }): Promise<T> {
  const client = await pool.connect().catch(connectFailed);
  // A checked-out connection the server kills (pg_terminate_backend, restart, network) reports an
  // 'error' event, which without a listener would end the process; the pending query fails on its
  // own, and the dead connection is dropped instead of going back to the pool.
  let broken: Error | undefined;
  const lost = (error: Error) => (broken = error);
  client.on('error', lost);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((failed: unknown) => (broken ??= failed instanceof Error ? failed : new Error(String(failed))));
    throw error;
  } finally {
    client.off('error', lost);
    client.release(broken);
  }
}
