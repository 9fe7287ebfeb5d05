import { Option, type Command } from 'commander';
import { action, type CliDeps } from '../context';
import { table } from '../output';
import { BOUNDS, describeRange, DEFAULT_POLL_SECONDS, type Bound } from '../../core/model';
import { choiceOption, parseBounded, parseStatuses } from '../parse';
import type { ShopView } from '../../core/api/namespaces/shops';
import { ApiError } from '../../core/api/errors';

/** A refused key check says how to save the keys anyway (e.g. a shop that is not online yet). */
async function withNoCheckHint<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const api = ApiError.from(error);
    if (api.code === 'failed' && ['key', 'token', '--key', '--token'].includes(api.field ?? '')) throw new ApiError('failed', `${api.message} To save them without asking the shop, add --no-check.`, api.field, api.details);
    throw error;
  }
}

interface ShopAddOptions {
  name: string;
  /** false with --no-check */
  check: boolean;
  prefix?: string;
  statuses?: string;
  location?: string;
  combined?: boolean;
  pollSeconds?: string;
}

/** The shop's address, saying so when the merchant allowed plain http for it. */
function addressOf(s: ShopView): string {
  return s.platform === 'woocommerce' ? `${s.url}${s.allowHttp ? ' (plain http allowed)' : ''}` : s.domain;
}

const ALLOW_HTTP_HELP = 'allow a plain http:// address off this computer (the keys then travel unencrypted)';

function describeShop(s: ShopView): string {
  const where = addressOf(s);
  const stock = s.location.kind === 'combined' ? 'all locations combined' : `location ${s.location.location}`;
  return `Shop "${s.name}" (${s.platform}, ${where}): orders numbered ${s.prefix}:…, statuses ${s.statuses.join(', ')}, stock from ${stock}.`;
}

function common(command: Command): Command {
  return command
    .requiredOption('--name <name>', 'a name for the shop, used in every other command')
    .option('--prefix <prefix>', 'order number prefix, e.g. WO (default: from the platform name; must be unique)')
    .option('--statuses <list>', 'comma-separated order statuses to import', 'processing')
    .addOption(new Option('--location <name>', 'push stock from this one location').conflicts('combined'))
    .addOption(new Option('--combined', 'push stock of all locations added together (the default)').conflicts('location'))
    .option('--poll-seconds <n>', `how often to pull orders, in seconds (default ${DEFAULT_POLL_SECONDS}; ${describeRange(BOUNDS.pollSeconds)})`)
    .option('--no-check', 'save the keys without first asking the shop whether it accepts them');
}

function mapping(opts: ShopAddOptions) {
  const statuses = opts.statuses === undefined ? undefined : parseStatuses('--statuses', opts.statuses);
  const pollSeconds = opts.pollSeconds === undefined ? undefined : parseBounded('--poll-seconds', opts.pollSeconds, BOUNDS.pollSeconds);
  return { name: opts.name, prefix: opts.prefix, statuses, location: opts.location, combined: opts.combined, pollSeconds };
}

export function registerShops(program: Command, deps: CliDeps): void {
  const shop = program.command('shop').description('the shops Backroom syncs with');
  const add = shop.command('add').description('connect a shop');

  common(add.command('woocommerce'))
    .description('connect a WooCommerce shop (REST API keys from WooCommerce › Settings › Advanced › REST API)')
    .requiredOption('--url <url>', "the site's address, e.g. https://shop.example.com")
    .requiredOption('--key <key>', 'consumer key (ck_…)')
    .requiredOption('--secret <secret>', 'consumer secret (cs_…)')
    .option('--allow-http', ALLOW_HTTP_HELP)
    .action(action(deps, async ({ api, print }, opts: ShopAddOptions & { url: string; key: string; secret: string; allowHttp?: boolean }) => {
      const added = await withNoCheckHint((await api()).call('shop.add', { platform: 'woocommerce', url: opts.url, key: opts.key, secret: opts.secret, ...(opts.allowHttp ? { allowHttp: true } : {}), ...mapping(opts), check: opts.check }));
      print.result(added, () => `Added. ${describeShop(added)}`);
    }));

  common(add.command('shopify'))
    .description('connect a Shopify shop (Admin API access token of a custom app)')
    .requiredOption('--domain <domain>', 'the shop domain, e.g. my-shop.myshopify.com')
    .requiredOption('--token <token>', 'Admin API access token (shpat_…)')
    .option('--shopify-location <name>', 'the Shopify location whose stock Backroom sets (default: the first active one)')
    .action(action(deps, async ({ api, print }, opts: ShopAddOptions & { domain: string; token: string; shopifyLocation?: string }) => {
      const added = await withNoCheckHint((await api()).call('shop.add', { platform: 'shopify', domain: opts.domain, token: opts.token, shopifyLocation: opts.shopifyLocation, ...mapping(opts), check: opts.check }));
      print.result(added, () => `Added. ${describeShop(added)}`);
    }));

  shop
    .command('list')
    .description('list connected shops')
    .action(action(deps, async ({ api, print }) => {
      const shops = await (await api()).call('shop.list');
      print.result(shops, () =>
        shops.length
          ? table(['SHOP', 'PLATFORM', 'PREFIX', 'STATUSES', 'STOCK FROM', 'ADDRESS'], shops.map((s) => [
              s.name, s.platform, s.prefix, s.statuses.join(','), s.location.kind === 'combined' ? '(combined)' : s.location.location,
              addressOf(s),
            ]))
          : 'No shops yet. Add one: backroom shop add woocommerce --help');
    }));

  shop
    .command('test <name>')
    .description("check the shop's address and keys, and report what Backroom found there")
    .action(action(deps, async ({ api, print }, name: string) => {
      const client = await api();
      const report = await client.call('shop.test', { name });
      // Said on every test, so a shop reached over plain http is never forgotten.
      const tested = (await client.call('shop.list')).find((s) => s.name === name);
      print.result(report, () => [
        `Shop "${name}" answered: ${report.storeName}.`,
        ...(tested ? [`  Address:           ${addressOf(tested)}${tested.platform === 'woocommerce' && tested.allowHttp ? ' — its keys travel unencrypted' : ''}`] : []),
        `  Platform version:  ${report.platformVersion ?? 'not reported'}`,
        `  Currency:          ${report.currency ?? 'not reported'}`,
        `  Time zone:         ${report.timezone ?? 'not reported'}`,
        `  Shipment Tracking: ${report.shipmentTracking ? 'installed (tracking numbers go into tracking entries)' : 'not installed (tracking numbers go out as a customer note)'}`,
      ].join('\n'));
    }));

  registerShopSet(shop, deps);

  shop
    .command('remove <name>')
    .description('disconnect a shop and delete its stored credentials (its imported orders are kept)')
    .action(action(deps, async ({ api, print }, name: string) => {
      const result = await (await api()).call('shop.remove', { name });
      print.result(result, () => `Removed shop "${name}" and its credentials.`);
    }));
}

interface ShopSetOptions {
  prefix?: string;
  statuses?: string;
  location?: string;
  combined?: boolean;
  pollSeconds?: string;
  reconcileSeconds?: string;
  safetyBuffer?: string;
  shipping?: 'complete' | 'each';
  shopifyLocation?: string;
  allowHttp?: boolean;
  url?: string;
  key?: string;
  secret?: string;
  domain?: string;
  token?: string;
  check: boolean;
}

/** The API's field names as the flags of `shop set`, so a message names what the merchant typed. */
const FLAG_OF_FIELD: Record<string, string> = {
  ordersSeconds: '--poll-seconds',
  reconcileSeconds: '--reconcile-seconds',
  safetyBuffer: '--safety-buffer',
  shippingPush: '--shipping',
  shopifyLocation: '--shopify-location',
  statuses: '--statuses',
  prefix: '--prefix',
  location: '--location',
  url: '--url',
  key: '--key',
  secret: '--secret',
  domain: '--domain',
  token: '--token',
};

/** Rewrites "ordersSeconds: must be at least 30 seconds" as "--poll-seconds must be at least 30 seconds". */
async function inFlagWords<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const api = ApiError.from(error);
    const flag = api.field ? FLAG_OF_FIELD[api.field.split('.')[0]!] : undefined;
    if (!flag) throw error;
    const message = api.message.startsWith(`${api.field}: `) ? `${flag} ${api.message.slice(api.field!.length + 2)}` : api.message;
    throw new ApiError(api.code, message, flag, api.details);
  }
}

/** `backroom shop set NAME …`: change a connected shop's settings; anything not given stays. */
export function registerShopSet(shop: Command, deps: CliDeps): void {
  shop
    .command('set <name>')
    .description("change a shop's settings (anything not given stays as it is)")
    .option('--prefix <prefix>', 'order number prefix (must be unique)')
    .option('--statuses <list>', 'comma-separated order statuses to import')
    .addOption(new Option('--location <name>', 'push stock from this one location').conflicts('combined'))
    .addOption(new Option('--combined', 'push stock of all locations added together').conflicts('location'))
    .option('--poll-seconds <n>', `how often to pull orders, in seconds (${describeRange(BOUNDS.pollSeconds)})`)
    .option('--reconcile-seconds <n>', `how often to read the shop's stock and correct drift, in seconds (${describeRange(BOUNDS.reconcileSeconds)})`)
    .option('--safety-buffer <n>', `push 0 once available stock falls to this many units (${BOUNDS.safetyBuffer.min} to ${BOUNDS.safetyBuffer.max.toLocaleString('en-US')})`)
    .addOption(choiceOption('--shipping <when>', 'push shipping when the whole order has shipped, or each shipment', 'shipping choice', ['complete', 'each']))
    .option('--shopify-location <name>', 'Shopify shops: the Shopify location whose stock Backroom sets')
    .option('--allow-http', `WooCommerce shops: ${ALLOW_HTTP_HELP}`)
    .option('--no-allow-http', 'WooCommerce shops: stop allowing plain http')
    .option('--url <url>', "WooCommerce: the site's new address")
    .option('--key <key>', 'WooCommerce: a new consumer key (ck_…)')
    .option('--secret <secret>', 'WooCommerce: a new consumer secret (cs_…)')
    .option('--domain <domain>', 'Shopify: the new shop domain (…myshopify.com)')
    .option('--token <token>', 'Shopify: a new Admin API access token (shpat_…)')
    .option('--no-check', 'save a new address or keys without first asking the shop whether it accepts them')
    .action(action(deps, async ({ api, print }, name: string, opts: ShopSetOptions) => {
      const client = await api();
      const connection = { url: opts.url, key: opts.key, secret: opts.secret, domain: opts.domain, token: opts.token };
      let connected: ShopView | undefined;
      if (Object.values(connection).some((v) => v !== undefined)) {
        connected = await withNoCheckHint(inFlagWords(client.call('shop.setConnection', { name, ...connection, check: opts.check })));
      }
      const statuses = opts.statuses === undefined ? undefined : parseStatuses('--statuses', opts.statuses);
      const count = (flag: string, value: string | undefined, bound: Bound) => (value === undefined ? undefined : parseBounded(flag, value, bound));
      const settings = [opts.prefix, opts.statuses, opts.location, opts.combined, opts.pollSeconds, opts.reconcileSeconds, opts.safetyBuffer, opts.shipping, opts.shopifyLocation, opts.allowHttp];
      if (connected && settings.every((v) => v === undefined)) {
        print.result(connected, () => `Updated. ${opts.check ? 'The shop accepted the new address and keys. ' : ''}${describeShop(connected)}`);
        return;
      }
      const updated = await inFlagWords(client.call('shop.update', {
        name,
        prefix: opts.prefix,
        statuses,
        location: opts.location,
        combined: opts.combined ? true : undefined,
        ordersSeconds: count('--poll-seconds', opts.pollSeconds, BOUNDS.pollSeconds),
        reconcileSeconds: count('--reconcile-seconds', opts.reconcileSeconds, BOUNDS.reconcileSeconds),
        safetyBuffer: count('--safety-buffer', opts.safetyBuffer, BOUNDS.safetyBuffer),
        shippingPush: opts.shipping,
        shopifyLocation: opts.shopifyLocation,
        allowHttp: opts.allowHttp,
      }));
      print.result(updated, () => `Updated. ${describeShop(updated)}`);
    }));
}
