import { PlatformError } from '../../platforms/errors';
import { ApiError, notFound } from '../errors';
import type { Handler } from '../server';

/**
 * `shop.test`: asks the shop who it is with the stored keys. Any failure (keys refused, shop
 * unreachable, plain http to another machine) is the operation failing, with the shop's reason.
 */
export const shopTestHandlers: { 'shop.test': Handler<'shop.test'> } = {
  async 'shop.test'({ name }, ctx) {
    const shops = ctx.store.main.data.shops;
    const shop = shops.find((s) => s.name === name);
    if (!shop) throw notFound('name', `There is no shop called "${name}". Known shops: ${shops.map((s) => s.name).join(', ') || 'none'}.`);
    const credentials = await ctx.store.secrets.get(shop.secretRef);
    if (!credentials) throw new ApiError('failed', `No credentials are stored for shop "${name}"; remove it and add it again with its keys.`);
    try {
      const { createShopConnector } = await import('../../platforms');
      return await createShopConnector(shop, credentials).test();
    } catch (error) {
      const reason = error instanceof PlatformError ? error.message : `unexpected problem: ${(error as Error).message}`;
      throw new ApiError('failed', `Shop "${name}": ${reason}`);
    }
  },
};
