import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { hostEngine, type EngineHost } from '../../core/host/host';
import { resolveDataDir } from '../../core/store/paths';
import type { CliDeps, GlobalOptions } from '../context';
import { EXIT, printer } from '../output';
import { parseBounded } from '../parse';
import { canOpenTui, loadTui } from './tui';
import type { WooSandbox } from '../../sandbox/woocommerce';
import type { ShopifySandbox } from '../../sandbox/shopify';
import type { ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';

// Types only: the practice servers' code is loaded when the demo starts, not with every command.
type WooPractice = WooSandbox;
type ShopifyPractice = ShopifySandbox;
type CrmPractice = ActiveCampaignSandbox;

/** The statuses the demo's WooCommerce shop imports: paid orders, open and shipped. */
const DEMO_STATUSES = ['processing', 'completed'];

/**
 * The practice servers are seeded for tests, with faults on purpose (products without stock
 * management, catalogues that differ between shops, orders in odd statuses, a CRM without custom
 * fields). A merchant's first look should show Backroom working, not alerts the demo made itself:
 * so the demo's shops carry the same SKUs, manage their stock, hold only paid orders and unpaid
 * checkouts, and the practice CRM has the fields the demo maps.
 */
function tidyPracticeData(shop: WooPractice, shopify: ShopifyPractice, crm: CrmPractice): void {
  for (const p of shop.state.products.values()) {
    if (p.type === 'simple' && !p.manageStock) Object.assign(p, { manageStock: true, stockQuantity: 0 });
  }
  for (const o of shop.state.orders.values()) {
    if (!DEMO_STATUSES.includes(o.status) && o.status !== 'checkout-draft' && o.status !== 'pending') o.status = 'completed';
  }
  for (const item of shopify.state.inventoryItems.values()) item.tracked = true;
  const wooSkus = [...shop.state.products.values()].filter((p) => p.type === 'simple').map((p) => p.sku);
  wooSkus.push(...[...shop.state.variations.values()].map((v) => v.sku));
  const shopifySkus = [...shopify.state.variants.values()].flatMap((v) => (v.sku ? [v.sku] : []));
  const location = shopify.state.locations[0]!.id;
  for (const sku of wooSkus.filter((k) => !shopify.state.variantBySku(k))) {
    const productId = shopify.state.id();
    const id = shopify.state.id();
    const inventoryItemId = shopify.state.id();
    shopify.state.variants.set(id, { id, productId, productTitle: `Practice item ${sku}`, title: 'Default Title', sku, price: '19.00', inventoryItemId });
    shopify.state.inventoryItems.set(inventoryItemId, { id: inventoryItemId, variantId: id, tracked: true, levels: new Map([[location, { available: 0, committed: 0 }]]) });
  }
  const known = new Set(wooSkus);
  const now = shop.state.now();
  for (const sku of shopifySkus.filter((k) => !known.has(k))) {
    const id = shop.state.postId();
    shop.state.products.set(id, { id, name: `Practice item ${sku}`, sku, type: 'simple', status: 'publish', manageStock: true, stockQuantity: 0, price: '19.00', createdMs: now, modifiedMs: now, variationIds: [] });
  }
  crm.addField('Order count', 'ORDER_COUNT');
  crm.addField('Company', 'COMPANY');
}

export interface DemoWorld {
  host: EngineHost;
  dataDir: string;
  shopUrl: string;
  stop(): Promise<void>;
}

/**
 * Sets up the demo: practice WooCommerce and Shopify shops and a practice ActiveCampaign account on 127.0.0.1,
 * a throwaway data folder with a location, stock for every product, the shop and the CRM connected,
 * a few tag rules, short cart timings, and an engine that syncs on its own. A timer plays the
 * shop's customers: new orders arrive, checkouts are left behind, and some are paid later.
 */
export async function startDemo(options: { dataDir?: string; orderEveryMs?: number; /** false: no timed syncing (tests run passes themselves) */ schedule?: boolean } = {}): Promise<DemoWorld> {
  const { startWooSandbox } = await import('../../sandbox/woocommerce');
  const { startActiveCampaignSandbox } = await import('../../sandbox/activecampaign/server');
  const { startShopifySandbox } = await import('../../sandbox/shopify');
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'backroom-demo-')));
  process.env.BACKROOM_SECRETS ??= 'file';
  const shop = await startWooSandbox({ storeName: 'Demo Outdoor Shop', seed: { products: 40, orders: 60, checkouts: 6, customers: 25 }, shipmentTracking: true });
  const shopify = await startShopifySandbox({ storeName: 'Demo Shopify Store', seed: { products: 15, orders: 25, checkouts: 3 } });
  const crm = await startActiveCampaignSandbox();
  tidyPracticeData(shop, shopify, crm);
  const host = await hostEngine({ dataDir, serve: true, schedule: options.schedule ?? true });
  if (!host) {
    await Promise.all([shop.close(), shopify.close(), crm.close()]);
    throw new Error(`Another Backroom engine already runs on ${dataDir}.`);
  }
  const api = host.client;
  if (host.store.main.data.shops.length === 0) {
    await api.call('location.add', { name: 'Warehouse' });
    const rows = ['sku,location,quantity'];
    for (const p of shop.state.products.values()) if (p.type === 'simple') rows.push(`${p.sku},Warehouse,${5 + (p.id % 20)}`);
    for (const v of shop.state.variations.values()) rows.push(`${v.sku},Warehouse,${3 + (v.id % 9)}`);
    const known = new Set(rows.map((r) => r.split(',')[0]));
    for (const v of shopify.state.variants.values()) if (v.sku && !known.has(v.sku)) rows.push(`${v.sku},Warehouse,${4 + (v.id % 11)}`);
    await api.call('stock.import', { csv: rows.join('\n'), fileName: 'demo-stock.csv' });
    // Carts: the shortest cut-off and a sweep every minute, so the lifecycle shows within minutes.
    await api.call('settings.update', { carts: { cutoffMinutes: 10, sweepMinutes: 1 }, crmFields: { orderCount: 'ORDER_COUNT' } });
  } else {
    // A demo folder used again: the practice servers have new addresses.
    await api.call('shop.remove', { name: 'Demo shop' }).catch(() => undefined);
    await api.call('shop.remove', { name: 'Demo Shopify' }).catch(() => undefined);
    for (const rule of host.store.main.data.rules) await api.call('rules.remove', { id: rule.id });
    await api.call('crm.remove', { name: 'Demo CRM' }).catch(() => undefined);
  }
  // The second shop, on Shopify, draws on all locations combined.
  await api.call('shop.add', { platform: 'shopify', name: 'Demo Shopify', domain: shopify.domain, token: shopify.token, combined: true, pollSeconds: 30 });
  await api.call('crm.add', { platform: 'activecampaign', name: 'Demo CRM', url: crm.accountUrl, key: crm.key });
  await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing', 'completed'] }, applyTags: ['Customer'] });
  await api.call('rules.add', { trigger: { kind: 'cart-abandoned' }, applyTags: ['Abandoned cart'] });
  await api.call('rules.add', { trigger: { kind: 'cart-recovered' }, applyTags: ['Recovered cart'], removeTags: ['Abandoned cart'] });
  await api.call('rules.add', { trigger: { kind: 'refunded' }, applyTags: ['Refunded'] });
  // Poll at the minimum interval so a newcomer sees orders arrive within a minute.
  await api.call('shop.add', { platform: 'woocommerce', name: 'Demo shop', url: shop.url, key: shop.credentials.key, secret: shop.credentials.secret, location: 'Warehouse', pollSeconds: 30, statuses: DEMO_STATUSES });
  // The shop's customers: mostly orders; now and then a checkout left behind, later paid or not.
  let tick = 0;
  const customers = setInterval(() => {
    tick++;
    if (tick % 3 === 0) shop.addOrder({ status: 'checkout-draft' });
    else if (tick % 4 === 0) shopify.addOrder();
    else shop.addOrders(1, { status: 'processing' });
    const drafts = [...shop.state.orders.values()].filter((o) => o.status === 'checkout-draft' || o.status === 'pending');
    if (tick % 5 === 0 && drafts.length) shop.state.setOrderStatus(drafts[0]!.id, 'processing');
  }, options.orderEveryMs ?? 20_000);
  customers.unref();
  return {
    host,
    dataDir,
    shopUrl: `${shop.url} (WooCommerce), ${shopify.url} (Shopify)`,
    async stop() {
      clearInterval(customers);
      await host.close();
      await Promise.all([shop.close(), shopify.close(), crm.close()]);
    },
  };
}

/** Where the practice servers listen and the keys they accept, as `demo --servers` prints them. */
export interface PracticeServers {
  woocommerce: { url: string; key: string; secret: string };
  shopify: { domain: string; token: string };
  activecampaign: { url: string; key: string };
  stop(): Promise<void>;
}

/** Starts only the practice shops and CRM (tidied as in the demo), for trying `shop add` and `crm add` by hand. */
export async function startPracticeServers(): Promise<PracticeServers> {
  const { startWooSandbox } = await import('../../sandbox/woocommerce');
  const { startActiveCampaignSandbox } = await import('../../sandbox/activecampaign/server');
  const { startShopifySandbox } = await import('../../sandbox/shopify');
  const shop = await startWooSandbox({ storeName: 'Practice Outdoor Shop', seed: { products: 40, orders: 60, checkouts: 6, customers: 25 }, shipmentTracking: true });
  const shopify = await startShopifySandbox({ storeName: 'Practice Shopify Store', seed: { products: 15, orders: 25, checkouts: 3 } });
  const crm = await startActiveCampaignSandbox();
  tidyPracticeData(shop, shopify, crm);
  return {
    woocommerce: { url: shop.url, key: shop.credentials.key, secret: shop.credentials.secret },
    shopify: { domain: shopify.domain, token: shopify.token },
    activecampaign: { url: crm.accountUrl, key: crm.key },
    stop: async () => void (await Promise.all([shop.close(), shopify.close(), crm.close()])),
  };
}

function describeServers(s: PracticeServers): string {
  const q = (v: string) => JSON.stringify(v);
  return [
    'Practice servers on this computer — they speak the real APIs, so connect them as you would a real shop. Ctrl+C stops them.',
    '',
    `WooCommerce shop   ${s.woocommerce.url}`,
    `  consumer key     ${s.woocommerce.key}`,
    `  consumer secret  ${s.woocommerce.secret}`,
    `  try: backroom shop add woocommerce --name "Practice shop" --url ${s.woocommerce.url} --key ${s.woocommerce.key} --secret ${s.woocommerce.secret}`,
    '',
    `Shopify shop       ${s.shopify.domain}`,
    `  access token     ${s.shopify.token}`,
    `  try: backroom shop add shopify --name "Practice Shopify" --domain ${q(s.shopify.domain)} --token ${s.shopify.token}`,
    '',
    `ActiveCampaign     ${s.activecampaign.url}`,
    `  API key          ${s.activecampaign.key}`,
    `  try: backroom crm add activecampaign --name "Practice CRM" --url ${s.activecampaign.url} --key ${s.activecampaign.key}`,
    '',
    'A wrong key is refused as a real shop would refuse it.',
  ].join('\n');
}

/** What the demo is, printed before its log (the terminal UI shows the same on its dashboard). */
const DEMO_INTRO = [
  'This is the Backroom demo. Nothing real is touched:',
  '  - two practice shops (WooCommerce and Shopify) and a practice CRM (ActiveCampaign) run on this computer;',
  '  - a throwaway data folder holds their orders and stock;',
  '  - made-up customers place an order every 20 seconds and now and then leave a checkout behind.',
  'Watch orders arrive, stock go out to both shops, and left checkouts become abandoned carts tagged in the CRM.',
];

export function registerDemo(program: Command, deps: CliDeps): void {
  program
    .command('demo')
    .description('try Backroom on practice shops and a practice CRM: a throwaway data folder, seeded orders and stock, syncing live (q or Ctrl+C to stop)')
    .option('--seconds <n>', 'stop by itself after this many seconds (for scripts)')
    .option('--servers', 'start only the practice shops and CRM and print their addresses and keys, to connect them by hand')
    .action(async (opts: { seconds?: string; servers?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const print = printer(deps.io, Boolean(globals.json));
      let seconds: number | undefined;
      try {
        seconds = opts.seconds === undefined ? undefined : parseBounded('--seconds', opts.seconds, { label: 'Demo length', unit: 'seconds', min: 1, max: 86_400 });
      } catch (error) {
        deps.exitCode = print.failure(error);
        return;
      }
      const untilStopped = () =>
        new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
          if (seconds) setTimeout(resolve, seconds * 1000).unref();
        });
      if (opts.servers) {
        let servers: PracticeServers;
        try {
          servers = await startPracticeServers();
        } catch (error) {
          deps.exitCode = print.failure(error);
          return;
        }
        const { stop: _stop, ...addresses } = servers;
        // The keys are practice keys, printed on purpose: the merchant types them into shop add.
        if (print.json) deps.io.out(`${JSON.stringify({ ok: true, result: addresses }, null, 2)}\n`);
        else deps.io.out(`${describeServers(servers)}\n`);
        await untilStopped();
        await servers.stop();
        deps.exitCode = EXIT.ok;
        return;
      }
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
      if (!globals.json && seconds === undefined && canOpenTui()) {
        // On a terminal the demo opens the terminal UI on its data; quitting it ends the demo.
        const { runTui } = await loadTui();
        await runTui({ client: demo.host.client, hosted: true, close: () => demo.stop(), label: 'demo data', env: deps.env });
        deps.io.out(`Demo stopped. Its data folder was ${demo.dataDir}\n`);
        deps.exitCode = EXIT.ok;
        return;
      }
      for (const line of DEMO_INTRO) say(line);
      say(`Data folder ${demo.dataDir}; practice shops at ${demo.shopUrl}. Ctrl+C stops the demo.`);
      say('To connect practice shops by hand instead: backroom demo --servers');
      say(`In another terminal: npx backroom --data-dir ${demo.dataDir} orders list`);
      demo.host.ctx.events.on('job', (e) => {
        if (e.state !== 'running') say(`${new Date().toLocaleTimeString()}  ${e.job} ${e.target}: ${e.state}${e.message ? ` — ${e.message}` : ''}`);
      });
      await untilStopped();
      const status = await demo.host.client.call('status');
      await demo.stop();
      print.result(status, () => `Demo stopped. ${status.shops.map((s) => `${s.orders} orders from ${s.name}`).join(', ')}.`);
      deps.exitCode = EXIT.ok;
    });
}
