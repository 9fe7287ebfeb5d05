// The job workers on a real PostgreSQL: a job that fails for good lands in Backroom's error list
// (one entry per operation, as the JSON store's recordError keeps it) and clears when the job next
// succeeds; a run that outlives pg-boss's expiry is never overlapped by its own retry; schedules run
// the timed work from the database and stop when removed; stop() lets a running job finish.
import { fc } from '@fast-check/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type JobHandler, type WorkerEvent, type Workers } from '../../core/engine/workers/runner';
import { operationKey } from '../../core/runtime/issues';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { readErrorRows } from '../../core/store/postgres/issue-errors';
import type { JobKind } from '../../core/store/postgres/jobs';
import { loadMigrations, migrate } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { listSchedules } from '../../core/store/postgres/schedules';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres workers');
const SCHEMA = 'backroom';

async function eventually(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!started.ok)('job workers on PostgreSQL', () => {
  const server = started.ok ? started.server : undefined!;
  let url: string;
  let store: StorePool;
  const opened: { workers: Workers; pool: StorePool }[] = [];

  beforeAll(async () => {
    const db = await server.createDatabase('workers');
    url = db.url;
    store = await openStorePool(parseStoreAddress(url), { max: 8 });
    await migrate(store.pool, SCHEMA, await loadMigrations());
  }, 180_000);
  afterAll(async () => {
    for (const { workers, pool } of opened) {
      await workers.stop().catch(() => undefined);
      await pool.close().catch(() => undefined);
    }
    await store?.close();
    await server?.stop();
  }, 240_000);

  /** A worker process's worth: its own pool and pg-boss, as a separate daemon would have. */
  async function worker(handle: JobHandler, options: Partial<Parameters<typeof startWorkers>[0]> = {}): Promise<Workers> {
    const pool = await openStorePool(parseStoreAddress(url), { max: 12 });
    const workers = await startWorkers({ pool: pool.pool, schema: SCHEMA, handle, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1, retry: { retryLimit: 1, retryDelaySeconds: 1 }, ...options });
    opened.push({ workers, pool });
    return workers;
  }
  const enqueue = (workers: Workers, kind: JobKind, target: string) => store.transaction((client: pg.PoolClient) => workers.queue.enqueue(client, kind, target));

  it('a job that fails for good is one entry in the error list, counted again on the next failure, cleared by a success', async () => {
    let fail = true;
    const events: WorkerEvent[] = [];
    const workers = await worker(
      async (kind, target) => {
        if (fail) throw new Error(`WooCommerce answered 503 for ${target} (key ck_live_abcdef1234567890abcdef)`);
        return { kind };
      },
      { kinds: ['orders-pull'], onEvent: (e) => events.push(e) },
    );
    const entriesFor = async (shop: string) => (await readErrorRows(store.pool, SCHEMA)).filter((e) => e.source.name === shop);

    await enqueue(workers, 'orders-pull', 'Failing shop');
    await eventually('the failure in the error list', async () => (await entriesFor('Failing shop')).length === 1);
    const [first] = await entriesFor('Failing shop');
    expect(first).toMatchObject({ source: { kind: 'shop', name: 'Failing shop' }, operation: { kind: 'orders.pull', args: { shop: 'Failing shop' } }, object: 'orders of Failing shop', attempts: 1, dismissed: false });
    expect(operationKey(first!.operation)).toBe(operationKey({ kind: 'orders.pull', args: { shop: 'Failing shop' } }));
    expect(first!.message).toMatch(/^Backroom gave up pulling orders from Failing shop after 2 tries: WooCommerce answered 503/);
    // The first try and one retry, then the dead-letter record.
    expect(events.filter((e) => e.type === 'failed' && e.target === 'Failing shop').map((e) => e.type === 'failed' && e.final)).toEqual([false, true]);

    // Dismissed, then failing again: the same entry comes back with its count, never a second row.
    await store.pool.query(`update ${SCHEMA}.issue_errors set dismissed = true, error_json = jsonb_set(error_json, '{dismissed}', 'true')`);
    await enqueue(workers, 'orders-pull', 'Failing shop');
    await eventually('the second failure counted', async () => (await entriesFor('Failing shop'))[0]?.attempts === 2);
    const [second] = await entriesFor('Failing shop');
    expect(second).toMatchObject({ id: first!.id, attempts: 2, dismissed: false, firstAt: first!.firstAt });

    fail = false;
    await enqueue(workers, 'orders-pull', 'Failing shop');
    await eventually('the success to clear the entry', async () => (await entriesFor('Failing shop')).length === 0);
    await workers.stop();
  }, 240_000);

  it('random failures from several workers at once: one entry per operation, attempts = jobs that failed for good', async () => {
    const shops = ['Alpha', 'Beta', 'Gamma'];
    const gaveUp = new Map<string, number>();
    const onEvent = (e: WorkerEvent) => e.type === 'gave-up' && gaveUp.set(e.target, (gaveUp.get(e.target) ?? 0) + 1);
    const failing: JobHandler = async (_kind, target) => {
      throw new Error(`Mailchimp refused the key for ${target}`);
    };
    const a = await worker(failing, { kinds: ['crm-work'], retry: { retryLimit: 0, retryDelaySeconds: 1 }, onEvent, concurrency: 2 });
    const b = await worker(failing, { kinds: ['crm-work'], retry: { retryLimit: 0, retryDelaySeconds: 1 }, onEvent, concurrency: 2 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...shops), { minLength: 1, maxLength: 6 }), async (sends) => {
        const before = new Map(gaveUp);
        let expected = 0;
        for (const shop of sends) if ((await enqueue(a, 'crm-work', shop)) !== null) expected++;
        const total = () => [...gaveUp.values()].reduce((n, v) => n + v, 0) - [...before.values()].reduce((n, v) => n + v, 0);
        await eventually('every failed job recorded', () => total() >= expected);
        const entries = (await readErrorRows(store.pool, SCHEMA)).filter((e) => e.source.kind === 'crm');
        expect(new Set(entries.map((e) => operationKey(e.operation))).size).toBe(entries.length);
        for (const entry of entries) expect(entry.attempts).toBe(gaveUp.get(entry.source.name));
      }),
      { numRuns: 6, verbose: true },
    );
    await Promise.all([a.stop(), b.stop()]);
  }, 400_000);

  it('a run that outlives its expiry (ignoring its signal) is never overlapped by its own retry, in any worker', async () => {
    const spans: { worker: number; start: number; end: number }[] = [];
    const aborted: boolean[] = [];
    let first = true;
    const slow =
      (id: number): JobHandler =>
      async (_kind, _target, signal) => {
        const start = Date.now();
        // The first run does not listen to its signal: it runs on past pg-boss's limit. Later ones are quick.
        const ms = first ? 8000 : 200;
        first = false;
        await new Promise((r) => setTimeout(r, ms));
        aborted.push(signal.aborted);
        spans.push({ worker: id, start, end: Date.now() });
        return {};
      };
    const options = { kinds: ['stock-push'] as JobKind[], expireInSeconds: 5, concurrency: 2, retry: { retryLimit: 6, retryDelaySeconds: 1 } };
    const a = await worker(slow(1), options);
    const b = await worker(slow(2), options);
    await enqueue(a, 'stock-push', 'Slow shop');
    await eventually('a run to complete', async () => {
      const { rows } = await store.pool.query(`select state from ${a.queue.schema}.job where name = 'stock-push' and singleton_key = 'Slow shop'`);
      return rows.some((r: { state: string }) => r.state === 'completed');
    }, 200_000);
    // Give any second run that got in time to end.
    await new Promise((r) => setTimeout(r, 9000));
    await Promise.all([a.stop(), b.stop()]);
    spans.sort((x, y) => x.start - y.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start, JSON.stringify(spans)).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    expect(spans.length).toBeGreaterThanOrEqual(1);
    expect(aborted[0]).toBe(true);
  }, 300_000);

  it('schedules run the timed work from the database, once per due time, and stop when removed', async () => {
    const runs: { kind: JobKind; target: string; at: number }[] = [];
    const handle: JobHandler = async (kind, target) => {
      runs.push({ kind, target, at: Date.now() });
      return {};
    };
    const a = await worker(handle, { kinds: ['orders-pull', 'cart-sweep'] });
    const b = await worker(handle, { kinds: ['orders-pull', 'cart-sweep'] });
    const began = Date.now();
    await a.setSchedule({ kind: 'orders-pull', target: 'Timed shop', everySeconds: 3 });
    await b.setSchedule({ kind: 'cart-sweep', target: 'Timed shop', everySeconds: 60 });
    // Set twice (as two daemons reading the same settings would): still one chain.
    await b.setSchedule({ kind: 'orders-pull', target: 'Timed shop', everySeconds: 3 });
    expect(await listSchedules(store.pool, SCHEMA)).toEqual([
      { kind: 'cart-sweep', target: 'Timed shop', everySeconds: 60 },
      { kind: 'orders-pull', target: 'Timed shop', everySeconds: 3 },
    ]);
    await eventually('four order polls', () => runs.filter((r) => r.kind === 'orders-pull').length >= 4);
    const polls = runs.filter((r) => r.kind === 'orders-pull');
    const elapsed = (Date.now() - began) / 1000;
    // One chain: never more polls than due times (one at once, one more when set again, then one per
    // 3 s), whatever two workers do. An upper bound only: how late a busy machine runs them is not judged.
    expect(polls.length).toBeLessThanOrEqual(Math.floor(elapsed / 3) + 2);
    expect(runs.filter((r) => r.kind === 'cart-sweep')).toHaveLength(1);

    await a.removeSchedule('orders-pull', 'Timed shop');
    await new Promise((r) => setTimeout(r, 2000));
    const after = runs.filter((r) => r.kind === 'orders-pull').length;
    await new Promise((r) => setTimeout(r, 8000));
    expect(runs.filter((r) => r.kind === 'orders-pull').length).toBe(after);
    const { rows } = await store.pool.query(`select count(*)::int as n from ${a.queue.schema}.job where name = 'schedule-tick' and singleton_key = 'orders-pull:Timed shop' and state in ('created', 'retry', 'active')`);
    expect(rows[0].n).toBe(0);
    await expect(a.setSchedule({ kind: 'orders-pull', target: 'Timed shop', everySeconds: 0 })).rejects.toThrow(/every 1 to 604,800 seconds/);
    await Promise.all([a.stop(), b.stop()]);
  }, 240_000);

  it('stop() takes no new jobs and lets the running one finish', async () => {
    let finished = 0;
    let began = 0;
    const workers = await worker(
      async () => {
        began++;
        await new Promise((r) => setTimeout(r, 3000));
        finished++;
        return {};
      },
      { kinds: ['shipping-push'] },
    );
    await enqueue(workers, 'shipping-push', 'Stopping shop');
    await eventually('the job to start', () => began === 1);
    await enqueue(workers, 'shipping-push', 'Stopping shop');
    await workers.stop();
    expect(finished).toBe(1);
    expect(began).toBe(1);
    const { rows } = await store.pool.query<{ state: string }>(`select state from ${workers.queue.schema}.job where name = 'shipping-push' and singleton_key = 'Stopping shop' order by created_on`);
    expect(rows.map((r) => r.state)).toEqual(['completed', 'created']);
  }, 120_000);
});
