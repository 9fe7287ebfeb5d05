// The Carts screen against a real engine: carts written to the engine's store as the sweep writes
// them, and, end to end, carts captured from the WooCommerce sandbox by the real cart sweep.
import { afterEach, describe, expect, it } from 'vitest';
import { openWorld, type World } from '../../../test/sync/world';
import { gatedClient, KEYS, putCart, seededEngine, type Rendered } from './render';

const tui = seededEngine();
let ui: Rendered | undefined;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const openCarts = async (options: { columns?: number; rows?: number } = {}) => {
  ui = tui.render({ columns: options.columns ?? 100, rows: options.rows ?? 24 });
  await ui.waitFor('Main shop');
  await ui.press('6');
  return ui.waitFor('[6 Carts]');
};
const selectedLine = () => ui!.frame().split('\n').find((l) => l.startsWith('›')) ?? '';

async function seedCarts(): Promise<void> {
  await putCart(tui.host, { id: 'Main shop#11', email: 'lena@example.com', name: 'Lena Vogel', total: '59.90', state: 'abandoned' }, 3 * 60);
  await putCart(tui.host, { id: 'Main shop#12', email: 'tom@spam.test', name: 'Tom', total: '12.00', state: 'capturing', crmBlocked: true }, 20);
  await putCart(tui.host, { id: 'Main shop#13', email: 'mia@example.com', name: 'Mia Berg', total: '120.00', currency: 'USD', state: 'recovered' }, 3 * 24 * 60);
}

describe('Carts', () => {
  it('says when there are no carts yet', async () => {
    await openCarts();
    const frame = await ui!.waitFor('Carts: 0');
    expect(frame).toContain('No carts yet');
  });

  it('lists state, email, name, total and age, newest activity first, and marks carts kept from the CRM', async () => {
    await seedCarts();
    await openCarts();
    const frame = await ui!.waitFor('Carts: 3');
    expect(frame).toMatch(/STATE\s+EMAIL\s+NAME\s+TOTAL\s+AGE\s+NOTE\s*$/m);
    const lines = ui!.frame().split('\n');
    const row = (email: string) => lines.find((l) => l.includes(email)) ?? '';
    expect(row('tom@spam.test')).toMatch(/capturing\s+tom@spam\.test\s+Tom\s+12\.00 EUR\s+20 min\s+no CRM$/);
    expect(row('lena@example.com')).toMatch(/abandoned\s+lena@example\.com\s+Lena Vogel\s+59\.90 EUR\s+3 h$/);
    expect(row('lena@example.com')).not.toContain('no CRM');
    expect(row('mia@example.com')).toMatch(/recovered\s+mia@example\.com\s+Mia Berg\s+120\.00 USD\s+3 d/);
    expect(ui!.frame()).toContain('no CRM = blacklisted email or domain: captured, never sent to a CRM');
    const order = ['tom@spam.test', 'lena@example.com', 'mia@example.com'].map((e) => lines.findIndex((l) => l.includes(e)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('f steps through the states (asking the API for each), c shows all carts again', async () => {
    await seedCarts();
    await openCarts();
    await ui!.waitFor('Carts: 3');
    await ui!.press('f');
    await ui!.waitFor('Carts (state capturing): 1');
    expect(ui!.frame()).toContain('tom@spam.test');
    expect(ui!.frame()).not.toContain('lena@example.com');
    await ui!.press('f');
    await ui!.waitFor('Carts (state abandoned): 1');
    expect(ui!.frame()).toContain('lena@example.com');
    expect(ui!.frame()).not.toContain('tom@spam.test');
    await ui!.press('f', 'f');
    await ui!.waitFor('Carts (state lost): 0');
    expect(ui!.frame()).toContain('No lost carts (f next state, c all carts).');
    await ui!.press('f', 'f');
    await ui!.waitFor('Carts: 3');
    // Two steps away from all carts first, so that `c` has something to clear (a frame left over
    // from before the keys would otherwise already say "Carts: 3").
    await ui!.press('f', 'f');
    await ui!.waitFor('Carts (state abandoned): 1');
    await ui!.press('c');
    await ui!.waitFor('Carts: 3');
    expect(ui!.frame()).toMatch(/f next state\s+c clear filter/);
  });

  it('while the next state\'s carts load, the title names the state of the carts it shows', async () => {
    await seedCarts();
    // The abandoned carts are held back, as a busy machine or a slow engine would.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const client = gatedClient(tui.host, async (method, params) => {
      if (method === 'carts.list' && JSON.stringify(params).includes('abandoned')) await held;
    });
    ui = tui.render({ client, columns: 100, rows: 24 });
    await ui.waitFor('Main shop');
    await ui.press('6');
    await ui.waitFor('Carts: 3');
    await ui.press('f');
    await ui.waitFor('Carts (state capturing): 1');
    await ui.press('f');
    // Still the capturing cart on screen, so still its title: never "abandoned" over tom's row.
    const waiting = ui.frame();
    expect(waiting).toContain('tom@spam.test');
    expect(waiting).toContain('Carts (state capturing): 1');
    expect(waiting).not.toContain('state abandoned');
    release();
    await ui.waitFor('Carts (state abandoned): 1');
    expect(ui.frame()).toContain('lena@example.com');
    expect(ui.frame()).not.toContain('tom@spam.test');
  });

  it('enter shows a cart in detail, with why a blacklisted one gets no CRM action; esc goes back', async () => {
    await seedCarts();
    await openCarts();
    await ui!.waitFor('Carts: 3');
    expect(selectedLine()).toContain('tom@spam.test');
    await ui!.press(KEYS.enter);
    const detail = await ui!.waitFor('Cart of tom@spam.test');
    expect(detail).toMatch(/State:\s+capturing since \d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(detail).toMatch(/Total:\s+12\.00 EUR/);
    expect(detail).toMatch(/Last activity:\s+20 min ago/);
    expect(detail).toMatch(/CRM:\s+no CRM: the email or its domain is on the blacklist/);
    await ui!.waitFor(/esc back/); // the help line follows the screen's mode one frame later
    await ui!.press(KEYS.escape);
    await ui!.waitFor('Carts: 3');
    await ui!.press(KEYS.down, KEYS.enter);
    const other = await ui!.waitFor('Cart of lena@example.com');
    expect(other).toMatch(/CRM:\s+tag rules apply/);
    expect(other).toMatch(/Name:\s+Lena Vogel/);
  });

  it('adds a SHOP column when the carts come from more than one shop', async () => {
    await seedCarts();
    await putCart(tui.host, { id: 'Outlet#1', shop: 'Outlet', email: 'olga@example.com' }, 5);
    await openCarts();
    await ui!.waitFor('Carts: 4');
    expect(ui!.frame()).toMatch(/STATE\s+EMAIL\s+NAME\s+TOTAL\s+AGE\s+NOTE\s+SHOP/);
    expect(ui!.frame().split('\n').find((l) => l.includes('olga@example.com'))).toMatch(/Outlet$/);
  });

  it('refetches when the engine says carts changed', async () => {
    await openCarts();
    await ui!.waitFor('Carts: 0');
    await putCart(tui.host, { email: 'new@example.com', name: 'New Customer' }, 15);
    tui.host.ctx.events.emit('changed', { area: 'carts' });
    await ui!.waitFor('new@example.com');
    expect(ui!.frame()).toContain('Carts: 1');
  });

  it('fits 80×24 with long addresses', async () => {
    await seedCarts();
    await putCart(tui.host, { email: 'a-very-long-address-that-goes-on-and-on@some-long-domain.example.com', name: 'Someone With A Long Name' }, 5);
    await openCarts({ columns: 80, rows: 24 });
    await ui!.waitFor('Carts: 4');
    for (const line of ui!.frame().split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(ui!.frame().split('\n').length).toBeLessThanOrEqual(23);
  });
});

describe('Carts, captured by the real sweep from the WooCommerce sandbox', () => {
  it('shows a checkout as soon as the cart sweep captures it, without a key press', async () => {
    world = await openWorld({ shops: [{ name: 'Woo', sandbox: { seed: { products: 3, customers: 4 } } }] });
    ui = tui.render({ client: world.host.client, columns: 100 });
    await ui.waitFor('Woo');
    await ui.press('6');
    await ui.waitFor('Carts: 0');
    const shop = world.shops.get('Woo')!;
    shop.addOrder({ status: 'checkout-draft', email: 'left@example.com' });
    await world.host.client.call('sync.run', { job: 'carts' });
    await ui.waitFor('left@example.com');
    expect(ui.frame()).toMatch(/capturing\s+left@example\.com/);
    expect(ui.frame()).toContain('Carts: 1');
  });
});
