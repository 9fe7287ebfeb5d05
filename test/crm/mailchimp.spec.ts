import { afterEach, describe, expect, it } from 'vitest';
import { startMailchimpSandbox, type MailchimpSandbox } from '../../sandbox/mailchimp/server';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
let mc: MailchimpSandbox | undefined;
afterEach(async () => {
  await world?.close();
  await mc?.close();
  world = undefined;
  mc = undefined;
  await removeTempDirs();
});

describe('CRM tagging through Mailchimp', () => {
  it('upserts members with mapped fields, tags in bulk, and never tags twice', async () => {
    mc = await startMailchimpSandbox();
    mc.addMergeField('ORDERS', 'Order count');
    world = await openWorld({ shops: [{ name: 'Main', sandbox: { seed: { products: 6 } } }] });
    const api = world.host.client;
    await api.call('crm.add', { platform: 'mailchimp', name: 'MC', key: mc.key, listId: mc.listId, server: mc.server });
    await api.call('settings.update', { crmFields: { orderCount: 'ORDERS' } });
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    const shop = world.shops.get('Main')!;
    const emails = Array.from({ length: 30 }, (_, i) => `m${i}@example.com`);
    for (const email of emails) shop.addOrder({ status: 'processing', email });
    shop.addOrder({ status: 'processing', email: 'm0@example.com' }); // a second order from one customer

    const { summaries } = await api.call('sync.run', {});
    const crm = summaries.find((s) => s.job === 'crm')!;
    expect(crm.errors).toBe(0);
    for (const email of emails) expect(mc.tagsOf(email)).toEqual(['Customer']);
    expect(mc.member('m0@example.com')!.mergeFields.ORDERS).toBe('2');
    // 30 contacts: one member upsert each, and the tags through /batches rather than 30 more calls.
    expect(crm.requests).toBeLessThan(30 * 2);
    expect(mc.log.some((r) => r.method === 'POST' && r.path.endsWith('/batches'))).toBe(true);

    const again = await api.call('sync.run', {});
    expect(again.summaries.find((s) => s.job === 'crm')!.requests).toBe(0);
  });
});
