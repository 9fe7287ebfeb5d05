// The terminal UI keeps every key a fast typist (or a terminal that batches input) sends, refreshes
// the stock screen once the shop has been sent an edit, and keeps its help line on one line.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { Form } from '../components/form';
import { waitFor } from '../../../test/helpers';
import { KEYS, LOADED, seededEngine, type Rendered } from './render';

const tui = seededEngine();
let ui: Rendered | undefined;

const selectedLine = (frame: string) => frame.split('\n').find((l) => l.startsWith('›')) ?? '';

describe('keys sent in one chunk', () => {
  it('a burst of letters and backspaces in one write edits the field exactly as typed', async () => {
    ui = tui.render();
    await ui.waitFor('Main shop');
    await ui.press('5');
    await ui.waitFor('TS-RED-M');
    await ui.press('a');
    await ui.waitFor('Add stock of a SKU');
    await ui.press(`CAPX${KEYS.backspace}${KEYS.backspace}P-9`); // one chunk, as a fast typist's terminal sends it
    await ui.waitFor('SKU:      CAP-9_');
    await ui.press(`${KEYS.tab}${KEYS.tab}57${KEYS.backspace}${KEYS.enter}`);
    await ui.waitFor('Done: CAP-9 at Warehouse: none → 5 on hand');
  });

  // Any mix of printable text and backspaces, written in one piece, leaves what typing it slowly would.
  test.prop(
    [fc.array(fc.oneof(fc.constantFrom('a', 'b', 'Z', '7', '-', ' ', 'é'), fc.constant(KEYS.backspace), fc.constant('\b')), { minLength: 1, maxLength: 30 })],
    { numRuns: 25 },
  )('the form field equals the typed model for any burst', async (keys) => {
    let submitted: string | undefined;
    ui?.unmount();
    ui = tui.render(
      {},
      <Form
        title="Burst"
        fields={[{ name: 'text', label: 'Text' }]}
        onSubmit={async (v) => {
          submitted = v.text;
        }}
        onCancel={() => undefined}
      />,
    );
    await ui.waitFor('Burst');
    let expected = '';
    for (const k of keys) expected = k === KEYS.backspace || k === '\b' ? [...expected].slice(0, -1).join('') : expected + k;
    await ui.press(keys.join('') + KEYS.enter);
    await waitFor(() => submitted !== undefined, 20_000, 'the form to submit');
    expect(submitted).toBe(expected);
  });
});

describe('the stock screen after an edit', () => {
  it('shows the quantity the shop was last sent once the push that follows the edit has finished', async () => {
    ui = tui.render();
    await ui.waitFor('Main shop');
    await ui.press('5');
    await ui.waitFor(/TS-RED-M\s+12\s+3\s+2\s+13\s+11/);
    await tui.host.client.call('stock.set', { sku: 'TS-RED-M', location: 'Warehouse', quantity: 20 });
    await ui.waitFor(/TS-RED-M\s+20\s+3\s+2\s+21\s+11/);
    // What the inventory job does once the shop accepted the push: the cursor's lastSent, then the job's end.
    await tui.host.store.checkpoint({ shop: 'Main shop', lastSent: { 'TS-RED-M': 21 } });
    tui.host.ctx.events.emit('job', { job: 'inventory', target: 'Main shop', state: 'running' });
    tui.host.ctx.events.emit('job', { job: 'inventory', target: 'Main shop', state: 'done' });
    await ui.waitFor(/TS-RED-M\s+20\s+3\s+2\s+21\s+21/);
    expect(selectedLine(ui.frame())).toBeTruthy();
  });
});

describe('the help line', () => {
  it('fits one line of 80 columns on every screen and always says how to quit', async () => {
    ui = tui.render({ columns: 80, rows: 24 });
    await ui.waitFor('Main shop');
    for (const [key, title] of [['1', 'Dashboard'], ['2', 'Errors'], ['3', 'Alerts'], ['4', 'Orders'], ['5', 'Stock'], ['6', 'Carts'], ['7', 'Settings']] as const) {
      await ui.press(key);
      await ui.waitFor(`[${key} ${title}`);
      await ui.waitFor(LOADED);
      const lines = ui.frame().split('\n').filter((l) => l.trim());
      const last = lines.at(-1)!;
      expect(last, `help line of ${title}`).toContain('q quit');
      expect(stringWidth(last), `help line of ${title}: "${last}"`).toBeLessThanOrEqual(80);
      // The line above the help line is the message line or the screen, never the help line's first half.
      expect(lines.at(-2), `${title}`).not.toMatch(/\b(move|details|edit)\s{2}/);
    }
  });
});
