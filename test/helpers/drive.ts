// Driving a FakeClock while real work runs: the engine's waits (bulk polls, back-off) and the
// connectors' pacing all sit on the clock, so a test never waits on real time for them, and time
// moves only when what is running waits for it — never faster or slower on a busy machine.
import type { PacerClock } from '../../core/platforms/pacer';
import type { FakeClock } from '../../core/runtime/clock';

/** A connector's pacing on the test's clock: its sleeps are timers of that clock. */
export function pacerClock(clock: FakeClock): PacerClock {
  return { now: () => clock.now().getTime(), sleep: (ms) => new Promise<void>((resolve) => void clock.setTimer(ms, resolve)) };
}

/** Something that counts the requests it started and the answers it received. */
export interface Counted {
  readonly stats: { requests: number; settled?: number };
}

/** True when every request these connectors started has been settled: nothing is on the wire. */
export function nothingInFlight(connectors: Iterable<Counted>): boolean {
  for (const c of connectors) if (c.stats.settled === undefined || c.stats.requests > c.stats.settled) return false;
  return true;
}

/** One turn of the event loop that lets sockets and the disk move on (a yield, not a wait for something). */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export interface DriveOptions {
  /** Whether time may move now (default: always). Pass `nothingInFlight` so no answer is overtaken by the clock. */
  idle?: () => boolean;
}

/**
 * Runs `work` to its end, moving `clock` on to its next timer whenever `idle()` says nothing real
 * is in progress: a request's arrival and its answer then happen at the moment it was started, and
 * a poll or a pacing sleep ends as soon as the rest has caught up.
 */
export async function drive<T>(clock: FakeClock, work: Promise<T>, options: DriveOptions = {}): Promise<T> {
  const idle = options.idle ?? (() => true);
  let done = false;
  const result = work.finally(() => {
    done = true;
  });
  while (!done) {
    const next = clock.nextTimerMs;
    if (next !== undefined && idle()) await clock.advance(next);
    await turn();
  }
  return result;
}
