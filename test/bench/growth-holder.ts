// The engine process of the growth bench (bundled, run on plain node so its RSS and timings are the
// engine's). Opens a prepared data directory as the engine owner (cold start: lock, store, the day's
// backup, the order recount), times single changes, then connects the given sandbox shops in place
// of the data directory's and counts the requests of an idle sync cycle. Prints one JSON line.
import { readFile } from 'node:fs/promises';
import { hostEngine } from '../../core/host/host';
import { createShopConnector } from '../../core/platforms';
import { median } from './types';

export interface GrowthShop {
  name: string;
  url: string;
  key: string;
  secret: string;
}

export interface GrowthInput {
  dataDir: string;
  samples: { shop: string; remoteId: string; createdAt: string }[];
  skuCount: number;
  shops: GrowthShop[];
}

export interface GrowthResult {
  coldStartMs: number;
  rssAfterStartMb: number;
  stockSetMs: number;
  orderUpdateMs: number;
  /** Walking every month of order history once (as a list filtering by status does): heap and RSS after it (after a GC), and the peak up to then. */
  walk: { orders: number; months: number; heldMonths: number; heapMb: number; rssMb: number; peakRssMb: number };
  idleRequests: number;
  idleByJob: Record<string, number>;
  peakRssMb: number;
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;
const input = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as GrowthInput;

if (process.argv[3] === '--prepare') {
  // The bench's folders are written as a Backroom from before the stock ledger left them: the first
  // start on one writes the ledger's opening balance (and the day's backup), once per folder. This
  // start does that, so the measured one is an everyday start.
  const first = await hostEngine({ dataDir: input.dataDir, serve: true });
  if (!first) throw new Error(`${input.dataDir} is locked by another process`);
  await first.close();
  process.stdout.write(`${JSON.stringify({ peakRssMb: rssMb() })}\n`);
  process.exit(0);
}

const started = performance.now();
// The idle cycle's request count does not depend on pacing, and lifting it keeps the first (full) push short.
const host = await hostEngine({ dataDir: input.dataDir, serve: true, connectorFactory: (shop, credentials) => createShopConnector(shop, credentials, { limits: { requestsPerSecond: undefined, concurrency: 16 } }) });
if (!host) throw new Error(`${input.dataDir} is locked by another process`);
const coldStartMs = performance.now() - started;
const rssAfterStartMb = rssMb();
const { client, store } = host;

let seed = 11;
const random = (n: number) => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return Math.floor((seed / 4294967296) * n);
};
const WARM_UP = 3;
const ROUNDS = 20;

const stockMs: number[] = [];
for (let i = 0; i < WARM_UP + ROUNDS; i++) {
  const sku = `SKU-${String(random(input.skuCount)).padStart(5, '0')}`;
  const current = store.stock.data.items[sku]?.onHand.Warehouse ?? 0;
  const t = performance.now();
  await client.call('stock.set', { sku, quantity: (current + 1) % 500, location: 'Warehouse' });
  if (i >= WARM_UP) stockMs.push(performance.now() - t);
}

const orderMs: number[] = [];
for (let i = 0; i < WARM_UP + ROUNDS; i++) {
  const sample = input.samples[random(input.samples.length)]!;
  const order = await store.orders.get(sample.shop, sample.remoteId, sample.createdAt);
  if (!order) throw new Error(`order ${sample.shop}#${sample.remoteId} not found`);
  order.status = order.status === 'completed' ? 'processing' : 'completed';
  order.modifiedAt = new Date().toISOString();
  const t = performance.now();
  await store.orders.put(order);
  if (i >= WARM_UP) orderMs.push(performance.now() - t);
}

// Every month once, newest first, as a list that filters by status walks history: what the order
// book holds afterwards is bounded (a few months), not the whole history.
let walked = 0;
let months = 0;
for await (const month of store.orders.byMonth()) {
  walked += month.length;
  months++;
}
const peakBeforeGc = rssMb();
// What the walk left alive, not the garbage V8 has not collected yet (the bench runs the holder with --expose-gc).
(globalThis as { gc?: () => void }).gc?.();
const walk = {
  orders: walked, months, heldMonths: store.orders.heldMonths().length,
  heapMb: process.memoryUsage().heapUsed / 1024 / 1024, rssMb: process.memoryUsage.rss() / 1024 / 1024, peakRssMb: peakBeforeGc,
};

// The sandbox shops replace the directory's shops; the first cycle pulls, reads catalogues and pushes
// every SKU once; the second has nothing to do and is the one counted.
for (const shop of store.main.data.shops.map((s) => s.name)) await client.call('shop.remove', { name: shop });
for (const shop of input.shops) {
  await client.call('shop.add', { platform: 'woocommerce', name: shop.name, url: shop.url, key: shop.key, secret: shop.secret, prefix: `G${input.shops.indexOf(shop) + 1}`, combined: true });
}
await client.call('sync.run', {});
const idle = (await client.call('sync.run', {})).summaries;
const idleByJob: Record<string, number> = {};
for (const s of idle) idleByJob[s.job] = (idleByJob[s.job] ?? 0) + s.requests;

const result: GrowthResult = {
  coldStartMs,
  rssAfterStartMb,
  stockSetMs: median(stockMs),
  orderUpdateMs: median(orderMs),
  walk,
  idleRequests: idle.reduce((n, s) => n + s.requests, 0),
  idleByJob,
  peakRssMb: rssMb(),
};
await host.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
