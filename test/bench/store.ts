// Store bench (foundation issue): a data directory with 100,000 orders over 24 months and 20,000
// SKUs at 2 locations; figures for persisting one small change, cold `status --json`, size on
// disk and peak RSS of the process holding the store. The folder is written as a Backroom from
// before the stock ledger left it, so the engine's first start on it writes the ledger's opening
// balance (41,272 entries, once per folder); the everyday figures are those of the start after it.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Order } from '../../core/model';
import { monthFingerprint } from '../../core/store/order-counts';
import { ensureCliBuilt, BIN, ROOT } from '../helpers';
import { median, percentile, type Bench } from './types';

export const ORDER_COUNT = 100_000;
export const MONTHS = 24;
export const SKU_COUNT = 20_000;
const LOCATIONS = ['Warehouse', 'Shop floor'];
const SHOPS = [
  { name: 'Main shop', prefix: 'WO' },
  { name: 'Outlet', prefix: 'WOO' },
];

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Eva', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Lena', 'Max'];
const LAST = ['Schmidt', 'Müller', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schulz', 'Koch'];
const PRODUCTS = ['Organic cotton T-shirt', 'Merino beanie', 'Canvas tote bag', 'Ceramic mug', 'Linen apron', 'Wool socks', 'Enamel pin', 'Notebook A5'];
const VARIANTS = ['Red / M', 'Blue / L', 'Black / S', 'Natural', 'Green / XL', 'One size'];

/** A small deterministic PRNG, so every run builds the same data. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export const skuName = (i: number) => `SKU-${String(i).padStart(5, '0')}`;
const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

function writeJson(path: string, value: unknown): Promise<void> {
  return writeFile(path, JSON.stringify(value));
}

interface Sample {
  shop: string;
  remoteId: string;
  createdAt: string;
}

export interface DataSize {
  orders: number;
  skus: number;
}

/**
 * Writes the data directory in the store's own layout; returns orders of the last 3 months for the
 * update bench. Orders are made in time order and each month is written as soon as it is complete,
 * so a million orders never sit in memory at once.
 */
export async function buildDataDir(dir: string, now = new Date(), size: DataSize = { orders: ORDER_COUNT, skus: SKU_COUNT }): Promise<Sample[]> {
  const orderCount = size.orders;
  const skuCount = size.skus;
  const rand = prng(42);
  await mkdir(join(dir, 'orders'), { recursive: true });
  const at = now.toISOString();
  const firstMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (MONTHS - 1), 1);
  const span = now.getTime() - firstMonth;

  let month = '';
  let orders: Record<string, Order> = {};
  const writeMonth = async () => {
    if (month) await writeJson(join(dir, 'orders', `${month}.json`), { schemaVersion: 1, month, orders });
  };
  const commitments: Record<string, { location: string | null; lines: Record<string, number> }> = {};
  const counts: Record<string, number> = {};
  const monthCounts: Record<string, Record<string, number>> = {};
  const samples: Sample[] = [];
  const recent = now.getTime() - 90 * 86_400_000;
  for (let i = 0; i < orderCount; i++) {
    const shop = SHOPS[i % 7 === 0 ? 1 : 0]!;
    const remoteId = String(10_000 + i);
    // Spread evenly over the 24 months, in order of remote id (ids grow with time).
    const created = new Date(firstMonth + Math.floor((span * (i + rand(1000) / 1000)) / orderCount));
    const createdAt = created.toISOString();
    const lineCount = 1 + rand(4);
    const lines = Array.from({ length: lineCount }, (_, l) => {
      const sku = rand(skuCount);
      const quantity = 1 + rand(3);
      return {
        lineId: String(i * 10 + l), sku: skuName(sku), name: `${PRODUCTS[sku % PRODUCTS.length]} – ${VARIANTS[sku % VARIANTS.length]}`,
        quantity, refundedQuantity: 0, productId: String(1000 + sku), variationId: String(50_000 + sku), total: money(quantity * (990 + rand(4000))),
      };
    });
    const first = FIRST[rand(FIRST.length)]!;
    const last = LAST[rand(LAST.length)]!;
    const open = created.getTime() > now.getTime() - 7 * 86_400_000;
    const order: Order = {
      shop: shop.name, remoteId, number: `${shop.prefix}:${remoteId}`, remoteNumber: remoteId,
      status: open ? 'processing' : 'completed', currency: 'EUR',
      total: money(lines.reduce((sum, l) => sum + Math.round(Number(l.total) * 100), 0) + 495),
      customer: { email: `${first}.${last}${rand(5000)}@example.com`.toLowerCase(), firstName: first, lastName: last, phone: `+49 30 ${1_000_000 + rand(8_999_999)}`, company: rand(10) === 0 ? `${last} GmbH` : '', remoteId: String(rand(40_000)) },
      lines,
      meta: rand(3) === 0 ? { _wcf_flow_id: '1234', _wcf_checkout_id: '5678' } : {},
      createdAt, modifiedAt: createdAt, importedAt: createdAt,
      fulfilment: open ? 'unfulfilled' : 'fulfilled',
      shipments: [],
      ...(open ? {} : { shippingPushedAt: createdAt }),
    };
    if (createdAt.slice(0, 7) !== month) {
      await writeMonth();
      month = createdAt.slice(0, 7);
      orders = {};
    }
    orders[`${shop.name}#${remoteId}`] = order;
    counts[shop.name] = (counts[shop.name] ?? 0) + 1;
    const inMonth = (monthCounts[month] ??= {});
    inMonth[shop.name] = (inMonth[shop.name] ?? 0) + 1;
    if (open) commitments[`${shop.name}#${remoteId}`] = { location: shop.name === 'Main shop' ? 'Warehouse' : null, lines: Object.fromEntries(lines.map((l) => [l.sku, l.quantity])) };
    if (created.getTime() > recent && rand(20) === 0) samples.push({ shop: shop.name, remoteId, createdAt });
  }
  await writeMonth();

  const items: Record<string, { sku: string; onHand: Record<string, number> }> = {};
  for (let s = 0; s < skuCount; s++) items[skuName(s)] = { sku: skuName(s), onHand: { Warehouse: rand(200), 'Shop floor': rand(20) } };
  await writeJson(join(dir, 'stock.json'), { schemaVersion: 1, items, commitments });

  await writeJson(join(dir, 'cursors.json'), {
    schemaVersion: 1,
    shops: Object.fromEntries(SHOPS.map((s) => [s.name, { ordersModifiedAfter: at, lastRun: { orders: at }, lastSent: {} }])),
    orderCounts: counts,
    // As a Backroom that has started once keeps them: each month's counts, and its file as counted.
    orderMonths: monthCounts,
    orderFiles: Object.fromEntries(await Promise.all(Object.keys(monthCounts).map(async (m) => [m, monthFingerprint(await stat(join(dir, 'orders', `${m}.json`)))]))),
  });
  await writeJson(join(dir, 'backroom.json'), {
    schemaVersion: 3,
    settings: {},
    shops: SHOPS.map((s, i) => ({
      name: s.name, prefix: s.prefix, platform: 'woocommerce', url: `https://shop${i}.example.com`, statuses: ['processing'],
      location: i === 0 ? { kind: 'location', location: 'Warehouse' } : { kind: 'combined' }, secretRef: `shop:${s.name}`, addedAt: at,
    })),
    locations: LOCATIONS.map((name) => ({ name, addedAt: at })),
    crms: [], rules: [],
    createdAt: at,
  });
  return samples;
}

/** Bytes the directory takes on disk (allocated blocks, so hard-linked backups count once per link). */
async function diskUsage(dir: string, seen = new Set<number>()): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await diskUsage(path, seen);
    else {
      const s = await stat(path);
      if (s.nlink > 1 && seen.has(s.ino)) continue;
      seen.add(s.ino);
      total += s.blocks ? s.blocks * 512 : s.size;
    }
  }
  return total;
}

/** Preloaded into a measured command: prints its peak RSS (kB) on stderr as it exits. */
const PEAK_RSS_ON_EXIT = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\npeak-rss-kb:"+process.resourceUsage().maxRSS+"\\n"))';
const peakRssMb = (stderr: string) => Number(/peak-rss-kb:(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started }));
  });
}

/** Bundles the holder so it runs on plain node (no TypeScript loader in the measured process). */
async function buildHolder(): Promise<string> {
  const outfile = join(ROOT, 'node_modules', '.cache', 'backroom-bench', 'store-holder.mjs');
  await build({ entryPoints: [join(ROOT, 'test', 'bench', 'store-holder.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  return outfile;
}

interface HolderReport {
  openMs: number;
  stockMs: number[];
  orderMs: number[];
  firstReadMs: number[];
  rssEngine: number;
  rssAll: number;
  orders: number;
}

export const storeBench: Bench = {
  name: 'store',
  description: `${ORDER_COUNT.toLocaleString('en')} orders over ${MONTHS} months, ${SKU_COUNT.toLocaleString('en')} SKUs at ${LOCATIONS.length} locations`,
  async run(report, log) {
    const env = { BACKROOM_SECRETS: 'file' };
    const root = await mkdtemp(join(tmpdir(), 'backroom-bench-'));
    const dir = join(root, 'data');
    try {
      const started = performance.now();
      const [samples, holder] = await Promise.all([buildDataDir(dir), buildHolder(), ensureCliBuilt()]);
      log(`built the data directory in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const samplesFile = join(root, 'samples.json');
      await writeFile(samplesFile, JSON.stringify(samples));

      const hold = async () => {
        const run = await runNode([holder, dir, samplesFile, String(SKU_COUNT)], env);
        if (run.code !== 0) throw new Error(`the store holder failed (exit ${run.code}): ${run.stderr}`);
        return JSON.parse(run.stdout.trim().split('\n').pop()!) as HolderReport;
      };
      const first = await hold();
      log(`first start (writes the ledger's opening balance): opened the store in ${first.openMs.toFixed(0)} ms`);
      const held = await hold();
      log(`engine opened the store in ${held.openMs.toFixed(0)} ms; first read of an order month took ${median(held.firstReadMs).toFixed(0)} ms (median)`);
      report({ label: 'stock set of one SKU via the API: median', value: median(held.stockMs), unit: 'ms', target: 50 });
      report({ label: 'stock set of one SKU via the API: p95', value: percentile(held.stockMs, 95), unit: 'ms', target: 50 });
      report({ label: 'order update (one order, its month rewritten): median', value: median(held.orderMs), unit: 'ms', target: 50 });
      report({ label: 'order update: p95', value: percentile(held.orderMs, 95), unit: 'ms', target: 50 });
      report({ label: 'peak RSS of the engine holding the store', value: held.rssEngine, unit: 'MB', target: 250, decimals: 0 });
      report({ label: 'peak RSS of the first start on a pre-ledger folder', value: first.rssEngine, unit: 'MB', decimals: 0, note: 'information: writes the opening balance of 41,272 ledger entries, once per folder' });
      report({ label: `peak RSS after reading all ${held.orders.toLocaleString('en')} orders`, value: held.rssAll, unit: 'MB', decimals: 0, note: 'information: a full scan of every month' });

      const cold: number[] = [];
      const coldRss: number[] = [];
      for (let i = 0; i < 5; i++) {
        const status = await runNode(['--import', PEAK_RSS_ON_EXIT, BIN, '--data-dir', dir, 'status', '--json'], env);
        if (status.code !== 0) throw new Error(`status failed (exit ${status.code}): ${status.stdout}${status.stderr}`);
        cold.push(status.ms);
        coldRss.push(peakRssMb(status.stderr));
      }
      report({ label: 'cold `backroom status --json`: median of 5', value: median(cold), unit: 'ms', target: 500, decimals: 0 });
      report({ label: 'cold `backroom status --json`: peak RSS, median', value: median(coldRss), unit: 'MB', decimals: 0 });
      report({ label: 'data directory size on disk', value: (await diskUsage(dir)) / 1024 / 1024, unit: 'MB', note: 'with the daily backup; hard links counted once' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
