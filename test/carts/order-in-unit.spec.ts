// What an order means for carts, in a unit of the repositories (noteOrderForCartsIn, which the order
// pull calls in its unit) against a scan of every cart: the same carts dropped, the same recovered,
// the same transitions, though it reads only the checkout's own cart and the customer's carts.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { noteOrderForCartsIn } from '../../core/jobs/carts';
import { CartSettings, Shop, type Cart, type CartTransition } from '../../core/model';
import type { RemoteOrder } from '../../core/platforms/types';
import { FakeClock } from '../../core/runtime/clock';
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

/**
 * The rule (SPEC §4 "Recovered") over every cart, as a plain scan: the checkout's own cart, or any
 * cart of the same customer (in the same shop) captured before the order, settles — a capturing one
 * is dropped (it became the order), an abandoned one is recovered; nothing else moves.
 */
function expectedOutcome(carts: Cart[], shop: Shop, remote: RemoteOrder, settings: CartSettings): { dropped: Set<string>; recovered: Set<string> } {
  const dropped = new Set<string>();
  const recovered = new Set<string>();
  if (!settings.recoveryStatuses.includes(remote.status)) return { dropped, recovered };
  const email = remote.customer.email.toLowerCase();
  for (const cart of carts) {
    if (cart.shop !== shop.name) continue;
    const same = cart.remoteId === remote.remoteId || (email !== '' && cart.email === email && remote.createdAt >= cart.capturedAt);
    if (!same) continue;
    if (cart.state === 'capturing') dropped.add(cart.id);
    else if (cart.state === 'abandoned') recovered.add(cart.id);
  }
  return { dropped, recovered };
}

describe('an order seen by the pull, applied to carts in a unit', () => {
  test.prop([fc.array(cartArb, { maxLength: 8 }), orderArb], { numRuns: 25 })('drops and recovers the carts a scan of every cart would, with the same transitions', async (picks, order) => {
    const clock = new FakeClock('2026-11-10T00:00:00Z');
    const settings = CartSettings.parse({});
    const shop = shopNamed(order.shop);
    const remote = remoteOf(order);
    const carts = new Map(picks.map((c) => [`${c.shop}#${c.remoteId}`, cartOf(c)]));
    const { dropped, recovered } = expectedOutcome([...carts.values()], shop, remote, settings);

    const store = await openStore(await tempDir('br-carts-order-'));
    for (const cart of carts.values()) store.carts.data.carts[cart.id] = structuredClone(cart);
    const repos = jsonRepositories(store);
    const got: CartTransition[] = [];
    await repos.write((w) => noteOrderForCartsIn(w.carts, settings, clock.now(), shop, remote, got));

    const left = new Map((await repos.carts.list()).map((c) => [c.id, c]));
    expect([...left.keys()].sort()).toEqual([...carts.keys()].filter((id) => !dropped.has(id)).sort());
    for (const [id, cart] of left) {
      if (recovered.has(id)) expect({ state: cart.state, stateChangedAt: cart.stateChangedAt }).toEqual({ state: 'recovered', stateChangedAt: remote.modifiedAt });
      else expect(cart).toEqual(carts.get(id));
    }
    expect(got.map((t) => `${t.cart.id}>${t.to}`).sort()).toEqual([...recovered].map((id) => `${id}>recovered`).sort());
  });
});
