// Checkouts that are not paid yet (WooCommerce `checkout-draft`, `pending`) are carts, followed by
// the cart sweep and imported once paid: the skipped-status alert must not count them, and must
// never suggest importing them. Real engine, WooCommerce sandbox on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('skipped-status alerts', () => {
  it('count on-hold orders but not unpaid checkouts', async () => {
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 5 } } }] });
    const shop = world.shops.get('Main')!;
    for (let i = 0; i < 4; i++) shop.addOrder({ status: 'checkout-draft' });
    for (let i = 0; i < 3; i++) shop.addOrder({ status: 'pending' });
    for (let i = 0; i < 2; i++) shop.addOrder({ status: 'on-hold' });
    await world.host.client.call('sync.run', { job: 'orders' });
    const skipped = (await world.host.client.call('alerts.list', {})).filter((a) => a.kind === 'skipped-status');
    expect(skipped.map((a) => a.message.split(':')[0])).toEqual(['2 orders skipped in status on-hold on Main']);
    expect(skipped.some((a) => /checkout-draft|pending/.test(a.message))).toBe(false);
  });
});
