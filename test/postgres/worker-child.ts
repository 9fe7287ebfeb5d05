// A worker process for the multi-worker tests: the job workers of one PostgreSQL store, with a
// handler that records each run's start and end (on the database's clock) in `test_runs` and does
// some work in between. The tests start several of these, SIGKILL them at random moments and
// SIGTERM them; prints `ready PID` once its workers poll.
import { startWorkers, stopOnSignals } from '../../core/engine/workers/runner';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { openStorePool } from '../../core/store/postgres/pool';

const [url, schema, name, mode = 'mixed'] = process.argv.slice(2);
if (!url || !schema || !name) throw new Error('usage: worker-child.ts URL SCHEMA NAME [mixed|slow]');

const store = await openStorePool(parseStoreAddress(url), { max: 20 });
const workers = await startWorkers({
  pool: store.pool,
  schema,
  concurrency: 2,
  pollingIntervalSeconds: 0.5,
  maintenanceIntervalSeconds: 1,
  expireInSeconds: 8,
  stopGraceSeconds: 20,
  retry: { retryLimit: 8, retryDelaySeconds: 1 },
  async handle(kind, target, signal) {
    const { rows } = await store.pool.query<{ id: number }>(`insert into ${schema}.test_runs (worker, kind, target, started_at) values ($1, $2, $3, clock_timestamp()) returning id`, [name, kind, target]);
    const ms = mode === 'slow' ? 3000 : 100 + Math.floor(Math.random() * 500);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      });
    });
    await store.pool.query(`update ${schema}.test_runs set ended_at = clock_timestamp() where id = $1`, [rows[0]!.id]);
    return { ms };
  },
});
stopOnSignals(workers, (code) => {
  void store.close().finally(() => process.exit(code));
});
process.stdout.write(`ready ${process.pid}\n`);
