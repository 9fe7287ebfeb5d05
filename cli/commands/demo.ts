import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { hostEngine, type EngineHost } from '../../core/engine/host';
import { resolveDataDir } from '../../core/store/paths';
import type { CliDeps, GlobalOptions } from '../context';
import { EXIT, printer } from '../output';

export interface DemoWorld {
  host: EngineHost;
  dataDir: string;
  shopUrl: string;
  stop(): Promise<void>;
}

/**
 * Sets up the demo: a practice WooCommerce shop on 127.0.0.1 with products and orders, a throwaway
 * data folder with a location, stock for every product and the shop connected, and an engine that
 * syncs on its own. A timer plays the shop's customers: new orders keep arriving.
 */
export async function startDemo(options: { dataDir?: string; orderEveryMs?: number } = {}): Promise<DemoWorld> {
  const { startWooSandbox } = await import('../../sandbox/woocommerce');
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'backroom-demo-')));
  process.env.BACKROOM_SECRETS ??= 'file';
  const shop = await startWooSandbox({ storeName: 'Demo Outdoor Shop', seed: { products: 40, orders: 60, checkouts: 6, customers: 25 }, shipmentTracking: true });
  const host = await hostEngine({ dataDir, serve: true, schedule: true });
  if (!host) {
    await shop.close();
    throw new Error(`Another Backroom engine already runs on ${dataDir}.`);
  }
  const api = host.client;
  if (host.store.main.data.shops.length === 0) {
    await api.call('location.add', { name: 'Warehouse' });
    const rows = ['sku,location,quantity'];
    for (const p of shop.state.products.values()) if (p.type === 'simple') rows.push(`${p.sku},Warehouse,${5 + (p.id % 20)}`);
    for (const v of shop.state.variations.values()) rows.push(`${v.sku},Warehouse,${3 + (v.id % 9)}`);
    await api.call('stock.import', { csv: rows.join('\n'), fileName: 'demo-stock.csv' });
  } else {
    await api.call('shop.remove', { name: 'Demo shop' }).catch(() => undefined);
  }
  // Poll at the minimum interval so a newcomer sees orders arrive within a minute.
  await api.call('shop.add', { platform: 'woocommerce', name: 'Demo shop', url: shop.url, key: shop.credentials.key, secret: shop.credentials.secret, location: 'Warehouse', pollSeconds: 30 });
  const customers = setInterval(() => shop.addOrders(1, { status: 'processing' }), options.orderEveryMs ?? 20_000);
  customers.unref();
  return {
    host,
    dataDir,
    shopUrl: shop.url,
    async stop() {
      clearInterval(customers);
      await host.close();
      await shop.close();
    },
  };
}

export function registerDemo(program: Command, deps: CliDeps): void {
  program
    .command('demo')
    .description('try Backroom on a practice shop: a throwaway data folder, seeded orders and stock, syncing live (Ctrl+C to stop)')
    .option('--seconds <n>', 'stop by itself after this many seconds (for scripts)')
    .action(async (opts: { seconds?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const print = printer(deps.io, Boolean(globals.json));
      let demo: DemoWorld;
      try {
        demo = await startDemo({ dataDir: globals.dataDir ? resolveDataDir(globals.dataDir, deps.env) : undefined });
      } catch (error) {
        deps.exitCode = print.failure(error);
        return;
      }
      const say = (line: string) => {
        if (!print.json) deps.io.out(`${line}\n`);
      };
      say(`Backroom demo — data folder ${demo.dataDir}; practice shop at ${demo.shopUrl}`);
      say('Orders arrive every 20 s; stock is pushed to the shop as it changes. Ctrl+C stops the demo.');
      say(`In another terminal: npx backroom --data-dir ${demo.dataDir} orders list`);
      demo.host.ctx.events.on('job', (e) => {
        if (e.state !== 'running') say(`${new Date().toLocaleTimeString()}  ${e.job} ${e.target}: ${e.state}${e.message ? ` — ${e.message}` : ''}`);
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
        if (opts.seconds) setTimeout(resolve, Number(opts.seconds) * 1000).unref();
      });
      const status = await demo.host.client.call('status');
      await demo.stop();
      print.result(status, () => `Demo stopped. ${status.shops[0]?.orders ?? 0} orders were pulled.`);
      deps.exitCode = EXIT.ok;
    });
}
