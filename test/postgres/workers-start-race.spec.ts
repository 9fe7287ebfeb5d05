// Several workers started at once against a database no worker has used yet: each finds a queue
// missing and creates it. Only one creation can win; every worker must still start (the losers find
// the queue the winner made), because three daemons started together by a service manager is the
// normal way a server deployment comes up.
import { afterAll, describe, expect, it } from 'vitest';
import { startWorkers, type Workers } from '../../core/engine/workers/runner';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { loadMigrations, migrate } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { postgresForSuite } from './server';

const started = await postgresForSuite('workers starting together');

describe.skipIf(!started.ok)('workers started together on a fresh database', () => {
  const server = started.ok ? started.server : undefined!;
  const pools: StorePool[] = [];

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await server.stop();
  }, 180_000);

  it('every one of several workers starting at once comes up, and each queue exists once', async () => {
    const url = (await server.createDatabase('start_race')).url;
    for (let i = 0; i < 4; i++) pools.push(await openStorePool(parseStoreAddress(url), { max: 4 }));
    await migrate(pools[0]!.pool, 'backroom', await loadMigrations());
    const outcomes = await Promise.allSettled(
      pools.map((p) => startWorkers({ pool: p.pool, schema: 'backroom', handle: async () => ({}) })),
    );
    const up = outcomes.filter((o): o is PromiseFulfilledResult<Workers> => o.status === 'fulfilled').map((o) => o.value);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => String(o.reason));
    await Promise.all(up.map((w) => w.stop()));
    expect(refused).toEqual([]);
    expect(up).toHaveLength(4);
    const { rows } = await pools[0]!.pool.query<{ name: string; n: number }>(`select name, count(*)::int as n from backroom_jobs.queue group by name having count(*) > 1`);
    expect(rows).toEqual([]);
  }, 180_000);
});
