// Refused credentials are told in the words of whoever refused them: a CRM that refuses its key
// says the CRM refused (not "the shop"), names it, and still counts as keys refused for health.
import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { troubleOf } from '../../core/engine/health';
import { describeFailure } from '../../core/platforms/errors';
import { PlatformError } from '../../core/platforms/errors';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('refused credentials in words', () => {
  it('a CRM refusing its key gives an error saying the CRM refused, and its health says so too', async () => {
    const clock = new FakeClock('2026-05-04T09:00:00Z');
    world = await openWorld({ clock, crms: ['AC'], shops: [{ name: 'Main', statuses: ['processing'], sandbox: { now: () => clock.now().getTime(), seed: { products: 4 } } }] });
    const api = world.host.client;
    const crm = world.crms.get('AC')!;
    await api.call('crm.remove', { name: 'AC' });
    await api.call('crm.add', { platform: 'activecampaign', name: 'AC', url: crm.accountUrl, key: 'wrong-key-000000' });
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    world.shops.get('Main')!.addOrders(1, { status: 'processing' });
    await api.call('sync.run', {});
    const errors = await api.call('errors.list', {});
    expect(errors.map((e) => e.source)).toEqual([{ kind: 'crm', name: 'AC' }]);
    expect(errors[0]!.message).toContain('CRM "AC" refused Backroom\'s credentials');
    expect(errors[0]!.message).not.toMatch(/shop/i);
    const status = await api.call('status');
    expect(status.crms[0]!.health.state).toBe('attention');
    expect(status.crms[0]!.health.reason).toContain('the CRM refused Backroom\'s keys');
  });

  test.prop([fc.constantFrom('shop' as const, 'crm' as const), fc.string({ minLength: 1, maxLength: 40 }), fc.string({ maxLength: 80 })], { numRuns: 200 })(
    'whoever refused, the words name them and health reads them as keys refused',
    (kind, name, platformMessage) => {
      const words = describeFailure(new PlatformError('auth', platformMessage), { kind, name });
      expect(words).toContain(`${kind === 'shop' ? 'shop' : 'CRM'} "${name}" refused Backroom's credentials`);
      if (kind === 'crm') expect(words.slice(platformMessage.length)).not.toContain('shop');
      expect(troubleOf(words)).toBe('keys-refused');
    },
  );
});
