// Scheduler tests advance a FakeClock; what its timers start must finish before the test looks.
import type { World } from '../sync/world';

/**
 * Lets the jobs started by fired timers finish their HTTP round trips. A timer's job is registered
 * as running before `clock.advance` returns (Engine.run is synchronous up to its first await, and a
 * chained run starts before the one it follows has settled), so waiting for the engine to be idle is
 * enough: no polling of real time, and no quarter second lost when no job was due.
 */
export async function settle(w: World): Promise<void> {
  await w.host.ctx.engine.idle();
}
