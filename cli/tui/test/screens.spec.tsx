import { describe, expect, it } from 'vitest';
import { KEYS, seededEngine, testEngine, type Rendered } from './render';

const tui = seededEngine();
let ui: Rendered;

const open = async (screen: string, text: string | RegExp) => {
  ui = tui.render();
  await ui.waitFor('Main shop');
  await ui.press(screen);
  return ui.waitFor(text);
};
const type = (text: string) => ui.press(...text.split(''));

describe('Dashboard', () => {
  it('shows each shop with its state, jobs with last and next run, and counts', async () => {
    ui = tui.render();
    const frame = await ui.waitFor('Main shop');
    expect(frame).toMatch(/Main shop\s+woocommerce WO\s+Needs attention\s+2\s+orders\s+2m ago/);
    expect(frame).toContain('SKUs 2 · locations 2 · open errors 2 · alerts 1');
    expect(frame).toContain('Engine: errors · hosted by this terminal · queue: 0');
    expect(frame).toContain('Now: idle');
  });

  it('shows a live progress line from job events and refetches on changes', async () => {
    ui = tui.render();
    await ui.waitFor('Now: idle');
    tui.host.ctx.events.emit('job', { job: 'orders', target: 'Main shop', state: 'running', done: 3, total: 10 });
    await ui.waitFor('Now: orders Main shop 3/10');
    tui.host.ctx.events.emit('job', { job: 'orders', target: 'Main shop', state: 'done', message: 'pulled 10' });
    await ui.waitFor('last: orders Main shop — pulled 10 (done)');
    await tui.host.client.call('stock.set', { sku: 'NEW-1', location: 'Warehouse', quantity: 1 });
    await ui.waitFor('SKUs 3');
  });

  it('p pauses and resumes the engine', async () => {
    ui = tui.render();
    await ui.waitFor('Main shop');
    await ui.press('p');
    await ui.waitFor('Done: engine paused');
    // Open errors outrank paused in the engine's word; the pause is still said.
    expect(await ui.waitFor('Engine: errors (paused)')).toContain('paused');
    await ui.press('p');
    await ui.waitFor('Done: engine resumed.');
  });

  it('s runs a sync and reports the result', async () => {
    const empty = tui.closeAfter(await testEngine());
    ui = tui.render({ client: empty.client });
    await ui.waitFor('No shops yet');
    await ui.press('g', 's');
    await ui.waitFor('Done: sync finished: 0 job runs, 0 errors.');
  });
});

describe('Errors', () => {
  it('lists open errors; enter shows the detail; esc goes back', async () => {
    const frame = await open('2', 'stock push rejected');
    expect(frame).toContain('Open errors (2)');
    expect(frame).toMatch(/› .*shop Main shop\s+SKU TS-RED-M/);
    await ui.press(KEYS.enter);
    await ui.waitFor('Operation:');
    // The help line follows the detail in a later render; on a busy machine the first frame may lack it.
    const detail = await ui.waitFor('esc back');
    expect(detail).toMatch(/Message:\s+stock push rejected: 500 Internal Server Error/);
    expect(detail).toMatch(/Attempts:\s+3/);
    // The help line follows the screen a frame later.
    await ui.waitFor(/r retry\s+d dismiss\s+esc back/);
    await ui.press(KEYS.escape);
    await ui.waitFor('Open errors (2)');
  });

  it('r retries: a fixed error is reported resolved and leaves the list', async () => {
    await open('2', 'stock push rejected');
    await ui.press('r');
    await ui.waitFor('Done: retry worked; the error on SKU TS-RED-M is resolved.');
    await ui.waitFor('Open errors (1)');
    expect(ui.frame()).not.toContain('stock push rejected');
  });

  it('r on an error that still fails says so with the platform message', async () => {
    await open('2', 'stock push rejected');
    await ui.press(KEYS.down, 'r');
    await ui.waitFor('Error: still failing after retry: order import failed: 401 Unauthorized');
  });

  it('d dismisses, a shows dismissed ones too', async () => {
    await open('2', 'stock push rejected');
    await ui.press(KEYS.down, 'd');
    await ui.waitFor('Done: dismissed the error on order WO:1001.');
    await ui.waitFor('Open errors (1)');
    await ui.press('a');
    await ui.waitFor('All errors, dismissed included (2)');
    expect(ui.frame()).toContain('(dismissed) order import');
  });
});

describe('Alerts', () => {
  it('lists groups, shows a group with its newest example, and d dismisses the whole group', async () => {
    const at = new Date().toISOString();
    for (const sku of ['BLUE-M', 'RED-S', 'BLUE-L']) {
      tui.host.store.issues.data.alerts.push({ id: `u-${sku}`, key: `unknown-sku:Main shop:${sku}`, source: { kind: 'shop', name: 'Main shop' }, kind: 'unknown-sku', message: `Order WO:1003 has SKU ${sku}, which is not in the catalogue`, count: sku === 'BLUE-M' ? 12 : 1, firstAt: at, lastAt: at, dismissed: false });
    }
    await tui.host.store.issues.save();
    ui = tui.render({ columns: 120 });
    await ui.waitFor('Main shop');
    await ui.press('3');
    const frame = await ui.waitFor('name SKUs the catalogue does not have');
    expect(frame).toContain('Alerts: 4 in 1 group');
    expect(frame).toMatch(/16 order lines on Main shop name SKUs the catalogue does not have — BLUE-M ×12/);
    await ui.press(KEYS.enter);
    await ui.waitFor(/Alerts:\s+4 \(seen 16 times\)/);
    expect(ui.frame()).toMatch(/Newest:\s+Order WO:1003/);
    await ui.press('d');
    await ui.waitFor('Done: dismissed 4 alerts: 16 order lines on Main shop');
    await ui.waitFor('No alerts.');
    await ui.press('a');
    await ui.waitFor('(dismissed) 16 order lines');
  });
});

describe('Orders', () => {
  it('lists orders newest first and opens one with its lines', async () => {
    const frame = await open('4', 'WO:1002');
    expect(frame).toContain('Orders: 2');
    expect(frame.indexOf('WO:1002')).toBeLessThan(frame.indexOf('WO:1001'));
    await ui.press(KEYS.down, KEYS.enter);
    const detail = await ui.waitFor('Order WO:1001 · Main shop · processing · unfulfilled');
    expect(detail).toMatch(/TS-RED-M\s+Organic cotton T-shirt\s+2\s+0\s+19.90/);
    expect(detail).toContain('No shipments yet (n records one).');
  });

  it('f filters by status and shop, c clears', async () => {
    await open('4', 'WO:1002');
    await ui.press('f');
    await ui.waitFor('Filter orders');
    await type('processing');
    await ui.press(KEYS.enter);
    await ui.waitFor('Orders (status processing): 1');
    expect(ui.frame()).not.toContain('WO:1002');
    await ui.press('c');
    await ui.waitFor('Orders: 2');
    await ui.press('f', KEYS.tab);
    await type('Nowhere');
    await ui.press(KEYS.enter);
    await ui.waitFor('Orders (shop Nowhere): 0');
  });

  it('n records a shipment from the detail; the API message shows on bad input', async () => {
    await open('4', 'WO:1002');
    await ui.press(KEYS.down, KEYS.enter);
    await ui.waitFor('Order WO:1001');
    await ui.press('n');
    await ui.waitFor('Record a shipment of WO:1001');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: carrier: must not be empty');
    await type('DHL');
    await ui.press(KEYS.tab);
    await type('JJD123');
    await ui.press(KEYS.tab);
    await type('2025-13-45');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: date: must be a date in the form YYYY-MM-DD');
    await ui.press(...Array(10).fill(KEYS.backspace), KEYS.tab);
    await type('TS-RED-M:x');
    await ui.press(KEYS.enter);
    await ui.waitFor(/Error: lines\.0\.quantity: /);
    await ui.press(KEYS.backspace);
    await type('2');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: recorded shipment of WO:1001 (TS-RED-M×2); order is now fulfilled.');
    await ui.waitFor(/DHL\s+JJD123\s+Warehouse\s+TS-RED-M×2/);
  });

  it('esc cancels a form without saving', async () => {
    await open('4', 'WO:1002');
    await ui.press('n');
    await ui.waitFor('Record a shipment of WO:1002');
    await type('q');
    expect(ui.quit.count).toBe(0);
    await ui.press(KEYS.escape);
    await ui.waitFor('Orders: 2');
  });
});

describe('Stock', () => {
  it('shows SKUs × locations, committed, available and what the shop was last sent', async () => {
    const frame = await open('5', 'TS-RED-M');
    expect(frame).toMatch(/SKU\s+\[Warehouse\]\s+Shop floor\s+COMMIT\s+AVAIL\s+>Main shop/);
    expect(frame).toMatch(/TS-RED-M\s+12\s+3\s+2\s+13\s+11/);
    expect(frame).toMatch(/MUG-01\s+40\s+—\s+2\s+38\s+—/);
  });

  it('e edits the quantity at the chosen column; the API message shows on bad input', async () => {
    await open('5', 'TS-RED-M');
    await ui.press(KEYS.down); // sorted: MUG-01 first? find TS-RED-M either way
    const onTs = ui.frame().split('\n').find((l) => l.startsWith('›'))!.includes('TS-RED-M');
    if (!onTs) await ui.press(KEYS.up);
    await ui.press(KEYS.right, 'e');
    await ui.waitFor('Set the quantity on hand of TS-RED-M');
    expect(ui.frame()).toContain('Location: Shop floor');
    await ui.press(KEYS.tab, KEYS.backspace);
    await type('-4');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: quantity: must not be negative');
    await ui.press(KEYS.backspace, KEYS.backspace);
    await type('7');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: TS-RED-M at Shop floor: 3 → 7 on hand');
    await ui.waitFor(/TS-RED-M\s+12\s+7/);
  });

  it('a adds a SKU; f filters by SKU; c clears', async () => {
    await open('5', 'TS-RED-M');
    await ui.press('a');
    await ui.waitFor('Add stock of a SKU');
    await type('CAP-9');
    await ui.press(KEYS.tab, KEYS.tab);
    await type('5');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: CAP-9 at Warehouse: none → 5 on hand');
    await ui.press('f');
    await type('cap');
    await ui.press(KEYS.enter);
    await ui.waitFor('Stock: 1 SKU containing "cap"');
    await ui.press('c');
    await ui.waitFor('Stock: 3 SKUs');
  });
});

describe('Settings', () => {
  it('shows shops, locations, CRM and cart settings', async () => {
    const frame = await open('7', 'Locations');
    expect(frame).toContain('Main shop: woocommerce WO · imports processing · stock from Warehouse');
    expect(frame).toContain('Shop floor');
    expect(frame).toContain('Carts: tracking on · cut-off 15 min');
    expect(frame).toContain('CRM connections (a add · t test · c address/key · x remove)');
    expect(frame).toContain('Tag rules (a add · x remove · r replay)');
  });

  it('e edits a shop with the API validation messages', async () => {
    await open('7', 'Locations');
    await ui.press(KEYS.down, 'e');
    await ui.waitFor('Edit shop Main shop');
    await ui.press(KEYS.tab, KEYS.tab, KEYS.tab, ...Array(3).fill(KEYS.backspace));
    await type('10');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: Order pull interval must be from 30 seconds to 24 hours');
    await ui.press(KEYS.backspace, KEYS.backspace);
    await type('60');
    await ui.press(KEYS.up, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace);
    await type('Attic');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: Location "Attic" does not exist. Add it first');
    await ui.press(...Array(5).fill(KEYS.backspace));
    await type('all');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: saved shop Main shop.');
    await ui.waitFor(/stock from all locations · pull\s+60s/);
    expect(tui.host.store.main.data.shops[0]!.intervals.ordersSeconds).toBe(60);
  });

  it('a adds a location (duplicate refused in the API words); x removes a shop after confirmation', async () => {
    await open('7', 'Locations');
    await ui.press(KEYS.down, KEYS.down, 'a');
    await ui.waitFor('Add a location');
    await type('Warehouse');
    await ui.press(KEYS.enter);
    await ui.waitFor(/Error: .*Warehouse/);
    await ui.press(KEYS.escape);
    await ui.press(KEYS.up, 'x');
    await ui.waitFor('Remove shop Main shop?');
    await type('nope');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: Type "Main shop" exactly');
    await ui.press(...Array(4).fill(KEYS.backspace));
    await type('Main shop');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: removed shop Main shop.');
    await ui.waitFor('No shops yet.');
  });

  it('e edits the cart settings; the cut-off minimum comes from the API', async () => {
    await open('7', 'Locations');
    const lines = ui.frame().split('\n');
    const carts = lines.findIndex((l) => l.includes('Carts: tracking')) - lines.findIndex((l) => l.startsWith('›'));
    await ui.press(...Array(carts).fill(KEYS.down), 'e');
    await ui.waitFor('Abandoned-cart settings');
    await ui.press(KEYS.tab, KEYS.backspace, KEYS.backspace);
    await type('5');
    await ui.press(KEYS.enter);
    await ui.waitFor('Error: Cart cut-off must be from 10 minutes to 30 days');
    await ui.press(KEYS.backspace);
    await type('45');
    await ui.press(KEYS.enter);
    await ui.waitFor('Done: saved the cart settings.');
    await ui.waitFor('cut-off 45 min');
  });
});
