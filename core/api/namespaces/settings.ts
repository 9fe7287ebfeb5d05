import { Settings, Shop } from '../../model';
import { checkShopUrl } from '../../platforms/url-policy';
import { badInput, conflict, notFound, parseOrBadInput } from '../errors';
import type { Handler } from '../server';
import { shopView } from './shops';

/** Edits of settings through the API: checked the same way as when they were first entered, saved whole or not at all. */
export const settingsHandlers: {
  'shop.update': Handler<'shop.update'>;
  'settings.get': Handler<'settings.get'>;
  'settings.update': Handler<'settings.update'>;
} = {
  async 'shop.update'(params, ctx) {
    const main = ctx.store.main.data;
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
    main.shops[index] = valid;
    await ctx.store.main.save();
    ctx.events.emit('changed', { area: 'settings' });
    // Another location means other quantities for this shop: let the debounced push send the differences.
    if (mappingChanged) ctx.events.emit('changed', { area: 'stock' });
    return shopView(valid);
  },

  async 'settings.get'(_params, ctx) {
    return ctx.store.main.data.settings;
  },

  async 'settings.update'(params, ctx) {
    const main = ctx.store.main.data;
    const valid = parseOrBadInput(Settings, {
      ...main.settings,
      ...(params.stockPushDebounceMs !== undefined ? { stockPushDebounceMs: params.stockPushDebounceMs } : {}),
      ...(params.crmFields ? { crmFields: params.crmFields } : {}),
      carts: { ...main.settings.carts, ...params.carts },
    });
    main.settings = valid;
    await ctx.store.main.save();
    ctx.events.emit('changed', { area: 'settings' });
    return valid;
  },
};
