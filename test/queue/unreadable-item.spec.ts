import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { enqueueTagEvents } from '../../core/jobs/crm';
import type { JobContext } from '../../core/jobs/context';
import { FakeClock } from '../../core/runtime/clock';
import { EventBus } from '../../core/runtime/events';
import { WorkQueue } from '../../core/runtime/queue';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

const good = { id: 'q1', lane: 'shop:Main', kind: 'shipping.push', payload: { order: 'WO:1', createdAt: '2026-11-01T10:00:00.000Z', remoteId: '1', dedupeKey: 'ship:WO:1' }, enqueuedAt: '2026-11-01T10:00:00.000Z', attempts: 0 };

async function folderWith(items: unknown[]): Promise<string> {
  const dir = await tempDir('br-queue-bad-');
  await writeFile(join(dir, 'queue.json'), JSON.stringify({ schemaVersion: 1, items, ledger: {}, customers: {}, crmSent: {} }));
  return dir;
}

describe('a queued item the program cannot read', () => {
  test('a broken envelope does not stop the store from opening; the item is kept and named in an error', async () => {
    const dir = await folderWith([good, { id: 'q2', lane: 'shop:Main', kind: 'shipping.push', payload: {}, enqueuedAt: 'x', attempts: 'three' }]);
    const store = await openStore(dir);
    const queue = new WorkQueue(store, new FakeClock('2026-11-02T00:00:00Z'), jsonRepositories(store));
    await queue.reported;
    expect(queue.list('shipping.push').map((i) => i.id)).toEqual(['q1']);
    const errors = store.issues.data.errors.filter((e) => e.operation.kind === 'queue.unreadable');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/q2/);
    expect(errors[0]!.message).toMatch(/attempts/);
    // Kept on disk, never silently dropped.
    await store.queue.save();
    const onDisk = JSON.parse(await readFile(join(dir, 'queue.json'), 'utf8')) as { unreadable: { item: { id: string } }[] };
    expect(onDisk.unreadable.map((u) => u.item.id)).toEqual(['q2']);
    // And read through the queue repository, as they were, with the reason.
    const unreadable = await jsonRepositories(store).queue.unreadable();
    expect(unreadable.map((u) => u.item)).toEqual([{ id: 'q2', lane: 'shop:Main', kind: 'shipping.push', payload: {}, enqueuedAt: 'x', attempts: 'three' }]);
    expect(unreadable[0]!.problem).toMatch(/attempts/);
  });

  test('a contact item without its tag changes is reported, not run (it used to crash the CRM job)', async () => {
    const dir = await folderWith([good, { id: 'c1', lane: 'crm:AC', kind: 'crm.contact', payload: { email: 'ada@example.com', contact: {}, meta: {} }, enqueuedAt: '2026-11-01T10:00:00.000Z', attempts: 0 }]);
    const store = await openStore(dir);
    const queue = new WorkQueue(store, new FakeClock('2026-11-02T00:00:00Z'), jsonRepositories(store));
    await queue.reported;
    expect(queue.list('crm.contact')).toEqual([]);
    const errors = store.issues.data.errors.filter((e) => e.operation.kind === 'queue.unreadable');
    expect(errors.map((e) => e.operation.args)).toEqual([{ id: 'c1' }]);
    expect(errors[0]!.message).toMatch(/payload\.ops/);
  });

  test('a tag event for that contact queues fresh work instead of throwing on the damaged item', async () => {
    const dir = await folderWith([{ id: 'c1', lane: 'crm:AC', kind: 'crm.contact', payload: { email: 'ada@example.com', contact: {}, meta: {} }, enqueuedAt: '2026-11-01T10:00:00.000Z', attempts: 0 }]);
    const store = await openStore(dir);
    store.main.data.crms.push({ name: 'AC', platform: 'activecampaign', url: 'https://ac.example.com', secretRef: 'crm:AC', addedAt: '2026-01-01T00:00:00Z' });
    const clock = new FakeClock('2026-11-02T00:00:00Z');
    const repos = jsonRepositories(store);
    const ctx: JobContext = { repos, store, clock, events: new EventBus(), queue: new WorkQueue(store, clock, repos), stockItems: new Map(), hooks: {}, shop: () => Promise.reject(new Error('no shops here')) };
    expect(enqueueTagEvents(ctx, [{ key: 'order:Main#1', email: 'ada@example.com', contact: {}, apply: ['VIP'], remove: [], fromCart: false }])).toBe(1);
    expect(store.queue.data.items.map((i) => i.kind)).toEqual(['crm.contact']);
  });

  test('reported once: opening the folder again does not add a second error', async () => {
    const dir = await folderWith([{ id: 'z', lane: 'x', kind: 'no.such.kind', payload: {}, enqueuedAt: '2026-11-01T10:00:00.000Z', attempts: 0 }]);
    const first = await openStore(dir);
    await new WorkQueue(first, new FakeClock('2026-11-02T00:00:00Z'), jsonRepositories(first)).reported;
    await first.queue.save();
    const again = await openStore(dir);
    await new WorkQueue(again, new FakeClock('2026-11-03T00:00:00Z'), jsonRepositories(again)).reported;
    expect(again.issues.data.errors.filter((e) => e.operation.kind === 'queue.unreadable')).toHaveLength(1);
    expect(again.queue.data.unreadable).toHaveLength(1);
  });
});
