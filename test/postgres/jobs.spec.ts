// pg-boss on the real server, as the PostgreSQL store will use it: a job enqueued in the same
// transaction as the data that causes it commits or vanishes with that data (no phantom job, no
// lost one), one job per shop and kind waits at a time, and a failing job is retried with back-off.
import { fc } from '@fast-check/vitest';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { startJobQueue, type JobQueue } from '../../core/store/postgres/jobs';
import { loadMigrations, migrate } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { waitFor } from '../helpers';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres jobs');
const SCHEMA = 'backroom';

/** Resolves once `condition` holds (test/helpers' waitFor), failing with `what` after a generous wait. */
const eventually = (what: string, condition: () => Promise<boolean>, timeoutMs = 90_000) => waitFor(condition, timeoutMs, what);

describe.skipIf(!started.ok)('pg-boss jobs beside the store', () => {
  const server = started.ok ? started.server : undefined!;
  let store: StorePool;
  let jobs: JobQueue;

  beforeAll(async () => {
    const db = await server.createDatabase('jobs');
    store = await openStorePool(parseStoreAddress(db.url), { max: 12 });
    await migrate(store.pool, SCHEMA, await loadMigrations());
    jobs = await startJobQueue(store.pool, SCHEMA, { retry: { retryLimit: 3, retryDelaySeconds: 1 }, pollingIntervalSeconds: 0.5 });
  }, 180_000);
  afterAll(async () => {
    await jobs?.stop();
    await store?.close();
    await server.stop();
  }, 180_000);

  const jobsFor = async (kind: string, shop: string) => {
    const { rows } = await store.pool.query<{ state: string }>(`select state from ${jobs.schema}.job where name = $1 and singleton_key = $2`, [kind, shop]);
    return rows.map((r) => r.state);
  };
  /** A data write of the kind a pull makes: an order, and the shop's cursor moved past it. */
  const writeOrder = async (client: pg.ClientBase, shop: string, remoteId: string) => {
    const order = { shop, remoteId, number: `T:${shop}:${remoteId}` };
    await client.query(
      `insert into ${SCHEMA}.orders (shop, remote_id, number, status, fulfilment, customer_email, created_at, modified_at, month, total, currency, order_json)
       values ($1, $2, $3, 'processing', 'unfulfilled', 'a@example.com', now(), now(), to_char(now(), 'YYYY-MM'), 10, 'EUR', $4)`,
      [shop, remoteId, order.number, JSON.stringify(order)],
    );
    await client.query(
      `insert into ${SCHEMA}.shop_cursors (shop, orders_modified_after) values ($1, now()) on conflict (shop) do update set orders_modified_after = excluded.orders_modified_after`,
      [shop],
    );
  };
  const ordersOf = async (shop: string) => Number((await store.pool.query(`select count(*) as n from ${SCHEMA}.orders where shop = $1`, [shop])).rows[0].n);

  it('rolled back: neither the data nor the job; committed: the data and exactly one job', async () => {
    await expect(
      store.transaction(async (client) => {
        await writeOrder(client, 'Rollback shop', '1');
        expect(await jobs.enqueue(client, 'stock-push', 'Rollback shop')).toEqual(expect.any(String));
        throw new Error('the shop answer could not be read');
      }),
    ).rejects.toThrow('the shop answer could not be read');
    expect(await ordersOf('Rollback shop')).toBe(0);
    expect(await jobsFor('stock-push', 'Rollback shop')).toEqual([]);

    await store.transaction(async (client) => {
      await writeOrder(client, 'Commit shop', '1');
      await jobs.enqueue(client, 'stock-push', 'Commit shop');
    });
    expect(await ordersOf('Commit shop')).toBe(1);
    expect(await jobsFor('stock-push', 'Commit shop')).toEqual(['created']);
  });

  it('a job sent in a transaction is invisible to other connections until it commits', async () => {
    let seenInside: string[] = ['not checked'];
    await store.transaction(async (client) => {
      await writeOrder(client, 'Invisible shop', '1');
      await jobs.enqueue(client, 'crm-work', 'Invisible shop');
      seenInside = await jobsFor('crm-work', 'Invisible shop');
    });
    expect(seenInside).toEqual([]);
    expect(await jobsFor('crm-work', 'Invisible shop')).toEqual(['created']);
  });

  it('one waiting job per shop and kind: a second send is absorbed and the transaction goes on', async () => {
    await store.transaction(async (client) => {
      expect(await jobs.enqueue(client, 'orders-pull', 'Single shop')).toEqual(expect.any(String));
      expect(await jobs.enqueue(client, 'orders-pull', 'Single shop')).toBeNull();
      expect(await jobs.enqueue(client, 'orders-pull', 'Other shop')).toEqual(expect.any(String));
      await writeOrder(client, 'Single shop', '1');
    });
    expect(await ordersOf('Single shop')).toBe(1);
    expect(await jobsFor('orders-pull', 'Single shop')).toEqual(['created']);
    expect(await jobsFor('orders-pull', 'Other shop')).toEqual(['created']);
  });

  it('random commits, rollbacks and failures: every committed write has its job, no rolled-back write has one', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ shop: fc.integer({ min: 0, max: 3 }), outcome: fc.constantFrom('commit', 'rollback', 'fail-after-send', 'fail-before-send') }), { minLength: 1, maxLength: 12 }),
        async (steps) => {
          run++;
          const shopName = (i: number) => `P${run} shop ${i}`;
          let orderId = 0;
          for (const step of steps) {
            const shop = shopName(step.shop);
            const id = String(++orderId);
            await store
              .transaction(async (client) => {
                await writeOrder(client, shop, id);
                if (step.outcome === 'fail-before-send') throw new Error('failed before the job');
                await jobs.enqueue(client, 'shipping-push', shop, { order: id });
                if (step.outcome === 'rollback' || step.outcome === 'fail-after-send') throw new Error('rolled back');
              })
              .catch((error: unknown) => {
                if (step.outcome === 'commit') throw error;
              });
          }
          for (let i = 0; i <= 3; i++) {
            const committed = steps.filter((s) => s.shop === i && s.outcome === 'commit').length;
            expect(await ordersOf(shopName(i))).toBe(committed);
            // Several committed writes of one shop share the one waiting job (stately queue).
            expect(await jobsFor('shipping-push', shopName(i))).toEqual(committed > 0 ? ['created'] : []);
          }
        },
      ),
      { numRuns: 25, verbose: true },
    );
  }, 300_000);

  it('a job that fails is retried after its back-off delay, then completes', async () => {
    const attempts: { at: number; retryCount: number }[] = [];
    let failedAt = 0;
    await jobs.boss.work<{ target: string }>('cart-sweep', { pollingIntervalSeconds: 0.5, includeMetadata: true }, async ([job]: PgBoss.JobWithMetadata<{ target: string }>[]) => {
      attempts.push({ at: Date.now(), retryCount: job!.retryCount });
      if (attempts.length === 1) {
        failedAt = Date.now();
        throw new Error('WooCommerce answered 503');
      }
    });
    let id: string | null = null;
    await store.transaction(async (client) => {
      id = await jobs.enqueue(client, 'cart-sweep', 'Retry shop');
    });
    expect(id).toEqual(expect.any(String));
    await eventually('the retried job to complete', async () => (await jobs.boss.getJobById('cart-sweep', id!))?.state === 'completed');
    await jobs.boss.offWork('cart-sweep');
    const job = await jobs.boss.getJobById('cart-sweep', id!);
    expect(job).toMatchObject({ state: 'completed', retryCount: 1, retryBackoff: true, retryDelay: 1 });
    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1]);
    // The back-off is at least the retry delay (1 s); a lower bound only, never how fast it ran.
    expect(attempts[1]!.at - failedAt).toBeGreaterThanOrEqual(900);
  }, 150_000);
});
