// Changing a setting re-plans the timers; it must not push back a run that was already counting
// down. The hourly reconcile in particular has to come on the hour it was planned for.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { removeTempDirs } from '../helpers';
import { settle } from '../helpers/scheduler';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('re-planning after a settings change', () => {
  it('keeps the hourly reconcile on its hour when any setting changes in between', async () => {
    const clock = new FakeClock('2026-02-02T08:00:00Z');
    world = await openWorld({ clock, shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime() } }] });
    const { Scheduler } = await import('../../core/engine/scheduler');
    const scheduler = new Scheduler(world.host.ctx.engine, clock, world.host.ctx.events, () => 2000);
    await scheduler.start();
    try {
      const reconcileAt = () => scheduler.nextRuns.find((n) => n.job === 'reconcile')!.at;
      expect(reconcileAt()).toBe('2026-02-02T09:00:00.000Z');
      await clock.advance(0);
      await settle(world);
      await clock.advance(30 * 60_000);
      await settle(world);
      // Any setting: the stock push debounce.
      await world.host.client.call('settings.update', { stockPushDebounceMs: 3000 });
      expect(reconcileAt()).toBe('2026-02-02T09:00:00.000Z');
      await clock.advance(30 * 60_000);
      await settle(world);
      expect(world.host.store.cursors.of('Main').lastRun.reconcile).toBe('2026-02-02T09:00:00.000Z');
    } finally {
      await scheduler.stop();
    }
  });
});
