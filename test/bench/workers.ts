// Workers bench (issue 17, part 7): jobs run per second by 1, 3 and 10 worker processes on one real
// PostgreSQL (fsync on), each job an order pull that writes a page of 20 orders and moves the shop's
// cursor in one unit (workers-child.ts) — real store work, not a sleep; and the idle cost of 1,000
// scheduled shops: transactions per minute on the database while nothing is due (pg_stat_database
// xact_commit deltas; every statement pg-boss sends outside a transaction is one), beside 10 shops.
// Named only (`npm run bench -- workers`). Skips with the reason when PostgreSQL cannot start.
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { startJobQueue } from '../../core/store/postgres/jobs';
import { loadMigrations, migrate } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { ensureTickQueue, setSchedule } from '../../core/store/postgres/schedules';
import { spawnTs, type Child } from '../helpers';
import { startPostgres } from '../postgres/server';
import type { Bench } from './types';

const SCHEMA = 'backroom';
const CHILD = 'test/bench/workers-child.ts';
const JOBS = 300;
const IDLE_SECONDS = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function spawnWorkers(count: number, url: string, polling: string, maintenance: string): Promise<Child[]> {
  const children = Array.from({ length: count }, () => spawnTs(CHILD, [url, SCHEMA, polling, maintenance]));
  await Promise.all(children.map((c) => c.waitForLine((l) => l.startsWith('ready'), 300_000)));
  return children;
}
async function stopWorkers(children: Child[]): Promise<void> {
  for (const child of children) child.process.kill('SIGTERM');
  await Promise.all(children.map((c) => c.exited));
}

async function commits(store: StorePool, database: string): Promise<number> {
  const { rows } = await store.pool.query<{ n: string }>('select xact_commit + xact_rollback as n from pg_stat_database where datname = $1', [database]);
  return Number(rows[0]!.n);
}

export const workersBench: Bench = {
  name: 'workers',
  description: 'job workers on PostgreSQL: jobs per second by worker count, idle database load of scheduled shops',
  onlyWhenNamed: true,
  async run(report, log) {
    const started = await startPostgres({ durable: true });
    if (!started.ok) {
      log(`PostgreSQL skipped: ${started.reason}`);
      return;
    }
    const { server } = started;
    try {
      const db = await server.createDatabase('workersbench');
      const store = await openStorePool(parseStoreAddress(db.url), { max: 6 });
      try {
        await migrate(store.pool, SCHEMA, await loadMigrations());
        const queue = await startJobQueue(store.pool, SCHEMA, { maintenanceIntervalSeconds: 3600, cron: false });
        await ensureTickQueue(store.pool, queue.boss);

        for (const count of [1, 3, 10]) {
          const children = await spawnWorkers(count, db.url, '0.5', '60');
          // One waiting pull per shop (a stately queue holds one per shop): JOBS shops, all due at once.
          const began = performance.now();
          const ids: string[] = [];
          for (let from = 0; from < JOBS; from += 50) {
            await store.transaction(async (client) => {
              for (let i = from; i < Math.min(JOBS, from + 50); i++) ids.push((await queue.enqueue(client, 'orders-pull', `W${count} shop ${i}`))!);
            });
          }
          for (;;) {
            const { rows } = await store.pool.query<{ n: number }>(`select count(*)::int as n from ${queue.schema}.job where id = any($1::uuid[]) and state = 'completed'`, [ids]);
            if (rows[0]!.n === ids.length) break;
            await sleep(100);
          }
          const seconds = (performance.now() - began) / 1000;
          report({ label: `${count} worker${count === 1 ? '' : 's'}: jobs run per second`, value: JOBS / seconds, unit: 'jobs/s', note: `${JOBS} pulls of 20 orders each, ${(JOBS * 20 / seconds).toFixed(0)} orders/s` });
          await stopWorkers(children);
        }

        for (const shops of [10, 1000]) {
          await store.pool.query(`delete from ${SCHEMA}.job_schedules`);
          await store.pool.query(`delete from ${queue.schema}.job where name = 'schedule-tick'`);
          for (let from = 0; from < shops; from += 100) {
            await store.transaction(async (client) => {
              for (let i = from; i < Math.min(shops, from + 100); i++) {
                // Set up but not due during the measurement: the first run an hour from now.
                await setSchedule(client, queue, SCHEMA, { kind: 'orders-pull', target: `Idle shop ${i}`, everySeconds: 60 }, 3600);
                await setSchedule(client, queue, SCHEMA, { kind: 'cart-sweep', target: `Idle shop ${i}`, everySeconds: 900 }, 3600);
              }
            });
          }
          // Three workers as a daemon runs them (2 s polling, upkeep every 60 s), settled before counting.
          const children = await spawnWorkers(3, db.url, '2', '60');
          await sleep(10_000);
          const before = await commits(store, 'workersbench');
          await sleep(IDLE_SECONDS * 1000);
          // Less the two reads of the counter itself.
          const perMinute = ((await commits(store, 'workersbench')) - before - 1) * (60 / IDLE_SECONDS);
          report({ label: `idle, ${shops.toLocaleString('en')} shops scheduled, 3 workers: queries per minute`, value: perMinute, unit: 'q/min', decimals: 0, note: `${(perMinute / 3).toFixed(0)} per worker; nothing due` });
          await stopWorkers(children);
        }
        await queue.stop();
      } finally {
        await store.close();
      }
    } finally {
      await server.stop();
    }
  },
};
