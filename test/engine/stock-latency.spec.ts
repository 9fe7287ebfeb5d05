import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { Scheduler } from '../../core/engine/scheduler';
import { removeTempDirs } from '../helpers';
import { settle } from '../helpers/scheduler';
import { aroundPages } from '../pages';
import { openWorld, wrappedShopFactory, type World } from '../sync/world';

let world: World | undefined;
let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('a sale on one shop reaches the other shops', () => {
  it('within seconds of the pull that imports it, not at the other shop\'s own next poll', async () => {
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    const shopClock = { now: () => clock.now().getTime(), seed: { products: 4, random: 3 } };
    world = await openWorld({ clock, locations: ['WH'], shops: [{ name: 'Floor', location: 'WH', sandbox: shopClock }, { name: 'Online', sandbox: shopClock }] });
    const api = world.host.client;
    const floor = world.shops.get('Floor')!;
    const online = world.shops.get('Online')!;
    // Floor polls every minute; Online only every 10 minutes (its own poll must not be what carries the sale).
    await api.call('shop.update', { name: 'Floor', ordersSeconds: 60 });
    await api.call('shop.update', { name: 'Online', ordersSeconds: 600 });
    const sku = [...floor.state.products.values()].find((p) => p.type === 'simple' && p.manageStock)!.sku;
    await api.call('stock.set', { sku, quantity: 10, location: 'WH' });
    scheduler = new Scheduler(world.host.ctx.engine, clock, world.host.ctx.events, () => world!.host.store.main.data.settings.stockPushDebounceMs);
    await scheduler.start();
    await clock.advance(0);
    await settle(world);
    await clock.advance(5_000); // the debounced push after the stock edit
    await settle(world);
    expect(online.state.stockOf(sku)).toBe(10);

    floor.addOrder({ status: 'processing', lines: [{ sku, quantity: 3 }] });
    await clock.advance(55_000); // Floor's next poll, at 60 s
    await settle(world);
    expect((await api.call('orders.list', {})).total).toBe(1);
    await clock.advance(5_000); // the stock target: 5 s
    await settle(world);
    expect(online.state.stockOf(sku)).toBe(7);
  });
});

describe('the order poll keeps its period', () => {
  it('plans the next pull one interval after the last one started, however long that pull took', async () => {
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    let release: () => void = () => undefined;
    let gate: Promise<void> | null = null;
    // The shop answers the order listing only when the test says so: a pull that takes 30 s of the engine's clock.
    const factory = wrappedShopFactory((real) => ({
      orderPages: (query) => aroundPages(real.orderPages(query), { before: () => gate }),
    }));
    world = await openWorld({ clock, factory, shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime(), seed: { products: 2 } } }] });
    await world.host.client.call('shop.update', { name: 'Main', ordersSeconds: 60 });
    scheduler = new Scheduler(world.host.ctx.engine, clock, world.host.ctx.events, () => 2000);
    await scheduler.start();
    await clock.advance(0);
    await settle(world);
    gate = new Promise((resolve) => (release = resolve));
    await clock.advance(60_000 + 30_000); // the pull at 08:01:00 is still waiting at 08:01:30
    release();
    await settle(world);
    expect(scheduler.nextRuns.find((n) => n.job === 'orders')!.at).toBe('2026-03-02T08:02:00.000Z');
  });
});
