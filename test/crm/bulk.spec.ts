import { afterEach, describe, expect, it } from 'vitest';
import type { FakeClock } from '../../core/runtime/clock';
import { FakeClock as Clock } from '../../core/runtime/clock';
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

describe('ActiveCampaign imports side by side', () => {
  it('sends every import of a backlog without waiting for the one before; a slow one is polled by the next run, never sent again', async () => {
    ac = await startActiveCampaignSandbox();
    const { emails, sync } = await setup(600, { platform: 'activecampaign', name: 'AC', url: ac.accountUrl, key: ac.key });
    const submits = () => ac!.log.filter((l) => l.method === 'POST' && l.path === '/api/3/import/bulk_import').length;
    ac.holdImports(true);
    const first = await sync();
    expect(first.errors, first.stopped).toBe(0);
    expect(first.counts.batchRunning).toBeGreaterThanOrEqual(1);
    expect(submits()).toBe(3); // 599 after the first contact: 250 + 250 + 99, all sent while none had finished
    // None was waited for before the next was sent: the first status read comes after the third submit.
    const lastSubmit = ac.log.map((l) => l.path).lastIndexOf('/api/3/import/bulk_import');
    const firstRead = ac.log.findIndex((l) => l.path.startsWith('/api/3/import/info'));
    expect(firstRead).toBeGreaterThan(lastSubmit);
    expect(emails.slice(1).every((e) => ac!.tagsOf(e).length === 0)).toBe(true);

    ac.holdImports(false);
    const second = await sync();
    expect(second.errors, second.stopped).toBe(0);
    expect(second.counts.imported).toBe(599);
    expect(submits()).toBe(3);
    for (const email of emails) {
      expect(ac.tagsOf(email), email).toEqual(['Customer']);
      expect(ac.state.applications.filter((a) => a.contact === ac!.contactByEmail(email)!.id), email).toHaveLength(1);
    }
    // ~40 s on a quiet machine (the practice account paces its answers in real time); 132 s were seen under load.
  }, 400_000);
});

describe('per-contact results of a bulk call', () => {
  it('ActiveCampaign: a contact the import reports as failed is retried one by one; the others are settled by the import, each tagged once', async () => {
    ac = await startActiveCampaignSandbox();
    const { clock, emails, sync } = await setup(30, { platform: 'activecampaign', name: 'AC', url: ac.accountUrl, key: ac.key });
    const refused = emails[7]!;
    ac.excludeEmail(refused);
    const first = await sync();
    // The import reported the address as failed: an error of that contact's own; the others were settled by the import.
    expect(first.errors).toBe(1);
    expect(first.stopped).toMatch(/could not import this contact/);
    expect(first.counts.imported).toBe(28);
    const [job] = [...ac.state.imports.values()];
    expect(job!.failure).toEqual([refused]);
    expect(ac.tagsOf(refused)).toEqual([]);

    // After its back-off the refused contact is retried one by one (the practice account's
    // contact/sync takes the address), not in a new import: one contactTags request.
    clock.set('2026-05-04T09:30:00Z');
    const tagPosts = () => ac!.log.filter((l) => l.method === 'POST' && l.path === '/api/3/contactTags').length;
    const before = tagPosts();
    const second = await sync();
    expect(second.errors, second.stopped).toBe(0);
    expect(ac.state.imports.size).toBe(1);
    expect(tagPosts() - before).toBe(1);
    for (const email of emails) {
      expect(ac.tagsOf(email), email).toEqual(['Customer']);
      expect(ac.state.applications.filter((a) => a.contact === ac!.contactByEmail(email)!.id), email).toHaveLength(1);
    }
  });

  it('Mailchimp: a member PUT that fails inside the upsert batch is retried on its own; the others are tagged once', async () => {
    mc = await startMailchimpSandbox();
    const { clock, emails, sync } = await setup(80, { platform: 'mailchimp', name: 'MC', key: mc.key, listId: mc.listId, server: mc.server });
    mc.failNextBatch(1);
    const first = await sync();
    expect(first.errors).toBe(1);
    const untagged = emails.filter((e) => mc!.tagsOf(e).length === 0);
    expect(untagged).toHaveLength(1);

    clock.set('2026-05-04T09:30:00Z');
    const second = await sync();
    expect(second.errors, second.stopped).toBe(0);
    for (const email of emails) {
      expect(mc.tagsOf(email), email).toEqual(['Customer']);
      expect(mc.tagSetCount(email, 'Customer'), email).toBe(1);
    }
  });

  it('Mailchimp: a member who unsubscribed is reported by the upsert batch, and their cart tags are not sent', async () => {
    mc = await startMailchimpSandbox();
    const { emails, sync } = await setup(60, { platform: 'mailchimp', name: 'MC', key: mc.key, listId: mc.listId, server: mc.server });
    mc.addMember(emails[5]!, 'unsubscribed');
    const s = await sync();
    expect(s.errors, s.stopped).toBe(0);
    expect(s.counts.unsubscribed).toBe(1);
    expect(mc.log.filter((l) => l.method === 'PUT').length).toBeLessThan(5);
  });
});
