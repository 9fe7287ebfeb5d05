import type { ShopConnectorFactory } from '../../core/engine/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { cp } from 'node:fs/promises';
import { basename } from 'node:path';
import { hostEngine } from '../../core/host/host';
import { removeTempDirs, tempDir } from '../helpers';
import { aroundPages } from '../pages';
import { openWorld, quickShopFactory, requestsTo, wrappedShopFactory, type World } from './world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

const T0 = Date.parse('2026-11-20T08:00:00Z');

/** 2,500 processing orders, each modified a minute after the previous one, on a shop at UTC+2. */
async function shopWith2500(factory?: ShopConnectorFactory) {
  let now = T0;
  world = await openWorld({ shops: [{ name: 'Main', sandbox: { utcOffsetMinutes: 120, now: () => now, seed: { products: 30 } } }], factory });
  const shop = world.shops.get('Main')!;
  for (let i = 0; i < 2500; i++) shop.addOrder({ status: 'processing', createdMs: T0 - (2500 - i) * 60_000, modifiedMs: T0 - (2500 - i) * 60_000 });
  return { shop, setNow: (ms: number) => (now = ms) };
}

async function allOrderNumbers(w: Pick<World, 'host'>): Promise<string[]> {
  const { orders, total } = await w.host.client.call('orders.list', { limit: 1000, offset: 0 });
  const rest = [];
  for (let offset = 1000; offset < total; offset += 1000) rest.push(...(await w.host.client.call('orders.list', { limit: 1000, offset })).orders);
  return [...orders, ...rest].map((o) => o.number);
}

describe('order pull against the WooCommerce sandbox', () => {
  it('pulls 2,500 orders across 25 pages exactly once, including orders modified during the pull', async () => {
    let pages = 0;
    const seen: { sandbox?: Awaited<ReturnType<typeof shopWith2500>>['shop'] } = {};
    // Between pages, the merchant edits orders: one already read (it moves to the end of the list) and one not yet read.
    const factory = wrappedShopFactory((real) => ({
      orderPages: (query) =>
        aroundPages(real.orderPages(query), {
          after: () => {
            pages++;
            if (pages === 3 && seen.sandbox) {
              const ids = [...seen.sandbox.state.orders.keys()];
              seen.sandbox.state.modifyOrder(ids[5]!, (o) => (o.customerNote = 'edited during pull'));
              seen.sandbox.state.modifyOrder(ids[2000]!, (o) => (o.customerNote = 'edited during pull'));
            }
          },
        }),
    }));
    const setup = await shopWith2500(factory);
    seen.sandbox = setup.shop;
    const sandbox = setup.shop;
    setup.setNow(T0 + 3_600_000);
    const { summaries } = await world!.host.client.call('sync.run', { job: 'orders' });
    expect(summaries[0]!.errors).toBe(0);
    expect(summaries[0]!.counts.pulled).toBe(2500);
    const numbers = await allOrderNumbers(world!);
    expect(numbers).toHaveLength(2500);
    expect(new Set(numbers).size).toBe(2500);
    expect(numbers.every((n) => n.startsWith('WO:'))).toBe(true);
    // At least 25 pages of 100 were read; keyset paging re-reads only around page boundaries.
    expect(requestsTo(sandbox, /\/orders(\?|$)/)).toBeGreaterThanOrEqual(25);

    // A second pull with nothing new reads one page and imports nothing.
    const before = requestsTo(sandbox, /\/orders(\?|$)/);
    const again = await world!.host.client.call('sync.run', { job: 'orders' });
    expect(again.summaries[0]!.counts.pulled ?? 0).toBe(0);
    expect(requestsTo(sandbox, /\/orders(\?|$)/) - before).toBe(1);
  });

  it('resumes after a crash mid-pull without losing or duplicating orders', async () => {
    let pages = 0;
    const crashing = wrappedShopFactory((real) => ({
      orderPages: (query) =>
        aroundPages(real.orderPages(query), {
          before: () => {
            if (++pages === 11) throw new Error('simulated crash');
          },
        }),
    }));
    await shopWith2500(crashing);
    await expect(world!.host.client.call('sync.run', { job: 'orders' })).rejects.toThrow(/simulated crash/);
    const partial = (await world!.host.client.call('orders.list', { limit: 1 })).total;
    expect(partial).toBeGreaterThanOrEqual(900);
    expect(partial).toBeLessThan(2500);

    await world!.restart(quickShopFactory);
    const { summaries } = await world!.host.client.call('sync.run', { job: 'orders' });
    expect((summaries[0]!.counts.pulled ?? 0) + partial).toBe(2500);
    const numbers = await allOrderNumbers(world!);
    expect(numbers).toHaveLength(2500);
    expect(new Set(numbers).size).toBe(2500);
  });

  it('never leaves a cursor on disk ahead of the orders it covers, whoever else saves backroom.json mid-pull', async () => {
    // While page 2 is read, another part of Backroom saves the settings file (a settings change, a
    // cart sweep, a stock push) and the engine is killed right after: the folder is copied then.
    const snapshot = await tempDir('br-snapshot-');
    let pages = 0;
    const factory = wrappedShopFactory((real) => ({
      orderPages: (query) =>
        aroundPages(real.orderPages(query), {
          before: async () => {
            if (++pages === 2) {
              await world!.host.store.main.save();
              await cp(world!.dataDir, snapshot, { recursive: true, filter: (from) => !basename(from).startsWith('engine.') });
            }
          },
        }),
    }));
    await shopWith2500(factory);
    await world!.host.client.call('sync.run', { job: 'orders' });
    expect((await world!.host.client.call('orders.list', { limit: 1 })).total).toBe(2500);

    // Restart on what the kill left: every order must still arrive.
    const restarted = (await hostEngine({ dataDir: snapshot, serve: false, connectorFactory: quickShopFactory }))!;
    try {
      await restarted.client.call('sync.run', { job: 'orders' });
      const numbers = await allOrderNumbers({ host: restarted });
      expect(new Set(numbers).size, 'orders lost after the restart: the cursor on disk ran ahead of the orders on disk').toBe(2500);
      expect(numbers).toHaveLength(2500);
      // The shop's order count moves with the cursor, so it cannot run ahead either.
      expect((await restarted.client.call('status', {})).shops[0]!.orders).toBe(2500);
    } finally {
      await restarted.close();
    }
  });

  it('imports only the configured statuses and raises one alert per skipped status with its count', async () => {
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 10 } } }] });
    const shop = world.shops.get('Main')!;
    for (let i = 0; i < 3; i++) shop.addOrder({ status: 'processing' });
    for (let i = 0; i < 12; i++) shop.addOrder({ status: 'on-hold' });
    await world.host.client.call('sync.run', { job: 'orders' });
    expect((await world.host.client.call('orders.list', {})).total).toBe(3);
    const alerts = await world.host.client.call('alerts.list', {});
    const skipped = alerts.find((a) => a.kind === 'skipped-status');
    expect(skipped?.count).toBe(12);
    expect(skipped?.message).toMatch(/^12 orders skipped in status on-hold on Main/);
    // Re-reading the same orders (overlap window) does not count them again.
    await world.host.client.call('sync.run', { job: 'orders' });
    expect((await world.host.client.call('alerts.list', {})).find((a) => a.kind === 'skipped-status')?.count).toBe(12);
  });

  it('follows cancellations and refunds, releasing committed stock', async () => {
    world = await openWorld({ shops: [{ name: 'Main', location: 'WH', sandbox: { seed: { products: 8 } } }], locations: ['WH'] });
    const shop = world.shops.get('Main')!;
    await world.host.client.call('stock.set', { sku: 'SKU-00001', quantity: 10, location: 'WH' });
    await world.host.client.call('stock.set', { sku: 'SKU-00002', quantity: 10, location: 'WH' });
    const a = shop.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00001', quantity: 2 }] });
    const b = shop.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00002', quantity: 3 }, { sku: 'SKU-00001', quantity: 1 }] });
    await world.host.client.call('sync.run', { job: 'orders' });
    let stock = await world.host.client.call('stock.list', {});
    expect(stock.find((s) => s.sku === 'SKU-00001')!.committed).toBe(3);
    expect(stock.find((s) => s.sku === 'SKU-00002')!.available).toBe(7);

    shop.state.cancelOrder(a.id);
    shop.state.refundLines(b.id, [{ sku: 'SKU-00002', quantity: 3 }]);
    await world.host.client.call('sync.run', { job: 'orders' });
    stock = await world.host.client.call('stock.list', {});
    expect(stock.find((s) => s.sku === 'SKU-00001')!.committed).toBe(1);
    expect(stock.find((s) => s.sku === 'SKU-00002')!.committed).toBe(0);
    const cancelled = await world.host.client.call('orders.show', { number: `WO:${a.id}` });
    expect(cancelled.status).toBe('cancelled');
  });

  it('raises an alert naming the order and SKU when a line is not in the catalogue, and still imports it', async () => {
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 5 } } }] });
    const order = world.shops.get('Main')!.addOrder({ status: 'processing', lines: [{ sku: 'SKU-00003', quantity: 1 }] });
    await world.host.client.call('sync.run', { job: 'orders' });
    const alert = (await world.host.client.call('alerts.list', {})).find((a) => a.kind === 'unknown-sku');
    expect(alert?.message).toContain(`WO:${order.id}`);
    expect(alert?.message).toContain('SKU-00003');
    expect((await world.host.client.call('orders.list', {})).total).toBe(1);
  });

  it('turns a malformed order into an error entry and imports the others', async () => {
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 5 } } }] });
    const shop = world.shops.get('Main')!;
    const orders = shop.addOrders(5, { status: 'processing' });
    // A plugin stored garbage in one order's line quantity.
    (orders[2]!.lines[0] as unknown as { quantity: unknown }).quantity = 'lots';
    const { summaries } = await world.host.client.call('sync.run', { job: 'orders' });
    expect(summaries[0]!.counts.pulled).toBe(4);
    const errors = await world.host.client.call('errors.list', {});
    expect(errors).toHaveLength(1);
    expect(errors[0]!.object).toContain(String(orders[2]!.id));
    expect(errors[0]!.message).toMatch(/field \w+/);
  });
});
