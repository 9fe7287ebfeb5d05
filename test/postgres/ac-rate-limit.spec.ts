// ActiveCampaign's 5 requests per rolling second per account, kept by three worker processes
// together: each runs CRM jobs through the real connector, paced by the account's window in
// PostgreSQL. Random loads of jobs (how many, how many requests each); the sandbox, which refuses
// a sixth request in any rolling second with 429, must never have to, and the arrival times it saw
// must never put more than 5 in one second.
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { startJobQueue, type JobQueue } from '../../core/store/postgres/jobs';
import { loadMigrations, migrate } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { spawnTs, type Child } from '../helpers';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres shared ActiveCampaign rate limit');
const SCHEMA = 'backroom';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The most arrivals any rolling second holds, as the sandbox counts them (t counts in [t, t + 1000)). */
export function mostInOneSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[to]! - sorted[from]! >= 1000) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

describe.skipIf(!started.ok)('three workers, one ActiveCampaign account', () => {
  const server = started.ok ? started.server : undefined!;
  let store: StorePool;
  let queue: JobQueue;
  let sandbox: ActiveCampaignSandbox;
  const children: Child[] = [];

  beforeAll(async () => {
    const db = await server.createDatabase('acrate');
    store = await openStorePool(parseStoreAddress(db.url), { max: 6 });
    await migrate(store.pool, SCHEMA, await loadMigrations());
    queue = await startJobQueue(store.pool, SCHEMA, { maintenanceIntervalSeconds: 3600, cron: false });
    sandbox = await startActiveCampaignSandbox();
    for (let i = 0; i < 3; i++) children.push(spawnTs('test/postgres/ac-worker-child.ts', [db.url, SCHEMA, sandbox.accountUrl, sandbox.key]));
    await Promise.all(children.map((c) => c.waitForLine((l) => l.startsWith('ready'), 180_000)));
  }, 300_000);
  afterAll(async () => {
    for (const child of children) child.process.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await queue?.stop();
    await sandbox?.close();
    await store?.close();
    await server?.stop();
  }, 180_000);

  it('random CRM loads on three workers: the sandbox never sees more than 5 requests in a rolling second', async () => {
    let round = 0;
    const rates: number[] = [];
    const pids = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 3, maxLength: 7 }), async (loads) => {
        round++;
        const from = sandbox.log.length;
        const ids: string[] = [];
        for (const [i, n] of loads.entries()) {
          const id = await store.transaction((client) => queue.enqueue(client, 'crm-work', `${n} requests #${round}.${i}`));
          ids.push(id!);
        }
        const deadline = Date.now() + 300_000;
        for (;;) {
          const { rows } = await store.pool.query<{ n: number }>(`select count(*)::int as n from ${queue.schema}.job where id = any($1::uuid[]) and state = 'completed'`, [ids]);
          if (rows[0]!.n === ids.length) break;
          if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${ids.length} CRM jobs completed`);
          await sleep(500);
        }
        const seen = sandbox.log.slice(from);
        const { rows: outputs } = await store.pool.query<{ pid: string }>(`select output->>'pid' as pid from ${queue.schema}.job where id = any($1::uuid[])`, [ids]);
        for (const row of outputs) pids.add(row.pid);
        expect(seen.filter((r) => r.status === 429)).toEqual([]);
        expect(seen.filter((r) => r.status === 200)).toHaveLength(loads.reduce((a, b) => a + b, 0));
        const most = mostInOneSecond(seen.map((r) => r.at));
        rates.push(most);
        expect(most).toBeLessThanOrEqual(5);
      }),
      { numRuns: 4, verbose: true },
    );
    expect(sandbox.state.rateLimited).toBe(0);
    // The work was shared: more than one worker process ran these jobs.
    expect(pids.size).toBeGreaterThanOrEqual(2);
    console.info(`[shared rate limit] most requests the sandbox saw in one rolling second, per round: ${rates.join(', ')} (limit 5); jobs ran on ${pids.size} worker processes`);
  }, 1_200_000);
});
