import { afterEach, describe, expect, it } from 'vitest';
import { closeCrmWorlds, openCrmWorld, type CrmPlatform } from '../helpers/crm-world';

afterEach(closeCrmWorlds);

/** `contacts` customers, each with one processing order that earns the tag Customer. */
async function setup(contacts: number, platform: CrmPlatform) {
  const w = await openCrmWorld({ platform });
  await w.world.host.client.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: ['Customer'] });
  const emails = Array.from({ length: contacts }, (_, i) => `bulk${i}@example.com`);
  const orders = emails.map((email) => w.shop.addOrder({ status: 'processing', email }));
  return { ...w, ac: w.ac!, mc: w.mc!, emails, orders };
}

describe('Mailchimp backlog at bulk speed', () => {
  it('upserts a backlog of new members through /batches, not one PUT each, and tags each once', async () => {
    const { mc, emails, sync } = await setup(600, 'mailchimp');
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
    const { ac, emails, sync } = await setup(300, 'activecampaign');
    const s = await sync();
    expect(s.errors, s.stopped).toBe(0);
    expect(s.counts.contacts).toBe(300);
    for (const email of emails) expect(ac.tagsOf(email), email).toEqual(['Customer']);
    expect(ac.tagCount('Customer')).toBe(1);
    const imports = ac.log.filter((l) => l.method === 'POST' && l.path === '/api/3/import/bulk_import');
    expect(imports.length).toBe(2);
    expect(s.requests).toBeLessThan(30);
  });
});

describe('ActiveCampaign imports side by side', () => {
  it('sends every import of a backlog without waiting for the one before; a slow one is polled by the next run, never sent again', async () => {
    const { ac, emails, sync } = await setup(600, 'activecampaign');
    const submits = () => ac.log.filter((l) => l.method === 'POST' && l.path === '/api/3/import/bulk_import').length;
    ac.holdImports(true);
    const first = await sync();
    expect(first.errors, first.stopped).toBe(0);
    expect(first.counts.batchRunning).toBeGreaterThanOrEqual(1);
    expect(submits()).toBe(3); // 599 after the first contact: 250 + 250 + 99, all sent while none had finished
    // None was waited for before the next was sent: the first status read comes after the third submit.
    const lastSubmit = ac.log.map((l) => l.path).lastIndexOf('/api/3/import/bulk_import');
    const firstRead = ac.log.findIndex((l) => l.path.startsWith('/api/3/import/info'));
    expect(firstRead).toBeGreaterThan(lastSubmit);
    expect(emails.slice(1).every((e) => ac.tagsOf(e).length === 0)).toBe(true);

    ac.holdImports(false);
    const second = await sync();
    expect(second.errors, second.stopped).toBe(0);
    expect(second.counts.imported).toBe(599);
    expect(submits()).toBe(3);
    for (const email of emails) {
      expect(ac.tagsOf(email), email).toEqual(['Customer']);
      // The contact is looked up once, not once per application (600 × 600 lookups took most of a minute).
      const id = ac.contactByEmail(email)!.id;
      expect(ac.state.applications.filter((a) => a.contact === id), email).toHaveLength(1);
    }
  });
});

describe('per-contact results of a bulk call', () => {
  it('ActiveCampaign: a contact the import reports as failed is retried one by one; the others are settled by the import, each tagged once', async () => {
    const { ac, clock, emails, sync } = await setup(30, 'activecampaign');
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
    const tagPosts = () => ac.log.filter((l) => l.method === 'POST' && l.path === '/api/3/contactTags').length;
    const before = tagPosts();
    const second = await sync();
    expect(second.errors, second.stopped).toBe(0);
    expect(ac.state.imports.size).toBe(1);
    expect(tagPosts() - before).toBe(1);
    for (const email of emails) {
      expect(ac.tagsOf(email), email).toEqual(['Customer']);
      // The contact is looked up once, not once per application (600 × 600 lookups took most of a minute).
      const id = ac.contactByEmail(email)!.id;
      expect(ac.state.applications.filter((a) => a.contact === id), email).toHaveLength(1);
    }
  });

  it('Mailchimp: a member PUT that fails inside the upsert batch is retried on its own; the others are tagged once', async () => {
    const { mc, clock, emails, sync } = await setup(80, 'mailchimp');
    mc.failNextBatch(1);
    const first = await sync();
    expect(first.errors).toBe(1);
    const untagged = emails.filter((e) => mc.tagsOf(e).length === 0);
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
    const { mc, emails, sync } = await setup(60, 'mailchimp');
    mc.addMember(emails[5]!, 'unsubscribed');
    const s = await sync();
    expect(s.errors, s.stopped).toBe(0);
    expect(s.counts.unsubscribed).toBe(1);
    expect(mc.log.filter((l) => l.method === 'PUT').length).toBeLessThan(5);
  });
});
