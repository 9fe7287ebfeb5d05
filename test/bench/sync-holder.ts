// The engine process of the sync bench (bundled and run with plain node, so its CPU time and RSS
// are the engine's, not a TypeScript loader's and not the sandbox's, which runs in the parent).
// Talks to the parent over the IPC channel: at each phase boundary it sends a mark and waits for
// the parent to note the sandboxes' request logs; at the end it sends its figures.
import { hostEngine } from '../../core/host/host';
import type { ShopConnectorFactory } from '../../core/engine/engine';
import { createShopConnector } from '../../core/platforms';
import type { JobSummary } from '../../core/jobs/context';

export interface HolderShop {
  name: string;
  url: string;
  key: string;
  secret: string;
  /** A location name, or combined when absent. */
  location?: string;
  statuses?: string[];
}

export interface HolderConfig {
  mode: 'pull' | 'push';
  dataDir: string;
  /** Lift WooCommerce's declared rate and concurrency (the sandbox is local); figures are reported both ways. */
  unthrottled: boolean;
  shops: HolderShop[];
  locations?: string[];
  /** Push mode: SKUs to set at every location, round after round (each round changes every SKU). */
  skus?: string[];
  rounds?: number;
}

export interface PhaseFigures {
  name: string;
  wallMs: number;
  cpuMs: number;
  summaries: JobSummary[];
}

export interface HolderResult {
  phases: PhaseFigures[];
  rssMb: number;
  baseRssMb: number;
}

type Message = { type: 'mark'; name: string } | { type: 'result'; result: HolderResult } | { type: 'error'; message: string };

const send = (message: Message) => new Promise<void>((resolve, reject) => process.send!(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve())));
/** Tells the parent a phase starts or ends, and waits until it has looked at the sandboxes. */
async function mark(name: string): Promise<void> {
  const ack = new Promise<void>((resolve) => process.once('message', () => resolve()));
  await send({ type: 'mark', name });
  await ack;
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  const config = await new Promise<HolderConfig>((resolve) => process.once('message', (m) => resolve(m as HolderConfig)));
  const factory: ShopConnectorFactory | undefined = config.unthrottled
    ? (shop, credentials) => createShopConnector(shop, credentials, { limits: { requestsPerSecond: undefined, concurrency: 16 } })
    : (shop, credentials) => createShopConnector(shop, credentials);
  const host = await hostEngine({ dataDir: config.dataDir, serve: false, connectorFactory: factory });
  if (!host) throw new Error(`${config.dataDir} is locked by another process`);
  const { client } = host;
  for (const name of config.locations ?? []) await client.call('location.add', { name });
  for (const shop of config.shops) {
    await client.call('shop.add', {
      platform: 'woocommerce', name: shop.name, url: shop.url, key: shop.key, secret: shop.secret,
      statuses: shop.statuses, location: shop.location, combined: shop.location ? undefined : true,
    });
  }
  const baseRssMb = rssMb();
  const phases: PhaseFigures[] = [];
  const phase = async (name: string, fn: () => Promise<JobSummary[]>) => {
    await mark(`${name}:start`);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summaries = await fn();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await mark(`${name}:end`);
    phases.push({ name, wallMs, cpuMs: (used.user + used.system) / 1000, summaries });
  };

  if (config.mode === 'pull') {
    await phase('pull', async () => (await client.call('sync.run', { job: 'orders' })).summaries);
  } else {
    const skus = config.skus ?? [];
    const locations = config.locations ?? [];
    // Settle: the shops' orders pulled, carts captured, every SKU's first quantity sent.
    const csvFor = (round: number) => ['sku,location,quantity', ...skus.flatMap((sku, i) => locations.map((l, li) => `${sku},${l},${(i + round * 7 + li * 3) % 50}`))].join('\n');
    await client.call('stock.import', { csv: csvFor(0) });
    await phase('settle', async () => (await client.call('sync.run', {})).summaries);
    for (let round = 1; round <= (config.rounds ?? 1); round++) {
      // Every SKU changes at every location, so every SKU's available quantity differs on both shops.
      await client.call('stock.import', { csv: csvFor(round) });
      await phase(`push${round}`, async () => (await client.call('sync.run', { job: 'inventory' })).summaries);
    }
    await phase('idle', async () => (await client.call('sync.run', {})).summaries);
  }
  const result: HolderResult = { phases, rssMb: rssMb(), baseRssMb };
  await host.close();
  await send({ type: 'result', result });
}

main().then(
  () => process.disconnect(),
  async (error: unknown) => {
    await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  },
);
