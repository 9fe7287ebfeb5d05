// The dashboard lines up shop names by display width: a Japanese shop name takes two terminal
// cells per character, so the orders-per-day lines and the connections table must pad by that.
import stringWidth from 'string-width';
import { beforeEach, describe, expect, it } from 'vitest';
import { seededEngine, type Rendered } from './render';

const tui = seededEngine();
let ui: Rendered | undefined;
beforeEach(async () => {
  await tui.host.client.call('shop.add', { platform: 'woocommerce', name: '東京ショップ', url: 'https://tokyo.example.com', key: 'ck_t', secret: 'cs_t', prefix: 'TK', location: 'Warehouse' });
});

const cellOf = (line: string, needle: string) => stringWidth(line.slice(0, line.indexOf(needle)));

describe('TUI dashboard with a wide-character shop name', () => {
  it('the orders-per-day lines and the table columns start at the same cell for every shop', async () => {
    ui = tui.render({ columns: 110, rows: 30 });
    const frame = await ui.waitFor(/東京ショップ\s+orders\/day/);
    const lines = frame.split('\n');
    const sparks = lines.filter((l) => l.includes('orders/day'));
    expect(sparks).toHaveLength(2);
    expect(new Set(sparks.map((l) => cellOf(l, 'orders/day'))).size, sparks.join('\n')).toBe(1);
    const rows = lines.filter((l) => /woocommerce (WO|TK)/.test(l));
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((l) => cellOf(l, 'woocommerce'))).size, rows.join('\n')).toBe(1);
  });
});
