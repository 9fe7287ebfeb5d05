import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { dueTransitions } from '../../core/jobs/carts';
import { CartSettings, checkoutIsHistory, isBeyondHorizon, type Cart, type CartTransition } from '../../core/model';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

const DAY = 86_400_000;

/** A shop connected at `connectAt` (UTC), its CRM with an abandoned-cart and a lost-cart rule. */
async function connectShop(connectAt: string, utcOffsetMinutes = 0) {
  const clock = new FakeClock(connectAt);
  world = await openWorld({ clock, crms: ['AC'], shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime(), utcOffsetMinutes, seed: { products: 6, customers: 6 } } }] });
  const rules = {
    abandoned: (await world.host.client.call('rules.add', { trigger: { kind: 'cart-abandoned' }, applyTags: ['Abandoned cart'] })).rule,
    lost: (await world.host.client.call('rules.add', { trigger: { kind: 'cart-lost' }, applyTags: ['Lost cart'] })).rule,
  };
  return { clock, shop: world.shops.get('Main')!, crm: world.crms.get('AC')!, rules };
}

const at = (iso: string) => new Date(iso).getTime();
const run = (job?: 'carts' | 'crm') => world!.host.client.call('sync.run', job ? { job } : {});

describe('capture horizon: the past is history, not CRM work', () => {
  it('connecting a shop records months-old pending and checkout-draft orders as history and tags nobody', async () => {
    const { clock, shop, crm } = await connectShop('2026-06-10T14:30:00.000Z');
    // Customers who left in the spring (created and last touched months before the connection)…
    shop.addOrder({ status: 'pending', email: 'spring@example.com', createdMs: at('2026-03-02T09:00:00Z') });
    shop.addOrder({ status: 'checkout-draft', email: 'april@example.com', createdMs: at('2026-04-20T18:00:00Z') });
    // …one who started a checkout ten minutes before the shop was connected…
    shop.addOrder({ status: 'pending', email: 'just-before@example.com', createdMs: at('2026-06-10T14:20:00Z') });
    // …and one who starts after it: only this one is a cart Backroom follows for the CRM.
    clock.set('2026-06-10T14:40:00.000Z');
    shop.addOrder({ status: 'checkout-draft', email: 'today@example.com' });

    clock.set('2026-06-10T15:00:00.000Z');
    await run();
    const carts = await world!.host.client.call('carts.list', {});
    expect(carts.map((c) => c.email).sort()).toEqual(['april@example.com', 'just-before@example.com', 'spring@example.com', 'today@example.com']);
    expect(crm.tagsOf('today@example.com')).toEqual(['Abandoned cart']);
    for (const email of ['spring@example.com', 'april@example.com', 'just-before@example.com']) expect(crm.contactByEmail(email), email).toBeUndefined();

    // Later sweeps keep them quiet, whatever their lifecycle does.
    clock.set('2026-07-20T15:00:00.000Z');
    await run();
    for (const email of ['spring@example.com', 'april@example.com', 'just-before@example.com']) expect(crm.contactByEmail(email), email).toBeUndefined();
    expect(crm.tagsOf('today@example.com')).toEqual(['Abandoned cart', 'Lost cart']);
  });

  it('after Backroom was off longer than cut-off + recovery window, a cart it followed changes quietly', async () => {
    const { clock, shop, crm } = await connectShop('2026-06-10T14:30:00.000Z');
    shop.addOrder({ status: 'pending', email: 'asleep@example.com' });
    await run('carts');
    expect((await world!.host.client.call('carts.list', {}))[0]!.state).toBe('capturing');
    // Off for 60 days: the abandonment was due 60 days ago, the loss 30 days ago.
    clock.set(new Date(at('2026-06-10T14:30:00Z') + 60 * DAY).toISOString());
    await run();
    expect((await world!.host.client.call('carts.list', {}))[0]!.state).toBe('lost');
    expect(crm.contactByEmail('asleep@example.com')).toBeUndefined();
  });

  it('after a short outage, what fell due while Backroom was off still fires, once', async () => {
    const { clock, shop, crm } = await connectShop('2026-06-10T14:30:00.000Z');
    shop.addOrder({ status: 'pending', email: 'brief@example.com' });
    await run('carts');
    clock.set('2026-06-12T09:00:00.000Z'); // off for two days: well within the 30-day window
    await run();
    await run();
    expect(crm.tagsOf('brief@example.com')).toEqual(['Abandoned cart']);
  });

  it('rules replay acts on history when the merchant asks, and only once', async () => {
    const { clock, shop, crm, rules } = await connectShop('2026-06-10T14:30:00.000Z');
    shop.addOrder({ status: 'pending', email: 'spring@example.com', createdMs: at('2026-03-02T09:00:00Z') });
    clock.set('2026-06-10T15:00:00.000Z');
    await run();
    expect(crm.contactByEmail('spring@example.com')).toBeUndefined();
    // The cart was abandoned and then lost long ago: replaying either rule reaches it.
    const replayed = await world!.host.client.call('rules.replay', { id: rules.abandoned.id });
    expect(replayed.queued).toBe(1);
    await run('crm');
    expect(crm.tagsOf('spring@example.com')).toEqual(['Abandoned cart']);
    await world!.host.client.call('rules.replay', { id: rules.abandoned.id });
    await run('crm');
    expect(crm.tagsOf('spring@example.com')).toEqual(['Abandoned cart']);
  });

  it('judges "before the connection" by instants, whatever the shop\'s time zone (UTC+2 shop, DST night in Europe)', async () => {
    // 29 March 2026, 01:00Z: Berlin jumps from 02:00 CET to 03:00 CEST. The shop writes local times
    // 2 hours ahead; Backroom compares instants, so a minute before the connection is history and
    // a minute after is not.
    const { clock, shop, crm } = await connectShop('2026-03-29T01:00:00.000Z', 120);
    shop.addOrder({ status: 'pending', email: 'minute-before@example.com', createdMs: at('2026-03-29T00:59:00Z') });
    clock.set('2026-03-29T01:01:00.000Z');
    shop.addOrder({ status: 'pending', email: 'minute-after@example.com' });
    clock.set('2026-03-29T01:16:00.000Z');
    await run();
    expect(crm.contactByEmail('minute-before@example.com')).toBeUndefined();
    expect(crm.tagsOf('minute-after@example.com')).toEqual(['Abandoned cart']);
  });
});

describe('the horizon, exact to the millisecond', () => {
  const settings = CartSettings.parse({}); // cut-off 15 min + recovery window 30 days

  it('is cut-off + recovery window of real time, across the October DST change (Europe/Berlin, 25 Oct 2026)', () => {
    const due = '2026-10-01T10:00:00.000Z';
    const edge = new Date(at(due) + 15 * 60_000 + 30 * DAY);
    expect(edge.toISOString()).toBe('2026-10-31T10:15:00.000Z'); // the local hour repeated on 25 Oct changes nothing
    expect(isBeyondHorizon(due, edge, settings)).toBe(false);
    expect(isBeyondHorizon(due, new Date(edge.getTime() + 1), settings)).toBe(true);
  });

  it('a checkout created in the second of the connection is live; one a second earlier is history', () => {
    const connectedAt = '2026-06-10T14:30:00.700Z'; // shops report whole seconds
    const now = new Date('2026-06-10T14:31:00.000Z');
    expect(checkoutIsHistory({ createdAt: '2026-06-10T14:30:00.000Z', modifiedAt: '2026-06-10T14:30:00.000Z' }, connectedAt, now, settings)).toBe(false);
    expect(checkoutIsHistory({ createdAt: '2026-06-10T14:29:59.000Z', modifiedAt: '2026-06-10T14:30:30.000Z' }, connectedAt, now, settings)).toBe(true);
  });

  it('a live cart whose abandonment fell due beyond the horizon becomes history, and stays history', () => {
    const c: Cart = { id: 'S#1', shop: 'S', remoteId: '1', email: 'a@example.com', name: '', items: [], total: '1.00', currency: 'EUR', cartUrl: '', capturedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', state: 'capturing', stateChangedAt: '2026-01-01T00:00:00.000Z', crmBlocked: false, crmChecks: {}, history: false };
    const quiet: CartTransition[] = [];
    // Abandonment due 00:15 on 1 Jan; the sweep runs 45 days later: both moves are history.
    expect(dueTransitions([c], settings, new Date('2026-02-15T00:00:00.000Z'), quiet)).toEqual([]);
    expect(c).toMatchObject({ state: 'lost', history: true, abandonedAt: '2026-01-01T00:15:00.000Z' });
    expect(quiet.map((q) => q.to)).toEqual(['abandoned', 'lost']);
  });
});

describe('shops added before connection times were kept', () => {
  it('get one at their first sweep after the upgrade, so older checkouts not yet seen stay quiet', async () => {
    const { clock, shop, crm } = await connectShop('2026-06-10T14:30:00.000Z');
    delete world!.host.store.main.data.shops[0]!.connectedAt; // as stored by an older Backroom
    await world!.host.store.main.save();
    shop.addOrder({ status: 'pending', email: 'before-upgrade@example.com', createdMs: at('2026-06-20T08:00:00Z') });
    clock.set('2026-06-21T09:00:00.000Z');
    await run();
    expect(world!.host.store.main.data.shops[0]!.connectedAt).toBe('2026-06-21T09:00:00.000Z');
    expect(crm.contactByEmail('before-upgrade@example.com')).toBeUndefined();
    clock.set('2026-06-21T09:05:00.000Z');
    shop.addOrder({ status: 'pending', email: 'after-upgrade@example.com' });
    clock.set('2026-06-21T09:30:00.000Z');
    await run();
    expect(crm.tagsOf('after-upgrade@example.com')).toEqual(['Abandoned cart']);
  });
});
