// What an order means for carts, in a unit of the repositories (noteOrderForCartsIn, for the order
// pull once it writes through them) against the store-side version the pull calls today: the same
// carts dropped, the same recovered, the same transitions, though it reads only the checkout's own
// cart and the customer's carts.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { noteOrderForCarts, noteOrderForCartsIn } from '../../core/jobs/carts';
import type { JobContext } from '../../core/jobs/context';
import { CartSettings, Shop, type Cart, type CartTransition } from '../../core/model';
import type { RemoteOrder } from '../../core/platforms/types';
import { FakeClock } from '../../core/runtime/clock';
import { EventBus } from '../../core/runtime/events';
import { WorkQueue } from '../../core/runtime/queue';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const SHOPS = ['Main', 'Outlet'];
const EMAILS = ['ann@example.com', 'bo@example.com'];
const DAYS = ['2026-11-01', '2026-11-05', '2026-11-09'];
const shopNamed = (name: string): Shop =>
  Shop.parse({ platform: 'woocommerce', name, prefix: name.slice(0, 2).toUpperCase(), url: `https://${name.toLowerCase()}.example.com`, location: { kind: 'combined' }, secretRef: `shop:${name}`, addedAt: '2026-01-01T00:00:00.000Z' });

interface CartPick { shop: string; remoteId: string; email: string; state: Cart['state']; day: string }
interface OrderPick { shop: string; remoteId: string; email: string; status: string; day: string }

const cartArb: fc.Arbitrary<CartPick> = fc.record({
  shop: fc.constantFrom(...SHOPS),
  remoteId: fc.integer({ min: 1, max: 6 }).map(String),
  email: fc.constantFrom(...EMAILS),
  state: fc.constantFrom<Cart['state']>('capturing', 'abandoned', 'recovered', 'lost', 'unsubscribed'),
  day: fc.constantFrom(...DAYS),
});
const orderArb: fc.Arbitrary<OrderPick> = fc.record({
  shop: fc.constantFrom(...SHOPS),
  remoteId: fc.integer({ min: 1, max: 8 }).map(String),
  email: fc.constantFrom(...EMAILS, 'ANN@example.com', ''),
  status: fc.constantFrom('processing', 'completed', 'pending'),
  day: fc.constantFrom(...DAYS),
});

function cartOf(c: CartPick): Cart {
  const at = `${c.day}T10:00:00.000Z`;
  return {
    id: `${c.shop}#${c.remoteId}`, shop: c.shop, remoteId: c.remoteId, email: c.email, name: 'Ann Lee', items: [], total: '5.00', currency: 'EUR', cartUrl: '',
    capturedAt: at, updatedAt: at, state: c.state, stateChangedAt: at, crmBlocked: false, crmChecks: {}, history: false,
  };
}

function remoteOf(o: OrderPick): RemoteOrder {
  const at = `${o.day}T12:00:00.000Z`;
  return {
    remoteId: o.remoteId, number: o.remoteId, status: o.status, currency: 'EUR', total: '5.00', createdAt: at, modifiedAt: at,
    customer: { email: o.email, firstName: 'Ann', lastName: 'Lee', phone: '', company: '' }, lines: [], meta: {},
  };
}

describe('an order seen by the pull, applied to carts in a unit', () => {
  test.prop([fc.array(cartArb, { maxLength: 8 }), orderArb], { numRuns: 25 })('drops and recovers the carts the store-side version does, with the same transitions', async (carts, order) => {
    const clock = new FakeClock('2026-11-10T00:00:00Z');
    const settings = CartSettings.parse({});
    const shop = shopNamed(order.shop);
    const remote = remoteOf(order);

    const before = await openStore(await tempDir('br-carts-order-'));
    for (const c of carts) before.carts.data.carts[`${c.shop}#${c.remoteId}`] = cartOf(c);
    const beforeRepos = jsonRepositories(before);
    const ctx: JobContext = { repos: beforeRepos, store: before, clock, events: new EventBus(), queue: new WorkQueue(before, clock, beforeRepos), stockItems: new Map(), hooks: {}, shop: () => Promise.reject(new Error('no shops here')) };
    before.main.data.settings.carts = settings;
    const expected: CartTransition[] = [];
    noteOrderForCarts(ctx, shop, remote, expected);

    const after = await openStore(await tempDir('br-carts-order-'));
    for (const c of carts) after.carts.data.carts[`${c.shop}#${c.remoteId}`] = cartOf(c);
    const repos = jsonRepositories(after);
    const got: CartTransition[] = [];
    await repos.write((w) => noteOrderForCartsIn(w.carts, settings, clock.now(), shop, remote, got));

    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect((await repos.carts.list()).sort(byId)).toEqual(Object.values(before.carts.data.carts).sort(byId));
    const key = (t: CartTransition) => `${t.cart.id}>${t.to}`;
    expect(got.map(key).sort()).toEqual(expected.map(key).sort());
  });
});
