/**
 * Paces request starts for a platform that counts requests in a rolling window (ActiveCampaign:
 * 5 per second per account). A start is allowed only when the start `limit` places back is at
 * least `windowMs + marginMs` ago, judged on the clock at the moment of starting, so a timer that
 * fires late (or early) can never squeeze a sixth start into a window. The margin absorbs what
 * happens between our start and the platform's count: event-loop delay and network latency.
 *
 * `holdUntil` stops every start until a moment: a `Retry-After` is for the whole account, not
 * only for the request that received it, and counts from when that answer arrived.
 */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RollingWindow {
  /** Requests the platform allows per window. */
  requests: number;
  windowMs: number;
  /** Extra spacing on top of the window for latency and timer jitter. */
  marginMs: number;
}

export interface Pacer {
  /** Resolves when one more request may start now (in call order), and counts it as started. */
  acquire(): Promise<void>;
  /** No start before this moment (epoch ms); a later hold wins over an earlier one. */
  holdUntil(at: number): void;
}

export const realPacerClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function createPacer(window: RollingWindow | undefined, clock: PacerClock = realPacerClock): Pacer {
  const span = window ? window.windowMs + window.marginMs : 0;
  /** The most recent starts, oldest first, at most `window.requests` of them. */
  const starts: number[] = [];
  let hold = 0;
  let turn: Promise<void> = Promise.resolve();

  async function waitForSlot(): Promise<void> {
    for (;;) {
      const now = clock.now();
      const oldest = window && starts.length >= window.requests ? starts[starts.length - window.requests]! : -Infinity;
      const at = Math.max(oldest + span, hold);
      if (now >= at) {
        if (window) {
          starts.push(now);
          if (starts.length > window.requests) starts.shift();
        }
        return;
      }
      // Re-checked after waking: timers may fire late, and a hold may have moved meanwhile.
      await clock.sleep(at - now);
    }
  }

  return {
    acquire() {
      const mine = turn.then(waitForSlot);
      turn = mine.catch(() => undefined);
      return mine;
    },
    holdUntil(at) {
      hold = Math.max(hold, at);
    },
  };
}

/** `Retry-After` as milliseconds from now: seconds, or an HTTP date. Undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
