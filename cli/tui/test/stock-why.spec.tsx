import { describe, expect, it } from 'vitest';
import { KEYS, seededEngine, type Rendered } from './render';

const tui = seededEngine();
let ui: Rendered;

describe('Stock: why and reorder point', () => {
  it('w tells the selected SKU\'s story; o sets its reorder point, and a bad one shows the API message', async () => {
    await tui.host.client.call('stock.set', { sku: 'MUG-01', location: 'Warehouse', quantity: 41 });
    ui = tui.render();
    await ui.waitFor('Main shop');
    await ui.press('5');
    await ui.waitFor('MUG-01');
    const onMug = ui.frame().split('\n').find((l) => l.startsWith('›'))!.includes('MUG-01');
    if (!onMug) await ui.press(KEYS.down);
    await ui.press('w');
    const story = await ui.waitFor('Why MUG-01');
    expect(story).toContain('on hand at Warehouse +1 → 41: set by hand');
    await ui.press(KEYS.escape);
    await ui.waitFor(/SKU\s+\[Warehouse\]/);
    await ui.press('o');
    await ui.waitFor('Reorder point of MUG-01');
    await ui.press('-', '1', KEYS.enter);
    await ui.waitFor('must not be negative');
    await ui.press(KEYS.backspace, KEYS.backspace, '5', '0', KEYS.enter);
    await ui.waitFor('Done: MUG-01: reorder point 50.');
  });
});
