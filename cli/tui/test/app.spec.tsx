import { describe, expect, it } from 'vitest';
import { KEYS, LOADED, seededEngine, type Rendered } from './render';

const tui = seededEngine();
let ui: Rendered | undefined;

describe('the app frame', () => {
  it('opens on the dashboard, says it hosts the engine, and shows the screens with counts', async () => {
    ui = tui.render({ hosted: true });
    const frame = await ui.waitFor('Main shop');
    expect(frame).toContain('engine hosted here (q stops it)');
    expect(frame).toContain('[1 Dashboard]');
    expect(frame).toContain('2 Errors (2)');
    expect(frame).toContain('3 Alerts (1)');
    expect(frame).toMatch(/q quit/);
  });

  it('says when it is merely attached', async () => {
    ui = tui.render({ hosted: false });
    await ui.waitFor('attached to engine');
    expect(ui.frame()).toContain('q leaves it running');
  });

  it('tab, shift+tab and the number keys switch screens', async () => {
    ui = tui.render();
    await ui.waitFor('Main shop');
    await ui.press(KEYS.tab);
    await ui.waitFor('[2 Errors (2)]');
    await ui.press(KEYS.shiftTab);
    await ui.waitFor('[1 Dashboard]');
    await ui.press(KEYS.shiftTab);
    await ui.waitFor('[9 Plan]');
    for (const [key, title] of [['3', 'Alerts'], ['4', 'Orders'], ['5', 'Stock'], ['6', 'Carts'], ['7', 'Settings'], ['8', 'Kits'], ['1', 'Dashboard']] as const) {
      await ui.press(key);
      await ui.waitFor(`[${key} ${title}`);
    }
  });

  it('q and ctrl+c ask to quit', async () => {
    ui = tui.render();
    await ui.waitFor('Main shop');
    await ui.press('q');
    expect(ui.quit.count).toBe(1);
    expect(ui.frame()).toContain('Stopping the engine');
    await ui.press(KEYS.ctrlC);
    expect(ui.quit.count).toBe(2);
  });

  it('fits 80×24: no line wider than the terminal, and the frame is at most 23 lines', async () => {
    ui = tui.render({ columns: 80, rows: 24 });
    for (const key of ['1', '2', '3', '4', '5', '6', '7']) {
      await ui.press(key);
      await ui.waitFor(LOADED);
      const lines = ui.frame().split('\n');
      expect(lines.length, `screen ${key}`).toBeLessThanOrEqual(23);
      for (const line of lines) expect(line.length, `screen ${key}: ${line}`).toBeLessThanOrEqual(80);
    }
  });

  it('re-lays out on resize', async () => {
    ui = tui.render({ columns: 120, rows: 40 });
    await ui.press('2');
    await ui.waitFor('stock push rejected: 500 Internal Server Error');
    ui.resize(60, 20);
    await ui.waitFor(/stock push…/);
    for (const line of ui.frame().split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    expect(ui.frame().split('\n').length).toBeLessThanOrEqual(19);
  });
});
