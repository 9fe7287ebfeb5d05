// The process that holds the store during the store bench (bundled and run with plain node, so its
// RSS is the engine's, not a TypeScript loader's). Opens the data directory as an engine, times
// small changes, and prints one JSON line with the timings and peak RSS.
import { readFile } from 'node:fs/promises';
import { hostEngine } from '../../core/host/host';

interface Sample {
  shop: string;
  remoteId: string;
  createdAt: string;
}

const [dataDir, samplesFile, skuCountText] = process.argv.slice(2);
if (!dataDir || !samplesFile || !skuCountText) throw new Error('usage: store-holder DATA_DIR SAMPLES_FILE SKU_COUNT');
const skuCount = Number(skuCountText);
const samples = JSON.parse(await readFile(samplesFile, 'utf8')) as Sample[];
const rssMb = () => process.resourceUsage().maxRSS / 1024;

let seed = 7;
const random = (n: number) => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return Math.floor((seed / 4294967296) * n);
};

const openStarted = performance.now();
const host = await hostEngine({ dataDir, serve: true });
if (!host) throw new Error(`${dataDir} is locked by another process`);
const openMs = performance.now() - openStarted;
const { client, store } = host;

// One small change through the API: set one SKU's quantity at one location (always a real change).
const WARM_UP = 5;
const stockMs: number[] = [];
for (let i = 0; i < WARM_UP + 60; i++) {
  const sku = `SKU-${String(random(skuCount)).padStart(5, '0')}`;
  const location = i % 2 ? 'Warehouse' : 'Shop floor';
  const current = store.stock.data.items[sku]?.onHand[location] ?? 0;
  const started = performance.now();
  await client.call('stock.set', { sku, quantity: (current + 1) % 500, location });
  if (i >= WARM_UP) stockMs.push(performance.now() - started);
}

// One order update (status change as a pull would make it): rewrites that order's month only.
const orderMs: number[] = [];
const firstReadMs: number[] = [];
for (let i = 0; i < WARM_UP + 60; i++) {
  const sample = samples[random(samples.length)]!;
  const readStarted = performance.now();
  const order = await store.orders.get(sample.shop, sample.remoteId, sample.createdAt);
  const readMs = performance.now() - readStarted;
  if (!order) throw new Error(`order ${sample.shop}#${sample.remoteId} not found`);
  if (readMs > 1) firstReadMs.push(readMs);
  order.status = order.status === 'completed' ? 'processing' : 'completed';
  order.modifiedAt = new Date().toISOString();
  const started = performance.now();
  await store.orders.put(order);
  if (i >= WARM_UP) orderMs.push(performance.now() - started);
}
const rssEngine = rssMb();

// For information: every order read into memory (what a full scan of all months costs).
let orders = 0;
for await (const _ of store.orders.all()) orders++;
const rssAll = rssMb();

await host.close();
process.stdout.write(`${JSON.stringify({ openMs, stockMs, orderMs, firstReadMs, rssEngine, rssAll, orders })}\n`);
