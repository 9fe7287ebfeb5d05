// `backroom migrate` killed with SIGKILL part-way through, at random points: the next run takes
// over the dead copy's folder lock, goes on where it stopped, and ends with every row exactly once
// and verified, the folder unchanged.
import { spawn } from 'node:child_process';
import { fc } from '@fast-check/vitest';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStoreKey } from '../../core/store/postgres/secret-box';
import { BIN, ensureCliBuilt, removeTempDirs, ROOT, runBin, waitFor } from '../helpers';
import { hashFolder, makeFolder } from './folder';
import { postgresForSuite } from './server';

const started = await postgresForSuite('backroom migrate under SIGKILL');

describe.skipIf(!started.ok)('backroom migrate, killed mid-copy', () => {
  const server = started.ok ? started.server : undefined!;
  let dir: string;
  beforeAll(async () => {
    await ensureCliBuilt();
    dir = await makeFolder(4000);
  }, 240_000);
  afterAll(async () => {
    await server.stop();
    await removeTempDirs();
  }, 180_000);

  it('any kill point: the rerun finishes the copy with every order once', async () => {
    const before = await hashFolder(dir);
    const env = { ...process.env, BACKROOM_SECRETS: 'file', BACKROOM_STORE_KEY: generateStoreKey() };
    let run = 0;
    const killedAt: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), async (killAfterBatches) => {
        const name = `kill_${++run}`;
        const db = await server.createDatabase(name);
        const child = spawn(process.execPath, [BIN, 'migrate', '--from', dir, '--to', db.url], { cwd: ROOT, env, stdio: 'ignore' });
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
        let finished: { code: number | null; signal: NodeJS.Signals | null } | null = null;
        void exited.then((e) => (finished = e));
        // Kill once the copy has committed that many batches (or let it finish if it is quicker).
        await waitFor(async () => finished !== null || (await batchesDone(db.url)) >= killAfterBatches, 180_000, `the copy to commit ${killAfterBatches} batches`);
        if (!finished) child.kill('SIGKILL');
        const first = await exited;
        killedAt.push(first.signal === 'SIGKILL' ? `after ${killAfterBatches} batches` : 'finished first');
        const rerun = await runBin(['migrate', '--from', dir, '--to', db.url, '--json'], env);
        expect(rerun.code, rerun.stderr + rerun.stdout).toBe(0);
        const report = JSON.parse(rerun.stdout) as { result: { tables: { table: string; rows: number }[] } };
        expect(report.result.tables.find((t) => t.table === 'orders')?.rows).toBe(4000);
        const counts = await countOrders(db.url);
        expect(counts).toEqual({ orders: 4000, distinct: 4000, months: 4000 });
      }),
      { numRuns: 4, verbose: true },
    );
    console.info(`[migrate kill] ${killedAt.join(', ')}`);
    expect(await hashFolder(dir)).toEqual(before);
  }, 600_000);
});

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Batches the copy has committed so far (0 before its progress table exists). */
function batchesDone(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const result = await client.query<{ n: number | null }>('select sum(batches_done)::int as n from backroom.folder_copy').catch(() => null);
    return result?.rows[0]?.n ?? 0;
  });
}

function countOrders(url: string): Promise<{ orders: number; distinct: number; months: number }> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ orders: number; distinct: number; months: number }>(
      `select (select count(*)::int from backroom.orders) as orders,
              (select count(distinct (shop, remote_id))::int from backroom.orders) as distinct,
              (select sum(order_count)::int from backroom.order_months) as months`,
    );
    return rows[0]!;
  });
}
