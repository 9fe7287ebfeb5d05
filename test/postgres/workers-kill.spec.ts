// Several worker processes on one database, SIGKILLed at random moments while jobs keep coming:
// never two runs of one shop and kind at the same time (each run's start and end are recorded on the
// database's clock), and every job sent ends completed — a killed worker's job comes back through
// pg-boss's expiry and runs elsewhere. SIGTERM lets a running job finish and ends the process cleanly.
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { startJobQueue, type JobKind, type JobQueue } from '../../core/store/postgres/jobs';
import { loadMigrations, migrate } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { spawnTs, type Child } from '../helpers';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres workers under SIGKILL');
const SCHEMA = 'backroom';
const CHILD = 'test/postgres/worker-child.ts';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!started.ok)('worker processes killed at random', () => {
  const server = started.ok ? started.server : undefined!;
  let url: string;
  let store: StorePool;
  let queue: JobQueue;
  const children = new Set<Child>();

  beforeAll(async () => {
    const db = await server.createDatabase('workerkill');
    url = db.url;
    store = await openStorePool(parseStoreAddress(url), { max: 6 });
    await migrate(store.pool, SCHEMA, await loadMigrations());
    await store.pool.query(`create table ${SCHEMA}.test_runs (id serial primary key, worker text not null, kind text not null, target text not null, started_at timestamptz not null, ended_at timestamptz)`);
    // Only sends: this process never works on jobs.
    queue = await startJobQueue(store.pool, SCHEMA, { maintenanceIntervalSeconds: 3600, cron: false });
  }, 180_000);
  afterAll(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await queue?.stop();
    await store?.close();
    await server?.stop();
  }, 180_000);

  async function spawnWorker(name: string, mode = 'mixed'): Promise<Child> {
    const child = spawnTs(CHILD, [url, SCHEMA, name, mode]);
    children.add(child);
    void child.exited.then(() => children.delete(child));
    await child.waitForLine((l) => l.startsWith('ready'), 180_000);
    return child;
  }
  const dbNow = async () => (await store.pool.query<{ t: Date }>('select clock_timestamp() as t')).rows[0]!.t.getTime();

  it('random SIGKILLs of three workers: no two runs of a shop and kind overlap, no job is lost', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ afterMs: fc.integer({ min: 500, max: 6000 }), victim: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 3 }),
        async (kills) => {
          round++;
          const shops = [0, 1, 2, 3].map((i) => `R${round} shop ${i}`);
          const kinds: JobKind[] = ['orders-pull', 'stock-push'];
          let generation = 0;
          const workers: Child[] = [];
          const names: string[] = [];
          for (let i = 0; i < 3; i++) {
            names[i] = `r${round}w${i}g${generation}`;
            workers[i] = await spawnWorker(names[i]!);
          }
          const killedAt = new Map<string, number>();
          const sent: { kind: JobKind; id: string }[] = [];
          let sending = true;
          const sender = (async () => {
            while (sending) {
              for (const shop of shops) {
                for (const kind of kinds) {
                  const id = await store.transaction((client) => queue.enqueue(client, kind, shop));
                  if (id) sent.push({ kind, id });
                }
              }
              await sleep(300);
            }
          })();
          for (const kill of kills) {
            await sleep(kill.afterMs);
            const victim = workers[kill.victim]!;
            victim.process.kill('SIGKILL');
            await victim.exited;
            killedAt.set(names[kill.victim]!, await dbNow());
            names[kill.victim] = `r${round}w${kill.victim}g${++generation}`;
            workers[kill.victim] = await spawnWorker(names[kill.victim]!);
          }
          await sleep(2000);
          sending = false;
          await sender;

          // Every job sent ends completed: those a killed worker held come back after their expiry (8 s).
          const deadline = Date.now() + 240_000;
          let open: { id: string; state: string }[] = [];
          for (;;) {
            const { rows } = await store.pool.query<{ id: string; state: string }>(`select id, state from ${queue.schema}.job where id = any($1::uuid[]) and state <> 'completed'`, [sent.map((s) => s.id)]);
            open = rows;
            if (open.length === 0 || Date.now() > deadline) break;
            await sleep(1000);
          }
          expect(open, `jobs not completed: ${JSON.stringify(open)}`).toEqual([]);

          const { rows: runs } = await store.pool.query<{ worker: string; kind: string; target: string; started_at: Date; ended_at: Date | null }>(
            `select worker, kind, target, started_at, ended_at from ${SCHEMA}.test_runs where target = any($1::text[]) order by started_at`,
            [shops],
          );
          expect(runs.length).toBeGreaterThanOrEqual(sent.length);
          const byKey = new Map<string, { start: number; end: number; worker: string }[]>();
          for (const run of runs) {
            // A killed worker's unfinished run ended at the latest when its process was gone.
            const end = run.ended_at?.getTime() ?? killedAt.get(run.worker);
            expect(end, `run without an end on a worker never killed: ${run.worker}`).toBeDefined();
            const key = `${run.kind} ${run.target}`;
            byKey.set(key, [...(byKey.get(key) ?? []), { start: run.started_at.getTime(), end: end!, worker: run.worker }]);
          }
          for (const [key, spans] of byKey) {
            for (let i = 1; i < spans.length; i++) {
              expect(spans[i]!.start, `${key}: ${JSON.stringify(spans.slice(i - 1, i + 1))}`).toBeGreaterThanOrEqual(spans[i - 1]!.end);
            }
          }
          for (const child of workers) child.process.kill('SIGKILL');
          await Promise.all(workers.map((c) => c.exited));
        },
      ),
      { numRuns: 3, verbose: true },
    );
  }, 1_500_000);

  it('SIGTERM: the running job finishes and is completed, then the worker exits cleanly', async () => {
    const child = await spawnWorker('term', 'slow');
    const id = await store.transaction((client) => queue.enqueue(client, 'cart-sweep', 'Term shop'));
    const deadline = Date.now() + 120_000;
    while ((await store.pool.query(`select 1 from ${SCHEMA}.test_runs where target = 'Term shop'`)).rowCount === 0) {
      if (Date.now() > deadline) throw new Error('the job never started');
      await sleep(200);
    }
    child.process.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    const { rows } = await store.pool.query<{ ended_at: Date | null }>(`select ended_at from ${SCHEMA}.test_runs where target = 'Term shop'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.ended_at).not.toBeNull();
    expect((await queue.boss.getJobById('cart-sweep', id!))?.state).toBe('completed');
  }, 300_000);
});
