// queue.json keeps the shape earlier versions wrote: a file they wrote opens with every item typed,
// and what this version writes back is still read by their (looser) schema, item for item.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { FakeClock } from '../../core/runtime/clock';
import { WorkQueue } from '../../core/runtime/queue';
import { openStore } from '../../core/store';
import { jsonRepositories } from '../../core/store/json-repositories';
import { removeTempDirs, tempDir } from '../helpers';

afterAll(removeTempDirs);

/** The item schema of the versions before the typed queue: any kind, any payload. */
const EarlierItem = z.object({ id: z.string(), lane: z.string(), kind: z.string(), payload: z.record(z.string(), z.unknown()), enqueuedAt: z.string(), attempts: z.number().int().default(0), notBefore: z.string().optional() });
const EarlierQueue = z.object({ schemaVersion: z.number(), items: z.array(EarlierItem), ledger: z.record(z.string(), z.string()) });

const items = [
  // A batch intent of an earlier version: its operations name no keys or fields.
  { id: 'b1', lane: 'crm:MC', kind: 'crm.batch', payload: { intent: 'b1', notedAt: '2026-10-01T10:00:00.000Z', batchId: 'mc-77', operations: [{ operationId: 'backroom-b1-0', itemId: 'c1', change: { ref: { id: 'x1', email: 'ada@example.com' }, apply: ['VIP'], remove: [] } }] }, enqueuedAt: '2026-10-01T10:00:00.000Z', attempts: 0 },
  { id: 'c1', lane: 'crm:MC', kind: 'crm.contact', payload: { email: 'ada@example.com', contact: { firstName: 'Ada' }, meta: {}, ops: [{ tag: 'VIP', op: 'add', keys: ['order:Main#1|MC|ada@example.com|VIP|add'], fromCart: false }], batch: 'b1' }, enqueuedAt: '2026-10-01T09:00:00.000Z', attempts: 2, notBefore: '2026-10-01T09:01:00.000Z' },
  { id: 'q9', lane: 'shop:Main', kind: 'shipping.push', payload: { order: 'WO:1043', createdAt: '2026-09-30T08:00:00.000Z', remoteId: '1043', dedupeKey: 'ship:WO:1043' }, enqueuedAt: '2026-10-01T11:00:00.000Z', attempts: 1 },
];

describe('queue.json written by an earlier version', () => {
  test('opens with every item typed by its kind, and is written back in the same shape', async () => {
    const dir = await tempDir('br-queue-old-');
    const file = { schemaVersion: 1, items, ledger: { 'order:Main#0|MC|bo@example.com|VIP|add': '2026-09-01T00:00:00.000Z' }, customers: {}, crmSent: {} };
    await writeFile(join(dir, 'queue.json'), JSON.stringify(file));
    const store = await openStore(dir);
    const queue = new WorkQueue(store, new FakeClock('2026-10-02T00:00:00Z'), jsonRepositories(store));
    await queue.reported;
    expect(store.issues.data.errors).toEqual([]);
    expect(queue.list('crm.contact').map((i) => i.payload.ops.map((o) => o.tag))).toEqual([['VIP']]);
    expect(queue.list('crm.batch')[0]!.payload.operations[0]!.keys).toBeUndefined();
    expect(queue.get('shipping.push', 'WO:1043')?.payload.remoteId).toBe('1043');
    expect(queue.items).toEqual(items);

    await store.queue.save();
    const written: unknown = JSON.parse(await readFile(join(dir, 'queue.json'), 'utf8'));
    expect(written).toEqual(file);
    const earlier = EarlierQueue.parse(written);
    expect(earlier.items).toEqual(items);
  });
});
