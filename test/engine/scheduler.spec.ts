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

describe('the scheduler, on a fake clock', () => {
  it('pulls each shop on its interval, pushes stock a debounce after a change, and stops when paused', async () => {
    const clock = new FakeClock('2026-02-02T08:00:00Z');
    world = await openWorld({ clock, locations: ['WH'], shops: [{ name: 'Main', location: 'WH', sandbox: { now: () => clock.now().getTime(), seed: { products: 6 } } }] });
    const shop = world.shops.get('Main')!;
    const api = world.host.client;
    await api.call('shop.remove', { name: 'Main' });
    await api.call('shop.add', { platform: 'woocommerce', name: 'Main', url: shop.url, key: shop.credentials.key, secret: shop.credentials.secret, location: 'WH', pollSeconds: 60 });
    const { Scheduler } = await import('../../core/engine/scheduler');
    const scheduler = new Scheduler(world.host.ctx.engine, clock, world.host.ctx.events, () => 2000);
    await scheduler.start();
    try {
      // Order pulls only (the cart sweep reads checkout-draft/pending orders too).
      const orderReads = () => shop.log.filter((r) => /\/orders(\?|$)/.test(r.path) && !/checkout-draft/.test(decodeURIComponent(r.path))).length;
      await clock.advance(0); // the first pull is due at once
      await settle(world);
      expect(orderReads()).toBe(1);
      const plan = scheduler.nextRuns.find((n) => n.job === 'orders')!;
      expect(plan.at).toBe('2026-02-02T08:01:00.000Z');

      shop.addOrder({ status: 'processing' });
      await clock.advance(59_999);
      await settle(world);
      expect(orderReads()).toBe(1);
      await clock.advance(1);
      await settle(world);
      expect(orderReads()).toBe(2);
      expect((await api.call('orders.list', {})).total).toBe(1);

      // A burst of stock edits: one push, 2 s after the last edit.
      const sku = [...shop.state.products.values()].find((p) => p.type === 'simple' && p.manageStock)!.sku;
      const pushes = () => shop.log.filter((r) => r.method === 'POST' && /batch/.test(r.path)).length;
      for (const qty of [5, 6, 7]) {
        await api.call('stock.set', { sku, quantity: qty, location: 'WH' });
        await clock.advance(500);
      }
      expect(pushes()).toBe(0);
      await clock.advance(1500);
      await settle(world);
      expect(pushes()).toBe(1);
      const available = (await api.call('stock.list', { sku })).find((i) => i.sku === sku)!.available;
      expect(shop.state.stockOf(sku)).toBe(available); // 7 on hand, less what the pulled order holds

      // Paused: timers come due but nothing runs.
      await api.call('engine.pause');
      const before = orderReads();
      await clock.advance(5 * 60_000);
      await settle(world);
      expect(orderReads()).toBe(before);
      expect((await api.call('engine.state')).state).toBe('paused');
      await api.call('engine.resume');
      await clock.advance(60_000);
      await settle(world);
      expect(orderReads()).toBeGreaterThan(before);
    } finally {
      await scheduler.stop();
    }
  });
});
