import { DEFAULT_POLL_SECONDS, DEFAULT_RECONCILE_SECONDS, Shop, type Platform } from '../../model';
import { PlatformError } from '../../platforms/errors';
import type { Credentials } from '../../store';
import { checkShopifyDomain, checkShopUrl, type HttpPermission } from '../../platforms/url-policy';
import { forgetIssuesOf } from '../../runtime/issues';
import type { ApiContext } from '../context';
import { ApiError, badInput, conflict, notFound, parseOrBadInput } from '../errors';
import type { Handler } from '../server';
import type { ShopView } from '../views';

export function shopView(shop: Shop): ShopView {
  const { secretRef: _secretRef, ...rest } = shop;
  return { ...rest, hasCredentials: true };
}

/**
 * The default order prefix (SPEC §1): the platform's first two letters, upper-case (`WO`, `SH`);
 * three letters where two would clash; then two letters and a digit.
 */
export function defaultPrefix(platform: Platform, taken: ReadonlySet<string>): string {
  const letters = platform.toUpperCase();
  const candidates = [letters.slice(0, 2), letters.slice(0, 3), ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${letters.slice(0, 2)}${n}`)];
  const free = candidates.find((c) => !taken.has(c));
  if (!free) throw conflict('prefix', 'Could not choose a free order prefix; give one with --prefix.');
  return free;
}

function validationMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Asks the shop who it is with these keys before anything is saved, so wrong keys give one clear
 * message now instead of an error from every job later.
 */
async function checkKeys(shop: Shop, credentials: Credentials, what: string): Promise<void> {
  const { createShopConnector } = await import('../../platforms');
  try {
    await createShopConnector(shop, credentials).test();
  } catch (error) {
    const reason = error instanceof PlatformError ? error.message : `unexpected problem: ${validationMessage(error)}`;
    throw new ApiError('failed', `${what}: ${reason} Nothing was saved.`, shop.platform === 'woocommerce' ? 'key' : 'token');
  }
}

function checkedUrl(url: string, permission: HttpPermission): string {
  try {
    return checkShopUrl(url, permission);
  } catch (error) {
    throw badInput('url', validationMessage(error));
  }
}

function checkedDomain(domain: string): string {
  try {
    return checkShopifyDomain(domain);
  } catch (error) {
    throw badInput('domain', validationMessage(error));
  }
}

export const shopHandlers: {
  'shop.add': Handler<'shop.add'>;
  'shop.list': Handler<'shop.list'>;
  'shop.remove': Handler<'shop.remove'>;
  'shop.setConnection': Handler<'shop.setConnection'>;
} = {
  async 'shop.add'(params, ctx: ApiContext) {
    const main = ctx.store.main.data;
    if (main.shops.some((s) => s.name.toLowerCase() === params.name.toLowerCase())) throw conflict('name', `A shop called "${params.name}" already exists.`);
    const taken = new Set(main.shops.map((s) => s.prefix));
    if (params.prefix && taken.has(params.prefix)) {
      const owner = main.shops.find((s) => s.prefix === params.prefix)!;
      throw conflict('prefix', `The order prefix "${params.prefix}" is already used by shop "${owner.name}"; prefixes must be unique.`);
    }
    if (params.location && params.combined) throw badInput('location', 'Choose either --location or --combined, not both.');
    if (params.location && !main.locations.some((l) => l.name === params.location)) {
      throw badInput('location', `Location "${params.location}" does not exist. Add it first: backroom location add "${params.location}".`);
    }
    const secretRef = `shop:${params.name}`;
    const base = {
      name: params.name,
      prefix: params.prefix ?? defaultPrefix(params.platform, taken),
      statuses: params.statuses ?? ['processing'],
      location: params.location ? { kind: 'location' as const, location: params.location } : { kind: 'combined' as const },
      intervals: { ordersSeconds: params.pollSeconds ?? DEFAULT_POLL_SECONDS, reconcileSeconds: DEFAULT_RECONCILE_SECONDS },
      secretRef,
      addedAt: ctx.clock.now().toISOString(),
      connectedAt: ctx.clock.now().toISOString(),
    };
    let candidate: unknown;
    if (params.platform === 'woocommerce') {
      const url = checkedUrl(params.url, params);
      candidate = { ...base, platform: 'woocommerce', url, ...(params.allowHttp ? { allowHttp: true } : {}) };
    } else {
      candidate = { ...base, platform: 'shopify', domain: checkedDomain(params.domain), ...(params.shopifyLocation ? { shopifyLocation: params.shopifyLocation } : {}) };
    }
    const valid = parseOrBadInput(Shop, candidate);
    const credentials: Credentials = params.platform === 'woocommerce' ? { key: params.key, secret: params.secret } : { token: params.token };
    if (params.check) await checkKeys(valid, credentials, `Shop "${valid.name}" was not added`);
    // Credentials first: if storing them fails, no settings entry points at missing secrets.
    await ctx.store.secrets.set(secretRef, credentials);
    // A shop added again under an old name starts from nothing: its old cursor could skip orders.
    await ctx.store.checkpoint({ shop: valid.name, reset: true });
    main.shops.push(valid);
    await ctx.store.main.save();
    ctx.events.emit('changed', { area: 'settings' });
    return shopView(valid);
  },

  async 'shop.list'(_params, ctx) {
    return ctx.store.main.data.shops.map(shopView);
  },

  async 'shop.remove'({ name }, ctx) {
    const main = ctx.store.main.data;
    const shop = main.shops.find((s) => s.name === name);
    if (!shop) throw notFound('name', `There is no shop called "${name}". Known shops: ${main.shops.map((s) => s.name).join(', ') || 'none'}.`);
    main.shops = main.shops.filter((s) => s !== shop);
    forgetIssuesOf(ctx.store, { kind: 'shop', name });
    await ctx.store.main.save();
    await ctx.store.issues.save();
    await ctx.store.checkpoint({ shop: name, reset: true });
    await ctx.store.secrets.delete(shop.secretRef);
    ctx.events.emit('changed', { area: 'settings' });
    ctx.events.emit('changed', { area: 'issues' });
    return { removed: name };
  },

  async 'shop.setConnection'(params, ctx) {
    const main = ctx.store.main.data;
    const index = main.shops.findIndex((s) => s.name === params.name);
    if (index < 0) throw notFound('name', `There is no shop called "${params.name}". Known shops: ${main.shops.map((s) => s.name).join(', ') || 'none'}.`);
    const shop = main.shops[index]!;
    const stored = (await ctx.store.secrets.get(shop.secretRef)) ?? {};
    let candidate: unknown;
    let credentials: Credentials;
    if (shop.platform === 'woocommerce') {
      const foreign = params.domain !== undefined ? 'domain' : params.token !== undefined ? 'token' : null;
      if (foreign) throw badInput(foreign, `Shop "${shop.name}" is a WooCommerce shop: change its address with --url and its keys with --key and --secret.`);
      if (params.url === undefined && params.key === undefined && params.secret === undefined) throw badInput('url', `Give at least one of --url, --key or --secret for shop "${shop.name}".`);
      const key = params.key ?? stored.key;
      const secret = params.secret ?? stored.secret;
      if (!key || !secret) throw badInput(key ? 'secret' : 'key', `No ${key ? 'consumer secret' : 'consumer key'} is stored for shop "${shop.name}"; give both --key and --secret.`);
      credentials = { key, secret };
      candidate = { ...shop, url: params.url === undefined ? shop.url : checkedUrl(params.url, shop) };
    } else {
      const foreign = params.url !== undefined ? 'url' : params.key !== undefined ? 'key' : params.secret !== undefined ? 'secret' : null;
      if (foreign) throw badInput(foreign, `Shop "${shop.name}" is a Shopify shop: change its domain with --domain and its access token with --token.`);
      if (params.domain === undefined && params.token === undefined) throw badInput('token', `Give --domain or --token for shop "${shop.name}".`);
      const token = params.token ?? stored.token;
      if (!token) throw badInput('token', `No access token is stored for shop "${shop.name}"; give one with --token.`);
      credentials = { token };
      candidate = { ...shop, domain: params.domain === undefined ? shop.domain : checkedDomain(params.domain) };
    }
    const valid = parseOrBadInput(Shop, candidate);
    if (params.check) await checkKeys(valid, credentials, `Shop "${shop.name}" was not changed`);
    await ctx.store.secrets.set(shop.secretRef, credentials);
    main.shops[index] = valid;
    await ctx.store.main.save();
    ctx.events.emit('changed', { area: 'settings' });
    return shopView(valid);
  },
};
