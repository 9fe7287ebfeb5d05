// The cart sweep pages the shop's checkouts like the order pull: keyset on the modified time. When
// customers pay for checkouts while a sweep reads (they leave the checkout statuses, so the list
// shrinks under the reader), no other open checkout may slip past a page boundary and be lost.
import { fc } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers';
import { aroundPages } from '../pages';
import { openWorld, wrappedShopFactory, type World } from '../sync/world';
import type { WooSandbox } from '../../sandbox/woocommerce';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

const CHECKOUT = new Set(['checkout-draft', 'pending']);
const openCheckouts = (shop: WooSandbox) => [...shop.state.orders.values()].filter((o) => CHECKOUT.has(o.status) && o.billing.email);

describe('cart sweep paging', () => {
  it('captures every open checkout once, however many are paid for between the pages of a sweep', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 101, max: 320 }), fc.integer({ min: 1, max: 3 }), fc.array(fc.nat(), { minLength: 1, maxLength: 80 }), async (count, payAfterPage, picks) => {
        const seen: { shop?: WooSandbox } = {};
        let paid = new Set<number>();
        const factory = wrappedShopFactory((real) => ({
          checkoutPages: (query) =>
            aroundPages(real.checkoutPages(query), {
              after: (n) => {
                const shop = seen.shop;
                if (n !== payAfterPage || !shop) return;
                // Customers pay for some checkouts (read or not yet read): they become orders.
                const open = openCheckouts(shop);
                paid = new Set(picks.map((p) => open[p % open.length]!.id));
                for (const id of paid) shop.state.setOrderStatus(id, 'processing');
              },
            }),
        }));
        world = await openWorld({ factory, shops: [{ name: 'Main', sandbox: { seed: { products: 3, customers: 0, checkouts: count } } }] });
        const shop = world.shops.get('Main')!;
        seen.shop = shop;
        try {
          await world.host.ctx.engine.run('carts', 'Main');
          // The next sweep reads from the saved cursor (less its overlap), as the scheduler would.
          await world.host.ctx.engine.run('carts', 'Main');
          const captured = Object.values(world.host.store.carts.data.carts).map((c) => c.remoteId);
          expect(new Set(captured).size).toBe(captured.length);
          const missing = openCheckouts(shop).filter((o) => !captured.includes(String(o.id))).map((o) => o.id);
          expect(missing, `open checkouts never captured (of ${count}, ${paid.size} paid after page ${payAfterPage})`).toEqual([]);
        } finally {
          await world.close();
          world = undefined;
        }
      }),
      { numRuns: 6, endOnFailure: true },
    );
  });
});
