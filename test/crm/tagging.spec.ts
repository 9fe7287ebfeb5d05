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

async function setup(options: { statuses?: string[]; crmKey?: string } = {}) {
  const clock = new FakeClock('2026-05-04T09:00:00Z');
  world = await openWorld({ clock, crms: ['AC'], shops: [{ name: 'Main', statuses: options.statuses ?? ['processing', 'completed'], sandbox: { now: () => clock.now().getTime(), seed: { products: 8 } } }] });
  const api = world.host.client;
  return { clock, api, shop: world.shops.get('Main')!, crm: world.crms.get('AC')! };
}

const tagPosts = (crm: World['crms'] extends Map<string, infer S> ? S : never) => crm.log.filter((r) => r.method === 'POST' && r.path.startsWith('/api/3/contactTags')).length;

describe('CRM tagging', () => {
  it('fires a rule once for an order seen three times, across a restart, and through an early status then completed', async () => {
    const { clock, api, shop, crm } = await setup({ statuses: ['wc-main-accepted', 'processing', 'completed'] });
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['wc-main-accepted', 'completed'] }, applyTags: ['Customer'] });
    await api.call('rules.add', { trigger: { kind: 'product', sku: 'SKU-00001' }, applyTags: ['Bought 1'] });
    const order = shop.addOrder({ status: 'wc-main-accepted', email: 'ann@example.com', lines: [{ sku: 'SKU-00001', quantity: 1 }] });
    await api.call('sync.run', {});
    expect(crm.tagsOf('ann@example.com').sort()).toEqual(['Bought 1', 'Customer']);
    const posts = tagPosts(crm);

    // Seen again: an edit, then a restart, then completed.
    clock.set('2026-05-04T09:10:00Z');
    shop.state.modifyOrder(order.id, (o) => (o.customerNote = 'please gift wrap'));
    await api.call('sync.run', {});
    await world!.restart();
    clock.set('2026-05-04T10:00:00Z');
    shop.state.setOrderStatus(order.id, 'completed');
    await world!.host.client.call('sync.run', {});
    expect(crm.tagsOf('ann@example.com').sort()).toEqual(['Bought 1', 'Customer']);
    expect(tagPosts(crm)).toBe(posts);
    expect(crm.tagCount('Customer')).toBe(1);
  });

  it('a full refund takes back purchase tags and applies refund tags; a partial refund only for lines refunded in full', async () => {
    const { clock, api, shop, crm } = await setup();
    await api.call('rules.add', { trigger: { kind: 'product', sku: 'SKU-00001' }, applyTags: ['Bought 1'] });
    await api.call('rules.add', { trigger: { kind: 'product', sku: 'SKU-00002' }, applyTags: ['Bought 2'] });
    await api.call('rules.add', { trigger: { kind: 'refunded' }, applyTags: ['Refunded'] });
    const partial = shop.addOrder({ status: 'processing', email: 'pat@example.com', lines: [{ sku: 'SKU-00001', quantity: 2 }, { sku: 'SKU-00002', quantity: 1 }] });
    const full = shop.addOrder({ status: 'processing', email: 'fay@example.com', lines: [{ sku: 'SKU-00001', quantity: 1 }] });
    await api.call('sync.run', {});
    expect(crm.tagsOf('pat@example.com').sort()).toEqual(['Bought 1', 'Bought 2']);

    clock.set('2026-05-05T09:00:00Z');
    shop.state.refundLines(partial.id, [{ sku: 'SKU-00001', quantity: 1 }, { sku: 'SKU-00002', quantity: 1 }]);
    shop.state.refundLines(full.id, [{ sku: 'SKU-00001', quantity: 1 }]);
    await api.call('sync.run', {});
    // SKU-00002 was refunded in full, SKU-00001 only in part.
    expect(crm.tagsOf('pat@example.com')).toEqual(['Bought 1']);
    expect(crm.tagsOf('fay@example.com')).toEqual(['Refunded']);
  });

  it('costs no request for a tag the contact already has, nor for an add and a remove queued together', async () => {
    const { api, shop, crm } = await setup();
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    shop.addOrder({ status: 'processing', email: 'vip@example.com' });
    await api.call('sync.run', {});
    expect(crm.tagsOf('vip@example.com')).toEqual(['Customer']);

    // A second order: a new event, but the contact has the tag already, so no tag request.
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Upsell offered'], crm: 'AC' });
    await api.call('rules.add', { trigger: { kind: 'order-meta', key: '_upsell_rejected', value: 'yes' }, removeTags: ['Upsell offered'] });
    shop.addOrder({ status: 'processing', email: 'vip@example.com', meta: { _upsell_rejected: 'yes' } });
    // Upsell offered is added and removed by the same order before either reaches the CRM: the remove wins, and the contact lacks the tag.
    const before = tagPosts(crm);
    await api.call('sync.run', {});
    expect(crm.tagsOf('vip@example.com')).toEqual(['Customer']);
    expect(tagPosts(crm) - before).toBe(0);
    expect(crm.tagCount('Upsell offered')).toBe(0);
  });

  it('an add then a remove of one tag queued together ends removed, also for a contact that already had the tag', async () => {
    const { api, shop, crm } = await setup();
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    shop.addOrder({ status: 'processing', email: 'vip@example.com' });
    await api.call('sync.run', {});
    // The merchant tags the contact by hand in the CRM.
    const [tag] = crm.addTags(['Upsell offered']);
    const contact = crm.contactByEmail('vip@example.com')!;
    crm.state.contactTags.set('by-hand', { id: 'by-hand', contact: contact.id, tag: tag!.id, cdate: '2026-05-04T09:30:00Z' });
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Upsell offered'], crm: 'AC' });
    await api.call('rules.add', { trigger: { kind: 'order-meta', key: '_upsell_rejected', value: 'yes' }, removeTags: ['Upsell offered'] });
    // One order adds and removes it before either reaches the CRM: the later change (remove) wins.
    shop.addOrder({ status: 'processing', email: 'vip@example.com', meta: { _upsell_rejected: 'yes' } });
    await api.call('sync.run', {});
    expect(crm.tagsOf('vip@example.com')).toEqual(['Customer']);
  });

  it('does not re-fire past events when a rule is removed and added again, unless replayed', async () => {
    const { api, shop, crm } = await setup();
    const first = await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    shop.addOrder({ status: 'processing', email: 'one@example.com' });
    await api.call('sync.run', {});
    expect(crm.tagsOf('one@example.com')).toEqual(['Customer']);
    await api.call('rules.remove', { id: first.rule.id });
    shop.addOrder({ status: 'processing', email: 'two@example.com' }); // seen while the rule is gone
    await api.call('sync.run', {});
    // The merchant removes the tag by hand in the CRM, then re-adds the same rule.
    const again = await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    await api.call('sync.run', {});
    expect(crm.tagsOf('two@example.com')).toEqual([]);
    const replay = await api.call('rules.replay', { id: again.rule.id });
    expect(replay.queued).toBe(1); // one@ was tagged by this same rule before: the ledger keeps it to once
    await api.call('sync.run', { job: 'crm' });
    expect(crm.tagsOf('two@example.com')).toEqual(['Customer']);
  });

  it('applies everything once and in order after the CRM answered 429 for a minute', async () => {
    const { clock, api, shop, crm } = await setup();
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    const emails = Array.from({ length: 6 }, (_, i) => `c${i}@example.com`);
    for (const email of emails) shop.addOrder({ status: 'processing', email });
    crm.inject({ kind: 'status', status: 429, retryAfterSeconds: 60, times: 1000, body: { message: 'Too Many Requests' } });
    const first = await api.call('sync.run', {});
    expect(first.summaries.find((s) => s.job === 'orders')!.counts.pulled).toBe(6);
    expect(first.summaries.find((s) => s.job === 'crm')!.errors).toBe(1);
    expect((await api.call('engine.state')).queueDepth).toBe(6);

    // A minute later the CRM answers again.
    crm.clearFaults();
    clock.set('2026-05-04T09:30:00Z');
    await api.call('sync.run', { job: 'crm' });
    for (const email of emails) expect(crm.tagsOf(email)).toEqual(['Customer']);
    expect((await api.call('engine.state')).queueDepth).toBe(0);
    expect(await api.call('errors.list', {})).toHaveLength(0);
    // In order: contacts were created in the order their orders arrived.
    const created = [...crm.state.contacts.values()].map((c) => c.email);
    expect(created, JSON.stringify(created)).toEqual(emails);
    await api.call('sync.run', { job: 'crm' });
    expect(crm.tagCount('Customer')).toBe(1);
  });

  it('reports bad CRM credentials once and keeps the other jobs running', async () => {
    const { api, shop, crm } = await setup();
    await api.call('crm.remove', { name: 'AC' });
    await api.call('crm.add', { platform: 'activecampaign', name: 'AC', url: crm.accountUrl, key: 'wrong-key-000000' });
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
    shop.addOrders(3, { status: 'processing' });
    const { summaries } = await api.call('sync.run', {});
    expect(summaries.find((s) => s.job === 'orders')!.counts.pulled).toBe(3);
    expect(summaries.find((s) => s.job === 'crm')).toMatchObject({ errors: 1, authFailed: true });
    expect(crm.log.length).toBe(1);
    const errors = await api.call('errors.list', {});
    expect(errors).toHaveLength(1);
    expect(errors[0]!.source).toEqual({ kind: 'crm', name: 'AC' });
    expect(errors[0]!.message).not.toContain('wrong-key-000000');
    expect((await api.call('engine.state')).queueDepth).toBe(3);
  });
});
