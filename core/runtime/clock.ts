/**
 * Time, injected. Jobs and the scheduler read the time and set timers only through a Clock, so
 * tests drive them with a FakeClock instead of sleeping.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/**
 * The longest delay Node's setTimeout holds (2^31 − 1 ms, about 24.8 days). A longer one — or NaN,
 * or Infinity — is silently turned into 1 ms, so a timer meant for 40 days would fire at once and,
 * re-armed, in a loop.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The part of the runtime's timers a clock needs; injectable so the chaining below can be tested. */
export interface TimerHost {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * A clock on real timers that is safe for any delay: negative or not-a-number delays mean "now",
 * and delays beyond MAX_TIMER_MS are covered by a chain of shorter timers, measured against the
 * wall clock at every link so the whole wait is exact.
 */
export function timerClock(host: TimerHost, now: () => number = Date.now): Clock {
  return {
    now: () => new Date(now()),
    setTimer(ms, fn) {
      const due = now() + (Number.isFinite(ms) && ms > 0 ? ms : 0);
      let handle: unknown;
      let cancelled = false;
      const arm = () => {
        const left = due - now();
        if (left > MAX_TIMER_MS) {
          handle = host.setTimeout(arm, MAX_TIMER_MS);
        } else {
          handle = host.setTimeout(() => {
            if (!cancelled) fn();
          }, Math.max(0, left));
        }
      };
      arm();
      return () => {
        cancelled = true;
        host.clearTimeout(handle);
      };
    },
  };
}

export const systemClock: Clock = timerClock({
  // unref: a pending sync must not keep a finished command alive.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when told to. `advance` fires due timers in time order. */
export class FakeClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private seq = 0;

  constructor(start: Date | string | number = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.current + (Number.isFinite(ms) && ms > 0 ? ms : 0), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward, firing every timer that falls due on the way (awaiting microtasks between them). */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.current = end;
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** How long until the earliest pending timer is due (0 when one is due now); undefined when none is pending. */
  get nextTimerMs(): number | undefined {
    if (this.timers.length === 0) return undefined;
    return Math.max(0, Math.min(...this.timers.map((t) => t.at)) - this.current);
  }
}
