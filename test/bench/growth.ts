// Growth bench (issue 13): how the costs a merchant feels grow with the size of their data. One
// dimension at a time from a small base (10,000 orders over 24 months, 2,000 SKUs, 1 shop): orders,
// SKUs, shops. For each: the persist time of one change (a stock edit; one order's update), the
// engine's everyday cold start (lock, store, the order recount: an unmeasured first start on each
// folder made the day's backup and the ledger's opening balance), its RSS, and the requests
// of an idle sync cycle against WooCommerce sandboxes. The largest sizes (1,000,000 orders, 200,000
// SKUs) take minutes to build and run: `npm run bench -- growth --full` (`--dimension=orders` for one).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startWooSandbox, type ProductRecord, type WooSandbox } from '../../sandbox/woocommerce';
import { ROOT } from '../helpers';
import type { GrowthInput, GrowthResult } from './growth-holder';
import { buildDataDir, skuName, type DataSize } from './store';
import type { Bench } from './types';

interface Config extends DataSize {
  dimension: 'orders' | 'SKUs' | 'shops';
  shops: number;
  full?: boolean;
}

const BASE = { orders: 10_000, skus: 2_000, shops: 1 };
export const GROWTH_CONFIGS: Config[] = [
  { dimension: 'orders', ...BASE },
  { dimension: 'orders', ...BASE, orders: 100_000 },
  { dimension: 'orders', ...BASE, orders: 1_000_000, full: true },
  { dimension: 'SKUs', ...BASE, skus: 20_000 },
  { dimension: 'SKUs', ...BASE, skus: 200_000, full: true },
  { dimension: 'shops', ...BASE, shops: 5 },
  { dimension: 'shops', ...BASE, shops: 20 },
];

const size = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

async function buildHolder(): Promise<string> {
  const outfile = join(ROOT, 'node_modules', '.cache', 'backroom-bench', 'growth-holder.mjs');
  await build({ entryPoints: [join(ROOT, 'test', 'bench', 'growth-holder.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  return outfile;
}

/** A sandbox shop selling every catalogue SKU as a simple, stock-managed product. */
async function shopWithCatalogue(name: string, skus: number): Promise<WooSandbox> {
  const shop = await startWooSandbox({ storeName: name, seed: { products: 0 } });
  const { state } = shop;
  const now = state.now();
  for (let i = 0; i < skus; i++) {
    const product: ProductRecord = {
      id: state.postId(), name: `Growth product ${i}`, sku: skuName(i), type: 'simple', status: 'publish', manageStock: true, stockQuantity: 0,
      price: '9.90', createdMs: now - 86_400_000, modifiedMs: now - 86_400_000, variationIds: [],
    };
    state.products.set(product.id, product);
  }
  state.touch();
  return shop;
}

function runHolder<T = GrowthResult>(holder: string, inputFile: string, ...args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=8192', '--expose-gc', holder, inputFile, ...args], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the growth holder failed (exit ${code}): ${stderr.slice(-2000)}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T);
    });
  });
}

export const growthBench: Bench = {
  name: 'growth',
  description: 'cost growth with orders (10k/100k/1M), SKUs (2k/20k/200k) and shops (1/5/20): one change persisted, cold start, RSS, idle-cycle requests',
  async run(report, log) {
    const full = process.argv.includes('--full');
    // `--dimension=orders` (or SKUs, shops) measures one dimension only.
    const dimension = process.argv.find((a) => a.startsWith('--dimension='))?.slice('--dimension='.length);
    const configs = GROWTH_CONFIGS.filter((c) => (full || !c.full) && (!dimension || c.dimension === dimension));
    if (!full) log('1M orders and 200k SKUs are left out: run `npm run bench -- growth --full` for them (several minutes, a few GB of memory)');
    const holder = await buildHolder();
    const rows: string[] = [];
    for (const config of configs) {
      const root = await mkdtemp(join(tmpdir(), 'backroom-bench-growth-'));
      const shops: WooSandbox[] = [];
      try {
        const started = performance.now();
        const samples = await buildDataDir(join(root, 'data'), new Date(), config);
        for (let i = 0; i < config.shops; i++) shops.push(await shopWithCatalogue(`Shop ${i + 1}`, config.skus));
        const input: GrowthInput = {
          dataDir: join(root, 'data'), samples, skuCount: config.skus,
          shops: shops.map((s, i) => ({ name: `Shop ${i + 1}`, url: s.url, key: s.credentials.key, secret: s.credentials.secret })),
        };
        const inputFile = join(root, 'input.json');
        await writeFile(inputFile, JSON.stringify(input));
        const built = performance.now() - started;
        // Once per folder, unmeasured: the first start on a pre-ledger folder writes the ledger's opening balance.
        const prepared = await runHolder<{ peakRssMb: number }>(holder, inputFile, '--prepare');
        log(`${size(config.orders)} orders, ${size(config.skus)} SKUs, ${config.shops} shop(s): the preparing first start peaked at ${prepared.peakRssMb.toFixed(0)} MB`);
        const r = await runHolder(holder, inputFile);
        const tag = `${size(config.orders)} orders, ${size(config.skus)} SKUs, ${config.shops} shop${config.shops === 1 ? '' : 's'}`;
        log(`${tag}: built in ${(built / 1000).toFixed(1)} s; idle requests by job ${JSON.stringify(r.idleByJob)}`);
        report({ label: `growth ${tag}: stock edit persisted`, value: r.stockSetMs, unit: 'ms', target: 50, note: 'median of 20' });
        report({ label: `growth ${tag}: order update persisted`, value: r.orderUpdateMs, unit: 'ms', target: 50, note: 'median of 20' });
        report({ label: `growth ${tag}: engine cold start`, value: r.coldStartMs, unit: 'ms', decimals: 0, note: 'an everyday start: lock, store, order recount (the folder was opened once before)' });
        report({ label: `growth ${tag}: RSS after start / peak`, value: r.rssAfterStartMb, unit: 'MB', decimals: 0, note: `peak ${r.peakRssMb.toFixed(0)} MB` });
        report({ label: `growth ${tag}: RSS after walking all order history`, value: r.walk.rssMb, unit: 'MB', decimals: 0, note: `after a GC; ${r.walk.orders.toLocaleString('en')} orders in ${r.walk.months} months, ${r.walk.heldMonths} months held after, heap ${r.walk.heapMb.toFixed(0)} MB; peak so far ${r.walk.peakRssMb.toFixed(0)} MB` });
        // Each shop: one order page and one checkout page (the cart sweep); nothing pushed.
        report({ label: `growth ${tag}: idle-cycle requests`, value: r.idleRequests, unit: 'req', decimals: 0, target: 2 * config.shops + 1, note: `target ${2 * config.shops}: an order page and a checkout page per shop` });
        rows.push(`| ${config.dimension} | ${tag} | ${r.stockSetMs.toFixed(1)} | ${r.orderUpdateMs.toFixed(1)} | ${r.coldStartMs.toFixed(0)} | ${r.rssAfterStartMb.toFixed(0)} / ${r.walk.rssMb.toFixed(0)} / ${r.peakRssMb.toFixed(0)} | ${r.idleRequests} |`);
      } finally {
        await Promise.all(shops.map((s) => s.close()));
        await rm(root, { recursive: true, force: true });
      }
    }
    log('| grows with | data | stock edit ms | order update ms | cold start ms | RSS start / after a history walk / peak MB | idle requests |');
    log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const row of rows) log(row);
  },
};
