import { notFound } from '../errors';
import type { Handler } from '../server';

/** Read-only: the quantity each shop was last sent per SKU (its cursor's lastSent). */
export const stockSentHandlers: { 'stock.sent': Handler<'stock.sent'> } = {
  async 'stock.sent'({ shop }, ctx) {
    const main = ctx.store.main.data;
    if (shop && !main.shops.some((s) => s.name === shop)) throw notFound('shop', `There is no shop called "${shop}".`);
    return {
      shops: main.shops.filter((s) => !shop || s.name === shop).map((s) => ({ name: s.name, lastSent: ctx.store.cursors.of(s.name).lastSent })),
    };
  },
};
