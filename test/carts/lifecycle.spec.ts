import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { dueTransitions, isBlacklisted } from '../../core/jobs/carts';
import { CartSettings, type Cart } from '../../core/model';
import { TRACKING_OPT_OUT_META } from '../../core/platforms/woocommerce';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

const settings = CartSettings.parse({});

function cart(updatedAt: string, state: Cart['state'] = 'capturing', stateChangedAt = updatedAt): Cart {
  return { id: 'S#1', shop: 'S', remoteId: '1', email: 'a@example.com', name: 'A B', items: [], total: '10.00', currency: 'EUR', cartUrl: '', capturedAt: updatedAt, updatedAt, state, stateChangedAt, crmBlocked: false, crmChecks: {}, history: false };
}

describe('cart transitions, exact to the minute', () => {
  it('abandons a cart exactly when the cut-off has passed since its last activity', () => {
    const c = cart('2026-06-10T14:44:00.000Z');
    expect(dueTransitions([c], settings, new Date('2026-06-10T14:58:59.999Z'))).toEqual([]);
    expect(c.state).toBe('capturing');
    const moved = dueTransitions([c], settings, new Date('2026-06-10T14:59:00.000Z'));
    expect(moved.map((t) => t.to)).toEqual(['abandoned']);
    expect(c.stateChangedAt).toBe('2026-06-10T14:59:00.000Z');
  });

  it('marks an abandoned cart lost exactly when the recovery window ends', () => {
    const c = cart('2026-06-01T10:00:00.000Z', 'abandoned', '2026-06-01T10:15:00.000Z');
    expect(dueTransitions([c], settings, new Date('2026-07-01T10:14:59.999Z'))).toEqual([]);
    expect(dueTransitions([c], settings, new Date('2026-07-01T10:15:00.000Z')).map((t) => t.to)).toEqual(['lost']);
  });

  it('counts real minutes across a daylight-saving change (Europe/Berlin, 29 March 2026)', () => {
    // 01:50 CET is 00:50Z; clocks jump from 02:00 to 03:00 local at 01:00Z. 15 minutes later is 03:05 CEST = 01:05Z.
    const c = cart('2026-03-29T00:50:00.000Z');
    expect(dueTransitions([c], settings, new Date('2026-03-29T01:04:59.999Z'))).toEqual([]);
    expect(dueTransitions([c], settings, new Date('2026-03-29T01:05:00.000Z'))).toHaveLength(1);
    // And in autumn, when local 02:00–03:00 happens twice, the lost boundary is still 30 × 24 real hours later.
    const late = cart('2026-09-26T10:00:00.000Z', 'abandoned', '2026-09-26T10:15:00.000Z');
    expect(dueTransitions([late], settings, new Date('2026-10-26T10:14:59.999Z'))).toEqual([]);
    expect(dueTransitions([late], settings, new Date('2026-10-26T10:15:00.000Z'))).toHaveLength(1);
  });

  it('matches blacklisted addresses and domains, and nothing else', () => {
    const list = ['@spam.test', 'bad@example.com', 'throwaway.io'];
    expect(isBlacklisted('Someone@SPAM.test', list)).toBe(true);
    expect(isBlacklisted('bad@example.com', list)).toBe(true);
    expect(isBlacklisted('good@example.com', list)).toBe(false);
    expect(isBlacklisted('x@throwaway.io', list)).toBe(true);
    expect(isBlacklisted('x@notthrowaway.io', list)).toBe(false);
  });
});

describe('the cart sweep against the sandbox, on a fake clock', () => {
  const start = '2026-06-10T14:30:00.000Z';

  async function setup(shopOffsetMinutes = 0) {
    const clock = new FakeClock(start);
    world = await openWorld({ clock, crms: ['AC'], shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime(), utcOffsetMinutes: shopOffsetMinutes, seed: { products: 6, customers: 12 } } }] });
    await world.host.client.call('rules.add', { trigger: { kind: 'cart-abandoned' }, applyTags: ['Abandoned cart'] });
    await world.host.client.call('rules.add', { trigger: { kind: 'cart-recovered' }, applyTags: ['Recovered'], removeTags: ['Abandoned cart'] });
    return { clock, shop: world.shops.get('Main')!, crm: world.crms.get('AC')! };
  }

  it('a cart last active at 14:44 is abandoned by the 15:00 sweep (boundary 14:59), then tagged once', async () => {
    const { clock, shop, crm } = await setup(120);
    clock.set('2026-06-10T14:44:00.000Z');
    shop.addOrder({ status: 'checkout-draft', email: 'late@example.com' });
    // Sweeps every 15 minutes, run by the scheduler on the fake clock.
    clock.set('2026-06-10T14:45:00.000Z');
    await world!.host.client.call('sync.run', { job: 'carts' });
    let carts = await world!.host.client.call('carts.list', {});
    expect(carts.map((c) => [c.email, c.state])).toEqual([['late@example.com', 'capturing']]);

    clock.set('2026-06-10T15:00:00.000Z');
    await world!.host.client.call('sync.run', { job: 'carts' });
    carts = await world!.host.client.call('carts.list', {});
    expect(carts[0]).toMatchObject({ state: 'abandoned', stateChangedAt: '2026-06-10T14:59:00.000Z' });

    await world!.host.client.call('sync.run', { job: 'crm' });
    expect(crm.tagsOf('late@example.com')).toEqual(['Abandoned cart']);
    // Sweeping again changes nothing and tags nothing more.
    await world!.host.client.call('sync.run', { job: 'carts' });
    await world!.host.client.call('sync.run', { job: 'crm' });
    expect(crm.tagsOf('late@example.com')).toEqual(['Abandoned cart']);
  });

  it('recovers an abandoned cart when the customer pays, removing the abandoned tag', async () => {
    const { clock, shop, crm } = await setup();
    const checkout = shop.addOrder({ status: 'pending', email: 'back@example.com' });
    clock.set('2026-06-10T15:00:00.000Z');
    await world!.host.client.call('sync.run', {});
    expect(crm.tagsOf('back@example.com')).toEqual(['Abandoned cart']);

    clock.set('2026-06-10T16:00:00.000Z');
    shop.state.setOrderStatus(checkout.id, 'processing');
    await world!.host.client.call('sync.run', {});
    expect((await world!.host.client.call('carts.list', {}))[0]!.state).toBe('recovered');
    expect(crm.tagsOf('back@example.com')).toEqual(['Recovered']);
  });

  it('drops a checkout that is paid before the cut-off (never abandoned, never tagged)', async () => {
    const { clock, shop, crm } = await setup();
    const checkout = shop.addOrder({ status: 'checkout-draft', email: 'quick@example.com' });
    await world!.host.client.call('sync.run', { job: 'carts' });
    clock.set('2026-06-10T14:40:00.000Z');
    shop.state.setOrderStatus(checkout.id, 'processing');
    await world!.host.client.call('sync.run', {});
    clock.set('2026-06-10T15:30:00.000Z');
    await world!.host.client.call('sync.run', {});
    expect(await world!.host.client.call('carts.list', {})).toEqual([]);
    expect(crm.contactByEmail('quick@example.com')).toBeUndefined();
  });

  it('does not track: tracking off, excluded roles, GDPR opt-out; blacklisted carts are captured without CRM action', async () => {
    const { clock, shop, crm } = await setup();
    const admin = [...shop.state.customers.values()].find((c) => c.role === 'administrator')!;
    shop.addOrder({ status: 'checkout-draft', customerId: admin.id });
    shop.addOrder({ status: 'checkout-draft', email: 'private@example.com', meta: { [TRACKING_OPT_OUT_META]: 'yes' } });
    shop.addOrder({ status: 'pending', email: 'x@spam.test' });
    shop.addOrder({ status: 'pending', email: 'fine@example.com' });
    await world!.host.client.call('settings.update', { carts: { blacklist: ['@spam.test'] } });
    clock.set('2026-06-10T15:00:00.000Z');
    await world!.host.client.call('sync.run', {});
    const carts = await world!.host.client.call('carts.list', {});
    expect(carts.map((c) => c.email).sort()).toEqual(['fine@example.com', 'x@spam.test']);
    expect(carts.find((c) => c.email === 'x@spam.test')).toMatchObject({ state: 'abandoned', crmBlocked: true });
    expect(crm.contactByEmail('x@spam.test')).toBeUndefined();
    expect(crm.tagsOf('fine@example.com')).toEqual(['Abandoned cart']);

    await world!.host.client.call('settings.update', { carts: { tracking: false } });
    shop.addOrder({ status: 'pending', email: 'later@example.com' });
    clock.set('2026-06-10T16:00:00.000Z');
    await world!.host.client.call('sync.run', {});
    expect((await world!.host.client.call('carts.list', {})).map((c) => c.email)).not.toContain('later@example.com');
  });

  it('refuses a cut-off under 10 minutes with a message naming the field, keeping the old value', async () => {
    await setup();
    await expect(world!.host.client.call('settings.update', { carts: { cutoffMinutes: 9 } })).rejects.toMatchObject({ code: 'bad-input', field: 'carts.cutoffMinutes' });
    expect((await world!.host.client.call('settings.get')).carts.cutoffMinutes).toBe(15);
  });

  it('notices a contact who unsubscribes after the cart was abandoned, at the next check, and stops there', async () => {
    const { clock, shop, crm } = await setup();
    const checkout = shop.addOrder({ status: 'pending', email: 'later-gone@example.com' });
    clock.set('2026-06-10T15:00:00.000Z');
    await world!.host.client.call('sync.run', {});
    expect(crm.tagsOf('later-gone@example.com')).toEqual(['Abandoned cart']);
    // The customer unsubscribes from the abandoned-cart mail.
    crm.setListStatus('later-gone@example.com', 'unsubscribed');
    clock.set('2026-06-10T16:00:00.000Z');
    await world!.host.client.call('sync.run', { job: 'crm' });
    expect((await world!.host.client.call('carts.list', {}))[0]!.state).toBe('abandoned'); // checked an hour ago: not yet
    clock.set('2026-06-10T21:00:00.000Z');
    await world!.host.client.call('sync.run', { job: 'crm' });
    expect((await world!.host.client.call('carts.list', {}))[0]).toMatchObject({ state: 'unsubscribed', stateChangedAt: '2026-06-10T21:00:00.000Z' });
    // Paying now changes nothing for the CRM: no recovered tag for an unsubscribed contact.
    shop.state.setOrderStatus(checkout.id, 'processing');
    await world!.host.client.call('sync.run', {});
    expect(crm.tagsOf('later-gone@example.com')).toEqual(['Abandoned cart']);
  });

  it('moves carts of a contact who unsubscribed in the CRM to unsubscribed, with no further tags', async () => {
    const { clock, shop, crm } = await setup();
    crm.addContact({ email: 'gone@example.com' });
    crm.setListStatus('gone@example.com', 'unsubscribed');
    shop.addOrder({ status: 'pending', email: 'gone@example.com' });
    clock.set('2026-06-10T15:00:00.000Z');
    await world!.host.client.call('sync.run', {});
    expect((await world!.host.client.call('carts.list', {}))[0]!.state).toBe('unsubscribed');
    expect(crm.tagsOf('gone@example.com')).toEqual([]);
  });
});
