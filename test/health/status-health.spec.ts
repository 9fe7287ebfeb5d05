// Health told truthfully, end to end: a real engine, a WooCommerce sandbox that refuses the keys
// Backroom was given, and an ActiveCampaign sandbox. `status` (the API every front end reads)
// must say the refused shop needs attention, with the reason in words, and list the CRM.
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('status health', () => {
  it('shows a shop whose keys are refused as needing attention, and the CRM with its own health', async () => {
    world = await openWorld({ shops: [{ name: 'Good' }, { name: 'Refused' }], crms: ['AC'] });
    const api = world.host.client;
    const refused = world.shops.get('Refused')!;
    await api.call('shop.remove', { name: 'Refused' });
    await api.call('shop.add', { platform: 'woocommerce', name: 'Refused', url: refused.url, key: refused.credentials.key, secret: 'cs_0000000000000000000000000000000000000bad', combined: true });

    const before = await api.call('status');
    expect(before.shops.map((s) => s.health.state)).toEqual(['not-synced', 'not-synced']);
    expect(before.crms.map((c) => c.health.state)).toEqual(['not-synced']);

    await api.call('sync.run', {});
    const after = await api.call('status');
    const good = after.shops.find((s) => s.name === 'Good')!;
    const bad = after.shops.find((s) => s.name === 'Refused')!;
    expect(good.health).toMatchObject({ state: 'ok' });
    expect(good.health.lastSuccessAt).not.toBeNull();
    expect(bad.health).toMatchObject({ state: 'attention', lastSuccessAt: null });
    expect(bad.health.reason).toMatch(/refused Backroom's keys/);
    expect(after.crms[0]!.health).toMatchObject({ name: 'AC', state: 'ok' });
    expect(after.crms[0]!.health.lastSuccessAt).not.toBeNull();
    expect(after.health.overall).toBe('attention');
    expect(after.health.reason).toMatch(/^Refused: /);
    // The tray reads the engine's state word, derived from the same health.
    expect(world.host.ctx.engine.overallState()).toBe('errors');
  });
});
