import { Shop, type Platform } from '../../model';
import { checkShopifyDomain, checkShopUrl } from '../../platforms/url-policy';
import { forgetIssuesOf } from '../../engine/issues';
import type { ApiContext } from '../context';
import { badInput, conflict, notFound, parseOrBadInput } from '../errors';
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

export const shopHandlers: {
  'shop.add': Handler<'shop.add'>;
  'shop.list': Handler<'shop.list'>;
  'shop.remove': Handler<'shop.remove'>;
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
      intervals: { ordersSeconds: params.pollSeconds ?? 300, reconcileSeconds: 3600 },
      secretRef,
      addedAt: ctx.clock.now().toISOString(),
    };
    let candidate: unknown;
    if (params.platform === 'woocommerce') {
      let url: string;
      try {
        url = checkShopUrl(params.url);
      } catch (error) {
        throw badInput('url', validationMessage(error));
      }
      candidate = { ...base, platform: 'woocommerce', url };
    } else {
      let domain: string;
      try {
        domain = checkShopifyDomain(params.domain);
      } catch (error) {
        throw badInput('domain', validationMessage(error));
      }
      candidate = { ...base, platform: 'shopify', domain, ...(params.shopifyLocation ? { shopifyLocation: params.shopifyLocation } : {}) };
    }
    const valid = parseOrBadInput(Shop, candidate);
    // Credentials first: if storing them fails, no settings entry points at missing secrets.
    await ctx.store.secrets.set(secretRef, params.platform === 'woocommerce' ? { key: params.key, secret: params.secret } : { token: params.token });
    main.shops.push(valid);
    main.cursors[valid.name] ??= { lastRun: {}, lastSent: {} };
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
    delete main.cursors[name];
    forgetIssuesOf(ctx.store, { kind: 'shop', name });
    await ctx.store.main.save();
    await ctx.store.issues.save();
    await ctx.store.secrets.delete(shop.secretRef);
    ctx.events.emit('changed', { area: 'settings' });
    ctx.events.emit('changed', { area: 'issues' });
    return { removed: name };
  },
};
