// PostgreSQL bench (issue 17, part 7): persist time of one change — an order update and a stock set,
// each one `Repositories.write` unit — at 100,000 orders (1,000,000 with --full), beside the same
// units on the JSON folder at the same size. The server is a throwaway one with fsync on, so a
// commit costs what it costs on a real disk. Named only (`npm run bench -- postgres`): building a
// million orders takes minutes. Skips with the reason when PostgreSQL cannot start here.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Order } from '../../core/model';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { loadMigrations, migrate } from '../../core/store/postgres/migrate';
import { openStorePool } from '../../core/store/postgres/pool';
import { postgresRepositories } from '../../core/store/postgres/repositories';
import type { Repositories } from '../../core/store/repositories';
import { startPostgres } from '../postgres/server';
import { buildDataDir, SKU_COUNT } from './store';
import { median, percentile, type Bench, type Figure } from './types';

const ROUNDS = 30;
const why = { at: '2026-11-20T09:00:00.000Z', cause: 'set' as const };

/** Times `ROUNDS` units of each kind: an order's status changed, and one SKU's on hand set. */
async function persistTimes(repos: Repositories, pick: (i: number) => Promise<Order>): Promise<{ order: number[]; stock: number[] }> {
  const order: number[] = [];
  const stock: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const next = { ...(await pick(i)), status: i % 2 ? 'completed' : 'processing' };
    let began = performance.now();
    await repos.write((w) => w.orders.put(next), [{ shop: next.shop, ordersModifiedAfter: why.at }]);
    order.push(performance.now() - began);
    began = performance.now();
    await repos.write((w) => w.stock.setOnHand(`SKU-${String(i).padStart(5, '0')}`, 'Warehouse', 100 + i, why));
    stock.push(performance.now() - began);
  }
  return { order, stock };
}

export const postgresBench: Bench = {
  name: 'postgres',
  description: 'persist time of one change on PostgreSQL and on the JSON folder at the same size',
  onlyWhenNamed: true,
  async run(report, log) {
    const orders = process.argv.includes('--full') ? 1_000_000 : 100_000;
    const figures = (store: string, times: { order: number[]; stock: number[] }): Figure[] => [
      { label: `${store}: order update, one unit: median`, value: median(times.order), unit: 'ms', target: 50 },
      { label: `${store}: order update: p95`, value: percentile(times.order, 95), unit: 'ms' },
      { label: `${store}: stock set, one unit: median`, value: median(times.stock), unit: 'ms', target: 50 },
      { label: `${store}: stock set: p95`, value: percentile(times.stock, 95), unit: 'ms' },
    ];

    // The JSON folder, built in its own layout at this size.
    const dir = await mkdtemp(join(tmpdir(), 'br-bench-pg-json-'));
    try {
      log(`building a data folder with ${orders.toLocaleString('en')} orders`);
      const samples = await buildDataDir(join(dir, 'data'), new Date(), { orders, skus: SKU_COUNT });
      const store = await openStore(join(dir, 'data'));
      const repos = jsonRepositories(store);
      const times = await persistTimes(repos, async (i) => {
        const s = samples[i % samples.length]!;
        return (await repos.orders.get(s.shop, s.remoteId, s.createdAt))!;
      });
      await store.flush();
      for (const figure of figures('JSON folder', times)) report(figure);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const started = await startPostgres({ durable: true });
    if (!started.ok) {
      log(`PostgreSQL skipped: ${started.reason}`);
      return;
    }
    const { server } = started;
    try {
      const db = await server.createDatabase('bench');
      const pool = await openStorePool(parseStoreAddress(db.url), { max: 4 });
      try {
        await migrate(pool.pool, 'backroom', await loadMigrations());
        log(`filling PostgreSQL with ${orders.toLocaleString('en')} orders`);
        // Built by the server itself, 100,000 rows a statement: the bench measures the write, not the load.
        for (let from = 1; from <= orders; from += 100_000) {
          await pool.pool.query(
            `insert into backroom.orders (shop, remote_id, number, status, fulfilment, customer_email, created_at, modified_at, month, total, currency, order_json)
             select 'Main shop', g::text, 'WO:' || g, 'processing', 'unfulfilled', 'c' || g || '@example.com', t, t, to_char(t, 'YYYY-MM'), 10, 'EUR',
               jsonb_build_object('shop', 'Main shop', 'remoteId', g::text, 'number', 'WO:' || g, 'remoteNumber', g::text, 'status', 'processing', 'currency', 'EUR',
                 'total', '10.00', 'customer', jsonb_build_object('email', 'c' || g || '@example.com', 'firstName', 'Anna', 'lastName', 'Weber', 'phone', '', 'company', ''),
                 'lines', '[]'::jsonb, 'meta', '{}'::jsonb, 'createdAt', to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'modifiedAt', to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 'importedAt', to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'fulfilment', 'unfulfilled', 'shipments', '[]'::jsonb)
             from (select g, timestamptz '2024-12-01 00:00Z' + (g * interval '1 minute') as t from generate_series($1::integer, $2::integer) g) s`,
            [from, Math.min(orders, from + 99_999)],
          );
        }
        await pool.pool.query(`insert into backroom.order_months (shop, month, order_count) select shop, month, count(*) from backroom.orders group by shop, month`);
        await pool.pool.query(`insert into backroom.stock (sku, location, on_hand) select 'SKU-' || lpad(g::text, 5, '0'), 'Warehouse', 10 from generate_series(0, $1::integer - 1) g`, [SKU_COUNT]);
        await pool.pool.query('analyze');
        const repos = postgresRepositories(pool.pool, 'backroom');
        const times = await persistTimes(repos, async (i) => (await repos.orders.get('Main shop', String(1 + ((i * 7919) % orders)), ''))!);
        for (const figure of figures('PostgreSQL', times)) report({ ...figure, note: 'fsync on, same machine' });
      } finally {
        await pool.close();
      }
    } finally {
      await server.stop();
    }
  },
};
