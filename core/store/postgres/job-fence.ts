/**
 * A fence around one running job: a session advisory lock on a connection of its own, held for as
 * long as the job's handler runs. pg-boss's "stately" queue keeps one job per shop and kind
 * *active* in its table, but a job that outlives its expiry is marked failed and handed out again
 * while the first handler may still be running (pg-boss cannot stop a promise). The lock is what
 * keeps the second run out until the first has really ended; a worker killed outright loses its
 * connection and with it the lock, so the job's next run is never kept out by a dead process.
 */
import type pg from 'pg';

export interface JobFence {
  /** Aborted when the lock's connection is lost: the run is no longer fenced and must stop. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** Takes the fence for `key`, or returns null at once when another run holds it. */
export async function tryFence(pool: pg.Pool, key: string): Promise<JobFence | null> {
  const client = await pool.connect();
  const lost = new AbortController();
  const onError = (error: Error) => lost.abort(error);
  client.on('error', onError);
  let held = false;
  try {
    const { rows } = await client.query<{ got: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 13)) as got', [key]);
    held = rows[0]?.got === true;
  } catch (error) {
    client.off('error', onError);
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  if (!held) {
    client.off('error', onError);
    client.release();
    return null;
  }
  let released = false;
  return {
    lost: lost.signal,
    async release() {
      if (released) return;
      released = true;
      let broken: Error | undefined = lost.signal.aborted ? new Error('connection lost') : undefined;
      if (!broken) {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 13))', [key]).catch((error: unknown) => {
          // Unreleased, the lock must not stay on a pooled connection: dropping the connection ends it.
          broken = error instanceof Error ? error : new Error(String(error));
        });
      }
      client.off('error', onError);
      client.release(broken);
    },
  };
}
