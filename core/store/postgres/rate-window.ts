/**
 * A platform account's rolling request window held in PostgreSQL, so every worker process sharing
 * the database keeps one rate limit together (ActiveCampaign: 5 requests per rolling second per
 * account, whichever worker sends them). It has the in-process pacer's shape
 * (platforms/pacer.ts `Pacer`: acquire, holdUntil), so an HTTP client takes either.
 *
 * The same rule as the in-process pacer: a start is allowed only when the start `requests` places
 * back is at least `windowMs + marginMs` ago, judged at the moment of starting under the account
 * row's lock (migration 0004 `rate_window_take`), so no two workers take one slot. Time is the
 * database's clock unless a clock is handed in (tests): workers on several hosts then agree on it
 * however their own clocks drift.
 */
import type pg from 'pg';

export interface RateWindowLimit {
  requests: number;
  windowMs: number;
  marginMs: number;
}

export interface RateWindowClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface SharedRateWindow {
  /** Resolves when one more request may start now (in call order within this process), and counts it as started. */
  acquire(): Promise<void>;
  /** No start, in any worker, before this moment (epoch ms); a later hold wins over an earlier one. */
  holdUntil(at: number): void;
  /** Start times granted by this process so far, on the window's clock (for tests and the bench). */
  readonly granted: readonly number[];
}

export interface SharedRateWindowOptions {
  /** Whose clock judges the window: the database's (default) or this one (tests on a fake clock). */
  clock?: RateWindowClock;
  /** Most starts remembered in `granted` (tests and the bench read them); default 10,000. */
  keepGranted?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Longest sleep between two looks at the window: a hold set elsewhere may have moved meanwhile. */
const MAX_NAP_MS = 1000;

export function sharedRateWindow(pool: pg.Pool, schema: string, account: string, limit: RateWindowLimit, options: SharedRateWindowOptions = {}): SharedRateWindow {
  if (!account || account.length > 300) throw new Error('A rate window needs an account name of 1 to 300 characters.');
  if (!Number.isInteger(limit.requests) || limit.requests < 1 || limit.requests > 10_000) throw new Error('A rate window allows 1 to 10,000 requests per window.');
  if (!(limit.windowMs > 0) || !(limit.marginMs >= 0)) throw new Error('A rate window needs a positive window and a margin of 0 or more.');
  const span = limit.windowMs + limit.marginMs;
  const clock = options.clock;
  const sleep = clock ? (ms: number) => clock.sleep(ms) : realSleep;
  const keep = options.keepGranted ?? 10_000;
  const granted: number[] = [];
  let turn: Promise<void> = Promise.resolve();
  /** Holds asked for and not yet written: the next start waits for them, so a hold is never overtaken. */
  let holds: Promise<void> = Promise.resolve();

  async function take(): Promise<void> {
    await holds;
    for (;;) {
      const { rows } = await pool.query<{ granted: boolean; now_ms: number; wait_ms: number }>(`select granted, now_ms, wait_ms from ${schema}.rate_window_take($1, $2, $3, $4)`, [
        account,
        limit.requests,
        span,
        clock ? clock.now() : null,
      ]);
      const row = rows[0];
      if (!row) throw new Error('The database did not answer the rate window.');
      if (row.granted) {
        granted.push(row.now_ms);
        if (granted.length > keep) granted.shift();
        return;
      }
      // Re-checked after waking: other workers take slots, and a hold may have moved meanwhile.
      await sleep(Math.max(1, Math.min(row.wait_ms, MAX_NAP_MS)));
    }
  }

  return {
    granted,
    acquire() {
      const mine = turn.then(take);
      turn = mine.catch(() => undefined);
      return mine;
    },
    holdUntil(at) {
      if (!Number.isFinite(at)) return;
      const write = holds.then(() =>
        pool.query(
          `insert into ${schema}.rate_windows (account, hold_until) values ($1, $2)
           on conflict (account) do update set hold_until = greatest(${schema}.rate_windows.hold_until, excluded.hold_until)`,
          [account, at],
        ),
      );
      // A hold that cannot be written fails the next start instead (its query fails the same way).
      holds = write.then(
        () => undefined,
        () => undefined,
      );
    },
  };
}
