// A mapped field the CRM does not have: the contacts still go (their other fields and tags), and the
// merchant gets one alert saying which field, counted once for each contact sent without it.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/runtime/clock';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await removeTempDirs();
});

describe('a mapped field the CRM lacks', () => {
  it('raises one alert naming it, counted per contact sent, while the contacts get their tags and other fields', async () => {
    const clock = new FakeClock('2026-05-04T09:00:00Z');
    world = await openWorld({ clock, crms: ['AC'], shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime(), seed: { products: 4 } } }] });
    const crm = world.crms.get('AC')!;
    crm.addField('Order count', 'ORDER_COUNT');
    // TOTAL_SPENT is mapped but never created in the CRM.
    await world.host.client.call('settings.update', { crmFields: { orderCount: 'ORDER_COUNT', totalSpent: 'TOTAL_SPENT' } });
    await world.host.client.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    const shop = world.shops.get('Main')!;
    shop.addOrder({ status: 'processing', email: 'ann@example.com', lines: [{ sku: 'SKU-00001', quantity: 1 }] });
    await world.host.client.call('sync.run', {});
    expect(crm.fieldsOf('ann@example.com')).toMatchObject({ ORDER_COUNT: '1' });
    const alertsOf = async () => (await world!.host.client.call('alerts.list', {})).filter((a) => a.key.startsWith('crm-field:AC:'));
    const first = await alertsOf();
    expect(first).toHaveLength(1);
    expect(first[0]!.message).toMatch(/AC has no field for TOTAL_SPENT/);
    expect(first[0]!.count).toBe(1);

    clock.set('2026-05-04T10:00:00Z');
    shop.addOrder({ status: 'processing', email: 'bo@example.com', lines: [{ sku: 'SKU-00002', quantity: 1 }] });
    await world.host.client.call('sync.run', {});
    expect(crm.fieldsOf('bo@example.com')).toMatchObject({ ORDER_COUNT: '1' });
    const second = await alertsOf();
    expect(second).toHaveLength(1);
    expect(second[0]!.count).toBe(2);
  });
});
