import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers';
import { KEYS, seededEngine, type Rendered } from './render';

const tui = seededEngine();
let ui: Rendered;

const typeText = (text: string) => ui.press(...[...text]);

describe('Stock: stock at a date, and export', () => {
  it('h shows stock as it was on a day; a bad date shows the API message and the form stays', async () => {
    ui = tui.render();
    await ui.waitFor('Main shop');
    await ui.press('5');
    await ui.waitFor('MUG-01');
    await ui.press('h');
    await ui.waitFor('Stock as it was');
    await typeText('yesterday');
    await ui.press(KEYS.enter);
    await ui.waitFor('must be a date as YYYY-MM-DD');
    for (let i = 0; i < 'yesterday'.length; i++) await ui.press(KEYS.backspace);
    await typeText('2000-01-01');
    await ui.press(KEYS.enter);
    await ui.waitFor('No stock on 2000-01-01');
    await ui.press(KEYS.escape);
    await ui.waitFor(/SKU\s+\[Warehouse\]/);
    await ui.press('h');
    await ui.waitFor('Stock as it was');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await typeText(tomorrow);
    await ui.press(KEYS.enter);
    const frame = await ui.waitFor(`Stock on ${tomorrow}`);
    expect(frame).toMatch(/MUG-01\s+Warehouse\s+40\s+\d+/);
    expect(frame).toMatch(/TS-RED-M\s+Shop floor\s+3\s+0/);
  });

  it('v writes a CSV through the API and says where; a relative path is refused in its words', async () => {
    const dir = await tempDir('br-tui-export-');
    ui = tui.render();
    await ui.waitFor('Main shop');
    await ui.press('5');
    await ui.waitFor('MUG-01');
    await ui.press('v');
    await ui.waitFor('Export to CSV');
    // What: stock (the default is orders); file: a relative path first.
    for (let i = 0; i < 'orders'.length; i++) await ui.press(KEYS.backspace);
    await typeText('stock');
    await ui.press(KEYS.tab);
    await typeText('stock.csv');
    await ui.press(KEYS.enter);
    await ui.waitFor('must be an absolute path');
    for (let i = 0; i < 'stock.csv'.length; i++) await ui.press(KEYS.backspace);
    const out = join(dir, 'stock.csv');
    await typeText(out);
    await ui.press(KEYS.enter);
    await ui.waitFor(/Wrote \d+ rows? to/);
    const csv = await readFile(out, 'utf8');
    expect(csv).toContain('MUG-01');
  });
});
