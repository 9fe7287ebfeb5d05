import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMailchimpSandbox, type MailchimpSandbox } from '../../../sandbox/mailchimp/server';
import type { CrmConnector } from '../crm-types';
import { PlatformError } from '../http';
import { createMailchimpConnector, mailchimpBase } from './connector';
import { dataCenterOf, subscriberHash } from './wire';

let sandbox: MailchimpSandbox;
let mc: CrmConnector;
const connect = (key = sandbox.key, listId = sandbox.listId) =>
  createMailchimpConnector({ key, listId, server: sandbox.server, limits: { backoffLimitMs: 200 } });

beforeEach(async () => {
  sandbox = await startMailchimpSandbox();
  mc = connect();
});
afterEach(async () => {
  await sandbox.close();
});

describe('Mailchimp addressing', () => {
  it('hashes the lower-cased email with MD5 (the example from the Mailchimp docs)', () => {
    expect(subscriberHash('Urist.McVankab@freddiesjokes.com')).toBe('62eeb292278cc15f5817cb78f7790b08');
    expect(subscriberHash(' urist.mcvankab@freddiesjokes.com ')).toBe('62eeb292278cc15f5817cb78f7790b08');
  });

  it('derives the data centre from the key and refuses a key without one', () => {
    expect(dataCenterOf('abc123-us21')).toBe('us21');
    expect(mailchimpBase('abc123-us21')).toBe('https://us21.api.mailchimp.com/3.0');
    expect(() => mailchimpBase('abc123')).toThrow(/data centre/);
    expect(() => mailchimpBase('abc123-us21', 'http://mailchimp.example.com')).toThrow(/https/);
    expect(mailchimpBase('abc', 'http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000/3.0');
  });
});

describe('Mailchimp connector', () => {
  it('upserts a member by subscriber hash and sets tags active and inactive', async () => {
    const result = await mc.upsertContact({ email: 'Ann@Example.com', firstName: 'Ann', lastName: 'Lee', phone: '0123' });
    expect(result).toMatchObject({ ref: { id: subscriberHash('ann@example.com') }, status: 'subscribed', tags: [], unknownFields: [] });
    expect(sandbox.member('ann@example.com')?.mergeFields).toMatchObject({ FNAME: 'Ann', LNAME: 'Lee', PHONE: '0123' });

    await mc.applyTags(result.ref, ['Customer', 'VIP']);
    expect(sandbox.tagsOf('ann@example.com')).toEqual(['Customer', 'VIP']);
    await mc.removeTags(result.ref, ['VIP']);
    expect(await mc.getContact('ANN@example.com')).toEqual({ ref: { id: result.ref.id, email: 'ANN@example.com' }, status: 'subscribed', tags: ['Customer'] });
    expect(sandbox.state.tagCreations).toBe(2);
    expect(await mc.getContact('nobody@example.com')).toBeNull();
  });

  it('adds a member without consent as transactional and never resubscribes an unsubscribed one', async () => {
    expect((await mc.upsertContact({ email: 't@example.com', marketingConsent: false })).status).toBe('transactional');
    sandbox.addMember('gone@example.com', 'subscribed');
    sandbox.setStatus('gone@example.com', 'unsubscribed');
    expect((await mc.getContact('gone@example.com'))?.status).toBe('unsubscribed');
    expect((await mc.upsertContact({ email: 'gone@example.com', firstName: 'G' })).status).toBe('unsubscribed');
    expect(sandbox.member('gone@example.com')?.status).toBe('unsubscribed');
  });

  it('sends only merge fields the audience has and reports the rest', async () => {
    sandbox.addMergeField('ORDERS', 'Order count');
    const result = await mc.upsertContact({ email: 'f@example.com', company: 'Acme', fields: { 'order count': '4', SPENT: '10.00' } });
    expect(result.unknownFields.sort()).toEqual(['SPENT', 'company']);
    expect(sandbox.member('f@example.com')?.mergeFields).toMatchObject({ ORDERS: '4' });
  });

  it('never has more than 10 requests in flight', async () => {
    await sandbox.close();
    sandbox = await startMailchimpSandbox({ latencyMs: 30 });
    mc = connect();
    await Promise.all(Array.from({ length: 40 }, (_, i) => mc.upsertContact({ email: `m${i}@example.com` })));
    // At most 10 at once; how close to 10 it gets depends on how busy the machine is, so is not asserted.
    expect(sandbox.state.peakConnections).toBeLessThanOrEqual(10);
    expect(sandbox.state.rateLimited).toBe(0);
  });

  it('retries a 429 and gets through', async () => {
    sandbox.inject({ kind: 'status', status: 429, retryAfterSeconds: 1, body: { type: 'x', title: 'Too Many Requests', status: 429, detail: 'You have exceeded the limit of 10 simultaneous connections.' } });
    expect(await mc.getContact('x@example.com')).toBeNull();
    expect(sandbox.log.map((l) => l.status)).toEqual([429, 404]);
    expect(sandbox.log[1]!.at - sandbox.log[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('reports a wrong key as one auth error without the key in it', async () => {
    const error = await connect('ffffffffffffffffffffffffffffffff-us21').test().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect((error as Error).message).not.toContain('ffffffffffffffffffffffffffffffff');
    expect(sandbox.log).toHaveLength(1);
  });

  it('names the account and audience on test, and says when the audience id is wrong', async () => {
    sandbox.addMember('s@example.com');
    expect(await mc.test()).toEqual({ ok: true, platform: 'mailchimp', account: 'Sandbox Shop', user: 'owner@sandbox.example', listName: 'Sandbox Shop Customers', memberCount: 1 });
    const error = await connect(sandbox.key, 'nope').test().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'not-found' });
    expect((error as Error).message).toContain('no audience with id "nope"');
  });

  it('submits a batch, follows it from pending to finished, and reads each operation\'s result from its archive', async () => {
    const operations = [];
    for (let i = 0; i < 12; i++) {
      sandbox.addMember(`b${i}@example.com`);
      operations.push({ operationId: `op-${i}`, change: { ref: { id: subscriberHash(`b${i}@example.com`), email: `b${i}@example.com` }, apply: ['Bulk'], remove: [] } });
    }
    operations.push({ operationId: 'op-ghost', change: { ref: { id: subscriberHash('ghost@example.com'), email: 'ghost@example.com' }, apply: ['Bulk'], remove: [] } });
    sandbox.failNextBatch(1);
    const ids = operations.map((o) => o.operationId);
    sandbox.holdBatches(true);
    const { batchId } = await mc.batches!.submit(operations);
    expect(await mc.batches!.progress(batchId, ids)).toMatchObject({ state: 'running' });
    expect(await mc.batches!.progress(batchId, ids)).toMatchObject({ state: 'running' });
    sandbox.holdBatches(false);
    const done = await mc.batches!.progress(batchId, ids);
    if (done.state !== 'finished') throw new Error('the batch should have finished');
    expect([...done.failed.keys()].sort()).toEqual(['op-0', 'op-ghost']);
    expect(done.failed.get('op-ghost')!.kind).toBe('not-found');
    expect(done.succeeded.size).toBe(11);
    expect(sandbox.tagsOf('b0@example.com')).toEqual([]);
    expect(sandbox.tagsOf('b11@example.com')).toEqual(['Bulk']);
    // The results archive is read without the key.
    expect(sandbox.log.some((l) => l.path.startsWith('/batch-results/'))).toBe(true);
  });

  it('finds a batch whose answer was lost by its operation ids, and only its own', async () => {
    sandbox.addMember('f1@example.com');
    const ops = (prefix: string) => [{ operationId: `${prefix}-0`, change: { ref: { id: subscriberHash('f1@example.com'), email: 'f1@example.com' }, apply: ['Found'], remove: [] } }];
    const since = new Date();
    sandbox.holdBatches(true);
    const { batchId } = await mc.batches!.submit(ops('mine'));
    // Still running: a batch of the same size submitted since then is the candidate.
    expect(await mc.batches!.find(since, ['mine-0'])).toBe(batchId);
    sandbox.holdBatches(false);
    await mc.batches!.progress(batchId, ['mine-0']);
    await mc.batches!.progress(batchId, ['mine-0']);
    expect(sandbox.tagsOf('f1@example.com')).toEqual(['Found']);
    // Finished: now the results can tell it apart from a batch of the same size that is not ours.
    expect(await mc.batches!.find(since, ['mine-0'])).toBe(batchId);
    expect(await mc.batches!.find(since, ['other-0'])).toBeNull();
    expect(await mc.batches!.find(since, ['mine-0', 'mine-1'])).toBeNull();
  });

  it('makes a small bulk one call per contact, applying and removing in the same call', async () => {
    sandbox.addMember('s1@example.com');
    const ref = { id: subscriberHash('s1@example.com'), email: 's1@example.com' };
    await mc.applyTags(ref, ['Old']);
    const before = sandbox.log.length;
    const result = await mc.applyTagChanges([{ ref, apply: ['New'], remove: ['Old'] }]);
    expect(result).toEqual({ batched: 0, individually: 1, failed: [] });
    expect(sandbox.log.length - before).toBe(1);
    expect(sandbox.tagsOf('s1@example.com')).toEqual(['New']);
  });
});
