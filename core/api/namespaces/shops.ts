// Shops: connected with their keys (asked first), listed, tested, changed and removed.
import { z } from 'zod';
import { BOUNDS, boundedInt, DEFAULT_POLL_SECONDS, DEFAULT_RECONCILE_SECONDS, Name, OrderPrefix, OrderStatusList, Shop, type Platform } from '../../model';
import { PlatformError } from '../../platforms/errors';
import type { ShopTestReport } from '../../platforms/types';
import type { Credentials } from '../../store';
import { checkShopifyDomain, checkShopUrl, type HttpPermission } from '../../platforms/url-policy';
import type { ApiContext } from '../context';
import { forgetIssuesIn } from '../forget-issues';
import { method, type WithoutSecretRef } from '../define';
import { ApiError, badInput, conflict, notFound, parseOrBadInput } from '../errors';
import { namespace } from '../namespace';

export type ShopView = WithoutSecretRef<Shop>;

const shopCommon = {
  name: Name,
  prefix: OrderPrefix.optional(),
  statuses: OrderStatusList.optional(),
  location: Name.optional(),
  combined: z.boolean().optional(),
  /** Order pull interval in seconds (default 60, from 30 s to 24 h). */
  pollSeconds: boundedInt(BOUNDS.pollSeconds).optional(),
  /** Ask the shop with these keys before saving anything (the CLI, the window and the TUI do; `--no-check` skips it). */
  check: z.boolean().default(false),
};

export const ShopAddParams = z.discriminatedUnion('platform', [
  z.object({
    platform: z.literal('woocommerce'),
    url: z.string().min(1, 'must not be empty'),
    key: z.string().trim().min(1, 'must not be empty'),
    secret: z.string().trim().min(1, 'must not be empty'),
    /** Allow a plain-http address off this computer (the keys then travel unencrypted). */
    allowHttp: z.boolean().optional(),
    ...shopCommon,
  }).strict(),
  z.object({
    platform: z.literal('shopify'),
    domain: z.string().trim().min(1, 'must not be empty'),
    token: z.string().trim().min(1, 'must not be empty'),
    /** The Shopify location (name or GID) to set stock at; the first active one when omitted. */
    shopifyLocation: z.string().trim().min(1, 'must not be empty').optional(),
    ...shopCommon,
  }).strict(),
]);
export type ShopAddParams = z.input<typeof ShopAddParams>;

const optionalText = z.string().trim().min(1, 'must not be empty').optional();
/** A connected shop's address and keys; what is left out stays. Keys are re-tested unless `check` is false. */
export const ShopConnectionParams = z.object({
  name: Name,
  url: optionalText,
  key: optionalText,
  secret: optionalText,
  domain: optionalText,
  token: optionalText,
  check: z.boolean().default(true),
}).strict();

/** Changes to a shop's settings; anything left out stays as it is. */
export const ShopUpdateParams = z
  .object({
    name: Name,
    prefix: OrderPrefix.optional(),
    statuses: OrderStatusList.optional(),
    location: Name.optional(),
    combined: z.literal(true).optional(),
    ordersSeconds: boundedInt(BOUNDS.pollSeconds).optional(),
    reconcileSeconds: boundedInt(BOUNDS.reconcileSeconds).optional(),
    safetyBuffer: boundedInt(BOUNDS.safetyBuffer).optional(),
    shippingPush: z.enum(['complete', 'each']).optional(),
    /** Shopify shops: the location (name or GID) whose stock Backroom sets. */
    shopifyLocation: z.string().trim().min(1, 'must not be empty').optional(),
    /** WooCommerce shops: allow (or stop allowing) a plain-http address. */
    allowHttp: z.boolean().optional(),
  })
  .strict();

const contract = {
  'shop.add': method<ShopView>()(ShopAddParams),
  'shop.list': method<ShopView[]>()(z.object({}).strict()),
  'shop.remove': method<{ removed: string }>()(z.object({ name: Name }).strict()),
  'shop.test': method<ShopTestReport>()(z.object({ name: Name }).strict()),
  'shop.setConnection': method<ShopView>()(ShopConnectionParams),
  'shop.update': method<ShopView>()(ShopUpdateParams),
};

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

/** Saves a changed shop in the place of the one with its name (read in the unit, so other changes stay). */
async function replaceShop(ctx: ApiContext, shop: Shop): Promise<void> {
  await ctx.repos.write(async (w) => w.settings.update({ shops: (await w.settings.get()).shops.map((s) => (s.name === shop.name ? shop : s)) }));
}

export const shops = namespace(contract, {
  async 'shop.add'(params, ctx: ApiContext) {
    const main = await ctx.repos.settings.get();
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
    await ctx.repos.secrets.set(secretRef, credentials);
    // A shop added again under an old name starts from nothing: its old cursor could skip orders.
    // Reset in a unit of its own before the shop is saved, so no crash leaves the shop with the old cursor.
    await ctx.repos.write(() => undefined, [{ shop: valid.name, reset: true }]);
    await ctx.repos.write(async (w) => w.settings.update({ shops: [...(await w.settings.get()).shops, valid] }));
    ctx.events.emit('changed', { area: 'settings' });
    return shopView(valid);
  },

  async 'shop.list'(_params, ctx) {
    return (await ctx.repos.settings.get()).shops.map(shopView);
  },

  async 'shop.remove'({ name }, ctx) {
    // The shop, its issues and its cursor go in one unit (the settings and issues durable before the
    // cursor moves); its keys only after, so a crash between leaves an unused key, never a shop without keys.
    const shop = await ctx.repos.write(async (w) => {
      const { shops } = await w.settings.get();
      const found = shops.find((s) => s.name === name);
      if (!found) throw notFound('name', `There is no shop called "${name}". Known shops: ${shops.map((s) => s.name).join(', ') || 'none'}.`);
      await w.settings.update({ shops: shops.filter((s) => s !== found) });
      await forgetIssuesIn(w.issues, { kind: 'shop', name });
      return found;
    }, [{ shop: name, reset: true }]);
    await ctx.repos.secrets.delete(shop.secretRef);
    ctx.events.emit('changed', { area: 'settings' });
    ctx.events.emit('changed', { area: 'issues' });
    return { removed: name };
  },

  async 'shop.setConnection'(params, ctx) {
    const main = await ctx.repos.settings.get();
    const index = main.shops.findIndex((s) => s.name === params.name);
    if (index < 0) throw notFound('name', `There is no shop called "${params.name}". Known shops: ${main.shops.map((s) => s.name).join(', ') || 'none'}.`);
    const shop = main.shops[index]!;
    const stored = (await ctx.repos.secrets.get(shop.secretRef)) ?? {};
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
    await ctx.repos.secrets.set(shop.secretRef, credentials);
    await replaceShop(ctx, valid);
    ctx.events.emit('changed', { area: 'settings' });
    return shopView(valid);
  },

  /**
   * Asks the shop who it is with the stored keys. Any failure (keys refused, shop
   * unreachable, plain http to another machine) is the operation failing, with the shop's reason.
   */
  async 'shop.test'({ name }, ctx) {
    const { shops } = await ctx.repos.settings.get();
    const shop = shops.find((s) => s.name === name);
    if (!shop) throw notFound('name', `There is no shop called "${name}". Known shops: ${shops.map((s) => s.name).join(', ') || 'none'}.`);
    const credentials = await ctx.repos.secrets.get(shop.secretRef);
    if (!credentials) throw new ApiError('failed', `No credentials are stored for shop "${name}"; remove it and add it again with its keys.`);
    try {
      const { createShopConnector } = await import('../../platforms');
      return await createShopConnector(shop, credentials).test();
    } catch (error) {
      const reason = error instanceof PlatformError ? error.message : `unexpected problem: ${(error as Error).message}`;
      throw new ApiError('failed', `Shop "${name}": ${reason}`);
    }
  },

  /** Edits of a shop's settings: checked the same way as when they were first entered, saved whole or not at all. */
  async 'shop.update'(params, ctx) {
    const main = await ctx.repos.settings.get();
    const index = main.shops.findIndex((s) => s.name === params.name);
    if (index < 0) throw notFound('name', `There is no shop called "${params.name}". Known shops: ${main.shops.map((s) => s.name).join(', ') || 'none'}.`);
    const shop = main.shops[index]!;
    if (params.prefix && params.prefix !== shop.prefix) {
      const owner = main.shops.find((s) => s.prefix === params.prefix);
      if (owner) throw conflict('prefix', `The order prefix "${params.prefix}" is already used by shop "${owner.name}"; prefixes must be unique.`);
    }
    if (params.location && params.combined) throw badInput('location', 'Choose either a location or all locations combined, not both.');
    if (params.location && !main.locations.some((l) => l.name === params.location)) {
      throw badInput('location', `Location "${params.location}" does not exist. Add it first: backroom location add "${params.location}".`);
    }
    const candidate = {
      ...shop,
      prefix: params.prefix ?? shop.prefix,
      statuses: params.statuses ?? shop.statuses,
      location: params.combined ? { kind: 'combined' as const } : params.location ? { kind: 'location' as const, location: params.location } : shop.location,
      intervals: { ordersSeconds: params.ordersSeconds ?? shop.intervals.ordersSeconds, reconcileSeconds: params.reconcileSeconds ?? shop.intervals.reconcileSeconds },
      safetyBuffer: params.safetyBuffer ?? shop.safetyBuffer,
      shippingPush: params.shippingPush ?? shop.shippingPush,
    };
    if (params.shopifyLocation !== undefined) {
      if (shop.platform !== 'shopify') throw badInput('shopifyLocation', `Shop "${shop.name}" is on ${shop.platform}; only Shopify shops have a Shopify location.`);
      Object.assign(candidate, { shopifyLocation: params.shopifyLocation });
    }
    if (params.allowHttp !== undefined) {
      if (shop.platform !== 'woocommerce') throw badInput('allowHttp', `Shop "${shop.name}" is on ${shop.platform}, which is always reached over https.`);
      try {
        checkShopUrl(shop.url, params);
      } catch (error) {
        throw badInput('allowHttp', error instanceof Error ? error.message : String(error));
      }
      Object.assign(candidate, { allowHttp: params.allowHttp || undefined });
    }
    const valid = parseOrBadInput(Shop, candidate);
    const mappingChanged = JSON.stringify(shop.location) !== JSON.stringify(valid.location);
    await replaceShop(ctx, valid);
    ctx.events.emit('changed', { area: 'settings' });
    // Another location means other quantities for this shop: let the debounced push send the differences.
    if (mappingChanged) ctx.events.emit('changed', { area: 'stock' });
    return shopView(valid);
  },
});
