// Latency bench (issue 13): what a merchant waits for, end to end, with Backroom's default settings
// (order poll 60 s, stock push 2 s after a change) and WooCommerce's declared limits (25 req/s, 4 at
// once) against three sandbox shops on loopback, one mapped to a location and two combined.
//
// What is simulated and what is real: the engine runs on a FakeClock, so the waits that are pure
// timers — the time until a shop's next poll, the 2 s debounce — are added exactly as the scheduler
// planned them, without sleeping through them. Everything else is real wall time measured around it:
// the HTTP requests to the sandboxes, parsing, the store's writes and fsyncs, the API call that
// `backroom orders list` makes. When a customer pays is drawn uniformly over the poll cycle.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../core/runtime/clock';
import { hostEngine, type EngineHost } from '../../core/host/host';
import { DEFAULT_POLL_SECONDS } from '../../core/model/settings';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import { median, percentile, type Bench, type Figure } from './types';

export const ORDER_EVENTS = 60;
export const STOCK_EVENTS = 40;
export const SHIPMENT_EVENTS = 30;
const SHOP_NAMES = ['Floor', 'Online', 'Outlet'] as const;
const LOCATION = 'Warehouse';

/** A small deterministic PRNG (mulberry32), so every run draws the same moments. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const realPause = () => new Promise((resolve) => setTimeout(resolve, 1));

/** Waits (real time) until `condition` holds; the engine's own work runs meanwhile. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`the latency bench waited 2 minutes for ${what}`);
    await realPause();
  }
}

interface World {
  clock: FakeClock;
  host: EngineHost;
  shops: Map<string, WooSandbox>;
  skus: string[];
}

async function openWorld(dataDir: string): Promise<World> {
  const clock = new FakeClock(new Date(Math.floor(Date.now() / 60_000) * 60_000));
  const shops = new Map<string, WooSandbox>();
  for (const name of SHOP_NAMES) {
    // The same catalogue on every shop (same seed); the shops' clocks are the engine's.
    shops.set(name, await startWooSandbox({ storeName: name, now: () => clock.now().getTime(), seed: { products: 40, random: 7 } }));
  }
  const host = await hostEngine({ dataDir, clock, schedule: true, serve: false });
  if (!host) throw new Error(`${dataDir} is locked`);
  const api = host.client;
  await api.call('location.add', { name: LOCATION });
  const first = shops.get(SHOP_NAMES[0])!;
  const skus = [...first.state.products.values()].filter((p) => p.type === 'simple' && p.manageStock).map((p) => p.sku);
  await api.call('stock.import', { csv: ['sku,location,quantity', ...skus.map((sku) => `${sku},${LOCATION},5000`)].join('\n') });
  for (const [name, sandbox] of shops) {
    // Backroom's defaults: no poll interval or debounce given.
    await api.call('shop.add', {
      platform: 'woocommerce', name, url: sandbox.url, key: sandbox.credentials.key, secret: sandbox.credentials.secret,
      ...(name === SHOP_NAMES[0] ? { location: LOCATION } : { combined: true }),
    });
  }
  return { clock, host, shops, skus };
}

/** Lets every job the last timers started finish. */
async function quiet(world: World): Promise<void> {
  await realPause();
  await world.host.ctx.engine.idle();
}

/** Advances the engine's clock in steps no longer than a poll, settling between them. */
async function advance(world: World, ms: number): Promise<void> {
  while (ms > 0) {
    const step = Math.min(ms, 30_000);
    await world.clock.advance(step);
    await quiet(world);
    ms -= step;
  }
}

const showsEverywhere = (world: World, sku: string, quantity: number, except?: string) =>
  [...world.shops].every(([name, shop]) => name === except || shop.state.stockOf(sku) === quantity);

async function availableOf(world: World, sku: string): Promise<number> {
  const items = await world.host.client.call('stock.list', { sku });
  return items.find((i) => i.sku === sku)!.available;
}

export const latencyBench: Bench = {
  name: 'latency',
  description: `end to end with default settings (order poll ${DEFAULT_POLL_SECONDS} s, push 2 s after a change), 3 WooCommerce sandboxes at declared limits; timers on the engine's clock, work in real time`,
  async run(report, log) {
    const root = await mkdtemp(join(tmpdir(), 'backroom-bench-latency-'));
    process.env.BACKROOM_SECRETS ??= 'file';
    const world = await openWorld(join(root, 'data'));
    const random = prng(13);
    try {
      // Let the first pulls and the first full push happen.
      await advance(world, 5_000);
      const api = world.host.client;
      const debounceMs = world.host.store.main.data.settings.stockPushDebounceMs;
      const pollMs = world.host.store.main.data.shops[0]!.intervals.ordersSeconds * 1000;
      log(`defaults in use: order poll ${pollMs / 1000} s, stock push ${debounceMs} ms after a change; ${world.skus.length} SKUs on ${world.shops.size} shops`);

      // 1. Order placed on a shop → visible in `backroom orders list` (the orders.list API call it makes);
      //    and the same sale → every other shop shows the new quantity.
      const orderMs: number[] = [];
      const saleMs: number[] = [];
      const saleAfterPullMs: number[] = [];
      const pollWaitMs: number[] = [];
      const orderRealMs: number[] = [];
      const placed: { number: string; shop: string }[] = [];
      for (let i = 0; i < ORDER_EVENTS; i++) {
        await advance(world, Math.floor(random() * pollMs));
        const shopName = SHOP_NAMES[i % SHOP_NAMES.length]!;
        const shop = world.shops.get(shopName)!;
        const sku = world.skus[Math.floor(random() * world.skus.length)]!;
        const before = await availableOf(world, sku);
        const record = shop.addOrder({ status: 'processing', lines: [{ sku, quantity: 1 }] });
        const number = `${world.host.store.main.data.shops.find((s) => s.name === shopName)!.prefix}:${record.id}`;
        const due = world.host.ctx.scheduler!.nextRuns.find((n) => n.job === 'orders' && n.target === shopName)!;
        const waitMs = Math.max(0, new Date(due.at).getTime() - world.clock.now().getTime());
        const started = performance.now();
        void world.clock.advance(waitMs);
        await until(async () => (await api.call('orders.list', { shop: shopName, limit: 1000 })).orders.some((o) => o.number === number), `order ${number} in orders list`);
        const visibleMs = performance.now() - started;
        await until(() => showsEverywhere(world, sku, before - 1, shopName), `SKU ${sku} at ${before - 1} on the other shops`);
        const everywhereMs = performance.now() - started;
        orderMs.push(waitMs + visibleMs);
        pollWaitMs.push(waitMs);
        orderRealMs.push(visibleMs);
        saleMs.push(waitMs + everywhereMs);
        saleAfterPullMs.push(everywhereMs - visibleMs);
        placed.push({ number, shop: shopName });
        await quiet(world);
      }

      // 2. Stock changed in Backroom → every shop shows the new quantity.
      const stockMs: number[] = [];
      for (let i = 0; i < STOCK_EVENTS; i++) {
        await advance(world, Math.floor(random() * 20_000));
        const sku = world.skus[Math.floor(random() * world.skus.length)]!;
        const started = performance.now();
        await api.call('stock.set', { sku, quantity: 4000 + Math.floor(random() * 1000), location: LOCATION });
        const target = await availableOf(world, sku);
        void world.clock.advance(debounceMs);
        await until(() => showsEverywhere(world, sku, target), `SKU ${sku} at ${target} on every shop`);
        stockMs.push(debounceMs + performance.now() - started);
        await quiet(world);
      }

      // 3. Shipment recorded → the shop has the tracking entry and the order is completed there.
      const shipMs: number[] = [];
      for (let i = 0; i < Math.min(SHIPMENT_EVENTS, placed.length); i++) {
        await advance(world, Math.floor(random() * 20_000));
        const { number, shop: shopName } = placed[i]!;
        const shop = world.shops.get(shopName)!;
        const remoteId = Number(number.split(':')[1]);
        const tracking = `BENCH${String(i).padStart(6, '0')}`;
        const started = performance.now();
        await api.call('ship', { orderNumber: number, carrier: 'DHL', tracking });
        void world.clock.advance(debounceMs);
        await until(() => {
          const order = shop.state.orders.get(remoteId);
          return !!order && order.status === 'completed' && order.trackings.some((t) => t.number === tracking);
        }, `tracking ${tracking} on ${shopName}`);
        shipMs.push(debounceMs + performance.now() - started);
        await quiet(world);
      }

      const pair = (label: string, values: number[], target: number | undefined, note: string): Figure[] => [
        { label: `${label}: median`, value: median(values) / 1000, unit: 's', decimals: 2, target, note },
        { label: `${label}: p95`, value: percentile(values, 95) / 1000, unit: 's', decimals: 2, target },
        { label: `${label}: worst`, value: Math.max(...values) / 1000, unit: 's', decimals: 2, target },
      ];
      const pollNote = `${orderMs.length} orders; the poll wait (simulated) median ${(median(pollWaitMs) / 1000).toFixed(1)} s, the pull and the list call (real) median ${(median(orderRealMs) / 1000).toFixed(2)} s`;
      for (const f of pair('order placed → in `orders list`', orderMs, 60, pollNote)) report(f);
      for (const f of pair('stock set in Backroom → every shop shows it', stockMs, 5, `${stockMs.length} changes; includes the ${debounceMs / 1000} s debounce (simulated)`)) report(f);
      for (const f of pair('sale imported → every other shop shows it', saleAfterPullMs, 5, `${saleAfterPullMs.length} sales; real time from the pull that sees the order`)) report(f);
      report({ label: 'sale placed on a shop → every other shop: median', value: median(saleMs) / 1000, unit: 's', decimals: 2, note: 'information: the poll wait plus the push; p95 ' + (percentile(saleMs, 95) / 1000).toFixed(2) + ' s' });
      for (const f of pair('shipment recorded → on the shop', shipMs, 10, `${shipMs.length} shipments; includes the ${debounceMs / 1000} s debounce (simulated)`)) report(f);
    } finally {
      await world.host.close();
      await Promise.all([...world.shops.values()].map((s) => s.close()));
      await rm(root, { recursive: true, force: true });
    }
  },
};
