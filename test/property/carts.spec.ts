// Property: the cart lifecycle under random event orders, through the real engine (order pull,
// cart sweep, CRM job) against the WooCommerce and ActiveCampaign sandboxes, on a fake clock.
//
// Events: checkouts started (some before the shop was connected), updated, paid; sweeps at random
// clock times (minutes, hours, or a 20–75 day gap as if Backroom had been off); contacts
// unsubscribing in the CRM; and an exact duplicate of any of these. After every sweep:
//   - only legal transitions: capturing → abandoned → recovered | lost | unsubscribed, capturing →
//     unsubscribed, a capturing cart may vanish (its checkout was paid in time), end states stay;
//   - abandoned only after the cut-off: the abandonment moment is the last activity on the
//     checkout + cut-off, never later than the sweep, and a checkout paid before that never is;
//   - no CRM event for history: a checkout older than the connection, or one whose abandonment fell
//     due beyond the capture horizon, never has a tag applied or removed;
//   - each cart-event tag is applied once at most, none after the contact is seen unsubscribed, and
//     a live abandoned cart of a subscribed contact does carry its tag (so doing nothing fails).
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Cart } from '../../core/model';
import { removeTempDirs } from '../helpers';
import { openCrmWorld, type CrmWorld } from './crm-world';
import { runsWith } from './seed';

const MINUTE = 60_000;
const DAY = 86_400_000;
const CUTOFF = 15 * MINUTE;
const HORIZON = CUTOFF + 30 * DAY;
const CUSTOMERS = 3;

let w: CrmWorld;
let connectedAt: number;
beforeAll(async () => {
  w = await openCrmWorld('2026-03-01T08:00:00.000Z');
  connectedAt = w.clock.now().getTime();
  await w.host.client.call('rules.add', { trigger: { kind: 'cart-abandoned' }, applyTags: ['Abandoned'] });
  await w.host.client.call('rules.add', { trigger: { kind: 'cart-recovered' }, applyTags: ['Recovered'], removeTags: ['Abandoned'] });
  await w.host.client.call('rules.add', { trigger: { kind: 'cart-lost' }, applyTags: ['Lost'] });
}, 60_000);
afterAll(async () => {
  await w.close();
  await removeTempDirs();
});

type Step =
  | { kind: 'start'; c: number; ancient: boolean; draft: boolean }
  | { kind: 'update'; c: number }
  | { kind: 'pay'; c: number }
  | { kind: 'sweep'; minutes: number }
  | { kind: 'unsubscribe'; c: number }
  | { kind: 'duplicate' };

const customer = fc.nat(CUSTOMERS - 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('start' as const), c: customer, ancient: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), draft: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('update' as const), c: customer }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pay' as const), c: customer }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('sweep' as const), minutes: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 20, max: 600 }), fc.integer({ min: 20 * 1440, max: 75 * 1440 })) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), c: customer }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
);

interface Model {
  email: string;
  checkoutId?: number;
  ancient: boolean;
  paid: boolean;
  /** When it was paid, in whole seconds as the shop reports it. */
  paidAt: number;
  /** An unsubscribe was made in the CRM for this contact. */
  unsubscribed: boolean;
  /** Last activity on the checkout, in whole seconds as the shop reports it. */
  lastActivity: number;
  /** Observed state after the previous sweep; 'none' before capture, 'gone' once dropped. */
  seen: Cart['state'] | 'none' | 'gone';
  /** Expected to be history (worked out here from the times, not read from the cart). */
  history: boolean;
  /** Index into the call log from which this contact may get no tag change at all (it became history). */
  historyFrom?: number;
  /** Index into the call log from which no tag may be added (the contact was seen unsubscribed). */
  quietFrom?: number;
}

const LEGAL: Record<Model['seen'], readonly Model['seen'][]> = {
  none: ['none', 'capturing', 'abandoned', 'lost'],
  capturing: ['capturing', 'abandoned', 'lost', 'unsubscribed', 'gone'],
  abandoned: ['abandoned', 'recovered', 'lost', 'unsubscribed'],
  recovered: ['recovered'],
  lost: ['lost'],
  unsubscribed: ['unsubscribed'],
  gone: ['gone'],
};

let runNo = 0;

describe('cart lifecycle under random event orders', () => {
  test.prop([fc.array(step, { minLength: 2, maxLength: 14 })], runsWith(35))('legal transitions, cut-off respected, history quiet, tags once', async (steps) => {
    const run = ++runNo;
    // Each run starts 100 days after the last: every cart of earlier runs is long settled.
    w.clock.set(new Date(w.clock.now().getTime() + 100 * DAY));
    const models: Model[] = Array.from({ length: CUSTOMERS }, (_, i) => ({ email: `r${run}-c${i}@example.com`, ancient: false, paid: false, paidAt: 0, unsubscribed: false, lastActivity: 0, seen: 'none', history: false }));
    const callsBefore = w.calls.length;
    let previous: Step | undefined;

    for (const [n, drawn] of steps.entries()) {
      const s: Step = drawn.kind === 'duplicate' ? (previous ?? drawn) : drawn;
      previous = s;
      const now = w.clock.now().getTime();
      const where = `run ${run} step ${n} ${JSON.stringify(s)}`;
      if (s.kind === 'start') {
        const m = models[s.c]!;
        if (m.checkoutId !== undefined) continue;
        m.ancient = s.ancient;
        const createdMs = s.ancient ? connectedAt - 7 * DAY : now;
        m.checkoutId = w.shop.addOrder({ status: s.draft ? 'checkout-draft' : 'pending', email: m.email, createdMs, modifiedMs: now }).id;
        m.lastActivity = Math.floor(now / 1000) * 1000;
      } else if (s.kind === 'update') {
        const m = models[s.c]!;
        if (m.checkoutId === undefined || m.paid) continue;
        w.shop.state.modifyOrder(m.checkoutId);
        m.lastActivity = Math.floor(now / 1000) * 1000;
      } else if (s.kind === 'pay') {
        const m = models[s.c]!;
        if (m.checkoutId === undefined || m.paid) continue;
        w.shop.state.setOrderStatus(m.checkoutId, 'processing');
        m.paid = true;
        m.paidAt = Math.floor(now / 1000) * 1000;
      } else if (s.kind === 'unsubscribe') {
        const m = models[s.c]!;
        if (!w.crm.contactByEmail(m.email)) continue;
        w.crm.setListStatus(m.email, 'unsubscribed');
        m.unsubscribed = true;
      } else if (s.kind === 'sweep') {
        w.clock.set(new Date(now + s.minutes * MINUTE));
        const paidBefore = models.map((m) => m.paid);
        const callsBeforeSweep = w.calls.length;
        for (const job of ['orders', 'carts', 'crm'] as const) {
          const result = await w.host.client.call('sync.run', { job });
          expect(result.summaries.every((x) => x.errors === 0), `${job} errors ${where}: ${JSON.stringify(result.summaries)}`).toBe(true);
        }
        const sweptAt = w.clock.now().getTime();
        const carts = w.host.store.carts.data.carts;
        for (const [i, m] of models.entries()) {
          const cart = m.checkoutId === undefined ? undefined : carts[`Main#${m.checkoutId}`];
          const state: Model['seen'] = cart ? cart.state : m.seen === 'none' ? 'none' : 'gone';
          const label = `customer ${i} ${m.email} ${m.seen} → ${state} at ${new Date(sweptAt).toISOString()} ${where}`;
          expect(LEGAL[m.seen], label).toContain(state);
          const wasHistory = m.history;
          const newlyAbandoned = (m.seen === 'none' || m.seen === 'capturing') && cart && cart.state !== 'capturing' && cart.state !== 'unsubscribed';
          if (newlyAbandoned) {
            expect(paidBefore[i], `a paid checkout was abandoned: ${label}`).toBe(false);
            const abandonedAt = new Date(cart.abandonedAt ?? Number.NaN).getTime();
            expect(abandonedAt, `abandoned at the wrong moment: ${label}`).toBe(m.lastActivity + CUTOFF);
            expect(abandonedAt, label).toBeLessThanOrEqual(sweptAt);
            if (sweptAt - abandonedAt > HORIZON) m.history = true;
          }
          if (cart && m.ancient) m.history = true;
          if (cart?.state === 'lost' && m.seen !== 'lost') {
            const lostAt = new Date(cart.stateChangedAt).getTime();
            expect(lostAt, `lost at the wrong moment: ${label}`).toBe(new Date(cart.abandonedAt!).getTime() + 30 * DAY);
            if (sweptAt - lostAt > HORIZON) m.history = true;
          }
          if (cart?.state === 'recovered' && m.seen !== 'recovered' && sweptAt - m.paidAt > HORIZON) m.history = true;
          if (m.history && !wasHistory) m.historyFrom = newlyAbandoned || m.ancient ? callsBefore : callsBeforeSweep;
          if (cart) expect(cart.history, `history ${label}`).toBe(m.history);
          if (state === 'unsubscribed' && m.quietFrom === undefined) m.quietFrom = w.calls.length;
          const live = !m.history && !m.unsubscribed;
          if (live && cart?.state === 'abandoned') expect(w.crm.tagsOf(m.email), `live abandoned cart not tagged: ${label}`).toContain('Abandoned');
          if (live && cart?.state === 'recovered' && m.seen === 'abandoned') expect(w.crm.tagsOf(m.email), `recovered cart: ${label}`).toEqual(['Recovered']);
          m.seen = state;
        }
        // Tags: never for history, at most once per cart event, none added after an unsubscribe was seen.
        const runCalls = w.calls.slice(callsBefore);
        for (const m of models) {
          const mine = runCalls.filter((c) => c.email === m.email);
          if (m.historyFrom !== undefined) expect(w.calls.slice(m.historyFrom).filter((c) => c.email === m.email), `history got CRM calls: ${m.email} ${where}`).toEqual([]);
          const counts = new Map<string, number>();
          for (const c of mine) counts.set(`${c.op} ${c.tag}`, (counts.get(`${c.op} ${c.tag}`) ?? 0) + 1);
          for (const [what, count] of counts) expect(count, `${what} on ${m.email} ${where}`).toBe(1);
          if (m.quietFrom !== undefined) expect(w.calls.slice(m.quietFrom).filter((c) => c.email === m.email && c.op === 'add'), `tag added after unsubscribe: ${m.email} ${where}`).toEqual([]);
        }
      }
    }
  }, 120_000);
});
