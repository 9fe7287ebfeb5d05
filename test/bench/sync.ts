// Sync bench (issue 3): the engine against WooCommerce sandboxes on loopback. Pull 20,000 orders
// (orders/s, requests, engine CPU per order, peak RSS); push 10,000 changed SKUs to two shops, one
// mapped to a location and one combined (batch requests vs ⌈n/100⌉, wall time); one idle cycle
// (requests made). The sandboxes run in this process; the engine runs in a bundled child on plain
// node (sync-holder.ts), so its CPU and RSS are its own. BACKROOM_BENCH_PROF=DIR writes the engine's
// CPU profile (node --cpu-prof) there.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startWooSandbox, type WooSandbox } from '../../sandbox/woocommerce';
import type { ProductRecord } from '../../sandbox/woocommerce';
import { ROOT } from '../helpers';
import type { HolderConfig, HolderResult, PhaseFigures } from './sync-holder';
import type { Bench, Figure } from './types';

export const PULL_ORDERS = 20_000;
export const PUSH_SKUS = 10_000;
/** Statuses the pull shop imports: everything but the checkout statuses (those are carts). */
const PULL_STATUSES = ['processing', 'completed', 'on-hold', 'cancelled', 'refunded', 'failed'];

export async function buildHolder(): Promise<string> {
  const outfile = join(ROOT, 'node_modules', '.cache', 'backroom-bench', 'sync-holder.mjs');
  await build({ entryPoints: [join(ROOT, 'test', 'bench', 'sync-holder.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  return outfile;
}

type Snapshot = Map<string, number>;

/**
 * Runs the engine child with `config`; at each of its phase marks, notes how long every sandbox's
 * request log is, so requests per phase can be counted on the shop's side too.
 */
async function runHolder(holder: string, config: Omit<HolderConfig, 'dataDir'>, sandboxes: Map<string, WooSandbox>): Promise<{ result: HolderResult; marks: Map<string, Snapshot> }> {
  const root = await mkdtemp(join(tmpdir(), 'backroom-bench-sync-'));
  const marks = new Map<string, Snapshot>();
  try {
    return await new Promise((resolve, reject) => {
      const child = fork(holder, [], { cwd: ROOT, env: { ...process.env, BACKROOM_SECRETS: 'file' }, execArgv: process.env.BACKROOM_BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BACKROOM_BENCH_PROF}`] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let result: HolderResult | undefined;
      child.on('message', (raw) => {
        const message = raw as { type: 'mark'; name: string } | { type: 'result'; result: HolderResult } | { type: 'error'; message: string };
        if (message.type === 'mark') {
          marks.set(message.name, new Map([...sandboxes].map(([name, s]) => [name, s.log.length])));
          child.send('ack');
        } else if (message.type === 'result') result = message.result;
        else reject(new Error(`the sync bench engine failed: ${message.message}`));
      });
      child.on('error', reject);
      child.on('exit', (code) => (result ? resolve({ result, marks }) : reject(new Error(`the sync bench engine exited with ${code} and no figures`))));
      child.send({ ...config, dataDir: join(root, 'data') } satisfies HolderConfig);
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Requests a sandbox saw between two marks, optionally only those matching. */
function between(sandbox: WooSandbox, marks: Map<string, Snapshot>, name: string, phase: string, match?: (r: WooSandbox['log'][number]) => boolean) {
  const from = marks.get(`${phase}:start`)!.get(name)!;
  const to = marks.get(`${phase}:end`)!.get(name)!;
  return sandbox.log.slice(from, to).filter((r) => !match || match(r));
}

const phaseOf = (result: HolderResult, name: string): PhaseFigures => result.phases.find((p) => p.name === name)!;
const isBatch = (r: { method: string; path: string }) => r.method === 'POST' && /\/batch(\?|$)/.test(r.path);
const isWrite = (r: { method: string }) => r.method !== 'GET';

/** Adds `count` simple, stock-managed products (SKU-00001…), so the minimum number of batches is exact. */
function addSimpleProducts(sandbox: WooSandbox, count: number): string[] {
  const { state } = sandbox;
  const now = state.now();
  const skus: string[] = [];
  for (let i = 1; i <= count; i++) {
    const sku = `BENCH-${String(i).padStart(5, '0')}`;
    const product: ProductRecord = {
      id: state.postId(), name: `Bench product ${i}`, sku, type: 'simple', status: 'publish', manageStock: true, stockQuantity: 0,
      price: '9.90', createdMs: now - 86_400_000, modifiedMs: now - 86_400_000, variationIds: [],
    };
    state.products.set(product.id, product);
    skus.push(sku);
  }
  state.touch();
  return skus;
}

export async function pullBench(holder: string, report: (f: Figure) => void, log: (line: string) => void): Promise<void> {
  let started = performance.now();
  const shop = await startWooSandbox({ seed: { orders: PULL_ORDERS } });
  log(`seeded a sandbox shop with ${PULL_ORDERS.toLocaleString('en')} orders in ${((performance.now() - started) / 1000).toFixed(1)} s (sandbox runs in the bench process; the engine in a child on plain node)`);
  try {
    const spec = { name: 'Main', url: shop.url, key: shop.credentials.key, secret: shop.credentials.secret, statuses: PULL_STATUSES };
    const runs: { label: string; unthrottled: boolean }[] = [
      { label: 'declared limits (25 req/s, 4 at once)', unthrottled: false },
      { label: 'unthrottled (local sandbox)', unthrottled: true },
    ];
    for (const run of runs) {
      started = performance.now();
      const { result, marks } = await runHolder(holder, { mode: 'pull', unthrottled: run.unthrottled, shops: [spec] }, new Map([['Main', shop]]));
      const pull = phaseOf(result, 'pull');
      const s = pull.summaries[0]!;
      const seen = between(shop, marks, 'Main', 'pull');
      const read = PULL_ORDERS;
      const imported = s.counts.pulled ?? 0;
      log(`${run.label}: ${imported.toLocaleString('en')} imported, ${(s.counts.skipped ?? 0).toLocaleString('en')} skipped (checkout statuses), ${s.errors} errors; ${seen.length} requests seen by the shop`);
      const tag = run.unthrottled ? 'unthrottled' : 'declared limits';
      report({ label: `pull ${read.toLocaleString('en')} orders, ${tag}: orders/s`, value: read / (pull.wallMs / 1000), unit: 'orders/s', decimals: 0, note: `${(pull.wallMs / 1000).toFixed(1)} s wall` });
      report({ label: `pull, ${tag}: requests`, value: s.requests, unit: 'req', decimals: 0, note: `minimum ⌈${read}/100⌉ = ${Math.ceil(read / 100)} pages (+1 empty page would end a short run)` });
      report({ label: `pull, ${tag}: engine CPU per order read`, value: pull.cpuMs / read, unit: 'ms', target: 0.2, decimals: 3, note: `${(pull.cpuMs / 1000).toFixed(2)} s user+system in the engine process` });
      report({ label: `pull, ${tag}: peak RSS of the engine process`, value: result.rssMb, unit: 'MB', decimals: 0, note: `${result.baseRssMb.toFixed(0)} MB before the pull` });
      log(`(${run.label} run took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await shop.close();
  }
}

export async function pushBench(holder: string, report: (f: Figure) => void, log: (line: string) => void): Promise<void> {
  const floor = await startWooSandbox({ storeName: 'Floor', seed: { products: 0 } });
  const online = await startWooSandbox({ storeName: 'Online', seed: { products: 0 } });
  const sandboxes = new Map([['Floor', floor], ['Online', online]]);
  try {
    const skus = addSimpleProducts(floor, PUSH_SKUS);
    addSimpleProducts(online, PUSH_SKUS);
    // A few open orders on each shop, so the idle cycle has a cursor and stock commitments to respect.
    for (const shop of [floor, online]) shop.addOrders(40, { status: 'processing', createdMs: Date.now() - 3_600_000 });
    const shops = [
      { name: 'Floor', url: floor.url, key: floor.credentials.key, secret: floor.credentials.secret, location: 'Shop floor' },
      { name: 'Online', url: online.url, key: online.credentials.key, secret: online.credentials.secret },
    ];
    const minimum = Math.ceil(PUSH_SKUS / 100);
    const runs = [
      { label: 'declared limits', unthrottled: false },
      { label: 'unthrottled', unthrottled: true },
    ];
    for (const run of runs) {
      const { result, marks } = await runHolder(holder, { mode: 'push', unthrottled: run.unthrottled, shops, locations: ['Shop floor', 'Warehouse'], skus, rounds: 1 }, sandboxes);
      const settle = phaseOf(result, 'settle');
      const push = phaseOf(result, 'push1');
      const idle = phaseOf(result, 'idle');
      // First push (inside the settle pass): the shop's catalogue is read, then every SKU is sent.
      const firstReads = [...sandboxes].map(([name, s]) => between(s, marks, name, 'settle', (r) => r.method === 'GET' && /\/products(\?|$)/.test(r.path)).length);
      log(`${run.label}: first push (catalogue read + 10,000 SKUs) in the settle pass: product page reads per shop ${firstReads.join(' / ')}, batches ${[...sandboxes].map(([name, s]) => between(s, marks, name, 'settle', isBatch).length).join(' / ')}; settle pass ${(settle.wallMs / 1000).toFixed(1)} s`);
      for (const [name, sandbox] of sandboxes) {
        const batches = between(sandbox, marks, name, 'push1', isBatch).length;
        const reads = between(sandbox, marks, name, 'push1', (r) => r.method === 'GET').length;
        const mapping = name === 'Floor' ? 'mapped to Shop floor' : 'all locations combined';
        report({ label: `push ${PUSH_SKUS.toLocaleString('en')} changed SKUs to ${name} (${mapping}), ${run.label}: push requests`, value: batches, unit: 'req', target: minimum + 1, decimals: 0, note: `minimum ⌈${PUSH_SKUS}/100⌉ = ${minimum}; PASS means equal; reads in this push: ${reads}` });
      }
      const pushed = push.summaries.map((x) => `${x.target} ${x.counts.pushed ?? 0}`).join(', ');
      report({ label: `push to both shops, ${run.label}: wall time`, value: push.wallMs / 1000, unit: 's', decimals: 2, note: `SKUs confirmed: ${pushed}; engine CPU ${(push.cpuMs / 1000).toFixed(2)} s` });

      // Idle cycle: sync.run of every job, nothing changed on either side.
      const perShop = [...sandboxes].map(([name, s]) => {
        const all = between(s, marks, name, 'idle');
        return { name, all, orderPages: all.filter((r) => r.method === 'GET' && /\/orders\?/.test(r.path) && !/status=checkout-draft|status=pending/.test(r.path)).length, writes: all.filter(isWrite).length };
      });
      for (const shop of perShop) {
        const other = shop.all.filter((r) => r.method === 'GET').length - shop.orderPages;
        log(`${run.label}, idle cycle on ${shop.name}: ${shop.all.map((r) => `${r.method} ${r.path.replace(/^\/wp-json\/wc\/v3/, '').split('?')[0]}${/status=[^&]*(checkout-draft|pending)/.test(r.path) ? ' (checkouts)' : ''}`).join(', ') || 'no requests'}${other ? ` — ${other} besides the order page` : ''}`);
      }
      const ordersAndStock = idle.summaries.filter((x) => x.job === 'orders' || x.job === 'inventory' || x.job === 'shipping');
      const carts = idle.summaries.filter((x) => x.job === 'carts');
      report({ label: `idle cycle, ${run.label}: order/stock/shipping requests`, value: ordersAndStock.reduce((n, x) => n + x.requests, 0), unit: 'req', target: sandboxes.size + 1, decimals: 0, note: `target: one order page read per shop (${sandboxes.size}), no pushes; pushes seen: ${perShop.reduce((n, x) => n + x.writes, 0)}` });
      report({ label: `idle cycle, ${run.label}: cart sweep requests`, value: carts.reduce((n, x) => n + x.requests, 0), unit: 'req', decimals: 0, note: 'information: the cart sweep (issue 4) reads each shop\'s checkouts' });
    }
  } finally {
    await Promise.all([floor.close(), online.close()]);
  }
}

export const syncBench: Bench = {
  name: 'sync',
  description: `WooCommerce sandboxes on loopback: pull ${PULL_ORDERS.toLocaleString('en')} orders, push ${PUSH_SKUS.toLocaleString('en')} changed SKUs to 2 shops, one idle cycle`,
  async run(report, log) {
    const holder = await buildHolder();
    await pullBench(holder, report, log);
    await pushBench(holder, report, log);
  },
};
