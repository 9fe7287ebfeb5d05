// The terminal UI's "Add a WooCommerce shop" form asks the shop whether it accepts the keys before
// saving, as `backroom shop add` does, and offers the same way out as --no-check. Against the
// WooCommerce sandbox, which refuses a wrong secret with WooCommerce's own 401.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../../sandbox/woocommerce';
import { KEYS, seededEngine, type Rendered } from './render';

const WRONG_SECRET = 'cs_0000000000000000000000000000000000000bad';
const tui = seededEngine();
let shop: WooSandbox;
let ui: Rendered | undefined;
beforeEach(async () => {
  shop = await startWooSandbox();
});
afterEach(async () => {
  await shop.close();
});

const type = (text: string) => ui!.press(...text.split(''));

/** Opens the form from the Shops heading of Settings and fills name, URL, key and secret. */
async function fillAddShop(name: string, secret: string): Promise<void> {
  ui = tui.render({ columns: 120, rows: 40 });
  await ui.waitFor('Main shop');
  await ui.press('7');
  await ui.waitFor('Locations');
  await ui.press('a');
  await ui.waitFor('Add a WooCommerce shop');
  await type(name);
  await ui.press(KEYS.tab);
  await type(shop.url);
  await ui.press(KEYS.tab);
  await type(shop.credentials.key);
  await ui.press(KEYS.tab);
  await type(secret);
}

const shopNames = () => tui.host.store.main.data.shops.map((s) => s.name);

describe('TUI: add a WooCommerce shop', () => {
  it('refuses keys the shop does not accept, saves nothing, and says how to save them anyway', async () => {
    await fillAddShop('Second', WRONG_SECRET);
    await ui!.press(KEYS.enter);
    // The message wraps inside the form's box: read it as one line.
    const frame = (await ui!.waitFor(/did not accept the API keys/)).replace(/[│\s]+/g, ' ');
    expect(frame).toMatch(/Nothing was saved\. To save them without asking the shop, set Check keys first to no\./);
    expect(shopNames()).toEqual(['Main shop']);
    expect(shop.log.some((l) => l.status === 401)).toBe(true);
  });

  it('adds the shop once the shop accepts the keys', async () => {
    await fillAddShop('Second', shop.credentials.secret);
    await ui!.press(KEYS.enter);
    await ui!.waitFor('Done: added shop Second');
    expect(shopNames()).toEqual(['Main shop', 'Second']);
  });

  it('"no" in Check keys first saves without asking the shop (like --no-check); other answers are refused', async () => {
    await fillAddShop('Offline', WRONG_SECRET);
    // Prefix, Stock from, then Check keys first.
    await ui!.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.backspace, KEYS.backspace, KEYS.backspace);
    await type('maybe');
    await ui!.press(KEYS.enter);
    await ui!.waitFor('Check keys first must be yes or no');
    expect(shopNames()).toEqual(['Main shop']);
    await ui!.press(...Array(5).fill(KEYS.backspace));
    await type('no');
    const before = shop.log.length;
    await ui!.press(KEYS.enter);
    await ui!.waitFor('Done: added shop Offline');
    expect(shopNames()).toEqual(['Main shop', 'Offline']);
    expect(shop.log.length).toBe(before);
  });
});
