// A real Backroom for the browser tests: a WooCommerce sandbox with orders, an engine on a fresh
// data directory, seeded errors and an alert, and the HTTP transport serving the built renderer.
// Run as `node --import tsx test/browser/serve.ts DATA_DIR`; prints one JSON line, then serves
// until SIGTERM or until stdin closes (so it never outlives the test run).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newHttpToken, serveHttp } from '../../core/api/http-transport';
import { hostEngine } from '../../core/host/host';
import { raiseAlert, recordError } from '../../core/runtime/issues';
import { importOperation, pullOperation } from '../../core/jobs/orders';
import { startWooSandbox } from '../../sandbox/woocommerce';

process.env.BACKROOM_SECRETS = 'file';

export interface ServeInfo {
  url: string;
  pageUrl: string;
  token: string;
  dataDir: string;
  shop: string;
  errors: { pull: string; missingOrder: string };
  alert: string;
  /** Checkouts on the shop: swept into carts before serving, except `late`, which arrives after the sweep. */
  carts: { abandoned: string; blacklisted: string; capturing: string; late: string };
}

const CARTS = { abandoned: 'ann.abandon@example.com', blacklisted: 'bob@blocked.example', capturing: 'cara.shopping@example.com', late: 'dan.late@example.com' };

const SHOP = 'Practice shop';

async function main(): Promise<void> {
  const dataDir = resolve(process.argv[2] ?? '');
  if (!process.argv[2]) throw new Error('usage: serve.ts DATA_DIR');
  const staticDir = resolve('dist/renderer');
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error('dist/renderer is not built: run `npm run build` first.');

  const sandbox = await startWooSandbox({ storeName: 'Practice shop', seed: { products: 6, orders: 8, random: 7 } });
  const host = await hostEngine({ dataDir, serve: false, schedule: false });
  if (!host) throw new Error(`${dataDir} is owned by another engine`);
  const api = host.client;
  await api.call('location.add', { name: 'Warehouse' });
  await api.call('location.add', { name: 'Shop floor' });
  await api.call('shop.add', { platform: 'woocommerce', name: SHOP, url: sandbox.url, key: sandbox.credentials.key, secret: sandbox.credentials.secret, location: 'Warehouse' });
  for (const [i, sku] of ['SKU-00000', 'SKU-00001', 'SKU-00002'].entries()) await api.call('stock.set', { sku, quantity: 10 + i, location: 'Warehouse' });
  await api.call('sync.run', { job: 'orders' });

  // Carts: checkouts with an email and no payment, one from a blacklisted domain. The sweep
  // captures them all; those past the cut-off (15 minutes) become abandoned at once.
  await api.call('settings.update', { carts: { blacklist: ['@blocked.example'] } });
  const minutes = (n: number) => Date.now() - n * 60_000;
  sandbox.addOrder({ status: 'checkout-draft', email: CARTS.abandoned, createdMs: minutes(180) });
  sandbox.addOrder({ status: 'pending', email: CARTS.blacklisted, createdMs: minutes(95) });
  sandbox.addOrder({ status: 'checkout-draft', email: CARTS.capturing, createdMs: minutes(3) });
  await api.call('sync.run', { job: 'carts' });
  sandbox.addOrder({ status: 'checkout-draft', email: CARTS.late });

  // Seeded straight into the store, as the engine would after failures: one that a retry fixes
  // (the pull works again) and one that stays failing (an order the shop no longer has).
  const { store } = host;
  const { clock } = host.ctx;
  const source = { kind: 'shop' as const, name: SHOP };
  const pull = recordError(store, clock.now(), { source, operation: pullOperation(SHOP), object: `orders of ${SHOP}`, message: 'The shop answered 503 Service Unavailable after 5 attempts.' });
  const missing = recordError(store, clock.now(), { source, operation: importOperation(SHOP, '987654'), object: `order #987654 on ${SHOP}`, message: 'The shop answered 404: Invalid ID.' });
  const alert = raiseAlert(store, clock.now(), { key: 'unknown-sku:test', source, kind: 'unknown-sku', message: 'Order WO:1001 has SKU MUG-BLUE, which is not in your stock list.' });
  await store.issues.save();

  const token = newHttpToken();
  const server = await serveHttp(host.ctx, { token, staticDir });
  const info: ServeInfo = { url: server.url, pageUrl: server.pageUrl, token, dataDir, shop: SHOP, errors: { pull: pull.id, missingOrder: missing.id }, alert: alert.id, carts: CARTS };
  process.stdout.write(`${JSON.stringify(info)}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await host.close();
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`serve.ts: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
