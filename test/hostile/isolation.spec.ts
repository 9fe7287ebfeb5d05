import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { Scheduler } from '../../core/engine/scheduler';
import { createShopConnector } from '../../core/platforms';
import type { ShopConnectorFactory } from '../../core/engine/engine';
import { startHostileServer, type HostileServer } from '../../sandbox/kit/hostile';
import { removeTempDirs, waitFor } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
let hanging: HostileServer | undefined;
afterEach(async () => {
  // The hanging shop first: closing it ends the requests still waiting on it.
  await hanging?.close();
  await world?.close();
  world = undefined;
  hanging = undefined;
  await removeTempDirs();
});

/** The hanging shop gets a long timeout, so any wait on it would show; the healthy shop the platform's limits. */
const HANG_TIMEOUT_MS = 10_000;
const factory: ShopConnectorFactory = (shop, credentials) =>
  createShopConnector(shop, credentials, { limits: shop.name === 'Hanging' ? { timeoutMs: HANG_TIMEOUT_MS, retries: 0 } : { backoffLimitMs: 250 } });

/** Here the hanging shop would hang far longer than the test runs: nothing may wait for it. */
const longHangFactory: ShopConnectorFactory = (shop, credentials) =>
  createShopConnector(shop, credentials, { limits: shop.name === 'Hanging' ? { timeoutMs: 10 * 60_000, retries: 0 } : { backoffLimitMs: 250 } });

describe('one shop that never answers delays only itself', () => {
  it('a sync pass imports and pushes the healthy shop while the other still hangs', { timeout: 60_000 }, async () => {
    hanging = await startHostileServer({ kind: 'silent' });
    world = await openWorld({ locations: ['WH'], shops: [{ name: 'Healthy', location: 'WH', sandbox: { seed: { products: 3 } } }], factory });
    const api = world.host.client;
    await api.call('shop.add', { platform: 'woocommerce', name: 'Hanging', url: hanging.url, key: 'ck_hanging', secret: 'cs_hanging', combined: true });
    await api.call('stock.set', { sku: 'SKU-00001', quantity: 7, location: 'WH' });
    const healthy = world.shops.get('Healthy')!;
    const remote = healthy.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 2 }] });

    // What was true at the moment the healthy shop's pass ended: its order imported, its stock pushed, the other shop still hanging.
    const { engine, events } = world.host.ctx;
    const healthyDone = new Promise<{ stillRunning: string[]; imported: number; offered: number | null }>((resolve) => {
      const off = events.on('job', (e) => {
        if (e.target !== 'Healthy' || e.job !== 'shipping' || e.state === 'running') return;
        off();
        const imported = world!.host.store.cursors.orderCount('Healthy');
        resolve({ stillRunning: engine.runningJobs, imported, offered: healthy.state.stockOf('SKU-00001') });
      });
    });
    const pass = api.call('sync.run', {});
    const seen = await healthyDone;
    expect(seen.stillRunning).toContain('orders:Hanging');
    expect(seen.imported).toBe(1);
    expect(seen.offered).toBe(5);
    expect(hanging.seen.length).toBeGreaterThan(0);

    const { summaries } = await pass;
    const hangingPull = summaries.find((s) => s.job === 'orders' && s.target === 'Hanging')!;
    expect(hangingPull.errors).toBeGreaterThan(0);
    const listed = await api.call('orders.list', {});
    expect(listed.orders.map((o) => o.number)).toEqual([`WO:${remote.id}`]);
    const errors = await api.call('errors.list', {});
    expect(errors.some((e) => /did not start answering/.test(e.message) && e.source.name === 'Hanging')).toBe(true);
  });

  it("on the scheduler (injected clock), the healthy shop's new order is in within one poll interval while the other hangs", { timeout: 60_000 }, async () => {
    const clock = new FakeClock('2026-03-03T09:00:00Z');
    hanging = await startHostileServer({ kind: 'silent' });
    world = await openWorld({ clock, shops: [{ name: 'Healthy', sandbox: { now: () => clock.now().getTime(), seed: { products: 3 } } }], factory: longHangFactory });
    const api = world.host.client;
    const healthy = world.shops.get('Healthy')!;
    await api.call('shop.remove', { name: 'Healthy' });
    await api.call('shop.add', { platform: 'woocommerce', name: 'Healthy', url: healthy.url, key: healthy.credentials.key, secret: healthy.credentials.secret, combined: true, pollSeconds: 60 });
    await api.call('shop.add', { platform: 'woocommerce', name: 'Hanging', url: hanging.url, key: 'ck_hanging', secret: 'cs_hanging', combined: true, pollSeconds: 60 });
    const { engine, events } = world.host.ctx;
    const scheduler = new Scheduler(engine, clock, events, () => 2000);
    /** Waits for the condition (the healthy shop's chain has finished and its next pull is planned), within the test's own limit. */
    const healthyPlannedAfter = (afterMs: number) =>
      waitFor(() => {
        const next = scheduler.nextRuns.find((n) => n.job === 'orders' && n.target === 'Healthy');
        return !!next && Date.parse(next.at) > afterMs && !engine.runningJobs.some((j) => j.endsWith(':Healthy'));
      }, 45_000, 'the healthy shop to finish its pull and plan the next one');
    try {
      await scheduler.start();
      await clock.advance(0);
      await healthyPlannedAfter(clock.now().getTime());
      const remote = healthy.addOrder({ status: 'processing' });
      const interval = 60_000;
      const start = clock.now().getTime();
      await clock.advance(interval);
      await healthyPlannedAfter(start + interval);
      expect(engine.runningJobs).toContain('orders:Hanging');
      const listed = await api.call('orders.list', {});
      expect(listed.orders.map((o) => o.number)).toEqual([`WO:${remote.id}`]);
      console.log(`healthy shop's new order visible after ${60} s of engine time (its poll interval) while the other shop hung (${hanging.seen.length} request(s) open there)`);
    } finally {
      await scheduler.stop();
    }
  });
});
