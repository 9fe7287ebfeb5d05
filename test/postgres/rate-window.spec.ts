// The rate window shared through PostgreSQL, attacked by several "workers" (each its own pool, as
// separate processes would be) taking starts at random: whatever the interleaving, no rolling window
// ever holds more starts than the limit, judged on the start times the database itself granted.
// A hold (Retry-After) set by one worker stops every worker until it ends.
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPacer, type Pacer } from '../../core/platforms/pacer';
import { parseStoreAddress } from '../../core/store/postgres/connection';
import { loadMigrations, migrate } from '../../core/store/postgres/migrate';
import { openStorePool, type StorePool } from '../../core/store/postgres/pool';
import { sharedRateWindow } from '../../core/store/postgres/rate-window';
import { postgresForSuite } from './server';

const started = await postgresForSuite('postgres shared rate window');
const SCHEMA = 'backroom';

/** The most starts any span of `spanMs` holds (a start at t counts in [t, t + span)). */
function mostInAnySpan(starts: readonly number[], spanMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[to]! - sorted[from]! >= spanMs) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

describe.skipIf(!started.ok)('rate window shared by workers', () => {
  const server = started.ok ? started.server : undefined!;
  const pools: StorePool[] = [];

  beforeAll(async () => {
    const db = await server.createDatabase('ratewindow');
    for (let i = 0; i < 4; i++) pools.push(await openStorePool(parseStoreAddress(db.url), { max: 4 }));
    await migrate(pools[0]!.pool, SCHEMA, await loadMigrations());
  }, 180_000);
  afterAll(async () => {
    for (const pool of pools) await pool.close();
    await server?.stop();
  }, 180_000);

  it('the shared window has the in-process pacer\'s shape: an HTTP client takes either', () => {
    const shared: Pacer = sharedRateWindow(pools[0]!.pool, SCHEMA, 'shape', { requests: 5, windowMs: 1000, marginMs: 200 });
    const local: Pacer = createPacer({ requests: 5, windowMs: 1000, marginMs: 200 });
    expect(typeof shared.acquire).toBe(typeof local.acquire);
    expect(typeof shared.holdUntil).toBe(typeof local.holdUntil);
  });

  it('random workers, bursts and limits: no span of window + margin holds more than the limit', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          requests: fc.integer({ min: 1, max: 4 }),
          windowMs: fc.integer({ min: 50, max: 250 }),
          marginMs: fc.integer({ min: 0, max: 50 }),
          // Per worker: how many starts it asks for at once in each burst.
          bursts: fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 4 }),
        }),
        async ({ requests, windowMs, marginMs, bursts }) => {
          const account = `activecampaign:acct-${++run}`;
          const windows = bursts.map((_, i) => sharedRateWindow(pools[i]!.pool, SCHEMA, account, { requests, windowMs, marginMs }));
          await Promise.all(
            bursts.map(async (worker, i) => {
              for (const size of worker) await Promise.all(Array.from({ length: size }, () => windows[i]!.acquire()));
            }),
          );
          const all = windows.flatMap((w) => w.granted);
          expect(all).toHaveLength(bursts.flat().reduce((n, s) => n + s, 0));
          expect(mostInAnySpan(all, windowMs + marginMs)).toBeLessThanOrEqual(requests);
        },
      ),
      { numRuns: 20, verbose: true },
    );
  }, 300_000);

  it('a hold set by one worker stops the starts of every worker until it ends', async () => {
    const limit = { requests: 50, windowMs: 1000, marginMs: 0 };
    const a = sharedRateWindow(pools[0]!.pool, SCHEMA, 'held account', limit);
    const b = sharedRateWindow(pools[1]!.pool, SCHEMA, 'held account', limit);
    await a.acquire();
    const { rows } = await pools[0]!.pool.query<{ t: number }>('select extract(epoch from clock_timestamp()) * 1000 as t');
    const until = Number(rows[0]!.t) + 2000;
    a.holdUntil(until);
    await a.acquire();
    await b.acquire();
    expect(a.granted[1]).toBeGreaterThanOrEqual(until);
    expect(b.granted[0]).toBeGreaterThanOrEqual(until);
  }, 60_000);
});
