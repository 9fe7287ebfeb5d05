// The TUI dashboard shows the same health as `backroom status`: a shop with refused keys needs
// attention with the reason in words, a CRM shows its last success (not "never" once it has
// synced), and the demo explains itself on the first screen.
import { describe, expect, it } from 'vitest';
import { seededEngine, type Rendered } from './render';

const tui = seededEngine();
let ui: Rendered | undefined;

describe('TUI dashboard health', () => {
  it('names the refused shop as needing attention with the reason, and shows when the CRM last synced', async () => {
    tui.host.store.issues.data.errors.push({
      id: 'auth', source: { kind: 'shop', name: 'Main shop' }, operation: { kind: 'orders.pull', args: { shop: 'Main shop' } }, object: 'orders of Main shop',
      message: "WooCommerce answered HTTP 401 — the shop refused Backroom's credentials.", firstAt: new Date().toISOString(), lastAt: new Date().toISOString(), attempts: 1, dismissed: false,
    });
    await tui.host.store.issues.save();
    await tui.host.client.call('crm.add', { platform: 'activecampaign', name: 'AC', url: 'http://127.0.0.1:9', key: 'k-12345678' });
    await tui.host.store.checkpoint({ crm: 'AC', lastSuccessAt: new Date(Date.now() - 5 * 60_000).toISOString() });
    await tui.host.store.main.save();
    ui = tui.render({ columns: 100 });
    const frame = await ui.waitFor('AC');
    expect(frame).toMatch(/Main shop\s+woocommerce WO\s+Needs attention/);
    expect(frame).toContain("Main shop: the shop refused Backroom's keys");
    expect(frame).toMatch(/AC\s+activecampaign\s+OK\s+crm\s+5m ago/);
  });

  it('opens the demo with an explanation of what the merchant is looking at', async () => {
    ui = tui.render({ label: 'demo data' });
    const frame = await ui.waitFor('Main shop');
    expect(frame).toContain('This is the demo');
    expect(frame).toMatch(/practice shops/);
  });
});
