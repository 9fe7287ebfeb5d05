import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVECAMPAIGN_LIMITS, createActiveCampaignConnector } from '../../core/platforms/activecampaign/connector';
import { createPacer, retryAfterMs, type PacerClock } from '../../core/platforms/pacer';
import { FakeClock } from '../../core/runtime/clock';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { drive, nothingInFlight, pacerClock } from '../helpers/drive';

const WINDOW = ACTIVECAMPAIGN_LIMITS.rollingWindow!;

/** Most arrivals inside any half-open window of `ms`. */
function busiestWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= ms) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/**
 * A virtual clock whose timers fire late by a random amount (or a little early): the jitter a
 * busy 2-core machine gives. Sleeping moves virtual time; nothing waits for real time.
 */
function jitteryClock(jitter: () => number): PacerClock & { at: number } {
  const clock = {
    at: 1_000_000,
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.at += Math.max(0, ms + jitter());
    },
  };
  return clock;
}

/** One request: its gap after the previous one, its latency to the platform (within the margin), and a 429 it may get. */
const demand = fc.record({
  gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 400 })),
  latencyMs: fc.integer({ min: 0, max: WINDOW.marginMs }),
  retryAfterSeconds: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 8 }),
});

describe('the rolling-window pacer', () => {
  test.prop([fc.array(demand, { minLength: 6, maxLength: 60 }), fc.integer({ min: -5, max: 0 }), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 8 })], { numRuns: 2000 })(
    'no rolling second at the platform ever holds more than the limit, and nothing starts before a Retry-After has passed',
    async (requests, earliest, latest, callers) => {
      let seed = requests.length;
      // Timers fire up to 5 ms early or `latest` ms late, varying per sleep.
      const clock = jitteryClock(() => {
        seed = (seed * 48271) % 2147483647;
        return earliest + (seed % (latest - earliest + 1));
      });
      const pacer = createPacer(WINDOW, clock);
      const arrivals: number[] = [];
      const holds: { answeredAt: number; until: number }[] = [];
      const starts: number[] = [];
      // Several callers at once, as concurrency 5 gives; each works through its share in order.
      const share = (k: number) => requests.filter((_, i) => i % callers === k);
      await Promise.all(
        Array.from({ length: callers }, async (_, k) => {
          for (const r of share(k)) {
            clock.at += r.gapMs;
            await pacer.acquire();
            const start = clock.now();
            starts.push(start);
            const arrival = start + r.latencyMs;
            arrivals.push(arrival);
            if (r.retryAfterSeconds !== null) {
              // The answer comes back no sooner than it arrived there; the hold counts from our receipt.
              const answeredAt = Math.max(clock.now(), arrival);
              holds.push({ answeredAt, until: answeredAt + r.retryAfterSeconds * 1000 });
              clock.at = Math.max(clock.at, answeredAt);
              pacer.holdUntil(answeredAt + r.retryAfterSeconds * 1000);
            }
          }
        }),
      );
      expect(busiestWindow(arrivals, WINDOW.windowMs)).toBeLessThanOrEqual(WINDOW.requests);
      for (const hold of holds) {
        const inside = starts.filter((s) => s > hold.answeredAt && s < hold.until);
        expect(inside, `started during the Retry-After from ${hold.answeredAt} to ${hold.until}`).toEqual([]);
      }
    },
  );

  it('reads Retry-After as seconds or as an HTTP date, and ignores what it cannot read', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('1', now)).toBe(1000);
    expect(retryAfterMs('2.5', now)).toBe(2500);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

let sandbox: ActiveCampaignSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/**
 * The connector and the practice account on one fake clock, moved on only while nothing is on the
 * wire: a request arrives at the moment it starts and every answer is read before time goes on, so
 * what the account counts is what the pacer allowed, however busy the machine is (latency and
 * jittery timers are the property test's above).
 */
async function pacedAccount() {
  const clock = new FakeClock('2026-11-01T08:00:00Z');
  sandbox = await startActiveCampaignSandbox({ now: () => clock.now().getTime() });
  const ac = createActiveCampaignConnector({ url: sandbox.accountUrl, key: sandbox.key, limits: { backoffLimitMs: 200 }, clock: pacerClock(clock) });
  const run = <T>(work: Promise<T>) => drive(clock, work, { idle: () => nothingInFlight([ac]) });
  return { sandbox, ac, run };
}

describe('pacing as the ActiveCampaign sandbox counts it', () => {
  it('30 calls at once: never six arrivals in a rolling second, none refused', async () => {
    const { sandbox, ac, run } = await pacedAccount();
    await run(Promise.all(Array.from({ length: 30 }, () => ac.test())));
    const arrivals = sandbox.log.map((l) => l.at);
    expect(arrivals).toHaveLength(30);
    expect(busiestWindow(arrivals, 1000)).toBeLessThanOrEqual(5);
    expect(sandbox.state.rateLimited).toBe(0);
    // Paced: six rounds of five, each at least 1.2 s after the one before.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(5 * (WINDOW.windowMs + WINDOW.marginMs));
  });

  it('a Retry-After stops every request of the account, counted from the answer, not only the one refused', async () => {
    const { sandbox, ac, run } = await pacedAccount();
    sandbox.inject({ kind: 'status', status: 429, retryAfterSeconds: 3, body: { message: 'Too Many Requests' } });
    await run(Promise.all(Array.from({ length: 10 }, () => ac.test())));
    const log = [...sandbox.log].sort((a, b) => a.at - b.at);
    const refused = log.find((l) => l.status === 429)!;
    expect(refused).toBeDefined();
    // The first five started together, before any answer; every later start waited out the 3 s.
    const later = log.slice(WINDOW.requests);
    expect(later.length).toBe(log.length - WINDOW.requests);
    expect(later.length).toBeGreaterThan(0);
    for (const entry of later) expect(entry.at - refused.at).toBeGreaterThanOrEqual(3000);
  });
});
