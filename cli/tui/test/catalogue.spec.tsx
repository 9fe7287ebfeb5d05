// The Kits and Plan screens of the terminal UI against a real engine: link and ignore an unlinked
// SKU, add a kit (and see a bad one refused with the reason), and read the dry run of a shop's first
// sync from a WooCommerce sandbox.
import { afterEach, describe, expect, it } from 'vitest';
import { startWooSandbox, type WooSandbox } from '../../../sandbox/woocommerce';
import { KEYS, selectRow, seededEngine, type Rendered } from './render';

let ui: Rendered | undefined;
let shop: WooSandbox | undefined;
afterEach(async () => {
  await shop?.close();
  ui = shop = undefined;
});

const type = (text: string) => ui!.press(...text.split(''));

describe('Kits screen', () => {
  const tui = seededEngine();
  it('links an unlinked SKU, ignores another, and adds a kit; a bad kit is refused with the reason', async () => {
    const at = new Date().toISOString();
    for (const shopSku of ['tshirt-red-m', 'GIFT-WRAP']) {
      tui.host.store.catalogue.data.unlinked[`Main shop#${shopSku}`] = { shop: 'Main shop', shopSku, name: '', seenOnOrders: true, seenOnProducts: false, orders: ['WO:1009'], lines: 1, firstSeenAt: at, lastSeenAt: at };
    }
    ui = tui.render({ columns: 110, rows: 30 });
    await ui.waitFor('Main shop');
    await ui.press('8');
    await ui.waitFor('Not in the catalogue: 2 SKUs');
    await selectRow(ui, 'tshirt-red-m');
    await ui.press('l');
    await ui.waitFor('Link tshirt-red-m (Main shop) to a catalogue SKU');
    await type('TS-RED-M');
    await ui.press(KEYS.enter);
    await ui.waitFor('Linked tshirt-red-m → TS-RED-M on Main shop');
    expect((await tui.host.client.call('sku.aliases', {})).map((a) => a.sku)).toEqual(['TS-RED-M']);

    await ui.waitFor('Not in the catalogue: 1 SKU ');
    await selectRow(ui, 'GIFT-WRAP');
    await ui.press('i');
    await ui.waitFor('GIFT-WRAP on Main shop is ignored');

    await ui.press('a');
    await ui.waitFor('Add or change a kit');
    await type('BOX');
    await ui.press(KEYS.tab);
    await type('MUG-01:2,NOPE:1');
    await ui.press(KEYS.enter);
    await ui.waitFor('Part NOPE is not in the catalogue');
    for (let i = 0; i < 'NOPE:1'.length + 1; i++) await ui.press(KEYS.backspace);
    await ui.press(KEYS.enter);
    // MUG-01: 40 on hand, 2 held by WO:1002 (completed on the shop, not shipped here): ⌊38 / 2⌋ = 19 boxes.
    await ui.waitFor('Kit BOX saved; 19 can be made now.');
    expect(await ui.waitFor(/BOX\s+MUG-01×2\s+19/)).toContain('Kits: 1');
  });
});

describe('Plan screen', () => {
  const tui = seededEngine({ seed: false });
  it("shows the dry run of a new shop's first sync", async () => {
    shop = await startWooSandbox({ seed: { products: 4 } });
    const sku = [...shop.state.products.values()].find((p) => p.type === 'simple' && p.manageStock)!.sku;
    shop.addOrder({ status: 'processing', lines: [{ sku, quantity: 1 }] });
    await tui.host.client.call('location.add', { name: 'WH' });
    await tui.host.client.call('stock.set', { sku, location: 'WH', quantity: 6 });
    await tui.host.client.call('shop.add', { platform: 'woocommerce', name: 'New shop', url: shop.url, key: shop.credentials.key, secret: shop.credentials.secret, location: 'WH' });
    ui = tui.render({ columns: 160, rows: 30 });
    await ui.waitFor('New shop');
    await ui.press('9');
    await ui.waitFor('First sync of New shop: g shows what it will do');
    await ui.press('g');
    const frame = await ui.waitFor('Nothing was changed');
    expect(frame).toContain('Nothing was changed');
    expect(frame).toContain('Orders: 1 to import or update');
    expect(await ui.waitFor(new RegExp(`${sku}\\s+\\S+\\s+5\\s+to push`))).toContain('Stock:');
    expect(await tui.host.client.call('orders.list', {})).toMatchObject({ total: 0 });
  });
});
