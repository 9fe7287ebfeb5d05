import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startActiveCampaignSandbox, type ActiveCampaignSandbox } from '../../../sandbox/activecampaign/server';
import type { CrmConnector } from '../crm-types';
import { PlatformError } from '../http';
import { ACTIVECAMPAIGN_LIMITS, createActiveCampaignConnector } from './connector';

let sandbox: ActiveCampaignSandbox;
let ac: CrmConnector;

// Short back-off keeps retry tests quick; the rate limit itself stays the real one.
const connect = (key = sandbox.key) => createActiveCampaignConnector({ url: sandbox.accountUrl, key, limits: { backoffLimitMs: 200 } });

beforeEach(async () => {
  sandbox = await startActiveCampaignSandbox();
  ac = connect();
});
afterEach(async () => {
  await sandbox.close();
});

describe('ActiveCampaign connector', () => {
  it('upserts a contact by email and applies, reads and removes tags', async () => {
    const first = await ac.upsertContact({ email: 'Ann@Example.com', firstName: 'Ann', lastName: 'Lee', phone: '+44 1234' });
    expect(first.created).toBe(true);
    expect(first.status).toBe('transactional');
    const again = await ac.upsertContact({ email: 'ann@example.com', firstName: 'Annie' });
    expect(again).toMatchObject({ created: false, ref: { id: first.ref.id } });
    expect(sandbox.contactByEmail('ann@example.com')).toMatchObject({ firstName: 'Annie', lastName: 'Lee', phone: '+44 1234' });

    await ac.applyTags(first.ref, ['Customer', 'VIP']);
    expect(sandbox.tagsOf('ann@example.com')).toEqual(['Customer', 'VIP']);
    const read = await ac.getContact('ann@example.com');
    expect(read?.tags.sort()).toEqual(['Customer', 'VIP']);

    await ac.removeTags(first.ref, ['vip', 'Never existed']);
    expect(sandbox.tagsOf('ann@example.com')).toEqual(['Customer']);
    expect(await ac.getContact('nobody@example.com')).toBeNull();
  });

  it('pages through all 250 existing tags and creates no duplicate of one on the last page', async () => {
    sandbox.addTags(Array.from({ length: 250 }, (_, i) => `Tag ${i}`));
    const { ref } = await ac.upsertContact({ email: 'bo@example.com' });
    await ac.applyTags(ref, ['tag 249', 'Tag 120', 'Brand new']);
    expect(sandbox.tagCount('Tag 249')).toBe(1);
    expect(sandbox.tagCount('Brand new')).toBe(1);
    expect(sandbox.state.tagCreations).toBe(1);
    expect(sandbox.tagsOf('bo@example.com')).toEqual(['Brand new', 'Tag 120', 'Tag 249']);
    const pages = sandbox.log.filter((l) => l.method === 'GET' && l.path.startsWith('/api/3/tags?')).map((l) => new URL(l.path, 'http://x').searchParams.get('offset'));
    expect(pages.sort()).toEqual(['0', '100', '200']);
  });

  it('creates a missing tag once, even when two contacts need it at the same moment, and reuses the id map', async () => {
    const a = await ac.upsertContact({ email: 'a@example.com' });
    const b = await ac.upsertContact({ email: 'b@example.com' });
    await Promise.all([ac.applyTags(a.ref, ['Abandoned cart']), ac.applyTags(b.ref, ['abandoned cart'])]);
    expect(sandbox.state.tagCreations).toBe(1);
    const tagReads = sandbox.log.filter((l) => l.path.startsWith('/api/3/tags?')).length;
    await ac.applyTags(a.ref, ['Abandoned cart']);
    expect(sandbox.log.filter((l) => l.path.startsWith('/api/3/tags?')).length).toBe(tagReads);
    expect(sandbox.tagsOf('b@example.com')).toEqual(['Abandoned cart']);
  });

  it('finds a tag created elsewhere after the id map was read instead of failing on the duplicate', async () => {
    const { ref } = await ac.upsertContact({ email: 'c@example.com' });
    await ac.applyTags(ref, ['First']);
    sandbox.addTags(['Made in the CRM']);
    await ac.applyTags(ref, ['Made in the CRM']);
    expect(sandbox.tagCount('Made in the CRM')).toBe(1);
    expect(sandbox.tagsOf('c@example.com')).toEqual(['First', 'Made in the CRM']);
  });

  it('reads an unsubscribed contact back as unsubscribed', async () => {
    const { ref } = await ac.upsertContact({ email: 'un@example.com' });
    sandbox.setListStatus('un@example.com', 'subscribed');
    expect((await ac.getContact('un@example.com'))?.status).toBe('subscribed');
    sandbox.setListStatus('un@example.com', 'unsubscribed');
    expect(await ac.getContact('un@example.com')).toMatchObject({ ref, status: 'unsubscribed' });
    expect((await ac.upsertContact({ email: 'un@example.com', firstName: 'Un' })).status).toBe('unsubscribed');
  });

  it('maps custom fields by personalisation tag or title and reports fields the account lacks', async () => {
    sandbox.addField('Order count', 'ORDER_COUNT');
    sandbox.addField('Total spent', 'TOTAL_SPENT');
    const result = await ac.upsertContact({ email: 'f@example.com', company: 'Acme', fields: { ORDER_COUNT: '3', 'total spent': '99.50', 'Favourite colour': 'red' } });
    expect(result.unknownFields.sort()).toEqual(['Favourite colour', 'company']);
    expect(sandbox.fieldsOf('f@example.com')).toEqual({ ORDER_COUNT: '3', TOTAL_SPENT: '99.50' });
  });

  it('paces requests to 5 per rolling second and, when the account still answers 429, waits and sends the same request again', async () => {
    // The pacing is declared: at most 5 starts in any rolling second, with a margin for late timers.
    expect(ACTIVECAMPAIGN_LIMITS.rollingWindow).toMatchObject({ requests: 5, windowMs: 1000 });
    expect(ACTIVECAMPAIGN_LIMITS.rollingWindow!.marginMs).toBeGreaterThan(0);
    sandbox.addTags(Array.from({ length: 20 }, (_, i) => `T${i}`));
    for (const email of ['r1@example.com', 'r2@example.com', 'r3@example.com', 'r4@example.com']) sandbox.addContact({ email });
    const start = sandbox.log.length;
    const found = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((n) => ac.getContact(`${n}@example.com`)));
    expect(found.map((f) => f?.ref.email)).toEqual(['r1@example.com', 'r2@example.com', 'r3@example.com', 'r4@example.com']);
    // Starts spaced on this machine can still arrive bunched when the CPU is busy, and the account then
    // refuses some with 429: each refused request is sent again after Retry-After and answered once.
    const seen = sandbox.log.slice(start);
    const answered = seen.filter((l) => l.status === 200);
    expect(answered.length).toBe(13); // 1 tag page + 4 × (lookup, contactTags, contactLists)
    expect(new Set(answered.map((l) => l.path)).size).toBe(13);
    for (const [i, refused] of seen.entries()) {
      if (refused.status !== 429) continue;
      const retry = seen.slice(i + 1).find((l) => l.path === refused.path);
      expect(retry, `a refused ${refused.path} was sent again`).toBeDefined();
      expect(retry!.at - refused.at).toBeGreaterThanOrEqual(1000);
    }
    expect(seen.length - answered.length).toBe(sandbox.state.rateLimited);
    // How close to the limit it runs is a speed figure: `npm run bench -- crm` prints it.
  });

  it('sends a refused tag creation (a POST not safe to repeat) again after a 429: the account did not act on it', async () => {
    const { ref } = await ac.upsertContact({ email: 'post@example.com' });
    await ac.applyTags(ref, ['First']); // reads the tag list, so the next request to /tags is the creation
    sandbox.inject({ kind: 'status', status: 429, retryAfterSeconds: 1, body: { message: 'Too Many Requests' }, match: /^\/api\/3\/tags$/ });
    await ac.applyTags(ref, ['Fresh tag']);
    expect(sandbox.tagsOf('post@example.com')).toEqual(['First', 'Fresh tag']);
    expect(sandbox.log.filter((l) => l.method === 'POST' && l.path === '/api/3/tags').map((l) => l.status)).toEqual([201, 429, 201]);
  });

  it('honours 429 Retry-After and then succeeds', async () => {
    sandbox.addContact({ email: 'slow@example.com' });
    sandbox.inject({ kind: 'status', status: 429, retryAfterSeconds: 1, body: { message: 'Too Many Requests' }, match: /^\/api\/3\/contacts$/ });
    const found = await ac.getContact('slow@example.com');
    expect(found?.ref.email).toBe('slow@example.com');
    const lookups = sandbox.log.filter((l) => l.path.startsWith('/api/3/contacts?'));
    expect(lookups.map((l) => l.status)).toEqual([429, 200]);
    expect(lookups[1]!.at - lookups[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(ac.stats.retries).toBe(1);
  });

  it('reports a wrong key as one auth error, not retried, with no secret in the message', async () => {
    const wrong = connect('wrong-key-123456789');
    const error = await wrong.test().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ kind: 'auth', status: 403 });
    expect((error as Error).message).toMatch(/API key was refused/);
    expect((error as Error).message).not.toContain('wrong-key-123456789');
    expect(sandbox.log).toHaveLength(1);
  });

  it('names the account on test and keeps the key out of rejected-request messages', async () => {
    expect(await ac.test()).toEqual({ ok: true, platform: 'activecampaign', account: new URL(sandbox.accountUrl).host, user: 'admin@sandbox.example' });
    const error = await ac.upsertContact({ email: 'not-an-email' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rejected', status: 422, platformCode: 'email_invalid' });
    expect((error as Error).message).toContain('Contact Email Address is not valid');
    expect((error as Error).message).not.toContain(sandbox.key);
  });

  it('applies bulk tag changes one contact at a time and reports the one that failed', async () => {
    const a = await ac.upsertContact({ email: 'x@example.com' });
    const result = await ac.applyTagChanges([
      { ref: a.ref, apply: ['Bulk'], remove: [] },
      { ref: { id: '99999', email: 'ghost@example.com' }, apply: ['Bulk'], remove: [] },
    ]);
    expect(result.batched).toBe(0);
    expect(result.individually).toBe(1);
    expect(result.failed.map((f) => [f.index, f.error.kind])).toEqual([[1, 'rejected']]);
    expect(sandbox.tagsOf('x@example.com')).toEqual(['Bulk']);
  });
});
