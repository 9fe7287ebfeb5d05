// The PostgreSQL repositories with more than one writer: two processes' worth of pools writing the
// same shop, orders and SKUs at once never lose a count, a committed unit or a ledger entry, and a
// marker seen by any reader at any moment never runs ahead of its orders; a connection killed by
// the server in the middle of a unit (pg_terminate_backend) leaves nothing of that unit behind.
import { fc } from '@fast-check/vitest';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../core/model';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { loadMigrations, migrate, type Migration } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { postgresReaders, postgresRepositories } from '../../core/store/postgres/repositories';
import type { RepositoryReaders } from '../../core/store/repositories';
import { runsWith } from '../property/seed';
import { waitFor } from '../helpers';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres repositories, concurrent');

const why = { at: '2026-11-20T09:00:00.000Z', cause: 'set' as const };
const SKUS = ['MUG', 'TEE'];

function order(remoteId: string, status: string): Order {
  const at = '2026-11-02T08:00:00.000Z';
  return {
    shop: 'Main', remoteId, number: `MA:${remoteId}`, remoteNumber: remoteId, status, currency: 'EUR', total: '10.00',
    customer: { email: `c${remoteId}@example.com`, firstName: 'Ada', lastName: 'Okafor', phone: '', company: '' },
    lines: [], meta: {}, createdAt: at, modifiedAt: at, importedAt: at, fulfilment: 'unfulfilled', shipments: [],
  };
}

/** A marker naming its writer and unit: 2026-12-01T0P:UU:00.000Z. */
const markerOf = (process: number, unit: number) => `2026-12-01T0${process}:${String(unit).padStart(2, '0')}:00.000Z`;

interface UnitPlan {
  orders: string[];
  commits: Array<{ remoteId: string; lines: Record<string, number> | null }>;
  onHand: Array<{ sku: string; quantity: number }>;
}

const unitArb: fc.Arbitrary<UnitPlan> = fc.record({
  orders: fc.array(fc.integer({ min: 1, max: 15 }).map(String), { minLength: 1, maxLength: 4 }),
  commits: fc.array(fc.record({
    remoteId: fc.integer({ min: 1, max: 6 }).map(String),
    lines: fc.option(fc.dictionary(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 5 }), { minKeys: 1 }), { nil: null }),
  }), { maxLength: 3 }),
  onHand: fc.array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 0, max: 40 }) }), { maxLength: 2 }),
});

async function allOrders(repos: RepositoryReaders): Promise<Order[]> {
  const found: Order[] = [];
  for await (const month of repos.orders.byMonth()) found.push(...month);
  return found;
}

/** Everything a unit can change, read through the repositories. */
async function state(repos: RepositoryReaders) {
  const history: Record<string, unknown> = {};
  const committed: Record<string, number> = {};
  for (const sku of SKUS) {
    history[sku] = await repos.stock.history(sku);
    committed[sku] = await repos.stock.committed(sku, 'Warehouse');
  }
  return {
    orders: (await allOrders(repos)).sort((a, b) => a.remoteId.localeCompare(b.remoteId)),
    counts: await repos.orders.counts(),
    months: await repos.orders.monthCounts(),
    items: await repos.stock.items(),
    commitments: await repos.stock.commitments(),
    committed,
    history,
    cursor: await repos.cursors.of('Main'),
  };
}

describe.skipIf(!started.ok)('PostgreSQL repositories under concurrent writers', () => {
  const server = started.ok ? started.server : undefined!;
  let url: string;
  const writers: StorePool[] = [];
  let admin: pg.Pool;
  let migrations: Migration[];
  let schemas = 0;

  const openWriter = async (name: string) => {
    const pool = await openStorePool(parseStoreAddress(`${url}?application_name=${name}`), { max: 4 });
    writers.push(pool);
    return pool;
  };

  beforeAll(async () => {
    url = (await server.createDatabase('concurrent')).url;
    admin = new pg.Pool({ connectionString: server.adminUrl.replace(/\/postgres$/, '/concurrent'), max: 3 });
    migrations = await loadMigrations();
  }, 180_000);
  afterAll(async () => {
    for (const pool of writers) await pool.close();
    await admin?.end();
    await server?.stop();
  }, 180_000);

  it('two processes writing at once: no count, unit or ledger entry lost; no reader ever sees a marker ahead of its orders', async () => {
    const a = await openWriter('br_process_a');
    const b = await openWriter('br_process_b');
    await fc.assert(
      fc.asyncProperty(fc.array(unitArb, { minLength: 2, maxLength: 6 }), fc.array(unitArb, { minLength: 2, maxLength: 6 }), async (unitsA, unitsB) => {
        const schema = `concurrent_${++schemas}`;
        await migrate(a.pool, schema, migrations);
        const plans = [unitsA, unitsB];
        const run = (pool: StorePool, p: number) => {
          const repos = postgresRepositories(pool.pool, schema);
          return Promise.all(plans[p]!.map((unit, j) => repos.write(async (w) => {
            for (const id of unit.orders) await w.orders.put(order(id, `p${p}`));
            for (const c of unit.commits) await w.stock.commit(`Main#${c.remoteId}`, c.lines && { location: 'Warehouse', lines: c.lines }, why);
            for (const s of unit.onHand) await w.stock.setOnHand(s.sku, 'Warehouse', s.quantity, why);
          }, [{ shop: 'Main', ordersModifiedAfter: markerOf(p, j + 1) }])));
        };
        // A reader that keeps checking, on consistent snapshots, that the marker's orders are all in.
        let running = true;
        let looks = 0;
        const watch = (async () => {
          const client = await admin.connect();
          try {
            while (running) {
              await client.query('begin transaction isolation level repeatable read read only');
              const seen = postgresReaders(client, schema);
              const marker = (await seen.cursors.of('Main')).ordersModifiedAfter;
              if (marker) {
                const p = Number(marker.slice(12, 13));
                const j = Number(marker.slice(14, 16));
                const held = new Set((await allOrders(seen)).map((o) => o.remoteId));
                for (const id of plans[p]![j - 1]!.orders) expect(held.has(id), `order ${id} behind marker ${marker}`).toBe(true);
              }
              await client.query('commit');
              looks++;
            }
          } finally {
            client.release();
          }
        })();
        try {
          await Promise.all([run(a, 0), run(b, 1)]);
        } finally {
          running = false;
          await watch;
        }
        expect(looks).toBeGreaterThan(0);

        const end = await state(postgresReaders(a.pool, schema));
        const distinct = new Set([...unitsA, ...unitsB].flatMap((u) => u.orders));
        expect(end.orders.map((o) => o.remoteId).sort()).toEqual([...distinct].sort());
        expect(end.counts.Main).toBe(distinct.size);
        expect(end.months['2026-11']?.Main).toBe(distinct.size);
        // The marker is one of the two writers' last units (whichever committed last).
        expect([markerOf(0, unitsA.length), markerOf(1, unitsB.length)]).toContain(end.cursor.ordersModifiedAfter);
        for (const sku of SKUS) {
          const held = Object.values(end.commitments).reduce((sum, c) => sum + (c.lines[sku] ?? 0), 0);
          expect(end.committed[sku]).toBe(held);
          const entries = end.history[sku] as Array<{ measure: string; delta: number; after: number }>;
          for (const measure of ['committed', 'onHand']) {
            const of = entries.filter((e) => e.measure === measure);
            const total = measure === 'committed' ? held : (end.items.find((i) => i.sku === sku)?.onHand.Warehouse ?? 0);
            // Every change is in the ledger once: the deltas add up to the quantity, the last entry shows it.
            expect(of.reduce((sum, e) => sum + e.delta, 0)).toBe(total);
            if (of.length) expect(of[of.length - 1]!.after).toBe(total);
          }
        }
      }),
      runsWith(6),
    );
  }, 600_000);

  it('a connection killed in the middle of a unit leaves nothing of it; the next unit works', async () => {
    const victim = await openWriter('br_victim');
    await fc.assert(
      fc.asyncProperty(unitArb, fc.integer({ min: 0, max: 8 }), async (unit, killAfter) => {
        const schema = `killed_${++schemas}`;
        await migrate(victim.pool, schema, migrations);
        const repos = postgresRepositories(victim.pool, schema);
        await repos.write(async (w) => {
          await w.orders.put(order('1', 'processing'));
          await w.stock.commit('Main#1', { location: 'Warehouse', lines: { MUG: 2 } }, why);
        }, [{ shop: 'Main', ordersModifiedAfter: markerOf(0, 1) }]);
        const before = await state(repos);

        let paused!: () => void;
        const atPause = new Promise<void>((r) => (paused = r));
        const ops: Array<(w: Parameters<Parameters<typeof repos.write>[0]>[0]) => Promise<unknown>> = [
          ...unit.orders.map((id) => (w: Parameters<Parameters<typeof repos.write>[0]>[0]) => w.orders.put(order(id, 'completed'))),
          ...unit.commits.map((c) => (w: Parameters<Parameters<typeof repos.write>[0]>[0]) => w.stock.commit(`Main#${c.remoteId}`, c.lines && { location: 'Warehouse', lines: c.lines }, why)),
          ...unit.onHand.map((s) => (w: Parameters<Parameters<typeof repos.write>[0]>[0]) => w.stock.setOnHand(s.sku, 'Warehouse', s.quantity, why)),
        ];
        const stopAt = Math.min(killAfter, ops.length);
        /** Until the server has ended the victim's open transaction (the test kills it below). */
        const victimGone = () =>
          waitFor(async () => (await admin.query("select 1 from pg_stat_activity where application_name = 'br_victim' and state like 'idle in transaction%'")).rowCount === 0, 60_000, 'the victim transaction to end');
        const written = repos.write(async (w) => {
          for (const [i, op] of ops.entries()) {
            if (i === stopAt) {
              paused();
              // Waits here until the server has killed this connection; the next statement then fails.
              await victimGone();
            }
            await op(w);
          }
          if (stopAt === ops.length) {
            paused();
            await victimGone();
          }
        }, [{ shop: 'Main', ordersModifiedAfter: markerOf(0, 2) }]);
        const outcome = written.then(() => 'committed', (error: unknown) => String(error));
        await atPause;
        await waitFor(async () => {
          const { rows } = await admin.query<{ killed: boolean }>("select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = 'br_victim' and state like 'idle in transaction%'");
          return rows.some((r) => r.killed);
        }, 60_000, 'the victim connection to be killed');
        expect(await outcome).not.toBe('committed');
        expect(await state(postgresReaders(admin, schema))).toEqual(before);
        // The pool dropped the dead connection: the same repositories write again.
        await repos.write(async (w) => w.orders.put(order('2', 'processing')), [{ shop: 'Main', ordersModifiedAfter: markerOf(0, 3) }]);
        expect((await repos.orders.counts()).Main).toBe(2);
        expect((await repos.cursors.of('Main')).ordersModifiedAfter).toBe(markerOf(0, 3));
      }),
      runsWith(8),
    );
  }, 600_000);
});
