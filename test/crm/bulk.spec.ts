import { afterEach, describe, expect, it } from 'vitest';
import type { FakeClock } from '../../core/engine/clock';
import { FakeClock as Clock } from '../../core/engine/clock';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import { startMailchimpSandbox, type MailchimpSandbox } from '../../sandbox/mailchimp/server';
import { removeTempDirs } from '../helpers';
import { openWorld, type World } from '../sync/world';

let world: World | undefined;
let mc: MailchimpSandbox | undefined;
let ac: ActiveCampaignSandbox | undefined;
afterEach(async () => {
  await world?.close();
  await mc?.close();
  await ac?.close();
  world = undefined;
  mc = undefined;
  ac = undefined;
  await removeTempDirs();
});

/** Moves the engine clock on while `work` runs, so bulk polling (timed on that clock) proceeds without real waits. */
async function drive<T>(clock: FakeClock, work: Promise<T>): Promise<T> {
  let done = false;
  const result = work.finally(() => {
    done = true;
  });
  while (!done) {
    await clock.advance(1000);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return result;
}

async function setup(contacts: number, connection: Record<string, unknown>) {
  const clock = new Clock('2026-05-04T09:00:00Z');
  world = await openWorld({ clock, shops: [{ name: 'Main', sandbox: { now: () => clock.now().getTime(), seed: { products: 4 } } }] });
  const api = world.host.client;
  await api.call('crm.add', connection as never);
  await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
  const shop = world.shops.get('Main')!;
  const emails = Array.from({ length: contacts }, (_, i) => `bulk${i}@example.com`);
  const orders = emails.map((email) => shop.addOrder({ status: 'processing', email }));
  const sync = async () => (await drive(clock, world!.host.client.call('sync.run', {}))).summaries.find((s) => s.job === 'crm')!;
  return { clock, api, shop, emails, orders, sync };
}

describe('Mailchimp backlog at bulk speed', () => {
  it('upserts a backlog of new members through /batches, not one PUT each, and tags each once', async () => {
    mc = await startMailchimpSandbox();
    const { emails, sync } = await setup(600, { platform: 'mailchimp', name: 'MC', key: mc.key, listId: mc.listId, server: mc.server });
    const s = await sync();
    expect(s.errors, s.stopped).toBe(0);
    expect(s.counts.contacts).toBe(600);
    for (const email of emails) {
      expect(mc.tagsOf(email), email).toEqual(['Customer']);
      expect(mc.tagSetCount(email, 'Customer'), email).toBe(1);
    }
    const puts = mc.log.filter((l) => l.method === 'PUT').length;
    expect(puts, 'member PUTs sent one by one').toBeLessThan(10);
    expect(s.requests).toBeLessThan(30);
  });
});

describe('ActiveCampaign backlog at bulk speed', () => {
  it('imports a backlog of new contacts with their tags through /import/bulk_import, 250 at most per call', async () => {
    ac = await startActiveCampaignSandbox();
    const { emails, sync } = await setup(300, { platform: 'activecampaign', name: 'AC', url: ac.accountUrl, key: ac.key });
    const s = await sync();
    expect(s.errors, s.stopped).toBe(0);
    expect(s.counts.contacts).toBe(300);
    for (const email of emails) expect(ac.tagsOf(email), email).toEqual(['Customer']);
    expect(ac.tagCount('Customer')).toBe(1);
    const imports = ac.log.filter((l) => l.method === 'POST' && l.path === '/api/3/import/bulk_import');
    expect(imports.length).toBe(2);
    expect(s.requests).toBeLessThan(30);
  }, 120_000);
});
