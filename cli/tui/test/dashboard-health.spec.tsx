// The TUI dashboard shows the same health as `backroom status`: a shop with refused keys needs
// attention with the reason in words, a CRM shows its last success (not "never" once it has
// synced), and the demo explains itself on the first screen.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineHost } from '../../../core/host/host';
import { removeTempDirs } from '../../../test/helpers';
import { renderTui, seed, testEngine, type Rendered } from './render';

let host: EngineHost;
let ui: Rendered | undefined;
beforeEach(async () => {
  host = await testEngine();
  await seed(host);
});
afterEach(async () => {
  ui?.unmount();
  ui = undefined;
  await host.close();
  await removeTempDirs();
});

describe('TUI dashboard health', () => {
  it('names the refused shop as needing attention with the reason, and shows when the CRM last synced', async () => {
    host.store.issues.data.errors.push({
      id: 'auth', source: { kind: 'shop', name: 'Main shop' }, operation: { kind: 'orders.pull', args: { shop: 'Main shop' } }, object: 'orders of Main shop',
      message: "WooCommerce answered HTTP 401 — the shop refused Backroom's credentials.", firstAt: new Date().toISOString(), lastAt: new Date().toISOString(), attempts: 1, dismissed: false,
    });
    await host.store.issues.save();
    await host.client.call('crm.add', { platform: 'activecampaign', name: 'AC', url: 'http://127.0.0.1:9', key: 'k-12345678' });
    await host.store.checkpoint({ crm: 'AC', lastSuccessAt: new Date(Date.now() - 5 * 60_000).toISOString() });
    await host.store.main.save();
    ui = renderTui({ client: host.client, columns: 100 });
    const frame = await ui.waitFor('AC');
    expect(frame).toMatch(/Main shop\s+woocommerce WO\s+Needs attention/);
    expect(frame).toContain("Main shop: the shop refused Backroom's keys");
    expect(frame).toMatch(/AC\s+activecampaign\s+OK\s+crm\s+5m ago/);
  });

  it('opens the demo with an explanation of what the merchant is looking at', async () => {
    ui = renderTui({ client: host.client, label: 'demo data' });
    const frame = await ui.waitFor('Main shop');
    expect(frame).toContain('This is the demo');
    expect(frame).toMatch(/practice shops/);
  });
});
